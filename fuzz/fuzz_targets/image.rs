//! Any bytes as a picture (a PNG signature put before them unless the
//! sniffer already says picture): text in its metadata, and its pixels
//! decoded, prepared and judged by the skip rule. The report's invariants
//! hold, and no picture over the pixel limit is decoded.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_fuzz::targets::Target;

#[global_allocator]
static ALLOC: vigie_fuzz::alloc::Capped = vigie_fuzz::alloc::Capped;

fuzz_target!(|data: &[u8]| Target::Image.check(data));
