//! Strings across the boundary: borrowing the caller's (pointer and length)
//! and handing out ours (`vigie_str`, NUL-terminated copies).

use std::ffi::{CString, c_char};

use crate::result::{Failure, vigie_result};

/// A UTF-8 string borrowed from a vigie handle. `data` is never NULL and is
/// followed by a NUL byte, so it can be printed with `%s`; `len` (without
/// the NUL) is authoritative when the text itself holds a NUL byte. Valid
/// as long as the handle it came from.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct vigie_str {
    /// The bytes, followed by a NUL.
    pub data: *const c_char,
    /// The number of bytes before the terminating NUL.
    pub len: usize,
}

impl vigie_str {
    /// The empty string, for absent values and NULL handles.
    pub(crate) fn empty() -> Self {
        vigie_str {
            data: c"".as_ptr(),
            len: 0,
        }
    }
}

/// An owned string kept with its terminating NUL, to lend as a [`vigie_str`].
#[derive(Debug)]
pub(crate) struct CText(Box<[u8]>);

impl CText {
    pub(crate) fn new(text: &str) -> Self {
        let mut bytes = Vec::with_capacity(text.len() + 1);
        bytes.extend_from_slice(text.as_bytes());
        bytes.push(0);
        CText(bytes.into_boxed_slice())
    }

    pub(crate) fn as_vigie_str(&self) -> vigie_str {
        vigie_str {
            data: self.0.as_ptr().cast(),
            len: self.0.len() - 1,
        }
    }
}

/// Frees a string that vigie allocated for the caller (`vigie_report_to_json`).
/// NULL does nothing.
///
/// # Safety
/// `string` is NULL or a pointer vigie returned as an owned string, not yet
/// freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_string_free(string: *mut c_char) {
    ffi_boundary!({
        if !string.is_null() {
            // SAFETY: the caller passes back a pointer made by
            // `CString::into_raw` in `owned_c_string`, once.
            drop(unsafe { CString::from_raw(string) });
        }
    })
}

/// Gives `text` to the caller as a NUL-terminated string to free with
/// [`vigie_string_free`], and its length.
pub(crate) fn owned_c_string(text: String) -> (*mut c_char, usize) {
    let len = text.len();
    // JSON escapes control characters, so an interior NUL cannot happen;
    // should one appear, it is replaced rather than cutting the text short.
    let string = CString::new(text)
        .unwrap_or_else(|error| {
            let cleaned = String::from_utf8_lossy(&error.into_vec()).replace('\0', "\u{FFFD}");
            CString::new(cleaned).unwrap_or_default()
        })
        .into_raw();
    (string, len)
}

/// The largest length a slice may have (`slice::from_raw_parts` requires it).
const MAX_LEN: usize = isize::MAX as usize;

/// Borrows `len` bytes at `data`. NULL is accepted with length 0 only.
///
/// # Safety
/// When `data` is not NULL, it points to `len` readable bytes that stay
/// unchanged for `'a`.
pub(crate) unsafe fn bytes_arg<'a>(
    data: *const u8,
    len: usize,
    what: &str,
) -> Result<&'a [u8], Failure> {
    if len > MAX_LEN {
        return Err(Failure::new(
            vigie_result::InvalidArgument,
            format!("{what}: length {len} is larger than any object"),
        ));
    }
    if data.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(Failure::new(
                vigie_result::NullArgument,
                format!("{what} is NULL with length {len}"),
            ))
        };
    }
    // SAFETY: not NULL, length checked above; the caller guarantees `len`
    // readable bytes for the duration of the call.
    Ok(unsafe { std::slice::from_raw_parts(data, len) })
}

/// Borrows a UTF-8 string of `len` bytes at `data`; see [`bytes_arg`].
///
/// # Safety
/// As for [`bytes_arg`].
pub(crate) unsafe fn str_arg<'a>(
    data: *const c_char,
    len: usize,
    what: &str,
) -> Result<&'a str, Failure> {
    // SAFETY: forwarded from the caller.
    let bytes = unsafe { bytes_arg(data.cast(), len, what) }?;
    std::str::from_utf8(bytes).map_err(|error| {
        Failure::new(
            vigie_result::InvalidUtf8,
            format!(
                "{what} is not valid UTF-8 (invalid byte at offset {})",
                error.valid_up_to()
            ),
        )
    })
}

/// Checks an output pointer and clears what it points to, so that the caller
/// sees NULL if the call then fails.
///
/// # Safety
/// `out` is NULL or points to writable storage for a pointer.
pub(crate) unsafe fn out_arg<'a, T>(
    out: *mut *mut T,
    what: &str,
) -> Result<&'a mut *mut T, Failure> {
    // SAFETY: the caller guarantees `out` is NULL or valid for writes.
    match unsafe { out.as_mut() } {
        Some(out) => {
            *out = std::ptr::null_mut();
            Ok(out)
        }
        None => Err(Failure::new(
            vigie_result::NullArgument,
            format!("{what} is NULL"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_null_string_is_empty_only_with_length_zero() {
        // SAFETY: NULL pointers are never read.
        unsafe {
            assert_eq!(str_arg(std::ptr::null(), 0, "text").unwrap(), "");
            let failure = str_arg(std::ptr::null(), 3, "text").unwrap_err();
            assert_eq!(failure.code, vigie_result::NullArgument);
            let failure = str_arg(std::ptr::null(), usize::MAX, "text").unwrap_err();
            assert_eq!(failure.code, vigie_result::InvalidArgument);
        }
    }

    #[test]
    fn invalid_utf8_is_refused_with_its_offset() {
        let bytes = b"ab\xffc";
        // SAFETY: `bytes` is alive and 4 bytes long.
        let failure = unsafe { str_arg(bytes.as_ptr().cast(), bytes.len(), "text") }.unwrap_err();
        assert_eq!(failure.code, vigie_result::InvalidUtf8);
        assert!(failure.message.contains("offset 2"), "{}", failure.message);
    }

    #[test]
    fn lent_strings_are_nul_terminated_and_keep_interior_nuls() {
        let text = CText::new("a\0b");
        let lent = text.as_vigie_str();
        assert_eq!(lent.len, 3);
        // SAFETY: `text` owns len + 1 bytes.
        let bytes = unsafe { std::slice::from_raw_parts(lent.data.cast::<u8>(), lent.len + 1) };
        assert_eq!(bytes, b"a\0b\0");
    }
}
