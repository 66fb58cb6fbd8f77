//! Archives. Input that starts like a zip (`PK`) is scanned as it is: the
//! zip reader's own parsing, bombs, damaged directories. Any other input
//! becomes a valid stored archive of up to eight entries, its pieces between
//! `\n--\n` separators, and that archive is also put inside another one, so
//! that nested containers and whatever the entries hold (text, HTML, PDF,
//! e-mail...) are reached. The report's invariants hold.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_fuzz::targets::Target;

#[global_allocator]
static ALLOC: vigie_fuzz::alloc::Capped = vigie_fuzz::alloc::Capped;

fuzz_target!(|data: &[u8]| Target::Zip.check(data));
