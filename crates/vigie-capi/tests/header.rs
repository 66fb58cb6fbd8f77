//! The committed header is what cbindgen makes of the current source.
//!
//! Run with `VIGIE_UPDATE_HEADER=1` to rewrite `include/vigie.h` after
//! changing the C interface.

use std::path::Path;

/// The modules that define the C interface, in the order of the header.
/// `lib.rs` only declares them; listing them here, rather than letting
/// cbindgen follow `mod` items (which rustfmt sorts), keeps the scanner
/// before the report, and the header in the order it had before the report
/// module was split.
const MODULES: [&str; 9] = [
    "version.rs",
    "result.rs",
    "last_error.rs",
    "strings.rs",
    "scanner.rs",
    "report.rs",
    "finding.rs",
    "problem.rs",
    "enums.rs",
];

#[test]
fn committed_header_is_current() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is readable");
    // Parse the sources directly rather than through `cargo metadata`: the
    // C interface lives in this crate only, and the test needs no cargo.
    let mut builder = cbindgen::Builder::new().with_config(config);
    for module in MODULES {
        builder = builder.with_src(crate_dir.join("src").join(module));
    }
    let bindings = builder.generate().expect("cbindgen parses the sources");
    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let generated = String::from_utf8(generated).expect("the header is UTF-8");

    let header_path = crate_dir.join("include/vigie.h");
    if std::env::var_os("VIGIE_UPDATE_HEADER").is_some() {
        std::fs::write(&header_path, &generated).expect("include/vigie.h is writable");
        return;
    }
    let committed = std::fs::read_to_string(&header_path).unwrap_or_default();
    assert!(
        committed == generated,
        "include/vigie.h is out of date with the Rust source; regenerate it with \
         VIGIE_UPDATE_HEADER=1 cargo test -p vigie-capi --test header"
    );
}
