//! Any XML as one part of a valid OpenDocument file built in memory: the
//! first byte chooses `content.xml`, `styles.xml` or `meta.xml`, the rest is
//! its content. The report's invariants hold.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_fuzz::targets::Target;

#[global_allocator]
static ALLOC: vigie_fuzz::alloc::Capped = vigie_fuzz::alloc::Capped;

fuzz_target!(|data: &[u8]| Target::Odf.check(data));
