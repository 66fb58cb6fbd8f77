//! Any bytes as a PDF (`%PDF-1.7` put before them unless the sniffer
//! already sees a PDF): no panic, hang or attacker-sized allocation, and
//! the report's invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_fuzz::targets::Target;

#[global_allocator]
static ALLOC: vigie_fuzz::alloc::Capped = vigie_fuzz::alloc::Capped;

fuzz_target!(|data: &[u8]| Target::Pdf.check(data));
