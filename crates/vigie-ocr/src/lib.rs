//! OCR for vigie: the Tesseract engine behind [`vigie::extract::OcrEngine`].
//!
//! The core crate holds no engine and no `unsafe` code
//! (`#![forbid(unsafe_code)]`); the foreign-function interface to Tesseract
//! lives here, in [`ffi`], behind safe functions. This crate links
//! `libtesseract` and `libleptonica` through their C API
//! (`tesseract/capi.h`, `leptonica/allheaders.h`).
//!
//! ```
//! let version = vigie_ocr::tesseract_version();
//! assert!(version.chars().next().is_some_and(|c| c.is_ascii_digit()), "{version}");
//! ```

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

use std::ffi::CStr;

/// The C functions of Tesseract this crate calls, as `tesseract/capi.h`
/// declares them.
pub mod ffi {
    use std::os::raw::c_char;

    unsafe extern "C" {
        /// The library's version, a static NUL-terminated string.
        pub fn TessVersion() -> *const c_char;
    }
}

/// The version of the Tesseract library linked, such as `5.3.0`.
pub fn tesseract_version() -> String {
    // SAFETY: TessVersion takes no argument and returns a pointer to a
    // static NUL-terminated string owned by the library, valid for the
    // life of the process; it is only read here.
    let version = unsafe { CStr::from_ptr(ffi::TessVersion()) };
    version.to_string_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_linked_library_is_tesseract_5_or_later() {
        let version = super::tesseract_version();
        let major: u32 = version
            .split('.')
            .next()
            .and_then(|major| major.parse().ok())
            .unwrap_or_else(|| panic!("unexpected version {version:?}"));
        assert!(major >= 5, "{version}");
    }
}
