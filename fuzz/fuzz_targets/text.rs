//! Any text (invalid UTF-8 replaced), scanned as a message and as one
//! segment of a document, in the part and page its first byte chooses: the
//! report's invariants hold, findings point inside the text on character
//! boundaries (`vigie_fuzz::invariants::check_segment`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_fuzz::targets::Target;

#[global_allocator]
static ALLOC: vigie_fuzz::alloc::Capped = vigie_fuzz::alloc::Capped;

fuzz_target!(|data: &[u8]| Target::Text.check(data));
