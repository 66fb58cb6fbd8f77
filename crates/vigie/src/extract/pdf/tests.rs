//! PDFs built with lopdf, read through the extractor: the spacing of the
//! text a page draws (one row per case: content stream, text read), the
//! pictures it draws (routed to the image path), and encryption.

use std::io::Write;
use std::sync::Mutex;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, dictionary};

use crate::budget::Limits;
use crate::extract::{
    Bitmap, Context, Engines, Extraction, OcrEngine, OcrFailure, OcrWord, extract,
};
use crate::report::{Part, PixelBox, ProblemCode};

/// Grey samples of `width` × `height` pixels: three rings side by side on
/// light grey, shaped enough like glyphs for the image path's skip rule to
/// hand them to an engine.
fn glyphs(width: u32, height: u32) -> Vec<u8> {
    let mut samples = vec![0xE0; (width * height) as usize];
    let size = (height / 2).clamp(6, 40);
    for ring in 0..3 {
        let (left, top) = (2 + ring * (size + size / 4), height / 4);
        for y in top..(top + size).min(height) {
            for x in left..(left + size).min(width) {
                if x < left + 2 || x + 2 >= left + size || y < top + 2 || y + 2 >= top + size {
                    samples[(y * width + x) as usize] = 0x10;
                }
            }
        }
    }
    samples
}

/// A JPEG file of [`glyphs`].
fn jpeg_of_glyphs(width: u32, height: u32) -> Vec<u8> {
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode(
            &glyphs(width, height),
            width,
            height,
            image::ExtendedColorType::L8,
        )
        .unwrap();
    jpeg
}

/// A PDF under construction: one Helvetica font (`/F1`), pages in order.
struct Pdf {
    document: Document,
    pages: ObjectId,
    font: ObjectId,
    kids: Vec<Object>,
}

impl Pdf {
    fn new() -> Self {
        let mut document = Document::with_version("1.7");
        let pages = document.new_object_id();
        let font = document.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type1",
            "BaseFont" => "Helvetica",
            "Encoding" => "WinAnsiEncoding",
        });
        Pdf {
            document,
            pages,
            font,
            kids: Vec::new(),
        }
    }

    /// An Image XObject of `width` × `height` with `entries` besides.
    fn image(&mut self, width: i64, height: i64, entries: Dictionary, data: Vec<u8>) -> ObjectId {
        let mut dict = dictionary! {
            "Type" => "XObject",
            "Subtype" => "Image",
            "Width" => width,
            "Height" => height,
        };
        dict.extend(&entries);
        self.document.add_object(Stream::new(dict, data))
    }

    /// A grey image of `width` × `height`, deflated.
    fn grey_image(&mut self, width: i64, height: i64) -> ObjectId {
        let samples = glyphs(width as u32, height as u32);
        let entries = dictionary! {
            "ColorSpace" => "DeviceGray",
            "BitsPerComponent" => 8,
            "Filter" => "FlateDecode",
        };
        self.image(width, height, entries, deflate(&samples))
    }

    /// A page drawing `content`, with the font and `xobjects` by name.
    fn page(&mut self, content: &[u8], xobjects: &[(&str, ObjectId)]) -> &mut Self {
        let contents = self
            .document
            .add_object(Stream::new(Dictionary::new(), content.to_vec()));
        let mut named = Dictionary::new();
        for (name, id) in xobjects {
            named.set(*name, Object::Reference(*id));
        }
        let page = self.document.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => self.pages,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Contents" => contents,
            "Resources" => dictionary! {
                "Font" => dictionary! { "F1" => self.font },
                "XObject" => named,
            },
        });
        self.kids.push(page.into());
        self
    }

    fn bytes(&mut self) -> Vec<u8> {
        let count = self.kids.len() as i64;
        self.document.objects.insert(
            self.pages,
            dictionary! {
                "Type" => "Pages",
                "Kids" => self.kids.clone(),
                "Count" => count,
            }
            .into(),
        );
        let catalog = self.document.add_object(dictionary! {
            "Type" => "Catalog",
            "Pages" => self.pages,
        });
        self.document.trailer.set("Root", catalog);
        let mut out = Vec::new();
        self.document.save_to(&mut out).unwrap();
        out
    }
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn read(bytes: &[u8]) -> Extraction {
    extract(bytes, Some("t.pdf"), Context::new(Limits::default()))
}

fn codes(extraction: &Extraction) -> Vec<ProblemCode> {
    extraction.problems.iter().map(|p| p.code).collect()
}

/// The body text of the one page that draws `content`.
fn text_of(content: &str) -> String {
    let bytes = Pdf::new().page(content.as_bytes(), &[]).bytes();
    let extraction = read(&bytes);
    assert!(extraction.problems.is_empty(), "{content}: {extraction:?}");
    extraction
        .segments
        .iter()
        .filter(|s| s.part == Part::Body)
        .map(|s| s.text.as_str())
        .collect()
}

#[test]
fn spacing() {
    // Helvetica without /Widths: every glyph is 500/1000 of the font size
    // wide. At 10 points "AB" ends 10 units after it starts; a space takes
    // a gap wider than 1.5 (0.15 of the size), a line break a baseline
    // moved by more than 5 (half the size).
    const B: &str = "BT /F1 10 Tf 100 700 Td ";
    let rows: &[(&str, &str)] = &[
        // Strings that touch make one word.
        ("(AB) Tj (CD) Tj", "ABCD"),
        // `Td` moves from the start of the line, not the end of the text.
        ("(AB) Tj 12 0 Td (CD) Tj", "AB CD"),
        ("(AB) Tj 11 0 Td (CD) Tj", "ABCD"),
        // Letters placed one by one.
        ("(A) Tj 5 0 Td (B) Tj 5 0 Td (C) Tj", "ABC"),
        // A new line.
        ("(AB) Tj 0 -12 Td (CD) Tj", "AB\nCD"),
        // A baseline moved by less than half a line: a subscript.
        ("(AB) Tj 10 -4 Td (CD) Tj", "ABCD"),
        // Back to the left, on the same baseline: a new column.
        ("(AB) Tj 1 0 0 1 50 700 Tm (CD) Tj", "AB CD"),
        ("(AB) Tj 1 0 0 1 300 700 Tm (CD) Tj", "AB CD"),
        // TJ: thousandths of the size, negative to the right.
        ("[(AB) -200 (CD)] TJ", "AB CD"),
        ("[(AB) -100 (CD)] TJ", "ABCD"),
        ("[(AB) 100 (CD)] TJ", "ABCD"),
        ("[(A) (B) (C)] TJ", "ABC"),
        (
            "[(DIFFU) -30 (SION) -900 (RESTREINTE)] TJ",
            "DIFFUSION RESTREINTE",
        ),
        // Leading: T*, ' and " go down one line; TD sets the leading.
        ("12 TL (AB) Tj T* (CD) Tj", "AB\nCD"),
        ("12 TL (AB) Tj (CD) '", "AB\nCD"),
        ("12 TL (AB) Tj 1 0 (CD) \"", "AB\nCD"),
        ("(AB) Tj 0 -14 TD (CD) Tj T* (EF) Tj", "AB\nCD\nEF"),
        // Spaces in the string are the string's.
        ("(AB CD) Tj", "AB CD"),
        // A text matrix that scales a 1-point font to 10.
        (
            "ET BT /F1 1 Tf 10 0 0 10 100 700 Tm (AB) Tj (CD) Tj",
            "ABCD",
        ),
        // Two text objects, one line each.
        ("(AB) Tj ET BT /F1 10 Tf 100 680 Td (CD) Tj", "AB\nCD"),
        // The thresholds follow the larger font.
        ("(AB) Tj /F1 30 Tf 20 -12 Td (CD) Tj", "AB CD"),
        ("ET BT /F1 40 Tf 100 700 Td [(AB) -100 (CD)] TJ", "ABCD"),
        ("ET BT /F1 40 Tf 100 700 Td [(AB) -200 (CD)] TJ", "AB CD"),
    ];
    let mut failures = Vec::new();
    for (content, expected) in rows {
        let got = text_of(&format!("{B}{content} ET"));
        if got != *expected {
            failures.push(format!("{content:?}: expected {expected:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_big_picture_beside_text_is_not_read_without_ocr() {
    let mut pdf = Pdf::new();
    let photo = pdf.grey_image(200, 100);
    let text = b"BT /F1 12 Tf 72 700 Td (Compte rendu de la reunion du 3 mars) Tj ET";
    pdf.page(text, &[]);
    let mut content = b"q 200 0 0 100 72 500 cm /Im1 Do Q ".to_vec();
    content.extend_from_slice(text);
    pdf.page(&content, &[("Im1", photo)]);
    let bytes = pdf.bytes();
    let extraction = read(&bytes);
    assert_eq!(codes(&extraction), [ProblemCode::OcrUnavailable]);
    assert_eq!(
        extraction.problems[0].message,
        "t.pdf: page 2: image of 200×100 pixels: no OCR engine is available to read it"
    );
    assert_eq!(extraction.segments.len(), 2, "{extraction:?}");
    // The text was read, the picture was not: the scan is partial.
    let report = crate::Scanner::new().scan_bytes(&bytes, Some("t.pdf"));
    assert_eq!(report.status, crate::Status::Partial, "{report:?}");
    assert_eq!(report.verdict, crate::Verdict::Block);
}

#[test]
fn a_tiny_picture_cannot_hold_text() {
    let mut pdf = Pdf::new();
    let bullet = pdf.grey_image(8, 8);
    pdf.page(
        b"q 8 0 0 8 72 700 cm /Im1 Do Q BT /F1 12 Tf 82 700 Td (Ordre du jour) Tj ET",
        &[("Im1", bullet)],
    );
    let extraction = read(&pdf.bytes());
    assert!(extraction.problems.is_empty(), "{extraction:?}");
    // Even alone on its page: eight pixels hold no text.
    let mut pdf = Pdf::new();
    let bullet = pdf.grey_image(8, 8);
    pdf.page(b"q 595 0 0 842 0 0 cm /Im1 Do Q", &[("Im1", bullet)]);
    assert!(read(&pdf.bytes()).problems.is_empty());
}

#[test]
fn a_logo_on_every_page_is_reported_once() {
    let mut pdf = Pdf::new();
    let logo = pdf.grey_image(120, 40);
    for _ in 0..3 {
        pdf.page(
            b"q 120 0 0 40 40 780 cm /Logo Do Q BT /F1 12 Tf 72 700 Td (Le texte de la page suit ici) Tj ET",
            &[("Logo", logo)],
        );
    }
    let extraction = read(&pdf.bytes());
    assert_eq!(codes(&extraction), [ProblemCode::OcrUnavailable]);
    assert!(
        extraction.problems[0]
            .message
            .contains("page 1: image of 120×40"),
        "{extraction:?}"
    );
}

#[test]
fn pictures_of_a_page_are_one_problem() {
    let mut pdf = Pdf::new();
    let a = pdf.grey_image(64, 64);
    let b = pdf.grey_image(64, 32);
    let icon = pdf.grey_image(4, 4);
    let form = pdf.document.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), 100.into(), 100.into()],
            "Resources" => dictionary! { "XObject" => dictionary! { "Im3" => b } },
        },
        b"/Im3 Do".to_vec(),
    ));
    pdf.page(
        b"/Im1 Do /Im2 Do /Fm1 Do /Ic Do BI /W 20 /H 20 /CS /G /BPC 8 ID \x00\x00 EI",
        &[("Im1", a), ("Im2", a), ("Fm1", form), ("Ic", icon)],
    );
    let extraction = read(&pdf.bytes());
    assert_eq!(codes(&extraction), [ProblemCode::OcrUnavailable]);
    // The same picture drawn twice is one; the form's picture and the
    // inline one count; the icon does not.
    assert_eq!(
        extraction.problems[0].message,
        "t.pdf: page 1: 3 images and no text (a scanned page?): no OCR engine is available to read them"
    );
}

#[test]
fn image_masks_are_not_pictures() {
    let mut pdf = Pdf::new();
    let stencil = pdf.image(
        300,
        300,
        dictionary! { "ImageMask" => true, "BitsPerComponent" => 1 },
        vec![0xFF; 300 * 300 / 8],
    );
    pdf.page(
        b"/Mask Do BT /F1 12 Tf 72 700 Td (Le texte de la page) Tj ET",
        &[("Mask", stencil)],
    );
    assert!(read(&pdf.bytes()).problems.is_empty());
}

/// An engine that writes down the size of each bitmap it was given and
/// reads a marking in every one.
#[derive(Debug, Default)]
struct Recorder {
    seen: Mutex<Vec<String>>,
}

impl OcrEngine for Recorder {
    fn recognize(
        &self,
        bitmap: &Bitmap<'_>,
        _: std::time::Instant,
    ) -> Result<Vec<OcrWord>, OcrFailure> {
        assert_eq!(
            bitmap.pixels.len() as u64,
            u64::from(bitmap.width) * u64::from(bitmap.height)
        );
        self.seen
            .lock()
            .unwrap()
            .push(format!("{}x{}", bitmap.width, bitmap.height));
        let word = |text: &str| OcrWord {
            text: text.into(),
            confidence: 90.0,
            pixels: PixelBox {
                x: 0,
                y: 0,
                width: bitmap.width,
                height: bitmap.height,
            },
            line: 0,
        };
        // Three words: a pass that reads them is not retried turned.
        Ok(vec![word("DIFFUSION"), word("RESTREINTE"), word("Note")])
    }
}

#[test]
fn with_an_engine_pictures_are_read_once_decoded() {
    let mut pdf = Pdf::new();
    let grey = pdf.grey_image(40, 20);
    let jpeg = pdf.image(
        64,
        32,
        dictionary! { "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8, "Filter" => "DCTDecode" },
        jpeg_of_glyphs(64, 32),
    );
    let fax = pdf.image(
        100,
        100,
        dictionary! { "ColorSpace" => "DeviceGray", "BitsPerComponent" => 1, "Filter" => "CCITTFaxDecode" },
        vec![0; 16],
    );
    pdf.page(b"/A Do /B Do", &[("A", grey), ("B", jpeg)]);
    pdf.page(
        b"/A Do /C Do BI /W 16 /H 16 /CS /RGB /BPC 8 /F /AHx ID 00ff00 EI",
        &[("A", grey), ("C", fax)],
    );
    let bytes = pdf.bytes();
    let engine = Recorder::default();
    let context = Context::new(Limits::default()).with_engines(Engines { ocr: Some(&engine) });
    let extraction = extract(&bytes, Some("t.pdf"), context);
    assert_eq!(
        *engine.seen.lock().unwrap(),
        ["80x40", "128x64"],
        "small pictures are enlarged twice before an engine reads them"
    );
    let read: Vec<(Part, Option<u32>)> = extraction
        .segments
        .iter()
        .map(|s| (s.part, s.page))
        .collect();
    assert_eq!(read, [(Part::Ocr, Some(1)), (Part::Ocr, Some(1))]);
    // A fax image cannot be decoded, an inline image short of its samples
    // is damaged: neither passes as read.
    assert_eq!(
        codes(&extraction),
        [ProblemCode::Unsupported, ProblemCode::Corrupt],
        "{extraction:?}"
    );
    assert!(
        extraction.problems[0]
            .message
            .contains("page 2: an image in CCITTFaxDecode")
    );
}

#[test]
fn a_pdf_that_needs_a_password_is_encrypted() {
    use lopdf::encryption::{EncryptionState, EncryptionVersion, Permissions};
    let encrypted = |user_password: &str| {
        let bytes = Pdf::new()
            .page(b"BT /F1 12 Tf 72 700 Td (DIFFUSION RESTREINTE) Tj ET", &[])
            .bytes();
        let mut document = Document::load_mem(&bytes).unwrap();
        if document.trailer.get(b"ID").is_err() {
            let id = Object::string_literal(b"0123456789abcdef".to_vec());
            document.trailer.set("ID", vec![id.clone(), id]);
        }
        #[allow(deprecated)]
        let version = EncryptionVersion::V2 {
            document: &document,
            owner_password: "owner",
            user_password,
            key_length: 128,
            permissions: Permissions::all(),
        };
        let state = EncryptionState::try_from(version).unwrap();
        document.encrypt(&state).unwrap();
        let mut out = Vec::new();
        document.save_to(&mut out).unwrap();
        out
    };
    let locked = read(&encrypted("user"));
    assert_eq!(codes(&locked), [ProblemCode::Encrypted], "{locked:?}");
    assert!(locked.segments.is_empty());
    // Encrypted without a user password: every viewer opens it.
    let open = read(&encrypted(""));
    assert!(open.problems.is_empty(), "{open:?}");
    assert_eq!(open.segments[0].text, "DIFFUSION RESTREINTE");
}

#[test]
fn lopdf_errors_are_classified_by_variant() {
    use super::{decrypt_problem, load_problem};
    assert_eq!(
        load_problem(&lopdf::Error::InvalidPassword),
        ProblemCode::Encrypted
    );
    assert_eq!(
        load_problem(&lopdf::Error::UnsupportedSecurityHandler(
            b"Adobe.PubSec".to_vec()
        )),
        ProblemCode::Encrypted
    );
    // A message that says "decrypt" is not what decides.
    assert_eq!(
        load_problem(&lopdf::Error::Syntax("cannot decrypt".into())),
        ProblemCode::Corrupt
    );
    assert_eq!(
        load_problem(&lopdf::Error::MissingXrefEntry),
        ProblemCode::Corrupt
    );
    assert_eq!(
        decrypt_problem(&lopdf::Error::InvalidPassword),
        (
            ProblemCode::Encrypted,
            "PDF is encrypted with a password".to_string()
        )
    );
    assert_eq!(
        decrypt_problem(&lopdf::Error::DictKey("O".into())).0,
        ProblemCode::Corrupt
    );
}

#[test]
fn inline_pictures_kept_for_an_engine_are_bounded() {
    // Six inline pictures of a megabyte each: the first four are
    // read, the rest is a limit, not a pass.
    let mut content = Vec::new();
    for _ in 0..6 {
        content.extend_from_slice(b"BI /W 1024 /H 1023 /CS /G /BPC 8 ID ");
        content.extend(glyphs(1024, 1023));
        content.extend_from_slice(b" EI ");
    }
    let bytes = Pdf::new().page(&content, &[]).bytes();
    let engine = Recorder::default();
    let context = Context::new(Limits::default()).with_engines(Engines { ocr: Some(&engine) });
    let extraction = extract(&bytes, Some("t.pdf"), context);
    assert_eq!(engine.seen.lock().unwrap().len(), 4);
    assert_eq!(codes(&extraction), [ProblemCode::Limit], "{extraction:?}");
    // Without an engine, nothing is kept but their size: one problem.
    let extraction = read(&bytes);
    assert_eq!(codes(&extraction), [ProblemCode::OcrUnavailable]);
    assert!(
        extraction.problems[0].message.contains("6 images"),
        "{extraction:?}"
    );
}
