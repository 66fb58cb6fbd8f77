//! Any bytes as RTF (`{\rtf1 ` put before them unless they already start
//! so): control words, groups, hex and Unicode escapes. The report's
//! invariants hold.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_fuzz::targets::Target;

#[global_allocator]
static ALLOC: vigie_fuzz::alloc::Capped = vigie_fuzz::alloc::Capped;

fuzz_target!(|data: &[u8]| Target::Rtf.check(data));
