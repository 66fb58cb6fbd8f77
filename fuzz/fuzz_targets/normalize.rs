//! Any text (invalid UTF-8 replaced) through the normalizer: the matching
//! form's bytes, its map back to the original (inside the text, on
//! character boundaries, monotonic), its word boundaries, and
//! `for_each_byte` agreeing with it (`vigie_fuzz::invariants::check_normalized`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_fuzz::targets::Target;

#[global_allocator]
static ALLOC: vigie_fuzz::alloc::Capped = vigie_fuzz::alloc::Capped;

fuzz_target!(|data: &[u8]| Target::Normalize.check(data));
