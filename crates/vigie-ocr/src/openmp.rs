//! Keeps Tesseract's OpenMP parallel regions on the calling thread.
//!
//! Debian's libtesseract is built with OpenMP: its LSTM runs
//! `#pragma omp parallel for num_threads(N)` loops, and on a loaded server
//! those threads make OCR several times slower (they spin and wait for each
//! other on busy cores). `OMP_THREAD_LIMIT=1` cures it, but libgomp reads
//! that variable once, when it is loaded, before any Rust code runs; and
//! `omp_set_num_threads(1)` does nothing against an explicit `num_threads`
//! clause. What does work is the max-active-levels ICV at 0: a parallel
//! region is then never active and runs on the encountering thread alone
//! (libgomp's `gomp_resolve_num_threads` returns 1 when the active level,
//! 0 at the top, is not below it). Since GCC 11 that ICV is per task, so
//! for a thread outside any parallel region it is per thread: setting it
//! affects only the thread that calls it, which is the thread that owns the
//! [`crate::Tesseract`] (the object is neither `Send` nor `Sync`).
//!
//! The function is looked up at run time, so a Tesseract built without
//! OpenMP (no libgomp in the process) works, with nothing to do.

use std::ffi::{CStr, c_void};
use std::os::raw::c_int;
use std::sync::OnceLock;

use crate::ffi;

/// `omp_set_max_active_levels` of the OpenMP runtime in the process.
type SetMaxActiveLevels = unsafe extern "C" fn(c_int);

/// The runtime's `omp_set_max_active_levels`, if one is loaded.
fn set_max_active_levels() -> Option<SetMaxActiveLevels> {
    static FUNCTION: OnceLock<Option<SetMaxActiveLevels>> = OnceLock::new();
    *FUNCTION.get_or_init(find)
}

/// Looks the function up: first in the global scope (a program linked with
/// this crate has libgomp there, as a dependency of libtesseract), then in
/// an already loaded libgomp or LLVM libomp by name, for when this crate is
/// inside a library loaded with `RTLD_LOCAL` (a Python extension), whose
/// dependencies are not in the global scope. Nothing is loaded that was not.
fn find() -> Option<SetMaxActiveLevels> {
    const SYMBOL: &CStr = c"omp_set_max_active_levels";
    const RUNTIMES: [&CStr; 3] = [c"libgomp.so.1", c"libomp.so.5", c"libomp.so"];
    // SAFETY: dlsym is given RTLD_DEFAULT and a NUL-terminated name that
    // outlives the call; it only reads them.
    let mut address = unsafe { ffi::dlsym(ffi::RTLD_DEFAULT, SYMBOL.as_ptr()) };
    for runtime in RUNTIMES {
        if !address.is_null() {
            break;
        }
        // SAFETY: RTLD_NOLOAD makes dlopen return a handle to the library
        // only if it is already loaded (running no initialiser); the name
        // is NUL-terminated and outlives the call. The handle is kept (not
        // dlclose'd): libtesseract holds the library for the life of the
        // process anyway, so the function found stays valid.
        let handle = unsafe { ffi::dlopen(runtime.as_ptr(), ffi::RTLD_LAZY | ffi::RTLD_NOLOAD) };
        if !handle.is_null() {
            // SAFETY: a handle just returned by dlopen and a NUL-terminated
            // name, both valid for the call.
            address = unsafe { ffi::dlsym(handle, SYMBOL.as_ptr()) };
        }
    }
    if address.is_null() {
        return None;
    }
    // SAFETY: the symbol is the OpenMP runtime's
    // `void omp_set_max_active_levels(int)` (OpenMP API, every version
    // since 3.0), whose ABI is that of SetMaxActiveLevels.
    Some(unsafe { std::mem::transmute::<*mut c_void, SetMaxActiveLevels>(address) })
}

/// Makes OpenMP parallel regions started from the calling thread run on it
/// alone. Returns whether an OpenMP runtime was found (false: Tesseract
/// runs without OpenMP, single-threaded already).
pub(crate) fn run_on_this_thread_only() -> bool {
    match set_max_active_levels() {
        Some(function) => {
            // SAFETY: the runtime's omp_set_max_active_levels, called with a
            // valid non-negative level outside any parallel region; it only
            // writes the calling thread's ICV.
            unsafe { function(0) };
            true
        }
        None => false,
    }
}
