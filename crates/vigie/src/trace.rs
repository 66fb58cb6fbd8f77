//! The trace of a scan: what each stage decided and why, for `explain` and
//! for a security officer who wants to know why a message passed. A scan
//! traces only when given a sink ([`crate::ScanOptions::trace`]); without
//! one, no event is built and the hot path pays one branch per decision.

use crate::report::{Confidence, Part, Status, Verdict};

/// One decision of a scan. Offsets are bytes in the segment's text.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TraceEvent<'a> {
    /// The scan starts reading a segment; the events that follow are in it.
    Segment {
        /// Its part of the document.
        part: Part,
        /// Its page, in a paged document.
        page: Option<u32>,
        /// The chain of containers it came from.
        path: &'a [String],
        /// Its length in bytes.
        len: usize,
    },
    /// A rule's literal or pattern matched here, and was set aside.
    Rejected {
        /// The rule.
        rule: &'a str,
        /// Where the match starts.
        start: usize,
        /// Where it ends.
        end: usize,
        /// Why it was set aside.
        why: &'static str,
    },
    /// A rule found something here (it becomes a finding unless a larger
    /// detection covers it).
    Detected {
        /// The rule.
        rule: &'a str,
        /// Where it starts.
        start: usize,
        /// Where it ends.
        end: usize,
        /// How sure.
        confidence: Confidence,
        /// Why.
        reason: &'a str,
    },
    /// A detection inside a larger one was dropped ("SECRET" inside "TRÈS
    /// SECRET").
    Covered {
        /// The rule.
        rule: &'a str,
        /// Where it starts.
        start: usize,
        /// Where it ends.
        end: usize,
    },
    /// The scan is over.
    Decided {
        /// The verdict.
        verdict: Verdict,
        /// How much was read.
        status: Status,
    },
}

/// Receives the events of a scan. Any `Fn(&TraceEvent)` is one.
///
/// ```
/// use std::cell::RefCell;
/// use vigie::{ScanInput, ScanOptions, Scanner, TraceEvent};
///
/// let events = RefCell::new(Vec::new());
/// let record = |event: &TraceEvent<'_>| events.borrow_mut().push(format!("{event:?}"));
/// let scanner = Scanner::new();
/// let options = ScanOptions::new().trace(&record);
/// let report = scanner.scan(ScanInput::Text("Le secret de la réussite."), &options)?;
/// assert!(report.findings.is_empty());
/// let events = events.into_inner();
/// assert!(events.iter().any(|e| e.starts_with("Rejected") && e.contains("fr.secret")), "{events:?}");
/// assert!(events.last().unwrap().starts_with("Decided"));
/// # Ok::<(), vigie::Error>(())
/// ```
pub trait Trace {
    /// Receives one event.
    fn event(&self, event: &TraceEvent<'_>);
}

impl<F: Fn(&TraceEvent<'_>)> Trace for F {
    fn event(&self, event: &TraceEvent<'_>) {
        self(event)
    }
}

/// Sends an event to the sink, if there is one; the event is built only
/// then.
#[inline]
pub(crate) fn emit<'a>(trace: Option<&dyn Trace>, event: impl FnOnce() -> TraceEvent<'a>) {
    if let Some(trace) = trace {
        trace.event(&event());
    }
}
