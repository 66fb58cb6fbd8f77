//! The report handle and its getters: verdict, status, source, the lists
//! of findings and problems, JSON.
//!
//! A `vigie_report` keeps the core report (for JSON) and NUL-terminated
//! copies of the strings C reads, made once when the report is. A clean
//! report has no findings, so this costs nothing on the common path.

use std::ffi::c_char;

use vigie_core::Report;

use crate::boundary::read;
use crate::enums::{vigie_status, vigie_verdict};
use crate::finding::vigie_finding;
use crate::problem::vigie_problem;
use crate::result::{Failure, vigie_result};
use crate::strings::{CText, owned_c_string, vigie_str};

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

/// Frees a report and everything borrowed from it. NULL does nothing.
///
/// # Safety
/// `report` is NULL or a report from a scan function, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_report_free(report: *mut vigie_report) {
    ffi_boundary!({
        if !report.is_null() {
            // SAFETY: made by `Box::into_raw` in the scan functions, freed
            // once.
            drop(unsafe { Box::from_raw(report) });
        }
    })
}

/// The verdict. A NULL report gives `VIGIE_VERDICT_BLOCK`: absent a report,
/// fail closed.
///
/// # Safety
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_report_get_verdict(report: *const vigie_report) -> vigie_verdict {
    // SAFETY: the caller passes NULL or a live report.
    ffi_boundary!({ unsafe { read(report, |r| vigie_verdict::from(r.report.verdict)) } })
}

/// How much of the content was read. A NULL report gives
/// `VIGIE_STATUS_UNSCANNABLE`.
///
/// # Safety
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_report_get_status(report: *const vigie_report) -> vigie_status {
    // SAFETY: the caller passes NULL or a live report.
    ffi_boundary!({ unsafe { read(report, |r| vigie_status::from(r.report.status)) } })
}

/// The name of the input (the path, for `vigie_scan_file`; the name given to
/// `vigie_scan_bytes`), or the empty string.
///
/// # Safety
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_report_get_source(report: *const vigie_report) -> vigie_str {
    // SAFETY: the caller passes NULL or a live report.
    ffi_boundary!({ unsafe { read(report, |r| r.source.as_vigie_str()) } })
}

/// The number of findings (0 for a NULL report).
///
/// # Safety
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_report_get_finding_count(report: *const vigie_report) -> usize {
    // SAFETY: the caller passes NULL or a live report.
    ffi_boundary!({ unsafe { read(report, |r| r.findings.len()) } })
}

/// The number of problems (0 for a NULL report).
///
/// # Safety
/// `report` is NULL or a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_report_get_problem_count(report: *const vigie_report) -> usize {
    // SAFETY: the caller passes NULL or a live report.
    ffi_boundary!({ unsafe { read(report, |r| r.problems.len()) } })
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
) -> Result<(), Failure> {
    // SAFETY: the caller passes NULL or a valid pointer to writable storage.
    let out = unsafe { out.as_mut() }
        .ok_or_else(|| Failure::new(vigie_result::NullArgument, "out is NULL"))?;
    *out = std::ptr::null();
    // SAFETY: the caller passes NULL or a live report.
    let report = unsafe { report_arg(report) }?;
    let items = list(report);
    let item = items.get(index).ok_or_else(|| {
        Failure::new(
            vigie_result::OutOfRange,
            format!("{what} {index} asked of a report with {}", items.len()),
        )
    })?;
    *out = item;
    Ok(())
}

/// # Safety
/// `report` is NULL or live for `'a`.
unsafe fn report_arg<'a>(report: *const vigie_report) -> Result<&'a vigie_report, Failure> {
    // SAFETY: the caller passes NULL or a live report.
    unsafe { report.as_ref() }
        .ok_or_else(|| Failure::new(vigie_result::NullArgument, "report is NULL"))
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
    ffi_boundary!({ unsafe { get_item(report, index, out, |r| &r.findings, "finding") } })
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
    ffi_boundary!({ unsafe { get_item(report, index, out, |r| &r.problems, "problem") } })
}

/// The report as JSON, in the format of `vigie scan --format json` (the
/// report contract of docs/report.md). `*out` receives a NUL-terminated string
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
    ffi_boundary!({
        // SAFETY: the caller passes NULL or writable storage.
        let out = unsafe { crate::strings::out_arg(out, "out") }?;
        // SAFETY: the caller passes NULL or a live report.
        let report = unsafe { report_arg(report) }?;
        let (json, len) = owned_c_string(report.report.to_json());
        // SAFETY: the caller passes NULL or writable storage.
        if let Some(out_len) = unsafe { out_len.as_mut() } {
            *out_len = len;
        }
        *out = json;
        Ok(())
    })
}
