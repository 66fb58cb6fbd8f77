//! [`OrientationDetector`]: which way up a page is, by Tesseract's
//! orientation and script detection (`osd.traineddata`).

use std::ffi::CStr;
use std::os::raw::{c_char, c_float, c_int};
use std::path::Path;

use crate::api::Api;
use crate::image::GrayImage;
use crate::{InitError, RecognizeError, ffi};

/// Which way up a page is, as Tesseract's orientation detection found it.
#[derive(Debug, Clone, PartialEq)]
pub struct Orientation {
    /// The clockwise rotation, in degrees (0, 90, 180 or 270), that turns
    /// the image upright.
    pub rotate_clockwise: u32,
    /// Tesseract's confidence in that orientation over the others (its
    /// `oconfidence`, not bounded to 100): Tesseract's own command line
    /// trusts it from 2 or so; a clear page scores 10 to 20.
    pub confidence: f32,
    /// The script the text is in, such as `Latin`.
    pub script: String,
    /// Tesseract's confidence in the script.
    pub script_confidence: f32,
}

/// Tesseract's orientation and script detection, started with
/// `osd.traineddata` (Debian: tesseract-ocr-osd) and Tesseract's legacy
/// engine, which is what that model runs on: the LSTM engine that
/// [`crate::Tesseract`] starts cannot do it.
///
/// Like [`crate::Tesseract`], neither `Send` nor `Sync`: one per thread,
/// reused across images.
#[derive(Debug)]
pub struct OrientationDetector {
    api: Api,
}

impl OrientationDetector {
    /// Starts the detector, reading `osd.traineddata` from `datapath`, or
    /// with `None`, from Tesseract's default directory (see
    /// [`crate::Tesseract::new`]).
    pub fn new(datapath: Option<&Path>) -> Result<OrientationDetector, InitError> {
        Ok(OrientationDetector {
            api: Api::start("osd", datapath, ffi::OEM_TESSERACT_ONLY)?,
        })
    }

    /// Detects which way up `image` is, at `ppi` pixels per inch (70 to
    /// 2400). `Ok(None)`: Tesseract found nothing to tell it from (no text,
    /// too little of it). The object is cleared afterwards.
    pub fn detect(
        &mut self,
        image: &GrayImage<'_>,
        ppi: u32,
    ) -> Result<Option<Orientation>, RecognizeError> {
        let api = self.api.set_image(image, ppi)?;
        let mut degrees: c_int = 0;
        let mut confidence: c_float = 0.0;
        let mut script: *const c_char = std::ptr::null();
        let mut script_confidence: c_float = 0.0;
        // SAFETY: a live API object, started with osd, with an image set;
        // four writable outputs that outlive the call.
        let found = unsafe {
            ffi::TessBaseAPIDetectOrientationScript(
                api.as_ptr(),
                &mut degrees,
                &mut confidence,
                &mut script,
                &mut script_confidence,
            )
        } != 0;
        if !found {
            return Ok(None);
        }
        let script = if script.is_null() {
            String::new()
        } else {
            // SAFETY: non-null and NUL-terminated: a name in the loaded osd
            // model's character set, owned by the API object (capi.h says
            // to free it, but Tesseract 5 returns a pointer into its tables,
            // not a copy: it is copied here and never freed).
            unsafe { CStr::from_ptr(script) }
                .to_string_lossy()
                .into_owned()
        };
        // Tesseract reports the page's orientation as counter-clockwise
        // quarter turns times 90; undoing it is the clockwise complement.
        let rotate_clockwise = match degrees {
            90 => 270,
            180 => 180,
            270 => 90,
            _ => 0,
        };
        let finite = |value: f32| if value.is_finite() { value } else { 0.0 };
        Ok(Some(Orientation {
            rotate_clockwise,
            confidence: finite(confidence),
            script,
            script_confidence: finite(script_confidence),
        }))
    }
}
