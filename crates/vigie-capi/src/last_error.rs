//! The thread-local last error: the message of the last call that failed
//! on a thread, and where in a policy or rule pack, when the parser knew.

use std::cell::RefCell;
use std::ffi::{CString, c_char};

use vigie_core::Position;

/// What `vigie_last_error*` give on one thread.
struct LastError {
    message: CString,
    position: Option<Position>,
}

thread_local! {
    static LAST_ERROR: RefCell<Option<LastError>> = const { RefCell::new(None) };
}

/// Keeps the error of a failing call for `vigie_last_error*`, replacing the
/// previous one (its position too, when this one has none).
pub(crate) fn set(message: &str, position: Option<Position>) {
    // A message is text for people: an interior NUL (from a file name, say)
    // would cut it short in C, so it becomes U+FFFD.
    let cleaned = message.replace('\0', "\u{FFFD}");
    let message = CString::new(cleaned).unwrap_or_default();
    LAST_ERROR.with(|last| *last.borrow_mut() = Some(LastError { message, position }));
}

fn position() -> Option<Position> {
    LAST_ERROR.with(|last| last.borrow().as_ref().and_then(|error| error.position))
}

/// The message of the last call that failed on the calling thread, as a
/// NUL-terminated UTF-8 string ("" if no call has failed on this thread).
/// Successful calls leave it alone. The pointer stays valid until the next
/// failing call on the same thread; copy the message to keep it.
#[unsafe(no_mangle)]
pub extern "C" fn vigie_last_error() -> *const c_char {
    ffi_boundary!({
        LAST_ERROR.with(|last| {
            let last = last.borrow();
            let message = last.as_ref().map_or(c"", |error| error.message.as_c_str());
            // The CString lives in the thread-local until the next failing
            // call replaces it, as documented.
            message.as_ptr()
        })
    })
}

/// The line, from 1, of the policy or rule pack text where the last failing
/// call on this thread found its error (`VIGIE_RESULT_INVALID_POLICY`,
/// `VIGIE_RESULT_INVALID_RULES`); 0 when the last error has no position
/// (other errors, errors about a whole rule, no error yet).
#[unsafe(no_mangle)]
pub extern "C" fn vigie_last_error_line() -> usize {
    ffi_boundary!({ position().map_or(0, |p| p.line) })
}

/// The column, in characters from 1, that goes with
/// `vigie_last_error_line`; 0 when the last error has no position.
#[unsafe(no_mangle)]
pub extern "C" fn vigie_last_error_column() -> usize {
    ffi_boundary!({ position().map_or(0, |p| p.column) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn last_error() -> String {
        // SAFETY: vigie_last_error returns a NUL-terminated string that
        // lives until the next failing call on this thread.
        unsafe { CStr::from_ptr(vigie_last_error()) }
            .to_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn the_last_error_keeps_its_message_and_position_until_the_next() {
        assert_eq!(last_error(), "");
        assert_eq!((vigie_last_error_line(), vigie_last_error_column()), (0, 0));
        set("bad\0key", Some(Position { line: 3, column: 7 }));
        assert_eq!(last_error(), "bad\u{FFFD}key");
        assert_eq!((vigie_last_error_line(), vigie_last_error_column()), (3, 7));
        // An error without a position clears the old one.
        set("cannot read", None);
        assert_eq!(last_error(), "cannot read");
        assert_eq!((vigie_last_error_line(), vigie_last_error_column()), (0, 0));
    }
}
