//! The C functions of Tesseract (`tesseract/capi.h`), Leptonica
//! (`leptonica/allheaders.h`) and the dynamic loader that this crate calls,
//! declared by hand from those headers. Only the few that the safe wrappers
//! use are here; each is called from an `unsafe` block that says why the call
//! is sound.

use std::os::raw::{c_char, c_float, c_int, c_void};

/// `TessBaseAPI`, Tesseract's API object (opaque).
#[repr(C)]
pub struct TessBaseAPI {
    _private: [u8; 0],
}

/// `TessResultIterator` (opaque).
#[repr(C)]
pub struct TessResultIterator {
    _private: [u8; 0],
}

/// `TessPageIterator` (opaque).
#[repr(C)]
pub struct TessPageIterator {
    _private: [u8; 0],
}

/// `ETEXT_DESC`, the progress monitor (opaque: created and read only
/// through `TessMonitor*`).
#[repr(C)]
pub struct EtextDesc {
    _private: [u8; 0],
}

/// `BOOL` of capi.h: an `int`.
pub type Bool = c_int;

/// `TessOcrEngineMode::OEM_TESSERACT_ONLY` (the legacy engine).
pub const OEM_TESSERACT_ONLY: c_int = 0;
/// `TessOcrEngineMode::OEM_LSTM_ONLY`.
pub const OEM_LSTM_ONLY: c_int = 1;

/// `TessPageSegMode::PSM_AUTO`.
pub const PSM_AUTO: c_int = 3;
/// `TessPageSegMode::PSM_SINGLE_BLOCK`.
pub const PSM_SINGLE_BLOCK: c_int = 6;
/// `TessPageSegMode::PSM_SPARSE_TEXT`.
pub const PSM_SPARSE_TEXT: c_int = 11;

/// `TessPageIteratorLevel::RIL_BLOCK`.
pub const RIL_BLOCK: c_int = 0;
/// `TessPageIteratorLevel::RIL_TEXTLINE`.
pub const RIL_TEXTLINE: c_int = 2;
/// `TessPageIteratorLevel::RIL_WORD`.
pub const RIL_WORD: c_int = 3;

/// `TessCancelFunc`: called by Recognize before each word with the
/// monitor's `cancel_this`; returning true stops recognition.
pub type TessCancelFunc = unsafe extern "C" fn(cancel_this: *mut c_void, words: c_int) -> bool;

// The C enums (TessOcrEngineMode, TessPageSegMode, TessPageIteratorLevel)
// are passed as `c_int`: a C enum whose values fit in an int has the ABI of
// an int on the platforms Tesseract supports.
unsafe extern "C" {
    pub fn TessVersion() -> *const c_char;
    pub fn TessDeleteText(text: *const c_char);
    pub fn TessDeleteTextArray(arr: *mut *mut c_char);

    pub fn TessBaseAPICreate() -> *mut TessBaseAPI;
    pub fn TessBaseAPIDelete(handle: *mut TessBaseAPI);
    pub fn TessBaseAPIEnd(handle: *mut TessBaseAPI);
    pub fn TessBaseAPIClear(handle: *mut TessBaseAPI);
    pub fn TessBaseAPISetVariable(
        handle: *mut TessBaseAPI,
        name: *const c_char,
        value: *const c_char,
    ) -> Bool;
    pub fn TessBaseAPIInit2(
        handle: *mut TessBaseAPI,
        datapath: *const c_char,
        language: *const c_char,
        oem: c_int,
    ) -> c_int;
    pub fn TessBaseAPIGetDatapath(handle: *mut TessBaseAPI) -> *const c_char;
    pub fn TessBaseAPIGetLoadedLanguagesAsVector(handle: *const TessBaseAPI) -> *mut *mut c_char;
    pub fn TessBaseAPISetPageSegMode(handle: *mut TessBaseAPI, mode: c_int);
    pub fn TessBaseAPISetImage(
        handle: *mut TessBaseAPI,
        imagedata: *const u8,
        width: c_int,
        height: c_int,
        bytes_per_pixel: c_int,
        bytes_per_line: c_int,
    );
    pub fn TessBaseAPISetSourceResolution(handle: *mut TessBaseAPI, ppi: c_int);
    pub fn TessBaseAPIRecognize(handle: *mut TessBaseAPI, monitor: *mut EtextDesc) -> c_int;
    pub fn TessBaseAPIDetectOrientationScript(
        handle: *mut TessBaseAPI,
        orient_deg: *mut c_int,
        orient_conf: *mut c_float,
        script_name: *mut *const c_char,
        script_conf: *mut c_float,
    ) -> Bool;
    pub fn TessBaseAPIGetIterator(handle: *mut TessBaseAPI) -> *mut TessResultIterator;

    pub fn TessPageIteratorIsAtBeginningOf(handle: *const TessPageIterator, level: c_int) -> Bool;
    pub fn TessPageIteratorBoundingBox(
        handle: *const TessPageIterator,
        level: c_int,
        left: *mut c_int,
        top: *mut c_int,
        right: *mut c_int,
        bottom: *mut c_int,
    ) -> Bool;

    pub fn TessResultIteratorDelete(handle: *mut TessResultIterator);
    pub fn TessResultIteratorGetPageIteratorConst(
        handle: *const TessResultIterator,
    ) -> *const TessPageIterator;
    pub fn TessResultIteratorNext(handle: *mut TessResultIterator, level: c_int) -> Bool;
    pub fn TessResultIteratorGetUTF8Text(
        handle: *const TessResultIterator,
        level: c_int,
    ) -> *mut c_char;
    pub fn TessResultIteratorConfidence(handle: *const TessResultIterator, level: c_int)
    -> c_float;

    pub fn TessMonitorCreate() -> *mut EtextDesc;
    pub fn TessMonitorDelete(monitor: *mut EtextDesc);
    pub fn TessMonitorSetCancelFunc(monitor: *mut EtextDesc, cancel: Option<TessCancelFunc>);
    pub fn TessMonitorSetCancelThis(monitor: *mut EtextDesc, cancel_this: *mut c_void);

    /// Leptonica: sets the threshold below which its messages to stderr
    /// are not printed; returns the previous one.
    pub fn setMsgSeverity(newsev: c_int) -> c_int;
}

/// Leptonica's `L_SEVERITY_NONE`: print nothing.
pub const L_SEVERITY_NONE: c_int = 6;

// The dynamic loader (glibc has them in libc itself since 2.34, and in
// libdl, which std links, before).
unsafe extern "C" {
    pub fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
    pub fn dlopen(filename: *const c_char, flags: c_int) -> *mut c_void;
}

/// `RTLD_DEFAULT` of glibc: search the global scope.
pub const RTLD_DEFAULT: *mut c_void = std::ptr::null_mut();
/// `RTLD_LAZY` of glibc.
pub const RTLD_LAZY: c_int = 0x0001;
/// `RTLD_NOLOAD` of glibc: return a handle only if already loaded.
pub const RTLD_NOLOAD: c_int = 0x0004;
