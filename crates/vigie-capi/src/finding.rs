//! The finding handle, borrowed from a report, and its getters.

use vigie_core::Finding;

use crate::boundary::read;
use crate::enums::{vigie_confidence, vigie_kind, vigie_part};
use crate::strings::{CText, vigie_str};

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

impl vigie_finding {
    /// The C copy of a core finding, made once with its report.
    pub(crate) fn new(finding: &Finding) -> Self {
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

/// The rule id, such as "fr.diffusion-restreinte" (empty for NULL).
///
/// # Safety
/// `finding` is NULL or borrowed from a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_finding_get_rule(finding: *const vigie_finding) -> vigie_str {
    // SAFETY: the caller passes NULL or a finding of a live report.
    ffi_boundary!({ unsafe { read(finding, |f| f.rule.as_vigie_str()) } })
}

/// What the rule finds (`VIGIE_KIND_MARKING` for NULL).
///
/// # Safety
/// `finding` is NULL or borrowed from a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_finding_get_kind(finding: *const vigie_finding) -> vigie_kind {
    // SAFETY: the caller passes NULL or a finding of a live report.
    ffi_boundary!({ unsafe { read(finding, |f| f.kind) } })
}

/// The marking's level (0 public to 5), or -1 when the rule has none
/// (caveats, personal data, secrets) or for NULL.
///
/// # Safety
/// `finding` is NULL or borrowed from a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_finding_get_level(finding: *const vigie_finding) -> i32 {
    // SAFETY: the caller passes NULL or a finding of a live report.
    ffi_boundary!({ unsafe { read(finding, |f| f.level) } })
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
    ffi_boundary!({ unsafe { read(finding, |f| f.confidence) } })
}

/// Why the finding has its confidence, for people (empty for NULL).
///
/// # Safety
/// `finding` is NULL or borrowed from a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_finding_get_reason(finding: *const vigie_finding) -> vigie_str {
    // SAFETY: the caller passes NULL or a finding of a live report.
    ffi_boundary!({ unsafe { read(finding, |f| f.reason.as_vigie_str()) } })
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
    ffi_boundary!({ unsafe { read(finding, |f| f.start) } })
}

/// Byte offset just past the finding's end; see `vigie_finding_get_start`.
///
/// # Safety
/// `finding` is NULL or borrowed from a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_finding_get_end(finding: *const vigie_finding) -> usize {
    // SAFETY: the caller passes NULL or a finding of a live report.
    ffi_boundary!({ unsafe { read(finding, |f| f.end) } })
}

/// The page, from 1, for paged documents; 0 otherwise.
///
/// # Safety
/// `finding` is NULL or borrowed from a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_finding_get_page(finding: *const vigie_finding) -> u32 {
    // SAFETY: the caller passes NULL or a finding of a live report.
    ffi_boundary!({ unsafe { read(finding, |f| f.page) } })
}

/// Which part of the document the finding came from.
///
/// # Safety
/// `finding` is NULL or borrowed from a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_finding_get_part(finding: *const vigie_finding) -> vigie_part {
    // SAFETY: the caller passes NULL or a finding of a live report.
    ffi_boundary!({ unsafe { read(finding, |f| f.part) } })
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
    ffi_boundary!({ unsafe { read(finding, |f| f.path.as_vigie_str()) } })
}

/// The text found with a little context, masked for personal data and
/// secrets: safe to log.
///
/// # Safety
/// `finding` is NULL or borrowed from a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_finding_get_excerpt(finding: *const vigie_finding) -> vigie_str {
    // SAFETY: the caller passes NULL or a finding of a live report.
    ffi_boundary!({ unsafe { read(finding, |f| f.excerpt.as_vigie_str()) } })
}
