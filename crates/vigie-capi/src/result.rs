//! Result codes, the thread-local last error, and the guard every fallible
//! entry point runs in.

use std::any::Any;
use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char, c_uint};
use std::panic::{AssertUnwindSafe, catch_unwind};

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
    InvalidPolicy = 4,
    /// A rule pack is not valid.
    InvalidRules = 5,
    /// A file could not be opened or read.
    Io = 6,
    /// An index was past the end of a list.
    OutOfRange = 7,
    /// A bug in vigie, caught at the boundary (a Rust panic). The call had
    /// no effect; the handles passed to it can still be used and freed.
    Internal = 8,
}

impl vigie_result {
    const ALL: [vigie_result; 9] = [
        vigie_result::Ok,
        vigie_result::NullArgument,
        vigie_result::InvalidArgument,
        vigie_result::InvalidUtf8,
        vigie_result::InvalidPolicy,
        vigie_result::InvalidRules,
        vigie_result::Io,
        vigie_result::OutOfRange,
        vigie_result::Internal,
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
        }
    }
}

/// A short static description of a result code, for messages. Takes an
/// unsigned int rather than the enum so that any value is safe to pass;
/// unknown values give "unknown result".
#[unsafe(no_mangle)]
pub extern "C" fn vigie_result_str(result: c_uint) -> *const c_char {
    let description = vigie_result::ALL
        .into_iter()
        .find(|code| *code as c_uint == result)
        .map_or(c"unknown result", vigie_result::description);
    description.as_ptr()
}

thread_local! {
    static LAST_ERROR: RefCell<Option<CString>> = const { RefCell::new(None) };
}

/// The message of the last call that failed on the calling thread, as a
/// NUL-terminated UTF-8 string ("" if no call has failed on this thread).
/// Successful calls leave it alone. The pointer stays valid until the next
/// failing call on the same thread; copy the message to keep it.
#[unsafe(no_mangle)]
pub extern "C" fn vigie_last_error() -> *const c_char {
    LAST_ERROR.with(|last| last.borrow().as_deref().unwrap_or(c"").as_ptr())
}

/// An error on its way to C: the code to return and the message to keep.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: vigie_result,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(code: vigie_result, message: impl Into<String>) -> Self {
        Failure {
            code,
            message: message.into(),
        }
    }
}

impl From<vigie_core::Error> for Failure {
    fn from(error: vigie_core::Error) -> Self {
        let code = match &error {
            vigie_core::Error::Policy { .. } => vigie_result::InvalidPolicy,
            vigie_core::Error::RulePack { .. } => vigie_result::InvalidRules,
            vigie_core::Error::Io { .. } => vigie_result::Io,
            // The error enum is non-exhaustive; a new kind is still an error.
            _ => vigie_result::Internal,
        };
        Failure::new(code, error.to_string())
    }
}

fn set_last_error(message: &str) {
    // A message is text for people: an interior NUL (from a file name, say)
    // would cut it short in C, so it becomes U+FFFD.
    let cleaned = message.replace('\0', "\u{FFFD}");
    let message = CString::new(cleaned).unwrap_or_default();
    LAST_ERROR.with(|last| *last.borrow_mut() = Some(message));
}

/// Runs the body of an entry point: turns its error into a result code and
/// the thread's last error, and a panic into `VIGIE_RESULT_INTERNAL`, so
/// that nothing unwinds into C.
pub(crate) fn guard(body: impl FnOnce() -> Result<(), Failure>) -> vigie_result {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => vigie_result::Ok,
        Ok(Err(failure)) => {
            set_last_error(&failure.message);
            failure.code
        }
        Err(payload) => {
            set_last_error(&format!(
                "internal error in vigie (please report it): {}",
                panic_message(payload.as_ref())
            ));
            vigie_result::Internal
        }
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(message) = payload.downcast_ref::<&str>() {
        message
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message
    } else {
        "panic"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn last_error() -> String {
        // SAFETY: vigie_last_error returns a NUL-terminated string that
        // lives until the next failing call on this thread.
        unsafe { CStr::from_ptr(vigie_last_error()) }
            .to_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn a_panic_becomes_an_internal_error_with_its_message() {
        let result = guard(|| panic!("the engine broke"));
        assert_eq!(result, vigie_result::Internal);
        assert!(
            last_error().contains("the engine broke"),
            "{}",
            last_error()
        );
    }

    #[test]
    fn a_failure_sets_the_last_error_and_success_leaves_it() {
        let result = guard(|| Err(Failure::new(vigie_result::Io, "cannot read a\0b")));
        assert_eq!(result, vigie_result::Io);
        assert_eq!(last_error(), "cannot read a\u{FFFD}b");
        assert_eq!(guard(|| Ok(())), vigie_result::Ok);
        assert_eq!(last_error(), "cannot read a\u{FFFD}b");
    }

    #[test]
    fn every_code_has_a_description_and_unknown_codes_are_safe() {
        for code in vigie_result::ALL {
            // SAFETY: static NUL-terminated strings.
            let text = unsafe { CStr::from_ptr(vigie_result_str(code as c_uint)) };
            assert!(!text.to_bytes().is_empty());
        }
        // SAFETY: as above.
        let unknown = unsafe { CStr::from_ptr(vigie_result_str(9999)) };
        assert_eq!(unknown.to_str().unwrap(), "unknown result");
    }
}
