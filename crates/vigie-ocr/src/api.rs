//! [`Api`]: one owned, initialised `TessBaseAPI`, shared by the word
//! recogniser and the orientation detector: starting it (with the checks
//! that every requested language loaded), handing it a bitmap, clearing it,
//! ending it.

use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_int};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::ptr::NonNull;
use std::sync::Once;

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

/// An initialised Tesseract API object, ended and deleted when dropped.
/// Neither `Send` nor `Sync` (it holds a raw pointer).
#[derive(Debug)]
pub(crate) struct Api(NonNull<ffi::TessBaseAPI>);

impl Api {
    /// Creates an API object and initialises it with `languages` and the
    /// engine mode `oem`, checking that every language loaded.
    pub(crate) fn start(
        languages: &str,
        datapath: Option<&Path>,
        oem: c_int,
    ) -> Result<Api, InitError> {
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
        // (or null, checked next) that `api` owns from here: any early
        // return ends and deletes it in Drop.
        let api = NonNull::new(unsafe { ffi::TessBaseAPICreate() })
            .map(Api)
            .ok_or_else(|| InitError::Failed("TessBaseAPICreate returned null".into()))?;
        let datapath_ptr = c_datapath
            .as_ref()
            .map_or(std::ptr::null(), |path| path.as_ptr());
        // SAFETY: a live API object; datapath null or NUL-terminated, and
        // the language NUL-terminated, both outliving the call (Tesseract
        // copies them); oem is a TessOcrEngineMode value.
        let status =
            unsafe { ffi::TessBaseAPIInit2(api.as_ptr(), datapath_ptr, c_languages.as_ptr(), oem) };
        let searched = api.datapath();
        // After a failed Init the loaded list cannot be trusted (it names
        // the language being loaded when it failed): every requested
        // language is then in doubt.
        let loaded = if status == 0 {
            api.loaded_languages()
        } else {
            Vec::new()
        };
        let missing: Vec<&str> = requested
            .iter()
            .copied()
            .filter(|language| !loaded.iter().any(|loaded| loaded == language))
            .collect();
        if missing.is_empty() {
            return Ok(api);
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

    /// The object, for the C API.
    pub(crate) fn as_ptr(&self) -> *mut ffi::TessBaseAPI {
        self.0.as_ptr()
    }

    /// Checks `image` and `ppi`, makes OpenMP single-threaded on this
    /// thread, and hands both to Tesseract (which copies the pixels). The
    /// guard returned clears the image and results when dropped, so that
    /// the object is reused clean whatever happens next.
    pub(crate) fn set_image(
        &mut self,
        image: &GrayImage<'_>,
        ppi: u32,
    ) -> Result<ClearOnDrop<'_>, RecognizeError> {
        let (width, height) = image.checked_dimensions()?;
        if !PPI_RANGE.contains(&ppi) {
            return Err(RecognizeError::InvalidImage(format!(
                "a resolution of {ppi} ppi is outside {}..={}",
                PPI_RANGE.start(),
                PPI_RANGE.end()
            )));
        }
        // At most 2400 (checked above), so it fits in an int.
        let ppi = c_int::try_from(ppi).unwrap_or(300);
        openmp::run_on_this_thread_only();
        let api = self.as_ptr();
        // SAFETY: the pixels are width*height bytes (checked_dimensions),
        // one byte per pixel and `width` bytes per row as declared;
        // Tesseract copies them into its own image during the call.
        unsafe { ffi::TessBaseAPISetImage(api, image.pixels.as_ptr(), width, height, 1, width) };
        // SAFETY: a live API object with an image set; ppi in 70..=2400.
        unsafe { ffi::TessBaseAPISetSourceResolution(api, ppi) };
        Ok(ClearOnDrop(self))
    }

    /// The directory Tesseract reads (or looked for) language data in.
    fn datapath(&self) -> String {
        // SAFETY: called after Init (which always creates the internal
        // engine GetDatapath reads, whether it succeeded or not); the string
        // returned is owned by the object and copied here at once.
        let path = unsafe { ffi::TessBaseAPIGetDatapath(self.as_ptr()) };
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
        let array = unsafe { ffi::TessBaseAPIGetLoadedLanguagesAsVector(self.as_ptr()) };
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

impl Drop for Api {
    fn drop(&mut self) {
        // SAFETY: the object is live and owned by self; End frees its
        // engine and Delete the object, after which it is never used.
        unsafe {
            ffi::TessBaseAPIEnd(self.as_ptr());
            ffi::TessBaseAPIDelete(self.as_ptr());
        }
    }
}

/// An [`Api`] with an image set; clears the image and results when dropped.
pub(crate) struct ClearOnDrop<'a>(&'a mut Api);

impl ClearOnDrop<'_> {
    /// The object, for the C API.
    pub(crate) fn as_ptr(&self) -> *mut ffi::TessBaseAPI {
        self.0.as_ptr()
    }
}

impl Drop for ClearOnDrop<'_> {
    fn drop(&mut self) {
        // SAFETY: a live API object (borrowed for the guard's life); Clear
        // frees only its image and results, none of which is borrowed any
        // more (iterators are dropped before the guard).
        unsafe { ffi::TessBaseAPIClear(self.0.as_ptr()) };
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
