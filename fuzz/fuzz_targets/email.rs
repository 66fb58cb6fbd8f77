//! Any bytes as an e-mail message (headers that make the sniffer say
//! e-mail put before them unless it already does, the input continuing the
//! headers or, when its first line cannot be one, as the body): MIME
//! structure, encodings, attachments handed back to the dispatcher. The
//! report's invariants hold.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_fuzz::targets::Target;

#[global_allocator]
static ALLOC: vigie_fuzz::alloc::Capped = vigie_fuzz::alloc::Capped;

fuzz_target!(|data: &[u8]| Target::Email.check(data));
