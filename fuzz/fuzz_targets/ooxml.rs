//! Any XML as one part of a valid Office Open XML package built in memory:
//! the first byte chooses the part (`vigie_fuzz::build::OOXML_PARTS`: the
//! Word body, a header, a footer, notes, comments, core or custom
//! properties, an Excel sheet or shared strings, a slide, speaker notes),
//! the rest is its content. The report's invariants hold.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_fuzz::targets::Target;

#[global_allocator]
static ALLOC: vigie_fuzz::alloc::Capped = vigie_fuzz::alloc::Capped;

fuzz_target!(|data: &[u8]| Target::Ooxml.check(data));
