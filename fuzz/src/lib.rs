//! Helpers shared by the fuzz targets: what each target does with its input
//! ([`targets`]), the report invariants every target checks
//! ([`invariants`]), builders of small valid containers whose inner part is
//! the fuzz input ([`build`]), and an allocator that makes an
//! attacker-sized allocation a crash ([`alloc`]).
//!
//! `crates/vigie/tests/fuzz_regressions.rs` includes `targets.rs`,
//! `invariants.rs`, `build.rs` and `alloc.rs` with `#[path]`, so that the
//! normal test run replays the saved inputs exactly as the fuzzers ran
//! them: those files use `vigie`, `zip` and `serde_json` only, and refer to
//! each other as `crate::…`.

pub mod alloc;
pub mod build;
pub mod invariants;
pub mod targets;
