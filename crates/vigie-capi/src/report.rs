//! The report handle and its accessors: verdict, status, findings, problems,
//! JSON.
//!
//! A `vigie_report` keeps the core report (for JSON) and NUL-terminated
//! copies of the strings C reads, made once when the report is. A clean
//! report has no findings, so this costs nothing on the common path.

use std::ffi::{CStr, c_char, c_uint};

use vigie_core::{Confidence, Finding, Kind, Part, Problem, ProblemCode, Report, Status, Verdict};

use crate::result::{Failure, guard, vigie_result};
use crate::strings::{CText, owned_c_string, vigie_str};

/// What the policy says to do with the scanned content.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum vigie_verdict {
    /// Nothing the policy objects to.
    Allow = 0,
    /// Let it through, but tell the sender or log it.
    Warn = 1,
    /// Refuse it.
    Block = 2,
}

/// How much of the content was read.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum vigie_status {
    /// All of it.
    Complete = 0,
    /// Some part could not be read; the problems say which.
    Partial = 1,
    /// Nothing could be read.
    Unscannable = 2,
}

/// What a rule finds.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum vigie_kind {
    /// A protective marking (classification, protection mention, TLP, label).
    Marking = 0,
    /// Personal data (identifiers, bank and card numbers).
    Pii = 1,
    /// A credential or key.
    Secret = 2,
    /// A rule from a custom pack that is none of the above.
    Custom = 3,
}

/// How sure vigie is that a finding is what its rule says.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum vigie_confidence {
    /// Reported for audit only.
    Low = 0,
    /// Likely.
    Medium = 1,
    /// Certain: a banner, a label, a validated identifier.
    High = 2,
}

/// Which part of a document a finding came from.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum vigie_part {
    /// Running text of a message or page.
    Body = 0,
    /// Page header.
    Header = 1,
    /// Page footer.
    Footer = 2,
    /// Speaker notes, footnotes, endnotes.
    Notes = 3,
    /// Review comments.
    Comment = 4,
    /// Document properties and other metadata.
    Metadata = 5,
    /// A sensitivity label.
    Label = 6,
    /// Text read from an image by OCR.
    Ocr = 7,
    /// Text a reader of the document does not see (hidden by its style).
    Hidden = 8,
}

/// Why part of the content could not be read.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum vigie_problem_code {
    /// Encrypted content that needs a key vigie does not have.
    Encrypted = 0,
    /// A resource limit tripped; the rest was not read.
    Limit = 1,
    /// The content is damaged.
    Corrupt = 2,
    /// A format vigie cannot read.
    Unsupported = 3,
    /// An image could not be read because OCR is not available.
    OcrUnavailable = 4,
}

/// One finding of a report. Borrowed from its report: valid until
/// `vigie_report_free`.
#[derive(Debug)]
pub struct vigie_finding {
    rule: CText,
    kind: vigie_kind,
    level: i32,
    confidence: vigie_confidence,
    reason: CText,
    start: usize,
    end: usize,
    page: u32,
    part: vigie_part,
    path: CText,
    excerpt: CText,
}

/// One problem of a report. Borrowed from its report: valid until
/// `vigie_report_free`.
#[derive(Debug)]
pub struct vigie_problem {
    code: vigie_problem_code,
    message: CText,
}

/// The result of one scan. Immutable: it may be read from several threads
/// at once. Free it with `vigie_report_free`.
#[derive(Debug)]
pub struct vigie_report {
    report: Report,
    source: CText,
    findings: Vec<vigie_finding>,
    problems: Vec<vigie_problem>,
}

impl vigie_report {
    pub(crate) fn new(report: Report) -> Self {
        vigie_report {
            source: CText::new(report.source.as_deref().unwrap_or("")),
            findings: report.findings.iter().map(vigie_finding::new).collect(),
            problems: report.problems.iter().map(vigie_problem::new).collect(),
            report,
        }
    }
}

impl vigie_finding {
    fn new(finding: &Finding) -> Self {
        vigie_finding {
            rule: CText::new(&finding.rule),
            kind: finding.kind.into(),
            level: finding.level.map_or(-1, i32::from),
            confidence: finding.confidence.into(),
            reason: CText::new(&finding.reason),
            start: finding.location.start,
            end: finding.location.end,
            page: finding.location.page.unwrap_or(0),
            part: finding.location.part.into(),
            path: CText::new(&finding.location.path.join("/")),
            excerpt: CText::new(&finding.excerpt),
        }
    }
}

impl vigie_problem {
    fn new(problem: &Problem) -> Self {
        vigie_problem {
            code: problem.code.into(),
            message: CText::new(&problem.message),
        }
    }
}

/// Maps each value of a core enum to the C enum of the same meaning. The
/// core enums that may grow (`#[non_exhaustive]`) name the C value a newer
/// core's unknown value falls back to, until the C enum learns it.
macro_rules! same_values {
    ($core:ident => $c:ident { $($variant:ident),+ $(,)? }) => {
        impl From<$core> for $c {
            fn from(value: $core) -> Self {
                match value {
                    $($core::$variant => $c::$variant),+
                }
            }
        }
    };
    ($core:ident => $c:ident { $($variant:ident),+ $(,)? } else $fallback:ident) => {
        impl From<$core> for $c {
            fn from(value: $core) -> Self {
                match value {
                    $($core::$variant => $c::$variant,)+
                    _ => $c::$fallback,
                }
            }
        }
    };
}

same_values!(Verdict => vigie_verdict { Allow, Warn, Block });
same_values!(Status => vigie_status { Complete, Partial, Unscannable });
same_values!(Kind => vigie_kind { Marking, Pii, Secret, Custom } else Custom);
same_values!(Confidence => vigie_confidence { Low, Medium, High });
same_values!(Part => vigie_part { Body, Header, Footer, Notes, Comment, Metadata, Label, Ocr, Hidden } else Body);
same_values!(ProblemCode => vigie_problem_code {
    Encrypted, Limit, Corrupt, Unsupported, OcrUnavailable,
} else Unsupported);

/// Frees a report and everything borrowed from it. NULL does nothing.
///
/// # Safety
/// `report` is NULL or a report from a scan function, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_report_free(report: *mut vigie_report) {
    if !report.is_null() {
        // SAFETY: made by `Box::into_raw` in the scan functions, freed once.
        drop(unsafe { Box::from_raw(report) });
    }
}

/// The verdict. A NULL report gives `VIGIE_VERDICT_BLOCK`: absent a report,
/// fail closed.
///
/// # Safety
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_report_get_verdict(report: *const vigie_report) -> vigie_verdict {
    // SAFETY: the caller passes NULL or a live report.
    unsafe { report.as_ref() }.map_or(vigie_verdict::Block, |report| report.report.verdict.into())
}

/// How much of the content was read. A NULL report gives
/// `VIGIE_STATUS_UNSCANNABLE`.
///
/// # Safety
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_report_get_status(report: *const vigie_report) -> vigie_status {
    // SAFETY: the caller passes NULL or a live report.
    unsafe { report.as_ref() }.map_or(vigie_status::Unscannable, |report| {
        report.report.status.into()
    })
}

/// The name of the input (the path, for `vigie_scan_file`; the name given to
/// `vigie_scan_bytes`), or the empty string.
///
/// # Safety
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_report_get_source(report: *const vigie_report) -> vigie_str {
    // SAFETY: the caller passes NULL or a live report.
    unsafe { report.as_ref() }.map_or_else(vigie_str::empty, |report| report.source.as_vigie_str())
}

/// The number of findings (0 for a NULL report).
///
/// # Safety
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_report_get_finding_count(report: *const vigie_report) -> usize {
    // SAFETY: the caller passes NULL or a live report.
    unsafe { report.as_ref() }.map_or(0, |report| report.findings.len())
}

/// The number of problems (0 for a NULL report).
///
/// # Safety
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_report_get_problem_count(report: *const vigie_report) -> usize {
    // SAFETY: the caller passes NULL or a live report.
    unsafe { report.as_ref() }.map_or(0, |report| report.problems.len())
}

/// Looks up an item of a report's list by index, for the two getters below.
///
/// # Safety
/// `report` is NULL or a live report; `out` is NULL or writable.
unsafe fn get_item<T>(
    report: *const vigie_report,
    index: usize,
    out: *mut *const T,
    list: impl FnOnce(&vigie_report) -> &[T],
    what: &str,
) -> vigie_result {
    guard(|| {
        // SAFETY: the caller passes NULL or a valid pointer to writable
        // storage.
        let out = unsafe { out.as_mut() }
            .ok_or_else(|| Failure::new(vigie_result::NullArgument, "out is NULL"))?;
        *out = std::ptr::null();
        // SAFETY: the caller passes NULL or a live report.
        let report = unsafe { report.as_ref() }
            .ok_or_else(|| Failure::new(vigie_result::NullArgument, "report is NULL"))?;
        let items = list(report);
        let item = items.get(index).ok_or_else(|| {
            Failure::new(
                vigie_result::OutOfRange,
                format!("{what} {index} asked of a report with {}", items.len()),
            )
        })?;
        *out = item;
        Ok(())
    })
}

/// Sets `*out` to finding number `index` (from 0), borrowed from the report.
/// Fails with `VIGIE_RESULT_OUT_OF_RANGE` past the last one.
///
/// # Safety
/// `report` is NULL or a live report; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_report_get_finding(
    report: *const vigie_report,
    index: usize,
    out: *mut *const vigie_finding,
) -> vigie_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_item(report, index, out, |report| &report.findings, "finding") }
}

/// Sets `*out` to problem number `index` (from 0), borrowed from the report.
/// Fails with `VIGIE_RESULT_OUT_OF_RANGE` past the last one.
///
/// # Safety
/// `report` is NULL or a live report; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_report_get_problem(
    report: *const vigie_report,
    index: usize,
    out: *mut *const vigie_problem,
) -> vigie_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_item(report, index, out, |report| &report.problems, "problem") }
}

/// The report as JSON, in the format of `vigie scan --format json` (the
/// report contract of DESIGN.md). `*out` receives a NUL-terminated string
/// to free with `vigie_string_free`; `*out_len`, when `out_len` is not NULL,
/// its length.
///
/// # Safety
/// `report` is NULL or a live report; `out` and `out_len` are NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_report_to_json(
    report: *const vigie_report,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> vigie_result {
    guard(|| {
        // SAFETY: the caller passes NULL or writable storage.
        let out = unsafe { crate::strings::out_arg(out, "out") }?;
        // SAFETY: the caller passes NULL or a live report.
        let report = unsafe { report.as_ref() }
            .ok_or_else(|| Failure::new(vigie_result::NullArgument, "report is NULL"))?;
        let (json, len) = owned_c_string(report.report.to_json());
        // SAFETY: the caller passes NULL or writable storage.
        if let Some(out_len) = unsafe { out_len.as_mut() } {
            *out_len = len;
        }
        *out = json;
        Ok(())
    })
}

/// The rule id, such as "fr.diffusion-restreinte" (empty for NULL).
///
/// # Safety
/// `finding` is NULL or borrowed from a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_finding_get_rule(finding: *const vigie_finding) -> vigie_str {
    // SAFETY: the caller passes NULL or a finding of a live report.
    unsafe { finding.as_ref() }.map_or(vigie_str::empty(), |f| f.rule.as_vigie_str())
}

/// What the rule finds (`VIGIE_KIND_MARKING` for NULL).
///
/// # Safety
/// `finding` is NULL or borrowed from a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_finding_get_kind(finding: *const vigie_finding) -> vigie_kind {
    // SAFETY: the caller passes NULL or a finding of a live report.
    unsafe { finding.as_ref() }.map_or(vigie_kind::Marking, |f| f.kind)
}

/// The marking's level (0 public to 5), or -1 when the rule has none
/// (caveats, personal data, secrets) or for NULL.
///
/// # Safety
/// `finding` is NULL or borrowed from a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_finding_get_level(finding: *const vigie_finding) -> i32 {
    // SAFETY: the caller passes NULL or a finding of a live report.
    unsafe { finding.as_ref() }.map_or(-1, |f| f.level)
}

/// How sure vigie is (`VIGIE_CONFIDENCE_LOW` for NULL).
///
/// # Safety
/// `finding` is NULL or borrowed from a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_finding_get_confidence(
    finding: *const vigie_finding,
) -> vigie_confidence {
    // SAFETY: the caller passes NULL or a finding of a live report.
    unsafe { finding.as_ref() }.map_or(vigie_confidence::Low, |f| f.confidence)
}

/// Why the finding has its confidence, for people (empty for NULL).
///
/// # Safety
/// `finding` is NULL or borrowed from a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_finding_get_reason(finding: *const vigie_finding) -> vigie_str {
    // SAFETY: the caller passes NULL or a finding of a live report.
    unsafe { finding.as_ref() }.map_or(vigie_str::empty(), |f| f.reason.as_vigie_str())
}

/// Byte offset where the finding starts, in the scanned text (for
/// `vigie_scan_text`) or in the text extracted from its part of the
/// document.
///
/// # Safety
/// `finding` is NULL or borrowed from a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_finding_get_start(finding: *const vigie_finding) -> usize {
    // SAFETY: the caller passes NULL or a finding of a live report.
    unsafe { finding.as_ref() }.map_or(0, |f| f.start)
}

/// Byte offset just past the finding's end; see `vigie_finding_get_start`.
///
/// # Safety
/// `finding` is NULL or borrowed from a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_finding_get_end(finding: *const vigie_finding) -> usize {
    // SAFETY: the caller passes NULL or a finding of a live report.
    unsafe { finding.as_ref() }.map_or(0, |f| f.end)
}

/// The page, from 1, for paged documents; 0 otherwise.
///
/// # Safety
/// `finding` is NULL or borrowed from a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_finding_get_page(finding: *const vigie_finding) -> u32 {
    // SAFETY: the caller passes NULL or a finding of a live report.
    unsafe { finding.as_ref() }.map_or(0, |f| f.page)
}

/// Which part of the document the finding came from.
///
/// # Safety
/// `finding` is NULL or borrowed from a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_finding_get_part(finding: *const vigie_finding) -> vigie_part {
    // SAFETY: the caller passes NULL or a finding of a live report.
    unsafe { finding.as_ref() }.map_or(vigie_part::Body, |f| f.part)
}

/// Where inside a container the finding is: archive entry names from
/// the outermost, joined with "/" ("outer.zip/inner/report.docx"); empty
/// for a message or a file that is not a container.
///
/// # Safety
/// `finding` is NULL or borrowed from a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_finding_get_path(finding: *const vigie_finding) -> vigie_str {
    // SAFETY: the caller passes NULL or a finding of a live report.
    unsafe { finding.as_ref() }.map_or(vigie_str::empty(), |f| f.path.as_vigie_str())
}

/// The text found with a little context, masked for personal data and
/// secrets: safe to log.
///
/// # Safety
/// `finding` is NULL or borrowed from a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_finding_get_excerpt(finding: *const vigie_finding) -> vigie_str {
    // SAFETY: the caller passes NULL or a finding of a live report.
    unsafe { finding.as_ref() }.map_or(vigie_str::empty(), |f| f.excerpt.as_vigie_str())
}

/// The problem's code (`VIGIE_PROBLEM_CODE_CORRUPT` for NULL).
///
/// # Safety
/// `problem` is NULL or borrowed from a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_problem_get_code(
    problem: *const vigie_problem,
) -> vigie_problem_code {
    // SAFETY: the caller passes NULL or a problem of a live report.
    unsafe { problem.as_ref() }.map_or(vigie_problem_code::Corrupt, |p| p.code)
}

/// What happened, for people (empty for NULL).
///
/// # Safety
/// `problem` is NULL or borrowed from a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_problem_get_message(problem: *const vigie_problem) -> vigie_str {
    // SAFETY: the caller passes NULL or a problem of a live report.
    unsafe { problem.as_ref() }.map_or(vigie_str::empty(), |p| p.message.as_vigie_str())
}

/// The name of `value` in `names` (the JSON spellings of an enum, in the
/// order of its C values), or "unknown".
fn name_of(names: &[&'static CStr], value: c_uint) -> *const c_char {
    let index = usize::try_from(value).unwrap_or(usize::MAX);
    names.get(index).copied().unwrap_or(c"unknown").as_ptr()
}

/// "allow", "warn" or "block". Takes an unsigned int so that any value is safe to pass;
/// unknown values give "unknown".
#[unsafe(no_mangle)]
pub extern "C" fn vigie_verdict_str(value: c_uint) -> *const c_char {
    name_of(&[c"allow", c"warn", c"block"], value)
}

/// "complete", "partial" or "unscannable". Takes an unsigned int so that any value is safe to pass;
/// unknown values give "unknown".
#[unsafe(no_mangle)]
pub extern "C" fn vigie_status_str(value: c_uint) -> *const c_char {
    name_of(&[c"complete", c"partial", c"unscannable"], value)
}

/// "marking", "pii", "secret" or "custom". Takes an unsigned int so that any value is safe to pass;
/// unknown values give "unknown".
#[unsafe(no_mangle)]
pub extern "C" fn vigie_kind_str(value: c_uint) -> *const c_char {
    name_of(&[c"marking", c"pii", c"secret", c"custom"], value)
}

/// "low", "medium" or "high". Takes an unsigned int so that any value is safe to pass;
/// unknown values give "unknown".
#[unsafe(no_mangle)]
pub extern "C" fn vigie_confidence_str(value: c_uint) -> *const c_char {
    name_of(&[c"low", c"medium", c"high"], value)
}

/// "body", "header", "footer", "notes", "comment", "metadata", "label",
/// "ocr" or "hidden". Takes an unsigned int so that any value is safe to pass;
/// unknown values give "unknown".
#[unsafe(no_mangle)]
pub extern "C" fn vigie_part_str(value: c_uint) -> *const c_char {
    name_of(
        &[
            c"body",
            c"header",
            c"footer",
            c"notes",
            c"comment",
            c"metadata",
            c"label",
            c"ocr",
            c"hidden",
        ],
        value,
    )
}

/// "encrypted", "limit", "corrupt", "unsupported" or "ocr-unavailable". Takes an unsigned int so that any value is safe to pass;
/// unknown values give "unknown".
#[unsafe(no_mangle)]
pub extern "C" fn vigie_problem_code_str(value: c_uint) -> *const c_char {
    name_of(
        &[
            c"encrypted",
            c"limit",
            c"corrupt",
            c"unsupported",
            c"ocr-unavailable",
        ],
        value,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks that each core value maps to the C value whose name (from the
    /// name function) is the core value's JSON spelling.
    fn check<Core, C>(values: &[Core], name_of: extern "C" fn(c_uint) -> *const c_char)
    where
        Core: serde::Serialize + Copy,
        C: From<Core> + Copy + Into<c_uint>,
    {
        for value in values {
            let json = serde_json::to_value(value).unwrap();
            let c_value: c_uint = C::from(*value).into();
            // SAFETY: the name functions return static strings.
            let name = unsafe { CStr::from_ptr(name_of(c_value)) };
            assert_eq!(name.to_str().unwrap(), json.as_str().unwrap());
        }
        // SAFETY: as above.
        let unknown = unsafe { CStr::from_ptr(name_of(c_uint::MAX)) };
        assert_eq!(unknown.to_str().unwrap(), "unknown");
    }

    macro_rules! as_uint {
        ($($c:ident),+) => {
            $(impl From<$c> for c_uint {
                fn from(value: $c) -> c_uint {
                    value as c_uint
                }
            })+
        };
    }
    as_uint!(
        vigie_verdict,
        vigie_status,
        vigie_kind,
        vigie_confidence,
        vigie_part,
        vigie_problem_code
    );

    #[test]
    fn enum_values_are_named_with_the_json_spellings() {
        use Confidence::*;
        use Kind::*;
        use Part::*;
        use ProblemCode::*;
        use Status::*;
        use Verdict::*;
        check::<_, vigie_verdict>(&[Allow, Warn, Block], vigie_verdict_str);
        check::<_, vigie_status>(&[Complete, Partial, Unscannable], vigie_status_str);
        check::<_, vigie_kind>(&[Marking, Pii, Secret, Custom], vigie_kind_str);
        check::<_, vigie_confidence>(&[Low, Medium, High], vigie_confidence_str);
        check::<_, vigie_part>(
            &[
                Body, Header, Footer, Notes, Comment, Metadata, Label, Ocr, Hidden,
            ],
            vigie_part_str,
        );
        check::<_, vigie_problem_code>(
            &[Encrypted, Limit, Corrupt, Unsupported, OcrUnavailable],
            vigie_problem_code_str,
        );
    }
}
