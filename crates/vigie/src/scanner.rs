//! The scanner: rules compiled once, shared by every thread, applied to text.

use std::borrow::Cow;
use std::cell::RefCell;

use crate::chars::floor_char_boundary;
use crate::data::{DataFinder, Job};
use crate::detection::Detection;
use crate::error::Error;
use crate::extract;
use crate::input::{self, Input};
use crate::matcher::{Candidate, GateHit, Matcher};
use crate::normalize::Normalized;
use crate::policy::Policy;
use crate::portion;
use crate::qualify::{self, TextBounds};
use crate::report::{
    Finding, Location, Part, PixelBox, Problem, ProblemCode, Report, Status, excerpt,
};
use crate::rules::RuleSet;

/// Texts are matched in windows of about this size, so that the matching
/// form of a large text never lives in memory whole.
const WINDOW_BYTES: usize = 64 << 10;
/// How far back each window reaches into the one before it, so that a
/// marking cut by the window edge is still seen whole.
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
    qualified: Vec<Detection>,
}

/// One piece of text of a document: a message body, a page, a header.
#[derive(Debug, Clone, Copy)]
pub struct TextSegment<'a> {
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

impl<'a> TextSegment<'a> {
    /// The body of a message.
    pub fn body(text: &'a str) -> Self {
        TextSegment {
            text,
            part: Part::Body,
            page: None,
            path: &[],
            pixels: None,
        }
    }
}

/// Builds a [`Scanner`] with a policy and custom rule packs.
///
/// ```
/// let scanner = vigie::Scanner::builder()
///     .policy(vigie::Policy::from_toml("ceiling = 2", "<string>")?)
///     .rule_pack("acme", r#"
///         pack = "acme"
///         [[rule]]
///         id = "acme.interne"
///         name = "ACME Interne"
///         level = 3
///         forms = [{ text = "ACME INTERNE" }]
///     "#)
///     .build()?;
/// let report = scanner.scan_text("Document ACME interne, ne pas diffuser.");
/// assert_eq!(report.findings[0].rule, "acme.interne");
/// assert_eq!(report.verdict, vigie::Verdict::Block);
/// # Ok::<(), vigie::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct ScannerBuilder {
    policy: Policy,
    packs: Vec<(String, String)>,
}

impl ScannerBuilder {
    /// Sets the policy (the default policy otherwise).
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// Adds a custom rule pack (TOML text; see [`crate::rules`]). `origin`
    /// names it in error messages.
    pub fn rule_pack(mut self, origin: impl Into<String>, source: impl Into<String>) -> Self {
        self.packs.push((origin.into(), source.into()));
        self
    }

    /// Adds a custom rule pack from a file.
    pub fn rule_pack_file(self, path: impl AsRef<std::path::Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let source = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(self.rule_pack(path.display().to_string(), source))
    }

    /// Compiles the rules. Fails when a custom pack is invalid.
    pub fn build(self) -> Result<Scanner, Error> {
        let mut rules = RuleSet::builtin();
        for (origin, source) in &self.packs {
            rules.add_pack(origin, source)?;
        }
        let matcher = Matcher::new(&rules);
        let data = DataFinder::new(&rules);
        Ok(Scanner {
            rules,
            matcher,
            data,
            policy: self.policy,
        })
    }
}

/// A compiled scanner. Build it once and share it: it is `Send + Sync`, and
/// scans from many threads at once do not contend.
///
/// ```
/// let scanner = vigie::Scanner::new();
/// let report = scanner.scan_text("DIFFUSION RESTREINTE\n\nCompte rendu de la réunion.");
/// assert_eq!(report.verdict, vigie::Verdict::Block);
/// assert_eq!(report.findings[0].rule, "fr.diffusion-restreinte");
/// assert_eq!(report.findings[0].location.start..report.findings[0].location.end, 0..20);
/// ```
#[derive(Debug, Clone)]
pub struct Scanner {
    rules: RuleSet,
    matcher: Matcher,
    data: DataFinder,
    policy: Policy,
}

impl Default for Scanner {
    fn default() -> Self {
        Self::new()
    }
}

impl Scanner {
    /// The built-in rules under the default policy.
    pub fn new() -> Self {
        ScannerBuilder::default()
            .build()
            .expect("built-in rules are valid")
    }

    /// A builder, for a policy or custom rules.
    pub fn builder() -> ScannerBuilder {
        ScannerBuilder::default()
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The rules.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Scans a message under the policy.
    pub fn scan_text(&self, text: &str) -> Report {
        self.scan_segments(&[TextSegment::body(text)])
    }

    /// This scanner under the policy of a named scope (a room, a channel;
    /// see [`Policy::for_scope`]). Cheap: the rules are borrowed.
    ///
    /// ```
    /// let policy = vigie::Policy::from_toml("[scopes.dr-room]\nceiling = 2", "<string>")?;
    /// let scanner = vigie::Scanner::builder().policy(policy).build()?;
    /// let text = "DIFFUSION RESTREINTE";
    /// assert_eq!(scanner.scan_text(text).verdict, vigie::Verdict::Block);
    /// assert_eq!(scanner.in_scope("dr-room").scan_text(text).verdict, vigie::Verdict::Allow);
    /// # Ok::<(), vigie::Error>(())
    /// ```
    pub fn in_scope(&self, scope: &str) -> ScopedScanner<'_> {
        ScopedScanner {
            scanner: self,
            policy: Cow::Owned(self.policy.for_scope(scope)),
        }
    }

    /// This scanner under another policy, such as one made once by
    /// [`Policy::for_scope`] and kept: cheaper than [`Scanner::in_scope`]
    /// when the same scope is scanned many times. The rules stay this
    /// scanner's; only the verdicts and limits change.
    ///
    /// ```
    /// let policy = vigie::Policy::from_toml("[scopes.dr-room]\nceiling = 2", "<string>")?;
    /// let scanner = vigie::Scanner::builder().policy(policy).build()?;
    /// let dr_room = scanner.policy().for_scope("dr-room");
    /// let text = "DIFFUSION RESTREINTE";
    /// assert_eq!(scanner.with_policy(&dr_room).scan_text(text).verdict, vigie::Verdict::Allow);
    /// # Ok::<(), vigie::Error>(())
    /// ```
    pub fn with_policy<'a>(&'a self, policy: &'a Policy) -> ScopedScanner<'a> {
        ScopedScanner {
            scanner: self,
            policy: Cow::Borrowed(policy),
        }
    }

    /// Scans an attachment given as bytes. Its format comes from its content
    /// (see [`crate::extract`]): text in UTF-8, UTF-16 or Windows-1252, HTML,
    /// XML, RTF, e-mail, zip archives, Office Open XML and OpenDocument
    /// files. What cannot be read (a PDF until its extractor lands, an image
    /// without OCR, an unknown binary, an encrypted entry, a tripped limit)
    /// is a problem, and the report is `partial` or `unscannable`, so that
    /// the default policy fails closed. `name_hint` names the input in
    /// locations and messages only: the content decides, never the name.
    pub fn scan_bytes(&self, bytes: &[u8], name_hint: Option<&str>) -> Report {
        self.scan_bytes_under(bytes, name_hint, &self.policy)
    }

    fn scan_bytes_under(&self, bytes: &[u8], name_hint: Option<&str>, policy: &Policy) -> Report {
        let extraction = extract::extract(bytes, name_hint, extract::Context::new(policy.limits));
        let segments: Vec<TextSegment<'_>> = extraction
            .segments
            .iter()
            .map(|segment| TextSegment {
                text: &segment.text,
                part: segment.part,
                page: segment.page,
                path: &segment.path,
                pixels: segment.pixels,
            })
            .collect();
        let mut report = self.scan_segments_under(&segments, policy);
        if !extraction.problems.is_empty() {
            report.problems.splice(0..0, extraction.problems);
            report.status = if extraction.segments.is_empty() {
                Status::Unscannable
            } else {
                Status::Partial
            };
            report.verdict = policy.verdict(&report.findings, &report.problems);
        }
        report
    }

    /// Reads everything from `reader` (at most `limits.max_input_bytes`) and
    /// scans it (see [`Scanner::scan_bytes`]). Fails only when reading
    /// fails.
    pub fn scan_reader(
        &self,
        reader: impl std::io::Read,
        name_hint: Option<&str>,
    ) -> Result<Report, Error> {
        self.scan_reader_under(reader, name_hint, &self.policy)
    }

    fn scan_reader_under(
        &self,
        reader: impl std::io::Read,
        name_hint: Option<&str>,
        policy: &Policy,
    ) -> Result<Report, Error> {
        let input = input::read(reader, None, &policy.limits).map_err(|source| Error::Io {
            path: name_hint.unwrap_or("<reader>").into(),
            source,
        })?;
        Ok(self.scan_input(input, name_hint, policy))
    }

    /// Reads a file and scans its bytes (see [`Scanner::scan_bytes`]). Fails
    /// only when the file cannot be read; the report's source is the path.
    /// A file larger than `max_input_bytes` is refused by its size, without
    /// being read; plain text is read only as far as `max_text_bytes`.
    pub fn scan_file(&self, path: impl AsRef<std::path::Path>) -> Result<Report, Error> {
        self.scan_file_under(path.as_ref(), &self.policy)
    }

    fn scan_file_under(&self, path: &std::path::Path, policy: &Policy) -> Result<Report, Error> {
        let file = std::fs::File::open(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let name = path.display().to_string();
        self.scan_open_file_under(file, &name, policy)
    }

    /// Scans a file already opened (by a caller that checked what it
    /// opened): as [`Scanner::scan_file`], the size of a regular file is
    /// checked before it is read. `name` is the report's source.
    pub fn scan_open_file(&self, file: std::fs::File, name: &str) -> Result<Report, Error> {
        self.scan_open_file_under(file, name, &self.policy)
    }

    fn scan_open_file_under(
        &self,
        file: std::fs::File,
        name: &str,
        policy: &Policy,
    ) -> Result<Report, Error> {
        let io_error = |source| Error::Io {
            path: name.into(),
            source,
        };
        let metadata = file.metadata().map_err(io_error)?;
        let size = metadata.is_file().then_some(metadata.len());
        let input = input::read(file, size, &policy.limits).map_err(io_error)?;
        Ok(self
            .scan_input(input, Some(name), policy)
            .with_source(name.to_string()))
    }

    /// Scans what [`input::read`] read.
    fn scan_input(&self, input: Input, name_hint: Option<&str>, policy: &Policy) -> Report {
        match input {
            Input::Bytes(bytes) => self.scan_bytes_under(&bytes, name_hint, policy),
            Input::TooLarge(size) => {
                let size = size.map_or_else(|| "more".to_string(), |s| s.to_string());
                let problems = vec![Problem {
                    code: ProblemCode::Limit,
                    message: format!(
                        "input of {size} bytes is larger than the limit of {} bytes; not read",
                        policy.limits.max_input_bytes
                    ),
                }];
                Report {
                    source: None,
                    verdict: policy.verdict(&[], &problems),
                    status: Status::Unscannable,
                    findings: Vec::new(),
                    problems,
                }
            }
            Input::Text { text, cut } => {
                let path: Vec<String> = name_hint.map(|n| vec![n.to_string()]).unwrap_or_default();
                let segment = TextSegment {
                    text: &text,
                    part: Part::Body,
                    page: None,
                    path: &path,
                    pixels: None,
                };
                let mut report = self.scan_segments_under(&[segment], policy);
                if cut && report.problems.is_empty() {
                    report.problems.push(Problem {
                        code: ProblemCode::Limit,
                        message: format!(
                            "text longer than the limit of {} bytes; the rest was not read",
                            policy.limits.max_text_bytes
                        ),
                    });
                    report.status = Status::Partial;
                    report.verdict = policy.verdict(&report.findings, &report.problems);
                }
                report
            }
        }
    }

    /// Scans the segments of one document and gives one report.
    pub fn scan_segments(&self, segments: &[TextSegment<'_>]) -> Report {
        self.scan_segments_under(segments, &self.policy)
    }

    fn scan_segments_under(&self, segments: &[TextSegment<'_>], policy: &Policy) -> Report {
        let mut findings = Vec::new();
        let mut problems = Vec::new();
        let mut budget = policy.limits.max_text_bytes;
        for segment in segments {
            let mut text = segment.text;
            if text.len() > budget {
                text = &text[..floor_char_boundary(text, budget)];
                problems.push(Problem {
                    code: ProblemCode::Limit,
                    message: format!(
                        "text longer than the limit of {} bytes; the rest was not scanned",
                        policy.limits.max_text_bytes
                    ),
                });
            }
            budget -= text.len();
            let segment = TextSegment { text, ..*segment };
            if !self.find_in(&segment, policy.limits.max_findings, &mut findings) {
                problems.push(Problem {
                    code: ProblemCode::Limit,
                    message: format!(
                        "more than {} findings; the rest was not scanned",
                        policy.limits.max_findings
                    ),
                });
            }
            if !problems.is_empty() {
                break;
            }
        }
        let status = if problems.is_empty() {
            Status::Complete
        } else {
            Status::Partial
        };
        Report {
            source: None,
            verdict: policy.verdict(&findings, &problems),
            status,
            findings,
            problems,
        }
    }

    /// Appends the findings of one segment; false when `max_findings` was
    /// reached before the end of the text.
    fn find_in(
        &self,
        segment: &TextSegment<'_>,
        max_findings: usize,
        findings: &mut Vec<Finding>,
    ) -> bool {
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            let Scratch {
                normalized,
                candidates,
                gates,
                jobs,
                qualified,
            } = &mut *scratch;
            qualified.clear();
            gates.clear();
            let text = segment.text;
            let context = TextBounds::new(text, segment.part);
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
                    // What starts in the overlap was seen by the window
                    // before, unless it runs past that window's end.
                    candidates.retain(|c| c.start >= chunk_start || c.end > chunk_start);
                    gates.retain(|g| g.at >= chunk_start);
                    candidates.sort_unstable_by_key(|c| (c.start, c.end));
                    qualify::qualify(&self.rules, &self.matcher, &context, candidates, qualified);
                }
                // Portion marks and data are read chunk by chunk too, so that
                // nothing they collect grows with the text.
                let chunk = chunk_start..chunk_end;
                portion::find(&self.rules, text, chunk.clone(), qualified);
                let data_complete = self.data.find(
                    &self.rules,
                    text,
                    chunk,
                    gates,
                    jobs,
                    qualified,
                    max_findings,
                );
                if !data_complete || qualified.len() >= max_findings {
                    complete = false;
                    break;
                }
                window_start = overlap_start(text, chunk_end);
                chunk_start = chunk_end;
            }
            qualify::keep_outermost(qualified);
            if qualified.len() > max_findings {
                qualified.truncate(max_findings);
                complete = false;
            }
            for q in qualified.iter() {
                let rule = &self.rules.rules()[q.rule];
                findings.push(Finding {
                    rule: rule.id.clone(),
                    kind: rule.kind,
                    level: rule.level,
                    confidence: q.confidence,
                    reason: q.reason.clone(),
                    location: Location {
                        page: segment.page,
                        part: segment.part,
                        path: segment.path.to_vec(),
                        start: q.start,
                        end: q.end,
                        pixels: segment.pixels,
                    },
                    excerpt: excerpt(rule.mask, rule.mask_keep, &text[q.start..q.end]),
                });
            }
            if normalized.len() > SCRATCH_KEEP_BYTES
                || candidates.capacity() > SCRATCH_KEEP_BYTES / 16
            {
                *scratch = Scratch::default();
            }
            complete
        })
    }
}

/// A [`Scanner`] under the policy of one scope; see [`Scanner::in_scope`]
/// and [`Scanner::with_policy`].
#[derive(Debug, Clone)]
pub struct ScopedScanner<'a> {
    scanner: &'a Scanner,
    policy: Cow<'a, Policy>,
}

impl ScopedScanner<'_> {
    /// The policy in force for this scope.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// See [`Scanner::scan_text`].
    pub fn scan_text(&self, text: &str) -> Report {
        self.scan_segments(&[TextSegment::body(text)])
    }

    /// See [`Scanner::scan_bytes`].
    pub fn scan_bytes(&self, bytes: &[u8], name_hint: Option<&str>) -> Report {
        self.scanner
            .scan_bytes_under(bytes, name_hint, &self.policy)
    }

    /// See [`Scanner::scan_file`].
    pub fn scan_file(&self, path: impl AsRef<std::path::Path>) -> Result<Report, Error> {
        self.scanner.scan_file_under(path.as_ref(), &self.policy)
    }

    /// See [`Scanner::scan_open_file`].
    pub fn scan_open_file(&self, file: std::fs::File, name: &str) -> Result<Report, Error> {
        self.scanner.scan_open_file_under(file, name, &self.policy)
    }

    /// See [`Scanner::scan_reader`].
    pub fn scan_reader(
        &self,
        reader: impl std::io::Read,
        name_hint: Option<&str>,
    ) -> Result<Report, Error> {
        self.scanner
            .scan_reader_under(reader, name_hint, &self.policy)
    }

    /// See [`Scanner::scan_segments`].
    pub fn scan_segments(&self, segments: &[TextSegment<'_>]) -> Report {
        self.scanner.scan_segments_under(segments, &self.policy)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Verdict;

    #[test]
    fn the_scanner_is_send_and_sync() {
        fn shared<T: Send + Sync>() {}
        shared::<Scanner>();
    }

    #[test]
    fn markings_across_window_edges_are_found_once() {
        let scanner = Scanner::new();
        // Put a marking across every possible cut near the first window edge.
        for shift in 0..40 {
            let mut text = "mot ".repeat((WINDOW_BYTES - shift) / 4);
            text.push_str("la note est en diffusion\nrestreinte, merci. ");
            text.push_str(&"fin ".repeat(20_000));
            let report = scanner.scan_text(&text);
            let rules: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
            assert_eq!(rules, ["fr.diffusion-restreinte"], "shift {shift}");
            let f = &report.findings[0];
            assert_eq!(
                &text[f.location.start..f.location.end],
                "diffusion\nrestreinte"
            );
        }
    }

    #[test]
    fn text_over_the_limit_is_partial_and_blocks() {
        let policy = Policy::from_toml("[limits]\nmax_text_bytes = 100", "t").unwrap();
        let scanner = Scanner::builder().policy(policy).build().unwrap();
        let report = scanner.scan_text(&"é".repeat(80));
        assert_eq!(report.status, Status::Partial);
        assert_eq!(report.problems[0].code, ProblemCode::Limit);
        assert_eq!(report.verdict, Verdict::Block);
        assert_eq!(scanner.scan_text("court").status, Status::Complete);
    }

    #[test]
    fn too_many_findings_stop_the_scan() {
        let policy = Policy::from_toml("[limits]\nmax_findings = 10", "t").unwrap();
        let scanner = Scanner::builder().policy(policy).build().unwrap();
        let report = scanner.scan_text(&"TLP:RED\n".repeat(50_000));
        assert_eq!(report.findings.len(), 10);
        assert_eq!(report.status, Status::Partial);
        assert!(report.problems[0].message.contains("more than 10 findings"));
    }

    #[test]
    fn binary_content_fails_closed() {
        let scanner = Scanner::new();
        let report =
            scanner.scan_bytes(b"\x7FELF\x02\x01\x01\0\0\0\0\0\x03\0>\0", Some("blob.bin"));
        assert_eq!(report.status, Status::Unscannable);
        assert_eq!(report.problems[0].code, ProblemCode::Unsupported);
        assert!(
            report.problems[0].message.starts_with("blob.bin: binary"),
            "{:?}",
            report.problems
        );
        assert_eq!(report.verdict, Verdict::Block);
    }

    #[test]
    fn text_in_any_usual_encoding_is_read() {
        let scanner = Scanner::new();
        let bom = scanner.scan_bytes(b"\xEF\xBB\xBFTLP:RED", None);
        assert_eq!(bom.status, Status::Complete);
        assert_eq!(
            bom.findings[0].location.start..bom.findings[0].location.end,
            3..10,
            "offsets count the BOM"
        );
        let cp1252 = scanner.scan_bytes(
            b"Archive class\xE9e CONFIDENTIEL D\xC9FENSE en 1998.",
            Some("vieux.txt"),
        );
        assert_eq!(cp1252.findings[0].rule, "fr.confidentiel-defense");
        assert_eq!(cp1252.findings[0].location.path, ["vieux.txt"]);
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Mention : DR".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(
            scanner.scan_bytes(&utf16, None).findings[0].rule,
            "fr.diffusion-restreinte"
        );
    }

    #[test]
    fn a_policy_may_let_one_kind_of_problem_through() {
        const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
        let strict = Scanner::new().scan_bytes(PNG, None);
        assert_eq!(
            (strict.status, strict.verdict),
            (Status::Unscannable, Verdict::Block)
        );
        let policy = Policy::from_toml("[problems]\nocr-unavailable = \"allow\"", "t").unwrap();
        let lenient = Scanner::builder()
            .policy(policy)
            .build()
            .unwrap()
            .scan_bytes(PNG, None);
        assert_eq!(
            (lenient.status, lenient.verdict),
            (Status::Unscannable, Verdict::Allow)
        );
        assert_eq!(
            lenient.problems[0].code,
            ProblemCode::OcrUnavailable,
            "the problem is still reported"
        );
    }

    #[test]
    fn inputs_over_the_size_limit_are_unscannable() {
        let policy = Policy::from_toml("[limits]\nmax_input_bytes = 10", "t").unwrap();
        let scanner = Scanner::builder().policy(policy).build().unwrap();
        let report = scanner
            .scan_reader(&b"DIFFUSION RESTREINTE, but too long"[..], Some("x"))
            .unwrap();
        assert_eq!(report.status, Status::Unscannable);
        assert_eq!(report.problems[0].code, ProblemCode::Limit);
        assert_eq!(report.verdict, Verdict::Block);
    }

    #[test]
    fn unreadable_files_are_errors() {
        let error = Scanner::new()
            .scan_file("/nonexistent/file.txt")
            .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("cannot read /nonexistent/file.txt")
        );
    }

    #[test]
    fn a_marking_in_a_page_header_is_a_banner_and_keeps_its_location() {
        let path = vec!["dossier.zip".to_string(), "note.docx".to_string()];
        let segments = [
            TextSegment {
                text: "Secret",
                part: Part::Header,
                page: Some(3),
                path: &path,
                pixels: None,
            },
            TextSegment {
                text: "Le secret de la réussite.",
                part: Part::Body,
                page: Some(3),
                path: &path,
                pixels: None,
            },
        ];
        let report = Scanner::new().scan_segments(&segments);
        assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
        let finding = &report.findings[0];
        assert_eq!(finding.rule, "fr.secret");
        assert_eq!(finding.confidence, crate::Confidence::High);
        assert_eq!(
            finding.reason.split(';').next(),
            Some("banner in page header")
        );
        assert_eq!(finding.location.page, Some(3));
        assert_eq!(finding.location.part, Part::Header);
        assert_eq!(finding.location.path, path);
        assert_eq!(report.verdict, Verdict::Block);
    }

    #[test]
    fn a_sentence_in_a_footer_is_not_a_banner() {
        let segment = TextSegment {
            text: "Document soumis au secret professionnel.",
            part: Part::Footer,
            page: Some(1),
            path: &[],
            pixels: None,
        };
        assert!(Scanner::new().scan_segments(&[segment]).findings.is_empty());
    }

    #[test]
    fn scopes_change_the_ceiling() {
        let policy = Policy::from_toml("[scopes.dr]\nceiling = 2", "t").unwrap();
        let scanner = Scanner::builder().policy(policy).build().unwrap();
        let text = "DIFFUSION RESTREINTE";
        assert_eq!(scanner.scan_text(text).verdict, Verdict::Block);
        assert_eq!(
            scanner.in_scope("dr").scan_text(text).verdict,
            Verdict::Allow
        );
        assert_eq!(
            scanner
                .in_scope("dr")
                .scan_bytes(text.as_bytes(), None)
                .verdict,
            Verdict::Allow
        );
    }
}
