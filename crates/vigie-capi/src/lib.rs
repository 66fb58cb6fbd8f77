//! The C ABI of vigie: `libvigie.so`, `libvigie.a` and `include/vigie.h`.
//!
//! A thin layer over the core crate. Every entry point checks its pointers
//! and lengths, turns Rust errors into a [`vigie_result`] with a thread-local
//! message ([`vigie_last_error`]), and runs inside one panic boundary
//! (`boundary.rs`) so that no call can unwind into C or abort the caller.
//!
//! One module per concept: `enums` (the mirrors of the core's enums),
//! `scanner`, `report`, `finding`, `problem` (each handle and its getters),
//! `result` (result codes), `last_error`, `strings` (strings both ways),
//! `version`, and `boundary` (the panic boundary and what a failed call
//! returns).
//!
//! Conventions, which the header repeats for C programmers:
//! - Handles are opaque: [`vigie_scanner`] (shared, immutable, usable from
//!   many threads at once) and [`vigie_report`] (immutable once made). Each
//!   has its `_free` function; freeing NULL does nothing.
//! - Strings passed in are UTF-8 with an explicit length, not NUL-terminated;
//!   NULL is accepted only with length 0. Strings handed out ([`vigie_str`])
//!   are borrowed from the handle they came from, UTF-8, and followed by a
//!   NUL byte so that `%s` works; their length is authoritative.
//! - Every fallible call returns a [`vigie_result`] and writes its output
//!   only on success (NULL on failure).
//!
//! The header is generated from this crate by cbindgen and committed; the
//! `header` test fails when it is out of date (see `tests/header.rs`).

// The C names are the public contract: lower-case types, as C libraries
// spell them.
#![allow(non_camel_case_types)]

// The panic boundary's macro, in scope in every module declared after it.
#[macro_use]
mod boundary;
mod enums;
mod finding;
mod last_error;
mod problem;
mod report;
mod result;
mod scanner;
mod strings;
mod version;

pub use enums::{
    vigie_confidence, vigie_kind, vigie_part, vigie_problem_code, vigie_status, vigie_verdict,
};
pub use finding::vigie_finding;
pub use last_error::{vigie_last_error, vigie_last_error_column, vigie_last_error_line};
pub use problem::vigie_problem;
pub use report::vigie_report;
pub use result::{vigie_result, vigie_result_str};
pub use scanner::vigie_scanner;
pub use strings::{vigie_str, vigie_string_free};
pub use version::{VIGIE_VERSION_MAJOR, VIGIE_VERSION_MINOR, VIGIE_VERSION_PATCH, vigie_version};
