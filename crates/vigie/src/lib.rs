//! vigie finds protective markings ("DIFFUSION RESTREINTE", SECRET, NATO and
//! EU levels, TLP) and sensitive data (IBANs, card numbers, French social
//! security numbers, credentials, private keys) in text, and turns them into
//! a verdict (allow, warn, block) under a policy.
//!
//! ```
//! use vigie::{Scanner, Verdict};
//!
//! let scanner = Scanner::new(); // built once, shared by every thread
//! let report = scanner.scan_text("Mention : DR\nCompte rendu de la réunion du 3 mars.");
//! assert_eq!(report.verdict, Verdict::Block);
//! assert_eq!(report.findings[0].rule, "fr.diffusion-restreinte");
//!
//! let clean = scanner.scan_text("Le secret de la réussite, c'est le secrétariat.");
//! assert_eq!(clean.verdict, Verdict::Allow);
//! assert!(clean.findings.is_empty());
//! ```
//!
//! The pipeline (see ARCHITECTURE.md): [`normalize`] builds the matching form
//! of a text; [`matcher`] finds every literal form of every rule in one pass;
//! [`qualify`] decides from the context which of them are markings and how
//! sure it is; the data rules' regexes run where the matcher's keywords and
//! a scan for digits open them, and [`validate`] checks what they find;
//! [`policy`] turns findings into a verdict; [`report`] holds the result.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod assemble;
mod base64;
pub mod budget;
mod chars;
mod data;
pub mod detection;
mod engine;
pub mod error;
pub mod extract;
mod input;
pub mod matcher;
pub mod normalize;
pub mod policy;
mod portion;
pub mod qualify;
pub mod redact;
pub mod report;
pub mod rules;
mod scanner;
pub mod trace;
pub mod validate;

/// The README's examples, compiled as doc tests so that they stay true.
#[doc = include_str!("../../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

pub use engine::SegmentView;
pub use error::{Error, ErrorKind, Position};
pub use extract::Engines;
pub use policy::{Limits, Policy};
pub use report::{
    Confidence, Finding, ImageNote, ImageRead, Kind, Location, Part, PixelBox, Problem,
    ProblemCode, Report, Status, Verdict,
};
pub use rules::{Rule, RuleSet};
pub use scanner::{ScanInput, ScanOptions, Scanner, ScannerBuilder, ScopedScanner};
pub use trace::{Trace, TraceEvent};

/// The former name of [`SegmentView`], kept for the callers that use it.
pub type TextSegment<'a> = SegmentView<'a>;
