//! Any bytes as HTML (`<html>` put before them unless the sniffer already
//! sees HTML): tags, entities, scripts and styles. The report's invariants
//! hold.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_fuzz::targets::Target;

#[global_allocator]
static ALLOC: vigie_fuzz::alloc::Capped = vigie_fuzz::alloc::Capped;

fuzz_target!(|data: &[u8]| Target::Html.check(data));
