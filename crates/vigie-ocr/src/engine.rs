//! [`Tesseract`]: one initialised API object, and recognition of a bitmap
//! into words.

use std::cell::Cell;
use std::ffi::{CStr, c_void};
use std::os::raw::c_int;
use std::path::Path;
use std::ptr::NonNull;
use std::time::{Duration, Instant};

use crate::api::{Api, ClearOnDrop};
use crate::image::GrayImage;
use crate::{InitError, RecognizeError, ffi};

/// How Tesseract divides the page into text (its page segmentation mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Segmentation {
    /// Full layout analysis: columns, blocks, lines (`PSM_AUTO`).
    #[default]
    Auto,
    /// As much text as can be found, in no particular order: suits
    /// screenshots and photos with scattered text (`PSM_SPARSE_TEXT`).
    SparseText,
    /// One uniform block of text (`PSM_SINGLE_BLOCK`).
    SingleBlock,
}

impl Segmentation {
    fn page_seg_mode(self) -> c_int {
        match self {
            Segmentation::Auto => ffi::PSM_AUTO,
            Segmentation::SparseText => ffi::PSM_SPARSE_TEXT,
            Segmentation::SingleBlock => ffi::PSM_SINGLE_BLOCK,
        }
    }
}

/// How one bitmap is recognised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The bitmap's resolution in pixels per inch, 70 to 2400 (a screenshot
    /// is read well as 300 once its text is 20 to 30 pixels high).
    pub ppi: u32,
    /// The most time word recognition may take. Tesseract checks it before
    /// each word, not during layout analysis, which comes first: a page
    /// whose layout alone outlasts the deadline ends at its first word.
    pub deadline: Duration,
    /// The page segmentation mode.
    pub segmentation: Segmentation,
}

impl Default for Options {
    /// 300 ppi, 10 seconds, [`Segmentation::Auto`].
    fn default() -> Options {
        Options {
            ppi: 300,
            deadline: Duration::from_secs(10),
            segmentation: Segmentation::Auto,
        }
    }
}

/// One word recognised, with its box in the bitmap's pixels (origin at the
/// top left).
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// The word's text (UTF-8; any invalid sequence replaced by U+FFFD).
    pub text: String,
    /// Tesseract's confidence, 0 to 100.
    pub confidence: f32,
    /// The box's left edge.
    pub left: u32,
    /// The box's top edge.
    pub top: u32,
    /// The box's width.
    pub width: u32,
    /// The box's height.
    pub height: u32,
    /// The ordinal of the word's text line in reading order, from 0.
    pub line: u32,
}

/// One Tesseract engine, initialised with its languages.
///
/// Neither `Send` nor `Sync`: Tesseract's API object is to be used from one
/// thread, and the OpenMP setting that keeps it single-threaded is the
/// thread's. Callers keep one per thread and reuse it across images
/// (starting one loads the language models, tens of milliseconds).
///
/// ```compile_fail
/// fn needs_send<T: Send>() {}
/// needs_send::<vigie_ocr::Tesseract>();
/// ```
#[derive(Debug)]
pub struct Tesseract {
    api: Api,
    languages: String,
}

impl Tesseract {
    /// Starts Tesseract with `languages` (`+`-joined, such as `eng+fra`),
    /// reading `<datapath>/<language>.traineddata`, or with `datapath`
    /// `None`, from Tesseract's default: `TESSDATA_PREFIX`, else the
    /// directory compiled into the library. The LSTM engine is used.
    ///
    /// Every requested language must load: Tesseract itself starts with
    /// those it finds and drops the others, which here is
    /// [`InitError::MissingLanguageData`]. Tesseract's and Leptonica's
    /// messages to stderr are turned off for the process (`debug_file` is
    /// `/dev/null`), so that a server's log is not filled with them.
    pub fn new(languages: &str, datapath: Option<&Path>) -> Result<Tesseract, InitError> {
        Ok(Tesseract {
            api: Api::start(languages, datapath, ffi::OEM_LSTM_ONLY)?,
            languages: languages.to_owned(),
        })
    }

    /// The languages this engine was started with, as given to [`Tesseract::new`].
    pub fn languages(&self) -> &str {
        &self.languages
    }

    /// Recognises the words of `image`.
    ///
    /// The object is cleared afterwards (image and results), whatever the
    /// outcome, so that it is reused clean for the next image.
    pub fn recognize(
        &mut self,
        image: &GrayImage<'_>,
        options: &Options,
    ) -> Result<Vec<Word>, RecognizeError> {
        let monitor = Monitor::new(options.deadline)?;
        let api = self.api.set_image(image, options.ppi)?;
        // SAFETY: a live API object; the mode is a TessPageSegMode value.
        unsafe {
            ffi::TessBaseAPISetPageSegMode(api.as_ptr(), options.segmentation.page_seg_mode())
        };
        // SAFETY: a live API object with an image; the monitor is live for
        // the call and its cancel_this points to monitor.state, which it
        // outlives (both dropped after this function's last use of them).
        let status = unsafe { ffi::TessBaseAPIRecognize(api.as_ptr(), monitor.as_ptr()) };
        if status != 0 {
            if monitor.fired() {
                return Err(RecognizeError::Deadline);
            }
            return Err(RecognizeError::Failed(format!(
                "TessBaseAPIRecognize returned {status} on a {}x{} image",
                image.width, image.height
            )));
        }
        Ok(words(&api))
    }
}

/// Reads the recognised words through Tesseract's result iterator (deleted
/// before `api` clears the results).
fn words(api: &ClearOnDrop<'_>) -> Vec<Word> {
    // SAFETY: a live API object after a successful Recognize; the
    // iterator returned (or null, for no results) is owned by the guard.
    let iterator = unsafe { ffi::TessBaseAPIGetIterator(api.as_ptr()) };
    let Some(iterator) = NonNull::new(iterator) else {
        return Vec::new();
    };
    let iterator = ResultIterator(iterator);
    let mut words = Vec::new();
    let mut line: Option<u32> = None;
    loop {
        if let Some(word) = iterator.word(&mut line) {
            words.push(word);
        }
        // SAFETY: a live iterator; Next returns false at the end (also
        // when it starts past the end, on a page without words).
        if unsafe { ffi::TessResultIteratorNext(iterator.0.as_ptr(), ffi::RIL_WORD) } == 0 {
            break;
        }
    }
    words
}

/// A result iterator, deleted when dropped.
struct ResultIterator(NonNull<ffi::TessResultIterator>);

impl ResultIterator {
    /// The word at the iterator, updating the text line count; None for a
    /// position without a word or without text.
    fn word(&self, line: &mut Option<u32>) -> Option<Word> {
        let iterator = self.0.as_ptr();
        // SAFETY: a live iterator; the page iterator returned is a view of
        // it (not owned), valid while it lives.
        let page = unsafe { ffi::TessResultIteratorGetPageIteratorConst(iterator) };
        if page.is_null() {
            return None;
        }
        // SAFETY: a live page iterator and a valid level.
        let line_start = unsafe {
            ffi::TessPageIteratorIsAtBeginningOf(page, ffi::RIL_TEXTLINE) != 0
                || ffi::TessPageIteratorIsAtBeginningOf(page, ffi::RIL_BLOCK) != 0
        };
        // SAFETY: a live iterator and a valid level; the text returned (or
        // null past the end) is owned by the caller and freed below.
        let text = unsafe { ffi::TessResultIteratorGetUTF8Text(iterator, ffi::RIL_WORD) };
        if text.is_null() {
            return None;
        }
        // SAFETY: non-null, NUL-terminated; copied before being freed once.
        let word = unsafe { CStr::from_ptr(text) }
            .to_string_lossy()
            .into_owned();
        // SAFETY: the text came from GetUTF8Text and is freed once.
        unsafe { ffi::TessDeleteText(text) };
        if line_start || line.is_none() {
            *line = Some(line.map_or(0, |line| line.saturating_add(1)));
        }
        let text = word.trim();
        if text.is_empty() {
            return None;
        }
        // SAFETY: a live iterator and a valid level.
        let confidence = unsafe { ffi::TessResultIteratorConfidence(iterator, ffi::RIL_WORD) };
        let (mut left, mut top, mut right, mut bottom) = (0, 0, 0, 0);
        // SAFETY: a live page iterator, a valid level, four writable ints.
        let has_box = unsafe {
            ffi::TessPageIteratorBoundingBox(
                page,
                ffi::RIL_WORD,
                &mut left,
                &mut top,
                &mut right,
                &mut bottom,
            ) != 0
        };
        if !has_box {
            (left, top, right, bottom) = (0, 0, 0, 0);
        }
        let coordinate = |value: c_int| u32::try_from(value).unwrap_or(0);
        let (left, top) = (coordinate(left), coordinate(top));
        Some(Word {
            text: text.to_owned(),
            confidence: if confidence.is_nan() {
                0.0
            } else {
                confidence.clamp(0.0, 100.0)
            },
            left,
            top,
            width: coordinate(right).saturating_sub(left),
            height: coordinate(bottom).saturating_sub(top),
            line: line.unwrap_or(0),
        })
    }
}

impl Drop for ResultIterator {
    fn drop(&mut self) {
        // SAFETY: the iterator came from GetIterator, is owned here and is
        // deleted once, before the API object is cleared.
        unsafe { ffi::TessResultIteratorDelete(self.0.as_ptr()) };
    }
}

/// The deadline a monitor's cancel function checks.
struct DeadlineState {
    /// When recognition must stop; None if the deadline is beyond what an
    /// Instant can hold (it never passes).
    until: Option<Instant>,
    /// Set when the cancel function has stopped recognition.
    fired: Cell<bool>,
}

/// A Tesseract progress monitor whose cancel function enforces a deadline.
///
/// The deadline is kept here rather than with TessMonitorSetDeadlineMSecs:
/// Recognize returns the same -1 for a deadline and for other failures, and
/// a cancel function of ours is the only way to know which it was.
struct Monitor {
    monitor: NonNull<ffi::EtextDesc>,
    // Boxed so that its address, given to the monitor, does not move.
    state: Box<DeadlineState>,
}

impl Monitor {
    fn new(deadline: Duration) -> Result<Monitor, RecognizeError> {
        let state = Box::new(DeadlineState {
            until: Instant::now().checked_add(deadline),
            fired: Cell::new(false),
        });
        // SAFETY: TessMonitorCreate takes nothing and returns a new monitor
        // (or null, checked next) owned by the value built below.
        let monitor = NonNull::new(unsafe { ffi::TessMonitorCreate() })
            .ok_or_else(|| RecognizeError::Failed("TessMonitorCreate returned null".into()))?;
        let cancel_this: *const DeadlineState = &*state;
        // SAFETY: a live monitor; the cancel function has the
        // TessCancelFunc signature, and cancel_this points to the boxed
        // state, which lives as long as the monitor (same struct; the
        // monitor is deleted first, in Drop).
        unsafe {
            ffi::TessMonitorSetCancelFunc(monitor.as_ptr(), Some(cancel_at_deadline));
            ffi::TessMonitorSetCancelThis(
                monitor.as_ptr(),
                cancel_this.cast_mut().cast::<c_void>(),
            );
        }
        Ok(Monitor { monitor, state })
    }

    fn as_ptr(&self) -> *mut ffi::EtextDesc {
        self.monitor.as_ptr()
    }

    fn fired(&self) -> bool {
        self.state.fired.get()
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        // SAFETY: the monitor came from TessMonitorCreate, is owned here and
        // deleted once; no Recognize using it is running (it is only used
        // within a call that has returned).
        unsafe { ffi::TessMonitorDelete(self.monitor.as_ptr()) };
    }
}

/// The monitor's cancel function: true (stop) once the deadline has passed.
///
/// # Safety
/// `state` must point to a live [`DeadlineState`], as [`Monitor::new`] sets.
unsafe extern "C" fn cancel_at_deadline(state: *mut c_void, _words: c_int) -> bool {
    // SAFETY: Tesseract passes back the monitor's cancel_this, which
    // Monitor::new set to its boxed state, alive while the monitor is; it
    // is read on the thread running Recognize, the thread that owns it.
    let state = unsafe { &*state.cast_const().cast::<DeadlineState>() };
    let passed = state.until.is_some_and(|until| Instant::now() >= until);
    if passed {
        state.fired.set(true);
    }
    passed
}
