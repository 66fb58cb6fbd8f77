//! Links Tesseract (and Leptonica, which it reads images with) as
//! pkg-config finds them. On Debian: `apt-get install libtesseract-dev`.

fn main() {
    for library in ["tesseract", "lept"] {
        if let Err(error) = pkg_config::Config::new().probe(library) {
            panic!(
                "vigie-ocr needs the {library} library and its pkg-config file \
                 (Debian: apt-get install libtesseract-dev): {error}"
            );
        }
    }
}
