//! Any policy text: a policy or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(policy) = vigie::Policy::from_toml(text, "fuzz") {
            for scope in policy.scopes().map(str::to_string).collect::<Vec<_>>() {
                let _ = policy.for_scope(&scope);
            }
        }
    }
});
