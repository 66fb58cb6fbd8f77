//! The window engine: finds what the rules find in one segment of text.
//!
//! A segment is read in windows of [`WINDOW_BYTES`], each reaching
//! [`WINDOW_OVERLAP_BYTES`] back into the one before, so that the matching
//! form of a large text never lives in memory whole and a marking cut by a
//! window edge is still seen whole. In each window: the matcher's one pass
//! ([`crate::matcher`]), the qualifier ([`crate::qualify`]), the portion
//! marks ([`crate::portion`]) and the data rules ([`crate::data`]). The
//! engine knows nothing of policies or reports beyond the findings it
//! appends; [`crate::assemble`] makes the report.

use std::cell::RefCell;

use crate::chars::floor_char_boundary;
use crate::data::{DataFinder, Job};
use crate::detection::Detection;
use crate::matcher::{Candidate, GateHit, Matcher};
use crate::normalize::Normalized;
use crate::portion;
use crate::qualify::{self, TextBounds};
use crate::redact::excerpt;
use crate::report::{Finding, Location, Part, PixelBox};
use crate::rules::RuleSet;
use crate::trace::{Trace, TraceEvent, emit};

/// Texts are matched in windows of about this size.
pub(crate) const WINDOW_BYTES: usize = 64 << 10;
/// How far back each window reaches into the one before it.
const WINDOW_OVERLAP_BYTES: usize = 256;
/// Scratch buffers larger than this are given back after a scan.
const SCRATCH_KEEP_BYTES: usize = 1 << 20;

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Buffers reused from one scan to the next on each thread, so that scanning
/// a message allocates nothing when it finds nothing.
#[derive(Default)]
struct Scratch {
    normalized: Normalized,
    candidates: Vec<Candidate>,
    gates: Vec<GateHit>,
    jobs: Vec<Job>,
    detections: Vec<Detection>,
}

/// A piece of text to scan, borrowed: a message body, a page, a header,
/// with where it stands. [`crate::extract::Segment`] is what extraction
/// owns; this is the view the scanner reads (of an extracted segment, or of
/// text a caller holds).
#[derive(Debug, Clone, Copy)]
pub struct SegmentView<'a> {
    /// The text.
    pub text: &'a str,
    /// Which part of the document it is.
    pub part: Part,
    /// Its page, from 1, in a paged document.
    pub page: Option<u32>,
    /// The chain of containers it came from.
    pub path: &'a [String],
    /// Where in an image it was read, for text read by OCR.
    pub pixels: Option<PixelBox>,
}

impl<'a> SegmentView<'a> {
    /// The body of a message.
    pub fn body(text: &'a str) -> Self {
        SegmentView {
            text,
            part: Part::Body,
            page: None,
            path: &[],
            pixels: None,
        }
    }

    /// A view of an extracted segment.
    pub fn of(segment: &'a crate::extract::Segment) -> Self {
        SegmentView {
            text: &segment.text,
            part: segment.part,
            page: segment.page,
            path: &segment.path,
            pixels: segment.pixels,
        }
    }
}

/// The compiled rules a scan runs, borrowed from the scanner.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Engine<'s> {
    pub(crate) rules: &'s RuleSet,
    pub(crate) matcher: &'s Matcher,
    pub(crate) data: &'s DataFinder,
}

impl Engine<'_> {
    /// Appends the findings of one segment; false when `max_findings` was
    /// reached before the end of the text.
    pub(crate) fn find_in(
        &self,
        segment: &SegmentView<'_>,
        max_findings: usize,
        findings: &mut Vec<Finding>,
        trace: Option<&dyn Trace>,
    ) -> bool {
        emit(trace, || TraceEvent::Segment {
            part: segment.part,
            page: segment.page,
            path: segment.path,
            len: segment.text.len(),
        });
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            let complete = self.detect(segment, max_findings, &mut scratch, trace);
            let rules = self.rules.rules();
            for d in &scratch.detections {
                let rule = &rules[d.rule];
                findings.push(Finding {
                    rule: rule.id.clone(),
                    kind: rule.kind,
                    level: rule.level,
                    confidence: d.confidence,
                    reason: d.reason.clone(),
                    location: Location {
                        page: segment.page,
                        part: segment.part,
                        path: segment.path.to_vec(),
                        start: d.start,
                        end: d.end,
                        pixels: segment.pixels,
                    },
                    excerpt: excerpt(rule.mask, rule.mask_keep, &segment.text[d.start..d.end]),
                });
            }
            if scratch.normalized.len() > SCRATCH_KEEP_BYTES
                || scratch.candidates.capacity() > SCRATCH_KEEP_BYTES / 16
            {
                *scratch = Scratch::default();
            }
            complete
        })
    }

    /// Fills `scratch.detections` with the outermost detections of the
    /// segment, window by window; false when `max_findings` was reached.
    fn detect(
        &self,
        segment: &SegmentView<'_>,
        max_findings: usize,
        scratch: &mut Scratch,
        trace: Option<&dyn Trace>,
    ) -> bool {
        let Scratch {
            normalized,
            candidates,
            gates,
            jobs,
            detections,
        } = scratch;
        detections.clear();
        gates.clear();
        let text = segment.text;
        let bounds = TextBounds::new(text, segment.part);
        let mut complete = true;
        let mut window_start = 0;
        let mut chunk_start = 0;
        while chunk_start < text.len() {
            let chunk_end = cut_point(text, chunk_start + WINDOW_BYTES);
            let window = &text[window_start..chunk_end];
            candidates.clear();
            gates.clear();
            // Most windows hold no literal at all: a cheap pass says so
            // before the matching form and its map are built.
            if self.matcher.may_match(window) {
                normalized.rebuild(window);
                self.matcher
                    .find(window, normalized, window_start, candidates, gates);
                // What starts in the overlap was seen by the window before,
                // unless it runs past that window's end.
                candidates.retain(|c| c.start >= chunk_start || c.end > chunk_start);
                gates.retain(|g| g.at >= chunk_start);
                candidates.sort_unstable_by_key(|c| (c.start, c.end));
                qualify::qualify(
                    self.rules,
                    self.matcher,
                    &bounds,
                    candidates,
                    detections,
                    trace,
                );
            }
            // Portion marks and data are read chunk by chunk too, so that
            // nothing they collect grows with the text.
            let chunk = chunk_start..chunk_end;
            portion::find(self.rules, text, chunk.clone(), detections);
            self.data.collect(self.rules, text, chunk, gates, jobs);
            let data_complete =
                self.data
                    .run(self.rules, text, jobs, detections, max_findings, trace);
            if !data_complete || detections.len() >= max_findings {
                complete = false;
                break;
            }
            window_start = overlap_start(text, chunk_end);
            chunk_start = chunk_end;
        }
        self.keep_outermost(detections, trace);
        if detections.len() > max_findings {
            detections.truncate(max_findings);
            complete = false;
        }
        complete
    }

    /// Drops detections inside larger ones, telling the trace which.
    fn keep_outermost(&self, detections: &mut Vec<Detection>, trace: Option<&dyn Trace>) {
        let Some(trace) = trace else {
            qualify::keep_outermost(detections);
            return;
        };
        let rules = self.rules.rules();
        for d in detections.iter() {
            trace.event(&TraceEvent::Detected {
                rule: &rules[d.rule].id,
                start: d.start,
                end: d.end,
                confidence: d.confidence,
                reason: &d.reason,
            });
        }
        qualify::keep_outermost_telling(detections, |d| {
            trace.event(&TraceEvent::Covered {
                rule: &rules[d.rule].id,
                start: d.start,
                end: d.end,
            });
        });
    }
}

/// Where to end a window that should end near `target`: just after a line
/// break if there is one in the last quarter of the window, else after a
/// space, else on a character boundary.
fn cut_point(text: &str, target: usize) -> usize {
    if target >= text.len() {
        return text.len();
    }
    let target = floor_char_boundary(text, target);
    let search_from = floor_char_boundary(text, target - WINDOW_BYTES / 4);
    let tail = &text.as_bytes()[search_from..target];
    if let Some(i) = memchr::memrchr(b'\n', tail) {
        return search_from + i + 1;
    }
    if let Some(i) = memchr::memrchr(b' ', tail) {
        return search_from + i + 1;
    }
    target
}

/// Where the window after a cut at `cut` begins: up to
/// [`WINDOW_OVERLAP_BYTES`] earlier, just after a space or line break so the
/// window does not start inside a word.
fn overlap_start(text: &str, cut: usize) -> usize {
    let from = floor_char_boundary(text, cut.saturating_sub(WINDOW_OVERLAP_BYTES));
    let head = &text.as_bytes()[from..cut];
    match memchr::memchr2(b' ', b'\n', head) {
        Some(i) => from + i + 1,
        None => from,
    }
}
