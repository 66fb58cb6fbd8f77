//! The panic boundary every export runs in, and the value each return type
//! gives when a call fails without a result code to say so.
//!
//! Every `#[no_mangle] extern "C"` function of the crate has one statement,
//! `ffi_boundary!({ ... })`, around its whole body: a panic inside vigie
//! (a bug) is caught there and never unwinds into C. The macro sits inside
//! an ordinary function body, so cbindgen still sees the function, and
//! rustfmt still formats the body (it is a block in parentheses).
//! `tests/boundary.rs` fails if an export's body is not inside it.
//!
//! What a caught panic returns depends on the return type ([`Exit`]): a
//! call that returns a `vigie_result` returns `VIGIE_RESULT_INTERNAL`; any
//! other returns its type's [`Failed`] value, the same one it gives for a
//! NULL handle, which the header documents. Either way `vigie_last_error`
//! then says what panicked.

use std::any::Any;
use std::ffi::c_char;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::enums::{
    vigie_confidence, vigie_kind, vigie_part, vigie_problem_code, vigie_status, vigie_verdict,
};
use crate::last_error;
use crate::result::{Failure, vigie_result};
use crate::strings::vigie_str;

/// Runs the body of an export (a block) inside the panic boundary; see the
/// module documentation. The body's value is what the export returns, or a
/// `Result<(), Failure>` for the exports that return a `vigie_result`.
macro_rules! ffi_boundary {
    ($body:block) => {
        $crate::boundary::run(|| $body)
    };
}

/// The value a return type gives when there is nothing to return: for a
/// NULL handle, and for a panic. Each is documented in the header with the
/// functions that return it.
pub(crate) trait Failed {
    /// The value.
    fn failed() -> Self;
}

/// Declares the [`Failed`] value of each return type, in one table.
macro_rules! failed_values {
    ($($type:ty => $value:expr),+ $(,)?) => {
        $(impl Failed for $type {
            fn failed() -> Self {
                $value
            }
        })+
    };
}

failed_values! {
    // Absent a report, fail closed.
    vigie_verdict => vigie_verdict::Block,
    vigie_status => vigie_status::Unscannable,
    vigie_kind => vigie_kind::Marking,
    vigie_confidence => vigie_confidence::Low,
    vigie_part => vigie_part::Body,
    vigie_problem_code => vigie_problem_code::Corrupt,
    vigie_str => vigie_str::empty(),
    // Counts, offsets and pages.
    usize => 0,
    u32 => 0,
    // The one i32 is a finding's level, where -1 is "no level".
    i32 => -1,
    // Static strings: the empty string, never NULL, so that %s is safe.
    *const c_char => c"".as_ptr(),
    // The free functions.
    () => (),
}

/// How the value of an export's body becomes what the export returns (`C`),
/// and what it returns when the body panicked. Keyed on the C type, so that
/// the function's return type picks the body's type: a body that returns
/// `Ok(())` in a `vigie_result` export is a `Result<(), Failure>`.
pub(crate) trait Exit<C> {
    /// The return value of a body that finished.
    fn exit(self) -> C;
    /// The return value of a body that panicked.
    fn on_panic() -> C;
}

/// A fallible export: an error becomes its code, with its message and
/// position kept for `vigie_last_error*`.
impl Exit<vigie_result> for Result<(), Failure> {
    fn exit(self) -> vigie_result {
        match self {
            Ok(()) => vigie_result::Ok,
            Err(failure) => {
                last_error::set(&failure.message, failure.position);
                failure.code
            }
        }
    }

    fn on_panic() -> vigie_result {
        vigie_result::Internal
    }
}

/// An export that cannot fail returns its value as it is.
impl<T: Failed> Exit<T> for T {
    fn exit(self) -> T {
        self
    }

    fn on_panic() -> T {
        T::failed()
    }
}

/// What `ffi_boundary!` expands to: runs `body`, catching a panic.
pub(crate) fn run<C, R: Exit<C>>(body: impl FnOnce() -> R) -> C {
    // AssertUnwindSafe: the handles are immutable once made, and an export
    // clears its outputs first and sets them only once it has succeeded, so
    // nothing a caller can reach is left half-changed by a panic.
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(value) => value.exit(),
        Err(payload) => {
            last_error::set(
                &format!(
                    "internal error in vigie (please report it): {}",
                    panic_message(payload.as_ref())
                ),
                None,
            );
            R::on_panic()
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

/// Reads from a handle that may be NULL: NULL gives the return type's
/// [`Failed`] value.
///
/// # Safety
/// `handle` is NULL or points to a live `T` for the duration of the call.
pub(crate) unsafe fn read<T, R: Failed>(handle: *const T, read: impl FnOnce(&T) -> R) -> R {
    // SAFETY: forwarded from the caller.
    unsafe { handle.as_ref() }.map_or_else(R::failed, read)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn last_error() -> String {
        // SAFETY: vigie_last_error returns a NUL-terminated string that
        // lives until the next failing call on this thread.
        unsafe { CStr::from_ptr(crate::last_error::vigie_last_error()) }
            .to_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn a_panic_in_a_fallible_export_is_an_internal_error_with_its_message() {
        let result = ffi_boundary!({
            if last_error().is_empty() {
                panic!("the engine broke");
            }
            Ok(())
        });
        assert_eq!(result, vigie_result::Internal);
        assert!(
            last_error().contains("the engine broke"),
            "{}",
            last_error()
        );
    }

    #[test]
    fn a_panic_elsewhere_gives_the_value_of_a_null_handle() {
        fn panics<T>() -> T {
            panic!("formatted {}", "message")
        }
        assert_eq!(
            ffi_boundary!({ panics::<vigie_verdict>() }),
            vigie_verdict::Block
        );
        assert!(
            last_error().contains("formatted message"),
            "{}",
            last_error()
        );
        assert_eq!(
            ffi_boundary!({ panics::<vigie_status>() }),
            vigie_status::Unscannable
        );
        assert_eq!(ffi_boundary!({ panics::<i32>() }), -1);
        assert_eq!(ffi_boundary!({ panics::<usize>() }), 0);
        let text = ffi_boundary!({ panics::<*const c_char>() });
        // SAFETY: a static NUL-terminated string.
        assert_eq!(unsafe { CStr::from_ptr(text) }.to_bytes(), b"");
        let empty = ffi_boundary!({ panics::<vigie_str>() });
        assert_eq!(empty.len, 0);
        ffi_boundary!({ panics::<()>() });
        // SAFETY: NULL is never read.
        let kind = unsafe { read(std::ptr::null::<u8>(), |_| vigie_kind::Secret) };
        assert_eq!(kind, vigie_kind::Marking);
    }

    #[test]
    fn a_failure_sets_the_last_error_and_success_leaves_it() {
        let result = ffi_boundary!({ Err(Failure::new(vigie_result::Io, "cannot read a\0b")) });
        assert_eq!(result, vigie_result::Io);
        assert_eq!(last_error(), "cannot read a\u{FFFD}b");
        assert_eq!(ffi_boundary!({ Ok(()) }), vigie_result::Ok);
        assert_eq!(last_error(), "cannot read a\u{FFFD}b");
    }
}
