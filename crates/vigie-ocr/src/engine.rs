//! [`Tesseract`]: one initialised API object, and recognition of a bitmap
//! into words.

use std::cell::Cell;
use std::ffi::{CStr, CString, c_void};
use std::os::raw::{c_char, c_int};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::ptr::NonNull;
use std::sync::Once;
use std::time::{Duration, Instant};

use crate::image::GrayImage;
use crate::{InitError, RecognizeError, ffi, openmp};

/// The most languages one engine is started with (`eng+fra+...`).
const MAX_LANGUAGES: usize = 16;
/// The longest language name accepted (Tesseract's are such as `chi_sim`
/// or `script/Latin`).
const MAX_LANGUAGE_NAME: usize = 64;
/// Resolutions accepted, in pixels per inch: below 70 Tesseract disbelieves
/// the figure and substitutes its own.
const PPI_RANGE: std::ops::RangeInclusive<u32> = 70..=2400;

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
    api: NonNull<ffi::TessBaseAPI>,
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
        let requested = parse_languages(languages)?;
        let c_languages = CString::new(languages)
            .map_err(|_| InitError::Failed("the language string contains NUL".into()))?;
        let c_datapath = datapath
            .map(|path| {
                CString::new(path.as_os_str().as_bytes())
                    .map_err(|_| InitError::Failed("the data path contains a NUL byte".into()))
            })
            .transpose()?;
        silence_libraries();
        openmp::run_on_this_thread_only();

        // SAFETY: TessBaseAPICreate takes nothing and returns a new object
        // (or null, checked next) that this value owns from here.
        let api = NonNull::new(unsafe { ffi::TessBaseAPICreate() })
            .ok_or_else(|| InitError::Failed("TessBaseAPICreate returned null".into()))?;
        // From here `engine` owns the object: any early return ends and
        // deletes it in Drop.
        let engine = Tesseract {
            api,
            languages: languages.to_owned(),
        };
        let datapath_ptr = c_datapath
            .as_ref()
            .map_or(std::ptr::null(), |path| path.as_ptr());
        // SAFETY: a live API object; datapath null or NUL-terminated, and
        // the language NUL-terminated, both outliving the call (Tesseract
        // copies them).
        let status = unsafe {
            ffi::TessBaseAPIInit2(
                engine.api.as_ptr(),
                datapath_ptr,
                c_languages.as_ptr(),
                ffi::OEM_LSTM_ONLY,
            )
        };
        let searched = engine.datapath();
        // After a failed Init the loaded list cannot be trusted (it names
        // the language being loaded when it failed): every requested
        // language is then in doubt.
        let loaded = if status == 0 {
            engine.loaded_languages()
        } else {
            Vec::new()
        };
        let missing: Vec<&str> = requested
            .iter()
            .copied()
            .filter(|language| !loaded.iter().any(|loaded| loaded == language))
            .collect();
        if missing.is_empty() {
            return Ok(engine);
        }
        // Tell a missing file from one that is there but did not load.
        let absent: Vec<&str> = missing
            .iter()
            .copied()
            .filter(|language| {
                !Path::new(&searched)
                    .join(format!("{language}.traineddata"))
                    .is_file()
            })
            .collect();
        if !absent.is_empty() {
            return Err(InitError::MissingLanguageData {
                languages: absent.join("+"),
                searched,
            });
        }
        Err(InitError::Failed(format!(
            "Tesseract did not load the language data for {} from {searched} \
             (TessBaseAPIInit2 returned {status})",
            missing.join("+")
        )))
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
        let (width, height) = image.checked_dimensions()?;
        if !PPI_RANGE.contains(&options.ppi) {
            return Err(RecognizeError::InvalidImage(format!(
                "a resolution of {} ppi is outside {}..={}",
                options.ppi,
                PPI_RANGE.start(),
                PPI_RANGE.end()
            )));
        }
        // The ppi is at most 2400 (checked above), so it fits in an int.
        let ppi = c_int::try_from(options.ppi).unwrap_or(300);
        let monitor = Monitor::new(options.deadline)?;
        openmp::run_on_this_thread_only();
        let api = self.api.as_ptr();
        // Clears the image and results on every way out of this function.
        let _clear = ClearOnDrop(self.api);
        // SAFETY: a live API object owned by self; the mode is one of the
        // TessPageSegMode values.
        unsafe { ffi::TessBaseAPISetPageSegMode(api, options.segmentation.page_seg_mode()) };
        // SAFETY: the pixels are width*height bytes (checked_dimensions),
        // one byte per pixel and `width` bytes per row as declared; Tesseract
        // copies them into its own image during the call.
        unsafe { ffi::TessBaseAPISetImage(api, image.pixels.as_ptr(), width, height, 1, width) };
        // SAFETY: a live API object with an image set; ppi in 70..=2400.
        unsafe { ffi::TessBaseAPISetSourceResolution(api, ppi) };
        // SAFETY: a live API object with an image; the monitor is live for
        // the call and its cancel_this points to monitor.state, which it
        // outlives (both dropped after this function's last use of them).
        let status = unsafe { ffi::TessBaseAPIRecognize(api, monitor.as_ptr()) };
        if status != 0 {
            if monitor.fired() {
                return Err(RecognizeError::Deadline);
            }
            return Err(RecognizeError::Failed(format!(
                "TessBaseAPIRecognize returned {status} on a {width}x{height} image"
            )));
        }
        Ok(self.words())
    }

    /// Reads the recognised words through Tesseract's result iterator.
    fn words(&self) -> Vec<Word> {
        // SAFETY: a live API object after a successful Recognize; the
        // iterator returned (or null, for no results) is owned by the guard.
        let iterator = unsafe { ffi::TessBaseAPIGetIterator(self.api.as_ptr()) };
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

    /// The directory Tesseract reads (or looked for) language data in.
    fn datapath(&self) -> String {
        // SAFETY: called after Init (which always creates the internal
        // engine GetDatapath reads, whether it succeeded or not); the string
        // returned is owned by the object and copied here at once.
        let path = unsafe { ffi::TessBaseAPIGetDatapath(self.api.as_ptr()) };
        if path.is_null() {
            return String::from("(unknown)");
        }
        // SAFETY: non-null, NUL-terminated, owned by the live object.
        let path = unsafe { CStr::from_ptr(path) }.to_string_lossy();
        path.trim_end_matches('/').to_owned()
    }

    /// The languages Tesseract actually loaded.
    fn loaded_languages(&self) -> Vec<String> {
        // SAFETY: a live API object; the array returned is NULL-terminated,
        // owned by the caller, and freed below with TessDeleteTextArray.
        let array = unsafe { ffi::TessBaseAPIGetLoadedLanguagesAsVector(self.api.as_ptr()) };
        if array.is_null() {
            return Vec::new();
        }
        let mut languages = Vec::new();
        // Bounded: Tesseract loads the languages asked for and those they
        // name as dependencies, a handful.
        for index in 0..MAX_LANGUAGES * 4 {
            // SAFETY: index is within the array: every earlier entry was
            // non-null, and the array ends with a null entry.
            let entry: *mut c_char = unsafe { *array.add(index) };
            if entry.is_null() {
                break;
            }
            // SAFETY: a non-null entry is a NUL-terminated string.
            languages.push(
                unsafe { CStr::from_ptr(entry) }
                    .to_string_lossy()
                    .into_owned(),
            );
        }
        // SAFETY: the array came from GetLoadedLanguagesAsVector and is
        // freed once; nothing read from it is used after.
        unsafe { ffi::TessDeleteTextArray(array) };
        languages
    }
}

impl Drop for Tesseract {
    fn drop(&mut self) {
        // SAFETY: the object is live and owned by self; End frees its
        // engine and Delete the object, after which it is never used.
        unsafe {
            ffi::TessBaseAPIEnd(self.api.as_ptr());
            ffi::TessBaseAPIDelete(self.api.as_ptr());
        }
    }
}

/// Splits and checks a `+`-joined language string.
fn parse_languages(languages: &str) -> Result<Vec<&str>, InitError> {
    let names: Vec<&str> = languages.split('+').collect();
    if names.len() > MAX_LANGUAGES {
        return Err(InitError::Failed(format!(
            "{} languages requested, at most {MAX_LANGUAGES}",
            names.len()
        )));
    }
    for name in &names {
        // Tesseract's own syntax also has `~lang` (exclude) and paths; only
        // plain names, and `script/Name`, are accepted.
        let valid = !name.is_empty()
            && name.len() <= MAX_LANGUAGE_NAME
            && !name.starts_with('/')
            && !name.ends_with('/')
            && name
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'/'));
        if !valid {
            return Err(InitError::Failed(format!(
                "invalid language list {languages:?} (expected names such as eng+fra)"
            )));
        }
    }
    Ok(names)
}

/// Sends Tesseract's `tprintf` output to /dev/null and turns Leptonica's
/// messages off, once for the process. Both settings are process-wide
/// globals that Tesseract reads without a lock, so they are written once,
/// before this crate starts any engine.
fn silence_libraries() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: a temporary API object, used only to set a global
        // parameter (SetVariable reaches the global `debug_file` through
        // it), then deleted. No other engine of this crate exists yet
        // (call_once runs before the first).
        unsafe {
            let api = ffi::TessBaseAPICreate();
            if !api.is_null() {
                ffi::TessBaseAPISetVariable(api, c"debug_file".as_ptr(), c"/dev/null".as_ptr());
                ffi::TessBaseAPIDelete(api);
            }
        }
        // SAFETY: sets Leptonica's global message threshold; no Leptonica
        // call of this crate runs concurrently (call_once).
        unsafe { ffi::setMsgSeverity(ffi::L_SEVERITY_NONE) };
    });
}

/// Clears an API object's image and results when dropped.
struct ClearOnDrop(NonNull<ffi::TessBaseAPI>);

impl Drop for ClearOnDrop {
    fn drop(&mut self) {
        // SAFETY: the object outlives this guard (it is created inside a
        // method borrowing the engine mutably); Clear frees only the image
        // and results.
        unsafe { ffi::TessBaseAPIClear(self.0.as_ptr()) };
    }
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
