//! The scanner's façade: rules compiled once, shared by every thread, and
//! one entry, [`Scanner::scan`], for every kind of input and every policy.
//! The window engine ([`crate::engine`]) finds; the assembler
//! ([`crate::assemble`]) builds the report; this module reads the input
//! within the limits and routes it.

use std::borrow::Cow;
use std::io::Read;
use std::path::Path;

use crate::assemble::Assembly;
use crate::data::DataFinder;
use crate::engine::{Engine, SegmentView};
use crate::error::Error;
use crate::extract::{self, Engines};
use crate::input::{self, Input};
use crate::matcher::Matcher;
use crate::policy::Policy;
use crate::report::Report;
use crate::rules::RuleSet;
use crate::trace::Trace;

/// What to scan.
pub enum ScanInput<'a> {
    /// A message.
    Text(&'a str),
    /// An attachment as bytes. Its format comes from its content (see
    /// [`crate::extract`]); `name` names it in locations and messages only.
    Bytes {
        /// The content.
        bytes: &'a [u8],
        /// Its name, if it has one.
        name: Option<&'a str>,
    },
    /// The segments of one document, already extracted by the caller.
    Segments(&'a [SegmentView<'a>]),
    /// A file, by path. It is refused by its size, without being read, when
    /// larger than `max_input_bytes`; plain text is read only as far as
    /// `max_text_bytes`. The report's source is the path.
    Path(&'a Path),
    /// A file already opened (by a caller that checked what it opened), read
    /// as [`ScanInput::Path`]. `name` is the report's source.
    File {
        /// The open file.
        file: std::fs::File,
        /// Its name.
        name: &'a str,
    },
    /// A stream, read up to `max_input_bytes`.
    Reader {
        /// The stream.
        reader: &'a mut dyn Read,
        /// Its name, if it has one.
        name: Option<&'a str>,
    },
}

impl std::fmt::Debug for ScanInput<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScanInput::Text(text) => write!(f, "Text({} bytes)", text.len()),
            ScanInput::Bytes { bytes, name } => write!(f, "Bytes({} bytes, {name:?})", bytes.len()),
            ScanInput::Segments(segments) => write!(f, "Segments({})", segments.len()),
            ScanInput::Path(path) => write!(f, "Path({})", path.display()),
            ScanInput::File { name, .. } => write!(f, "File({name})"),
            ScanInput::Reader { name, .. } => write!(f, "Reader({name:?})"),
        }
    }
}

/// Which policy a scan runs under.
#[derive(Debug, Clone, Copy, Default)]
enum PolicyChoice<'a> {
    /// The scanner's.
    #[default]
    Scanner,
    /// The scanner's, under the overrides of a named scope.
    Scope(&'a str),
    /// This one.
    Given(&'a Policy),
}

/// How to scan: under which policy, with which engines, traced or not.
/// `ScanOptions::new()` is the scanner's policy, no engine, no trace.
///
/// ```
/// use vigie::{ScanInput, ScanOptions, Scanner, Verdict};
/// let policy = vigie::Policy::from_toml("[scopes.dr-room]\nceiling = 2", "<string>")?;
/// let scanner = Scanner::builder().policy(policy).build()?;
/// let text = ScanInput::Text("DIFFUSION RESTREINTE");
/// let report = scanner.scan(text, &ScanOptions::new().scope("dr-room"))?;
/// assert_eq!(report.verdict, Verdict::Allow);
/// # Ok::<(), vigie::Error>(())
/// ```
#[derive(Clone, Copy, Default)]
pub struct ScanOptions<'a> {
    policy: PolicyChoice<'a>,
    trace: Option<&'a dyn Trace>,
    engines: Engines<'a>,
}

impl std::fmt::Debug for ScanOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanOptions")
            .field("policy", &self.policy)
            .field("trace", &self.trace.is_some())
            .field("engines", &self.engines)
            .finish()
    }
}

impl<'a> ScanOptions<'a> {
    /// The scanner's policy, no engine, no trace.
    pub fn new() -> Self {
        Self::default()
    }

    /// Under the policy of a named scope (a room, a channel; see
    /// [`Policy::scope`]). A scope the policy does not define makes the
    /// scan fail with [`Error::Scope`].
    pub fn scope(mut self, scope: &'a str) -> Self {
        self.policy = PolicyChoice::Scope(scope);
        self
    }

    /// Under this policy, such as one made once by [`Policy::for_scope`]
    /// and kept. The rules stay the scanner's; verdicts and limits change.
    pub fn policy(mut self, policy: &'a Policy) -> Self {
        self.policy = PolicyChoice::Given(policy);
        self
    }

    /// With these engines (OCR) for extraction.
    pub fn engines(mut self, engines: Engines<'a>) -> Self {
        self.engines = engines;
        self
    }

    /// Sends every decision of the scan to `trace` (see [`crate::trace`]).
    pub fn trace(mut self, trace: &'a dyn Trace) -> Self {
        self.trace = Some(trace);
        self
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

    /// Scans `input` under `options`: the one entry every other `scan_*`
    /// method and every binding goes through. Content never makes it fail
    /// (what cannot be read is a problem in the report, and the report is
    /// `partial` or `unscannable`, so that the default policy fails closed);
    /// it fails only when a file or stream cannot be read.
    ///
    /// ```
    /// use vigie::{ScanInput, ScanOptions, Scanner, Verdict};
    /// let scanner = Scanner::new();
    /// let bytes = ScanInput::Bytes { bytes: b"TLP:RED", name: Some("note.txt") };
    /// let report = scanner.scan(bytes, &ScanOptions::new())?;
    /// assert_eq!(report.verdict, Verdict::Block);
    /// assert_eq!(report.findings[0].location.path, ["note.txt"]);
    /// # Ok::<(), vigie::Error>(())
    /// ```
    pub fn scan(&self, input: ScanInput<'_>, options: &ScanOptions<'_>) -> Result<Report, Error> {
        let run = self.run(options)?;
        match input {
            ScanInput::Text(text) => Ok(run.segments(&[SegmentView::body(text)])),
            ScanInput::Bytes { bytes, name } => Ok(run.bytes(bytes, name)),
            ScanInput::Segments(segments) => Ok(run.segments(segments)),
            ScanInput::Path(path) => {
                let file = std::fs::File::open(path).map_err(|source| Error::Io {
                    path: path.to_path_buf(),
                    source,
                })?;
                run.file(file, &path.display().to_string())
            }
            ScanInput::File { file, name } => run.file(file, name),
            ScanInput::Reader { reader, name } => run.reader(reader, name),
        }
    }

    /// What one scan runs with; an error for a scope the policy does not
    /// define.
    fn run<'s>(&'s self, options: &ScanOptions<'s>) -> Result<Run<'s>, Error> {
        let policy = match options.policy {
            PolicyChoice::Scanner => Cow::Borrowed(&self.policy),
            PolicyChoice::Scope(scope) => Cow::Owned(self.policy.scope(scope)?),
            PolicyChoice::Given(policy) => Cow::Borrowed(policy),
        };
        Ok(self.run_under(policy, options))
    }

    /// What one scan runs with, under `policy`.
    fn run_under<'s>(&'s self, policy: Cow<'s, Policy>, options: &ScanOptions<'s>) -> Run<'s> {
        Run {
            engine: Engine {
                rules: &self.rules,
                matcher: &self.matcher,
                data: &self.data,
            },
            policy,
            trace: options.trace,
            engines: options.engines,
        }
    }

    /// A scan under the scanner's own policy, no engine, no trace.
    fn plain(&self) -> Run<'_> {
        self.run_under(Cow::Borrowed(&self.policy), &ScanOptions::new())
    }

    /// Scans a message under the policy. A shorthand for
    /// [`Scanner::scan`] with [`ScanInput::Text`].
    pub fn scan_text(&self, text: &str) -> Report {
        self.plain().segments(&[SegmentView::body(text)])
    }

    /// This scanner under the policy of a named scope (a room, a channel;
    /// see [`Policy::for_scope`]). Cheap: the rules are borrowed. A
    /// shorthand for [`ScanOptions::scope`].
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

    /// This scanner under another policy: a shorthand for
    /// [`ScanOptions::policy`].
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

    /// Scans an attachment given as bytes: a shorthand for
    /// [`Scanner::scan`] with [`ScanInput::Bytes`]. `name_hint` names the
    /// input in locations and messages only: the content decides, never the
    /// name.
    pub fn scan_bytes(&self, bytes: &[u8], name_hint: Option<&str>) -> Report {
        self.plain().bytes(bytes, name_hint)
    }

    /// Reads everything from `reader` (at most `limits.max_input_bytes`) and
    /// scans it: a shorthand for [`ScanInput::Reader`]. Fails only when
    /// reading fails.
    pub fn scan_reader(
        &self,
        mut reader: impl std::io::Read,
        name_hint: Option<&str>,
    ) -> Result<Report, Error> {
        self.plain().reader(&mut reader, name_hint)
    }

    /// Reads a file and scans it: a shorthand for [`ScanInput::Path`].
    pub fn scan_file(&self, path: impl AsRef<std::path::Path>) -> Result<Report, Error> {
        self.scan(ScanInput::Path(path.as_ref()), &ScanOptions::new())
    }

    /// Scans a file already opened: a shorthand for [`ScanInput::File`].
    pub fn scan_open_file(&self, file: std::fs::File, name: &str) -> Result<Report, Error> {
        self.plain().file(file, name)
    }

    /// Scans the segments of one document and gives one report: a shorthand
    /// for [`ScanInput::Segments`].
    pub fn scan_segments(&self, segments: &[SegmentView<'_>]) -> Report {
        self.plain().segments(segments)
    }
}

/// One scan: the engine, the policy in force, the trace and the engines.
struct Run<'s> {
    engine: Engine<'s>,
    policy: Cow<'s, Policy>,
    trace: Option<&'s dyn Trace>,
    engines: Engines<'s>,
}

impl Run<'_> {
    fn segments(&self, segments: &[SegmentView<'_>]) -> Report {
        let mut report = Assembly::new(&self.policy);
        report.scan(self.engine, segments, self.trace);
        report.finish(None, self.trace)
    }

    fn bytes(&self, bytes: &[u8], name: Option<&str>) -> Report {
        let context = extract::Context::new(self.policy.limits).with_engines(self.engines);
        let extraction = extract::extract(bytes, name, context);
        let segments: Vec<SegmentView<'_>> =
            extraction.segments.iter().map(SegmentView::of).collect();
        let mut report = Assembly::new(&self.policy);
        for problem in extraction.problems {
            report.problem(problem);
        }
        report.images(extraction.images);
        report.scan(self.engine, &segments, self.trace);
        report.finish(None, self.trace)
    }

    fn reader(&self, reader: &mut dyn Read, name: Option<&str>) -> Result<Report, Error> {
        let input = input::read(reader, None, &self.policy.limits).map_err(|source| Error::Io {
            path: name.unwrap_or("<reader>").into(),
            source,
        })?;
        Ok(self.input(input, name, None))
    }

    fn file(&self, file: std::fs::File, name: &str) -> Result<Report, Error> {
        let io_error = |source| Error::Io {
            path: name.into(),
            source,
        };
        let metadata = file.metadata().map_err(io_error)?;
        let size = metadata.is_file().then_some(metadata.len());
        let input = input::read(file, size, &self.policy.limits).map_err(io_error)?;
        Ok(self.input(input, Some(name), Some(name.to_string())))
    }

    /// Scans what [`input::read`] read.
    fn input(&self, input: Input, name: Option<&str>, source: Option<String>) -> Report {
        let limits = self.policy.limits;
        match input {
            Input::Bytes(bytes) => {
                let mut report = self.bytes(&bytes, name);
                report.source = source;
                report
            }
            Input::TooLarge(size) => {
                let size = size.map_or_else(|| "more".to_string(), |s| s.to_string());
                let mut report = Assembly::new(&self.policy);
                report.limit(format!(
                    "input of {size} bytes is larger than the limit of {} bytes; not read",
                    limits.max_input_bytes
                ));
                report.finish(source, self.trace)
            }
            Input::Text { text, cut } => {
                let path: Vec<String> = name.map(|n| vec![n.to_string()]).unwrap_or_default();
                let segment = SegmentView {
                    path: &path,
                    ..SegmentView::body(&text)
                };
                let mut report = Assembly::new(&self.policy);
                report.scan(self.engine, &[segment], self.trace);
                if cut && !report.has_problems() {
                    report.limit(format!(
                        "text longer than the limit of {} bytes; the rest was not read",
                        limits.max_text_bytes
                    ));
                }
                report.finish(source, self.trace)
            }
        }
    }
}

/// A [`Scanner`] under the policy of one scope; see [`Scanner::in_scope`]
/// and [`Scanner::with_policy`]. A thin wrapper over [`Scanner::scan`] with
/// [`ScanOptions::policy`], kept for the callers that use it.
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

    fn run(&self) -> Run<'_> {
        self.scanner
            .run_under(Cow::Borrowed(&self.policy), &ScanOptions::new())
    }

    /// See [`Scanner::scan_text`].
    pub fn scan_text(&self, text: &str) -> Report {
        self.run().segments(&[SegmentView::body(text)])
    }

    /// See [`Scanner::scan_bytes`].
    pub fn scan_bytes(&self, bytes: &[u8], name_hint: Option<&str>) -> Report {
        self.run().bytes(bytes, name_hint)
    }

    /// See [`Scanner::scan_file`].
    pub fn scan_file(&self, path: impl AsRef<std::path::Path>) -> Result<Report, Error> {
        let options = ScanOptions::new().policy(&self.policy);
        self.scanner.scan(ScanInput::Path(path.as_ref()), &options)
    }

    /// See [`Scanner::scan_open_file`].
    pub fn scan_open_file(&self, file: std::fs::File, name: &str) -> Result<Report, Error> {
        self.run().file(file, name)
    }

    /// See [`Scanner::scan_reader`].
    pub fn scan_reader(
        &self,
        mut reader: impl std::io::Read,
        name_hint: Option<&str>,
    ) -> Result<Report, Error> {
        self.run().reader(&mut reader, name_hint)
    }

    /// See [`Scanner::scan_segments`].
    pub fn scan_segments(&self, segments: &[SegmentView<'_>]) -> Report {
        self.run().segments(segments)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::WINDOW_BYTES;
    use crate::report::{Part, ProblemCode, Status, Verdict};

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
            SegmentView {
                text: "Secret",
                part: Part::Header,
                page: Some(3),
                path: &path,
                pixels: None,
            },
            SegmentView {
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
        let segment = SegmentView {
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
