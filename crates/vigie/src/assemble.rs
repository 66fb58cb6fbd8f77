//! The report assembler: the only place a [`Report`] is built. It gathers
//! what extraction could not read, scans the segments with the window
//! engine under the scan-wide text and findings limits, and decides the
//! status and the verdict once, at the end.

use crate::chars::floor_char_boundary;
use crate::engine::{Engine, SegmentView};
use crate::policy::Policy;
use crate::report::{Finding, ImageNote, Problem, ProblemCode, Report, Status};
use crate::trace::{Trace, TraceEvent, emit};

/// A report being put together.
pub(crate) struct Assembly<'p> {
    policy: &'p Policy,
    findings: Vec<Finding>,
    problems: Vec<Problem>,
    images: Vec<ImageNote>,
    /// Whether any text was given to scan: a report with problems and no
    /// text is `unscannable`, with some text `partial`.
    read_any: bool,
    /// Bytes of text the scan may still read (`max_text_bytes`).
    text_budget: usize,
    /// Set once a scan-wide limit stopped the scan.
    stopped: bool,
}

impl<'p> Assembly<'p> {
    /// An empty report under `policy`.
    pub(crate) fn new(policy: &'p Policy) -> Self {
        Assembly {
            policy,
            findings: Vec::new(),
            problems: Vec::new(),
            images: Vec::new(),
            read_any: false,
            text_budget: policy.limits.max_text_bytes,
            stopped: false,
        }
    }

    /// Records what could not be read.
    pub(crate) fn problem(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    /// Records the images extraction met.
    pub(crate) fn images(&mut self, images: Vec<ImageNote>) {
        self.images.extend(images);
    }

    /// Records a `limit` problem.
    pub(crate) fn limit(&mut self, message: String) {
        self.problem(Problem {
            code: ProblemCode::Limit,
            message,
        });
    }

    /// Whether a problem was recorded.
    pub(crate) fn has_problems(&self) -> bool {
        !self.problems.is_empty()
    }

    /// Scans `segments` in order, until a scan-wide limit stops it.
    pub(crate) fn scan(
        &mut self,
        engine: Engine<'_>,
        segments: &[SegmentView<'_>],
        trace: Option<&dyn Trace>,
    ) {
        let limits = self.policy.limits;
        for segment in segments {
            if self.stopped {
                return;
            }
            self.read_any = true;
            let mut text = segment.text;
            if text.len() > self.text_budget {
                text = &text[..floor_char_boundary(text, self.text_budget)];
                self.limit(format!(
                    "text longer than the limit of {} bytes; the rest was not scanned",
                    limits.max_text_bytes
                ));
                self.stopped = true;
            }
            self.text_budget -= text.len();
            let segment = SegmentView { text, ..*segment };
            if !engine.find_in(&segment, limits.max_findings, &mut self.findings, trace) {
                self.limit(format!(
                    "more than {} findings; the rest was not scanned",
                    limits.max_findings
                ));
                self.stopped = true;
            }
        }
    }

    /// The report: `complete` when nothing went unread, `unscannable` when
    /// problems and no text, `partial` otherwise; the verdict from the
    /// policy.
    pub(crate) fn finish(self, source: Option<String>, trace: Option<&dyn Trace>) -> Report {
        let status = if self.problems.is_empty() {
            Status::Complete
        } else if self.read_any {
            Status::Partial
        } else {
            Status::Unscannable
        };
        let verdict = self.policy.verdict(&self.findings, &self.problems);
        emit(trace, || TraceEvent::Decided { verdict, status });
        Report {
            source,
            verdict,
            status,
            findings: self.findings,
            problems: self.problems,
            images: self.images,
        }
    }
}
