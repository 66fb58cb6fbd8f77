//! Any bytes, scanned as an attachment and as text: no panic, no hang, no
//! attacker-sized allocation, and the report's invariants
//! (`vigie_fuzz::invariants::check_bytes`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_fuzz::targets::Target;

#[global_allocator]
static ALLOC: vigie_fuzz::alloc::Capped = vigie_fuzz::alloc::Capped;

fuzz_target!(|data: &[u8]| Target::ScanBytes.check(data));
