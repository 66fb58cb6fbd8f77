//! A small, safe binding over Tesseract's C API (`tesseract/capi.h`):
//! an 8-bit grayscale bitmap in, words with their boxes, confidences and
//! text lines out ([`Tesseract`]); and which way up a page is
//! ([`OrientationDetector`]).
//!
//! This crate knows nothing of vigie: the core crate depends on it behind
//! its `ocr` feature and implements its own OCR engine trait on top of
//! [`Tesseract`]. The foreign-function interface is written by hand (no
//! bindgen) in a private module, and every `unsafe` block says why it is
//! sound; the core crate has no `unsafe` code. libtesseract and Leptonica
//! are linked as pkg-config finds them (Debian: `libtesseract-dev`).
//!
//! Tesseract runs single-threaded on the thread that owns the engine (its
//! OpenMP parallel regions are kept on that thread; see [`Tesseract`]):
//! scan images in parallel with one engine per thread instead. Measured on
//! a 1280x720 screenshot (120 words) on two loaded cores: 4.5 s a
//! recognition with Tesseract's OpenMP threads, 0.5 to 0.8 s without.
//!
//! `tests/valgrind` runs this crate's tests under memcheck.
//!
//! ```no_run
//! use vigie_ocr::{GrayImage, Options, Tesseract};
//!
//! let mut engine = Tesseract::new("eng+fra", None)?;
//! let pixels = vec![255u8; 640 * 200];
//! let image = GrayImage { pixels: &pixels, width: 640, height: 200 };
//! for word in engine.recognize(&image, &Options::default())? {
//!     println!("{} ({:.0}%) line {}", word.text, word.confidence, word.line);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ```
//! let version = vigie_ocr::tesseract_version();
//! assert!(version.chars().next().is_some_and(|c| c.is_ascii_digit()), "{version}");
//! ```

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

mod api;
mod engine;
mod error;
mod ffi;
mod image;
mod openmp;
mod orientation;

use std::ffi::CStr;

pub use engine::{Options, Segmentation, Tesseract, Word};
pub use error::{InitError, RecognizeError};
pub use image::{GrayImage, MAX_SIDE};
pub use orientation::{Orientation, OrientationDetector};

/// The version of the Tesseract library linked, such as `5.3.0`.
pub fn tesseract_version() -> String {
    // SAFETY: TessVersion takes no argument and returns a pointer to a
    // static NUL-terminated string owned by the library, valid for the
    // life of the process; it is only read here.
    let version = unsafe { CStr::from_ptr(ffi::TessVersion()) };
    version.to_string_lossy().into_owned()
}

/// Whether an OpenMP runtime is in the process and recognition on the
/// calling thread has been made single-threaded (false: Tesseract was built
/// without OpenMP, and is single-threaded anyway). [`Tesseract::new`] and
/// [`Tesseract::recognize`] do this themselves; this is for reports.
pub fn openmp_single_threaded() -> bool {
    openmp::run_on_this_thread_only()
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
