//! The bitmap handed to Tesseract, and the checks it passes first.

use crate::RecognizeError;

/// The largest width or height accepted, in pixels. Tesseract keeps
/// coordinates in 16-bit signed integers (`TBOX`), so a side beyond this
/// would wrap inside it.
pub const MAX_SIDE: u32 = i16::MAX as u32;

/// An 8-bit grayscale bitmap, rows top to bottom, each `width` bytes, no
/// padding (0 black, 255 white).
#[derive(Debug, Clone, Copy)]
pub struct GrayImage<'a> {
    /// `width * height` bytes, one per pixel.
    pub pixels: &'a [u8],
    /// Pixels per row, 1 to [`MAX_SIDE`].
    pub width: u32,
    /// Rows, 1 to [`MAX_SIDE`].
    pub height: u32,
}

impl GrayImage<'_> {
    /// Checks the dimensions against the buffer and Tesseract's limits;
    /// returns them as the C API's `int`s.
    pub(crate) fn checked_dimensions(&self) -> Result<(i32, i32), RecognizeError> {
        let (width, height) = (self.width, self.height);
        if width == 0 || height == 0 {
            return Err(RecognizeError::InvalidImage(format!(
                "empty bitmap ({width}x{height})"
            )));
        }
        if width > MAX_SIDE || height > MAX_SIDE {
            return Err(RecognizeError::InvalidImage(format!(
                "{width}x{height} pixels: Tesseract takes at most {MAX_SIDE} per side"
            )));
        }
        // Both sides are at most 2^15, so the product fits in a u64 (and a
        // usize on 64-bit targets; checked for the others).
        let expected = u64::from(width) * u64::from(height);
        if u64::try_from(self.pixels.len()).ok() != Some(expected) {
            return Err(RecognizeError::InvalidImage(format!(
                "{width}x{height} pixels need {expected} bytes, the bitmap has {}",
                self.pixels.len()
            )));
        }
        // Both at most MAX_SIDE, so they fit in an i32.
        let as_int = |side: u32| i32::try_from(side).unwrap_or(i32::MAX);
        Ok((as_int(width), as_int(height)))
    }
}
