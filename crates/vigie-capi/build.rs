//! Gives the shared library a SONAME, as Linux distributions expect: a
//! program linked against libvigie.so records `libvigie.so.MAJOR` (or
//! `libvigie.so.0.MINOR` before 1.0, when minor versions may break the ABI)
//! and keeps working across compatible updates. `scripts/install-capi`
//! installs the matching file names.

fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_default();
    let minor = std::env::var("CARGO_PKG_VERSION_MINOR").unwrap_or_default();
    let soversion = if major == "0" {
        format!("0.{minor}")
    } else {
        major
    };
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libvigie.so.{soversion}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
