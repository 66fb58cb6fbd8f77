//! Result codes, and the error of an entry point on its way to C.

use std::ffi::{CStr, c_char, c_uint};

use vigie_core::{ErrorKind, Position};

/// What a fallible call did. `VIGIE_RESULT_OK` is zero; any other value is
/// an error, and `vigie_last_error` has a message with the details.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum vigie_result {
    /// Success.
    Ok = 0,
    /// A required pointer was NULL (or a string was NULL with a non-zero
    /// length).
    NullArgument = 1,
    /// A length was larger than any object can be.
    InvalidArgument = 2,
    /// A string was not valid UTF-8.
    InvalidUtf8 = 3,
    /// The policy is not valid (TOML syntax, unknown key, value out of range).
    /// `vigie_last_error_line` and `vigie_last_error_column` say where, when
    /// the parser knows.
    InvalidPolicy = 4,
    /// A rule pack is not valid. `vigie_last_error_line` and
    /// `vigie_last_error_column` say where, when the parser knows.
    InvalidRules = 5,
    /// A file could not be opened or read.
    Io = 6,
    /// An index was past the end of a list.
    OutOfRange = 7,
    /// A bug in vigie, caught at the boundary (a Rust panic). The call had
    /// no effect; the handles passed to it can still be used and freed.
    Internal = 8,
    /// An error vigie reports that this version of the header does not name
    /// (a newer library behind an older header). Not a bug:
    /// `vigie_last_error` says what went wrong, as for any other error.
    Other = 9,
}

impl vigie_result {
    const ALL: [vigie_result; 10] = [
        vigie_result::Ok,
        vigie_result::NullArgument,
        vigie_result::InvalidArgument,
        vigie_result::InvalidUtf8,
        vigie_result::InvalidPolicy,
        vigie_result::InvalidRules,
        vigie_result::Io,
        vigie_result::OutOfRange,
        vigie_result::Internal,
        vigie_result::Other,
    ];

    fn description(self) -> &'static CStr {
        match self {
            vigie_result::Ok => c"success",
            vigie_result::NullArgument => c"a required pointer argument is NULL",
            vigie_result::InvalidArgument => c"an argument is out of its valid range",
            vigie_result::InvalidUtf8 => c"a string argument is not valid UTF-8",
            vigie_result::InvalidPolicy => c"the policy is not valid",
            vigie_result::InvalidRules => c"a rule pack is not valid",
            vigie_result::Io => c"a file could not be read",
            vigie_result::OutOfRange => c"an index is out of range",
            vigie_result::Internal => c"internal error in vigie",
            vigie_result::Other => c"an error this version of vigie.h does not name",
        }
    }
}

/// A short static description of a result code, for messages. Takes an
/// unsigned int rather than the enum so that any value is safe to pass;
/// unknown values give "unknown result".
#[unsafe(no_mangle)]
pub extern "C" fn vigie_result_str(result: c_uint) -> *const c_char {
    ffi_boundary!({
        let description = vigie_result::ALL
            .into_iter()
            .find(|code| *code as c_uint == result)
            .map_or(c"unknown result", vigie_result::description);
        description.as_ptr()
    })
}

/// An error on its way to C: the code to return, and the message and
/// position that `vigie_last_error*` will give.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: vigie_result,
    pub(crate) message: String,
    /// Where in a policy or rule pack, when the parser knows.
    pub(crate) position: Option<Position>,
}

impl Failure {
    pub(crate) fn new(code: vigie_result, message: impl Into<String>) -> Self {
        Failure {
            code,
            message: message.into(),
            position: None,
        }
    }
}

impl From<vigie_core::Error> for Failure {
    fn from(error: vigie_core::Error) -> Self {
        let code = code_of(error.kind());
        Failure {
            code,
            message: error.to_string(),
            position: error.position(),
        }
    }
}

/// The result code of a core error kind. Panics are the only internal
/// errors; a kind this version does not know (the enum is
/// non-exhaustive) is an error all the same, with its message.
fn code_of(kind: ErrorKind) -> vigie_result {
    match kind {
        ErrorKind::Policy => vigie_result::InvalidPolicy,
        ErrorKind::RulePack => vigie_result::InvalidRules,
        ErrorKind::Io => vigie_result::Io,
        _ => vigie_result::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_description_and_unknown_codes_are_safe() {
        for code in vigie_result::ALL {
            // SAFETY: static NUL-terminated strings.
            let text = unsafe { CStr::from_ptr(vigie_result_str(code as c_uint)) };
            assert!(!text.to_bytes().is_empty());
            assert_ne!(text.to_str().unwrap(), "unknown result");
        }
        // SAFETY: as above.
        let unknown = unsafe { CStr::from_ptr(vigie_result_str(9999)) };
        assert_eq!(unknown.to_str().unwrap(), "unknown result");
    }

    #[test]
    fn core_errors_keep_their_kind_and_position() {
        let error = vigie_core::Policy::from_toml("ceiling = 2\nceiling = 3\n", "<policy_toml>")
            .unwrap_err();
        let failure = Failure::from(error);
        assert_eq!(failure.code, vigie_result::InvalidPolicy);
        assert_eq!(failure.position.map(|p| p.line), Some(2));
        assert!(
            failure.message.contains("<policy_toml>"),
            "{}",
            failure.message
        );
    }
}
