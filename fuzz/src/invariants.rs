//! The invariants of a report, whatever the input.
//!
//! Shared by the fuzz targets (as `vigie_fuzz::invariants`) and by the
//! regression test `crates/vigie/tests/fuzz_regressions.rs`, which includes
//! this file with `#[path]`: it depends on `vigie` and `serde_json` only.
//! Each target is a thin wrapper around one `check_*` function here, so that
//! a saved input is replayed by the test exactly as its target ran it.
//!
//! Every check panics with a message naming the broken promise, so that a
//! fuzzer records the input and a test fails.

use vigie::extract::{self, Segment};
use vigie::normalize::{self, Normalized, OTHER_LETTER};
use vigie::{Part, Policy, Report, Scanner, Status, TextSegment, Verdict};

/// Longest excerpt in characters (`report::excerpt` cuts at 80).
const MAX_EXCERPT_CHARS: usize = 80;

/// Scans `bytes` as an attachment and checks the report against the
/// segments that extraction gives for the same bytes; then scans the bytes
/// read as text (invalid UTF-8 replaced) and checks that report too.
pub fn check_bytes(scanner: &Scanner, bytes: &[u8]) {
    let policy = scanner.policy();
    let report = scanner.scan_bytes(bytes, None);
    let extraction = extract::extract(bytes, None, extract::Context::new(policy.limits));
    check_report(&report, &extraction.segments, policy);
    // Extraction problems are the report's first problems, in order (time
    // limits aside: a second extraction may trip one the first did not).
    let timed_out = |r: &[vigie::Problem]| {
        r.iter()
            .any(|p| p.code == vigie::ProblemCode::Limit && p.message.contains("time"))
    };
    if !timed_out(&report.problems) && !timed_out(&extraction.problems) {
        assert!(
            report.problems.starts_with(&extraction.problems),
            "the report's problems {:?} do not start with extraction's {:?}",
            report.problems,
            extraction.problems
        );
        if extraction.segments.is_empty() && !extraction.problems.is_empty() {
            assert_eq!(
                report.status,
                Status::Unscannable,
                "nothing was read, yet the report is not unscannable"
            );
        }
    }
    check_text(scanner, &String::from_utf8_lossy(bytes));
}

/// Scans `text` as a message and checks the report.
pub fn check_text(scanner: &Scanner, text: &str) {
    let report = scanner.scan_text(text);
    let segment = Segment {
        text: text.to_string(),
        part: Part::Body,
        page: None,
        path: Vec::new(),
        pixels: None,
    };
    check_report(&report, std::slice::from_ref(&segment), scanner.policy());
}

/// Checks `report`, made under `policy` from `segments`:
///
/// * every finding lies inside a segment of its part, page and path, with
///   `start < end` on character boundaries, and its excerpt is short;
/// * there are at most `max_findings` findings;
/// * the status is `complete` exactly when there is no problem, and an
///   `unscannable` report has no finding;
/// * the verdict is the worst of the problems' verdicts and of the verdicts
///   of the findings at or above the policy's confidence;
/// * the report survives its JSON form unchanged.
pub fn check_report(report: &Report, segments: &[Segment], policy: &Policy) {
    assert!(
        report.findings.len() <= policy.limits.max_findings,
        "{} findings, more than max_findings = {}",
        report.findings.len(),
        policy.limits.max_findings
    );
    for finding in &report.findings {
        let at = &finding.location;
        assert!(
            at.start < at.end,
            "finding {} has an empty or reversed range {}..{}",
            finding.rule,
            at.start,
            at.end
        );
        let inside = segments.iter().any(|s| {
            s.part == at.part
                && s.page == at.page
                && s.path == at.path
                && at.end <= s.text.len()
                && s.text.is_char_boundary(at.start)
                && s.text.is_char_boundary(at.end)
        });
        assert!(
            inside,
            "finding {} at {}..{} ({:?}, page {:?}, path {:?}) is not inside a segment of \
             that part on character boundaries; segments: {:?}",
            finding.rule,
            at.start,
            at.end,
            at.part,
            at.page,
            at.path,
            segments
                .iter()
                .map(|s| (s.part, s.page, &s.path, s.text.len()))
                .collect::<Vec<_>>()
        );
        assert!(
            finding.excerpt.chars().count() <= MAX_EXCERPT_CHARS,
            "excerpt of {} is longer than {MAX_EXCERPT_CHARS} characters",
            finding.rule
        );
    }
    assert_eq!(
        report.status == Status::Complete,
        report.problems.is_empty(),
        "status {} with problems {:?}",
        report.status,
        report.problems
    );
    if report.status == Status::Unscannable {
        assert!(
            report.findings.is_empty(),
            "an unscannable report has findings"
        );
    }
    assert_eq!(
        report.verdict,
        expected_verdict(report, policy),
        "verdict inconsistent with the findings, problems and policy"
    );
    let json = report.to_json();
    let back: Report = serde_json::from_str(&json).expect("a report's JSON reads back");
    assert_eq!(&back, report, "the report changed through its JSON form");
}

/// The verdict `policy` gives to `report`, worked out from the policy's
/// fields rather than by `Policy::verdict`.
fn expected_verdict(report: &Report, policy: &Policy) -> Verdict {
    let problems = report
        .problems
        .iter()
        .map(|p| *policy.problems.get(&p.code).unwrap_or(&policy.unscannable));
    let findings = report
        .findings
        .iter()
        .filter(|f| f.confidence >= policy.min_confidence)
        .map(|f| policy.verdict_for(f));
    problems.chain(findings).max().unwrap_or(Verdict::Allow)
}

/// Checks the promises of `vigie::normalize` on `data` read as text
/// (invalid UTF-8 replaced):
///
/// * The matching form holds only ASCII lower-case letters, digits and
///   `OTHER_LETTER`.
/// * `original_range` of any range of the form is a non-empty range of the
///   original text, inside it, on character boundaries; its starts and ends
///   never decrease as the range moves right; a range's ends are those of
///   its first and last bytes.
/// * A word boundary stands at the start and at the end of the form.
/// * `for_each_byte` gives the bytes of the form, in order, and a word start
///   at least wherever the form has a boundary; it stops when asked to.
/// * The matching form of a matching form (without `OTHER_LETTER`) is
///   itself.
pub fn check_normalized(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    let form = Normalized::new(text);
    let bytes = form.as_bytes();
    assert_eq!(form.len(), bytes.len());
    assert_eq!(form.is_empty(), bytes.is_empty());
    for &b in bytes {
        assert!(
            b.is_ascii_lowercase() || b.is_ascii_digit() || b == OTHER_LETTER,
            "byte {b:#04x} in the matching form"
        );
    }

    // The map back, byte by byte: inside, on boundaries, monotonic.
    let mut previous = (0, 0);
    for position in 0..bytes.len() {
        let (start, end) = form.original_range(text, position, position + 1);
        assert!(
            start < end && end <= text.len(),
            "byte {position} maps to {start}..{end} of a {}-byte text",
            text.len()
        );
        assert!(
            text.is_char_boundary(start) && text.is_char_boundary(end),
            "byte {position} maps to {start}..{end}, not on character boundaries"
        );
        assert!(
            start >= previous.0 && end >= previous.1,
            "byte {position} maps to {start}..{end}, before byte {} at {}..{}",
            position.saturating_sub(1),
            previous.0,
            previous.1
        );
        previous = (start, end);
    }
    // Ranges map to the span of their first and last bytes: the whole form
    // and every suffix and prefix of it (linear, unlike every range).
    if !bytes.is_empty() {
        let last = bytes.len() - 1;
        let (first_start, _) = form.original_range(text, 0, 1);
        let (_, last_end) = form.original_range(text, last, last + 1);
        for position in 0..bytes.len() {
            let (start, end) = form.original_range(text, position, bytes.len());
            assert_eq!(end, last_end, "suffix from {position} ends elsewhere");
            assert_eq!(start, form.original_range(text, position, position + 1).0);
            let (start, end) = form.original_range(text, 0, position + 1);
            assert_eq!(start, first_start, "prefix to {position} starts elsewhere");
            assert_eq!(end, form.original_range(text, position, position + 1).1);
        }
        assert!(form.is_boundary(0), "no word boundary at the start");
    }
    assert!(form.is_boundary(bytes.len()), "no word boundary at the end");

    // The cheap first look sees the same bytes and at least the same word
    // starts.
    let mut seen = Vec::with_capacity(bytes.len());
    let mut starts = Vec::with_capacity(bytes.len());
    let stopped = normalize::for_each_byte(text, |byte, word_start| {
        seen.push(byte);
        starts.push(word_start);
        false
    });
    assert!(!stopped, "for_each_byte stopped on its own");
    assert_eq!(seen, bytes, "for_each_byte gives other bytes");
    for (position, &word_start) in starts.iter().enumerate() {
        if form.is_boundary(position) {
            assert!(
                word_start,
                "a boundary at {position} that for_each_byte misses"
            );
        }
    }
    if let Some(&stop_at) = data.first() {
        let stop_at = usize::from(stop_at);
        let mut visited = 0;
        let stopped = normalize::for_each_byte(text, |_, _| {
            visited += 1;
            visited > stop_at
        });
        assert_eq!(
            stopped,
            bytes.len() > stop_at,
            "stopping after {stop_at} bytes"
        );
    }

    // The matching form is a fixed point.
    if !bytes.contains(&OTHER_LETTER) {
        let again = std::str::from_utf8(bytes).expect("ASCII");
        assert_eq!(
            Normalized::new(again).as_bytes(),
            bytes,
            "not a fixed point"
        );
    }
}

/// Every part a segment can be in: the qualifier weighs markings by part.
const PARTS: [Part; 8] = [
    Part::Body,
    Part::Header,
    Part::Footer,
    Part::Notes,
    Part::Comment,
    Part::Metadata,
    Part::Label,
    Part::Ocr,
];

/// Scans the rest of `data` (invalid UTF-8 replaced) as a message, and as
/// one segment of a document in the part and page its first byte chooses,
/// and checks both reports.
pub fn check_segment(scanner: &Scanner, data: &[u8]) {
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    check_text(scanner, &text);

    let part = PARTS[usize::from(choice) % PARTS.len()];
    let page = (choice & 0x80 != 0).then_some(u32::from(choice & 0x7F) + 1);
    let path = vec!["fuzz.docx".to_string()];
    let report = scanner.scan_segments(&[TextSegment {
        text: &text,
        part,
        page,
        path: &path,
        pixels: None,
    }]);
    let segment = Segment {
        text: text.into_owned(),
        part,
        page,
        path,
        pixels: None,
    };
    check_report(&report, &[segment], scanner.policy());
}

/// A message with something for most verdict keys: a level-2 marking, a
/// caveat, a TLP label, an IBAN, a secret.
const POLICY_TEXT: &str = "DIFFUSION RESTREINTE — SPÉCIAL FRANCE\nTLP:CLEAR\n\
    IBAN FR76 3000 6000 0112 3456 7890 189\n\
    token ghp_16C7e42F292c6912E7710c838347Ae178B4a\n";

/// Reads `data` as a policy, in TOML and in JSON: a policy or an error,
/// never a panic. A scanner under an accepted policy, and under each of its
/// scopes, scans [`POLICY_TEXT`] into reports that keep the invariants under
/// that policy.
pub fn check_policy(data: &[u8]) {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let policies = [
        Policy::from_toml(source, "fuzz"),
        Policy::from_json(source, "fuzz"),
    ];
    for policy in policies.into_iter().flatten() {
        let Ok(scanner) = Scanner::builder().policy(policy).build() else {
            continue;
        };
        check_text(&scanner, POLICY_TEXT);
        for scope in scanner.policy().scopes() {
            let scoped = scanner.policy().for_scope(scope);
            let report = scanner.with_policy(&scoped).scan_text(POLICY_TEXT);
            let segment = Segment {
                text: POLICY_TEXT.to_string(),
                part: Part::Body,
                page: None,
                path: Vec::new(),
                pixels: None,
            };
            check_report(&report, &[segment], &scoped);
        }
    }
}

/// Reads `data` as a rule pack: rules or an error, never a panic. A scanner
/// with an accepted pack scans a text with markings, and the pack's own
/// text (its forms are the likeliest to match its rules), into reports
/// that keep the invariants.
pub fn check_rule_pack(data: &[u8]) {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(scanner) = Scanner::builder().rule_pack("fuzz", source).build() {
        check_text(&scanner, "DIFFUSION RESTREINTE — SECRET — TLP:RED");
        check_text(&scanner, source);
    }
}

/// An engine that reads no word, in no time: the image path's own work
/// (decoding, preparing, the skip rule, the turns) is what is fuzzed.
#[derive(Debug)]
struct Blind;

impl vigie::extract::OcrEngine for Blind {
    fn recognize(
        &self,
        bitmap: &vigie::extract::Bitmap<'_>,
        _: std::time::Instant,
    ) -> Result<Vec<vigie::extract::OcrWord>, vigie::extract::OcrFailure> {
        assert_eq!(
            bitmap.pixels.len() as u64,
            u64::from(bitmap.width) * u64::from(bitmap.height),
            "a bitmap's pixels and size disagree"
        );
        Ok(Vec::new())
    }
}

/// Extracts `bytes` with an engine, so that pictures are decoded: within
/// a pixel limit that keeps the fuzzer under its memory cap (the default
/// allows a 50-megapixel photograph), the extraction ends, and every image
/// is noted at most once per problem-free read.
pub fn check_image_pixels(bytes: &[u8]) {
    let limits = vigie::Limits {
        max_image_pixels: 4_000_000,
        ..vigie::Limits::default()
    };
    let context =
        extract::Context::new(limits).with_engines(extract::Engines { ocr: Some(&Blind) });
    let extraction = extract::extract(bytes, None, context);
    assert!(extraction.images.len() <= extract::MAX_IMAGE_NOTES);
    for note in &extraction.images {
        if note.read == vigie::ImageRead::Ocr || note.read == vigie::ImageRead::NoText {
            assert!(
                u64::from(note.width) * u64::from(note.height) <= limits.max_image_pixels,
                "an image over the pixel limit was decoded: {note:?}"
            );
        }
    }
}
