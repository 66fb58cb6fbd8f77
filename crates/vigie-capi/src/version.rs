//! The library's version, at compile time (header constants) and at run time.

use std::ffi::c_char;

/// Major version of the header this program was compiled against.
pub const VIGIE_VERSION_MAJOR: u32 = 0;
/// Minor version of the header this program was compiled against.
pub const VIGIE_VERSION_MINOR: u32 = 1;
/// Patch version of the header this program was compiled against.
pub const VIGIE_VERSION_PATCH: u32 = 0;

/// The version of the library loaded at run time, as "MAJOR.MINOR.PATCH". A
/// static string.
#[unsafe(no_mangle)]
pub extern "C" fn vigie_version() -> *const c_char {
    ffi_boundary!({
        const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
        VERSION.as_ptr().cast()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_constants_match_the_package_version() {
        let version = format!("{VIGIE_VERSION_MAJOR}.{VIGIE_VERSION_MINOR}.{VIGIE_VERSION_PATCH}");
        assert_eq!(version, env!("CARGO_PKG_VERSION"));
        // SAFETY: vigie_version returns a static NUL-terminated string.
        let runtime = unsafe { std::ffi::CStr::from_ptr(vigie_version()) };
        assert_eq!(runtime.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }
}
