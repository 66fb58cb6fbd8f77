//! Any rule pack: rules or an error, never a panic; a scanner with an
//! accepted pack gives reports that keep the invariants
//! (`vigie_fuzz::invariants::check_rule_pack`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_fuzz::targets::Target;

#[global_allocator]
static ALLOC: vigie_fuzz::alloc::Capped = vigie_fuzz::alloc::Capped;

fuzz_target!(|data: &[u8]| Target::RulePack.check(data));
