//! Any rule pack: rules or an error, never a panic; a scanner built from an
//! accepted pack scans.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(scanner) = vigie::Scanner::builder().rule_pack("fuzz", text).build() {
            let _ = scanner.scan_text("DIFFUSION RESTREINTE — SECRET — TLP:RED");
        }
    }
});
