//! The problem handle, borrowed from a report, and its getters.

use vigie_core::Problem;

use crate::boundary::read;
use crate::enums::vigie_problem_code;
use crate::strings::{CText, vigie_str};

/// One problem of a report. Borrowed from its report: valid until
/// `vigie_report_free`.
#[derive(Debug)]
pub struct vigie_problem {
    code: vigie_problem_code,
    message: CText,
}

impl vigie_problem {
    /// The C copy of a core problem, made once with its report.
    pub(crate) fn new(problem: &Problem) -> Self {
        vigie_problem {
            code: problem.code.into(),
            message: CText::new(&problem.message),
        }
    }
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
    ffi_boundary!({ unsafe { read(problem, |p| p.code) } })
}

/// What happened, for people (empty for NULL).
///
/// # Safety
/// `problem` is NULL or borrowed from a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_problem_get_message(problem: *const vigie_problem) -> vigie_str {
    // SAFETY: the caller passes NULL or a problem of a live report.
    ffi_boundary!({ unsafe { read(problem, |p| p.message.as_vigie_str()) } })
}
