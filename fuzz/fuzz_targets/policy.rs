//! Any policy text, as TOML and as JSON: a policy or an error, never a
//! panic; scanners under an accepted policy and each of its scopes give
//! reports that keep the invariants (`vigie_fuzz::invariants::check_policy`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_fuzz::targets::Target;

#[global_allocator]
static ALLOC: vigie_fuzz::alloc::Capped = vigie_fuzz::alloc::Capped;

fuzz_target!(|data: &[u8]| Target::Policy.check(data));
