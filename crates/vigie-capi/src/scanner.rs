//! The scanner handle: making one from a policy and rule packs, narrowing it
//! to a scope, and the three scan functions.

use std::ffi::c_char;
use std::sync::Arc;

use vigie_core::{Policy, Report, ScanInput, ScanOptions, Scanner};

use crate::report::vigie_report;
use crate::result::{Failure, vigie_result};
use crate::strings::{bytes_arg, out_arg, str_arg};

/// A compiled scanner: the rules and the policy. Immutable once made, so one
/// scanner may be used by any number of threads at once, without locking.
/// Free it with `vigie_scanner_free`.
#[derive(Debug)]
pub struct vigie_scanner {
    // Shared with the scanners `vigie_scanner_in_scope` makes from it.
    scanner: Arc<Scanner>,
    // A scope's policy, made once by `vigie_scanner_in_scope`.
    scope_policy: Option<Policy>,
}

impl vigie_scanner {
    /// Scans `input` through the core's one entry, under this scanner's
    /// scope if it has one.
    fn scan(&self, input: ScanInput<'_>) -> Result<Report, vigie_core::Error> {
        let options = match &self.scope_policy {
            Some(policy) => ScanOptions::new().policy(policy),
            None => ScanOptions::new(),
        };
        self.scanner.scan(input, &options)
    }
}

/// Makes a scanner with the built-in rules, custom rules from `rules_toml`
/// when it is not empty, and the policy `policy_toml` (the default policy
/// when it is empty).
///
/// # Safety
/// Each string is NULL with length 0, or points to that many readable
/// bytes; `out` is NULL or writable.
unsafe fn new_scanner(
    policy_toml: *const c_char,
    policy_toml_len: usize,
    rules_toml: *const c_char,
    rules_toml_len: usize,
    out: *mut *mut vigie_scanner,
) -> Result<(), Failure> {
    // SAFETY: forwarded from the caller.
    let out = unsafe { out_arg(out, "out") }?;
    // SAFETY: forwarded from the caller.
    let policy_toml = unsafe { str_arg(policy_toml, policy_toml_len, "policy_toml") }?;
    // SAFETY: forwarded from the caller.
    let rules_toml = unsafe { str_arg(rules_toml, rules_toml_len, "rules_toml") }?;
    let mut builder = Scanner::builder();
    if !policy_toml.is_empty() {
        builder = builder.policy(Policy::from_toml(policy_toml, "<policy_toml>")?);
    }
    if !rules_toml.is_empty() {
        builder = builder.rule_pack("<rules_toml>", rules_toml);
    }
    let scanner = vigie_scanner {
        scanner: Arc::new(builder.build()?),
        scope_policy: None,
    };
    *out = Box::into_raw(Box::new(scanner));
    Ok(())
}

/// Makes a scanner with the built-in rules under a policy written in TOML
/// (the format of `vigie scan --policy`, README "Policy"). An empty policy
/// (NULL, 0) is the default policy. On success `*out` is the scanner; on
/// failure it is NULL and `vigie_last_error` says what is wrong;
/// `vigie_last_error_line` and `vigie_last_error_column` say where, when
/// the TOML parser knows.
///
/// Errors: `VIGIE_RESULT_NULL_ARGUMENT`, `VIGIE_RESULT_INVALID_UTF8`,
/// `VIGIE_RESULT_INVALID_POLICY`.
///
/// # Safety
/// `policy_toml` is NULL with length 0, or points to `policy_toml_len`
/// readable bytes; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_scanner_new(
    policy_toml: *const c_char,
    policy_toml_len: usize,
    out: *mut *mut vigie_scanner,
) -> vigie_result {
    // SAFETY: forwarded from the caller; the empty rules string is valid.
    ffi_boundary!({
        unsafe { new_scanner(policy_toml, policy_toml_len, std::ptr::null(), 0, out) }
    })
}

/// Like `vigie_scanner_new`, with a rule pack in TOML added to the built-in
/// rules (the format of `vigie scan --rules`, README "Custom rules").
///
/// Errors: those of `vigie_scanner_new` and `VIGIE_RESULT_INVALID_RULES`.
///
/// # Safety
/// Each string is NULL with length 0, or points to that many readable
/// bytes; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_scanner_new_with_rules(
    policy_toml: *const c_char,
    policy_toml_len: usize,
    rules_toml: *const c_char,
    rules_toml_len: usize,
    out: *mut *mut vigie_scanner,
) -> vigie_result {
    // SAFETY: forwarded from the caller.
    ffi_boundary!({
        unsafe {
            new_scanner(
                policy_toml,
                policy_toml_len,
                rules_toml,
                rules_toml_len,
                out,
            )
        }
    })
}

/// Makes a scanner that shares `scanner`'s rules and applies the policy of
/// the scope `scope` (a `[scopes.NAME]` table of the policy: a room, a
/// channel). A scope the policy does not define is an error
/// (`VIGIE_RESULT_INVALID_ARGUMENT`), as in the command and the Python
/// package: falling back to the default policy would apply the wrong
/// ceiling without a word. Called on a scoped scanner, the new scope
/// replaces the old one. Cheap: the rules are shared, not copied, and the
/// scope's policy is worked out once, here. Free both scanners, in any
/// order.
///
/// # Safety
/// `scanner` is NULL or live; `scope` is NULL with length 0, or points to
/// `scope_len` readable bytes; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_scanner_in_scope(
    scanner: *const vigie_scanner,
    scope: *const c_char,
    scope_len: usize,
    out: *mut *mut vigie_scanner,
) -> vigie_result {
    ffi_boundary!({
        // SAFETY: forwarded from the caller.
        let out = unsafe { out_arg(out, "out") }?;
        // SAFETY: the caller passes NULL or a live scanner.
        let scanner = unsafe { scanner_arg(scanner) }?;
        // SAFETY: forwarded from the caller.
        let scope = unsafe { str_arg(scope, scope_len, "scope") }?;
        // A scoped scanner's scope applies to the base policy, not on top
        // of its own scope; an unknown scope is refused.
        let policy = scanner
            .scanner
            .policy()
            .scope(scope)
            .map_err(|error| Failure::new(vigie_result::InvalidArgument, error.to_string()))?;
        let scoped = vigie_scanner {
            scanner: Arc::clone(&scanner.scanner),
            scope_policy: Some(policy),
        };
        *out = Box::into_raw(Box::new(scoped));
        Ok(())
    })
}

/// Frees a scanner. NULL does nothing. No scan may be running with it.
///
/// # Safety
/// `scanner` is NULL or a scanner from `vigie_scanner_new*` or
/// `vigie_scanner_in_scope`, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_scanner_free(scanner: *mut vigie_scanner) {
    ffi_boundary!({
        if !scanner.is_null() {
            // SAFETY: made by `Box::into_raw` above, freed once.
            drop(unsafe { Box::from_raw(scanner) });
        }
    })
}

/// # Safety
/// `scanner` is NULL or live for `'a`.
unsafe fn scanner_arg<'a>(scanner: *const vigie_scanner) -> Result<&'a vigie_scanner, Failure> {
    // SAFETY: the caller passes NULL or a live scanner.
    unsafe { scanner.as_ref() }
        .ok_or_else(|| Failure::new(vigie_result::NullArgument, "scanner is NULL"))
}

/// The body shared by the scan functions: checks `out` (cleared first) and
/// `scanner`, runs `scan`, and hands its report to the caller in a new
/// handle.
///
/// # Safety
/// `scanner` is NULL or live; `out` is NULL or writable.
unsafe fn scan_into(
    scanner: *const vigie_scanner,
    out: *mut *mut vigie_report,
    scan: impl FnOnce(&vigie_scanner) -> Result<Report, Failure>,
) -> Result<(), Failure> {
    // SAFETY: forwarded from the caller.
    let out = unsafe { out_arg(out, "out") }?;
    // SAFETY: forwarded from the caller.
    let scanner = unsafe { scanner_arg(scanner) }?;
    let report = scan(scanner)?;
    *out = Box::into_raw(Box::new(vigie_report::new(report)));
    Ok(())
}

/// Scans a message: UTF-8 text of `text_len` bytes (NULL with 0 is the empty
/// message). On success `*out` is a report to free with `vigie_report_free`.
/// Scanning itself does not fail: content that cannot be read ends in a
/// report with problems.
///
/// Errors: `VIGIE_RESULT_NULL_ARGUMENT`, `VIGIE_RESULT_INVALID_UTF8` (use
/// `vigie_scan_bytes` for text in another encoding).
///
/// # Safety
/// `scanner` is NULL or live; `text` is NULL with length 0, or points to
/// `text_len` readable bytes; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_scan_text(
    scanner: *const vigie_scanner,
    text: *const c_char,
    text_len: usize,
    out: *mut *mut vigie_report,
) -> vigie_result {
    // SAFETY: the caller's guarantees on every pointer, forwarded (the
    // closure runs inside this block).
    ffi_boundary!({
        unsafe {
            scan_into(scanner, out, |scanner| {
                let text = str_arg(text, text_len, "text")?;
                Ok(scanner.scan(ScanInput::Text(text))?)
            })
        }
    })
}

/// Scans an attachment given as bytes: its format comes from its content
/// (text in any common encoding, HTML, RTF, e-mail, zip, Office,
/// OpenDocument, PDF), never from its name. `name` (UTF-8, may be NULL with
/// 0) names it in the report's source and messages only.
///
/// Errors: `VIGIE_RESULT_NULL_ARGUMENT`, `VIGIE_RESULT_INVALID_UTF8` (for
/// `name`).
///
/// # Safety
/// `scanner` is NULL or live; `data` and `name` are NULL with length 0, or
/// point to that many readable bytes; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_scan_bytes(
    scanner: *const vigie_scanner,
    data: *const u8,
    data_len: usize,
    name: *const c_char,
    name_len: usize,
    out: *mut *mut vigie_report,
) -> vigie_result {
    // SAFETY: the caller's guarantees on every pointer, forwarded (the
    // closure runs inside this block).
    ffi_boundary!({
        unsafe {
            scan_into(scanner, out, |scanner| {
                let data = bytes_arg(data, data_len, "data")?;
                let name = str_arg(name, name_len, "name")?;
                let name = (!name.is_empty()).then_some(name);
                let report = scanner.scan(ScanInput::Bytes { bytes: data, name })?;
                Ok(match name {
                    Some(name) => report.with_source(name),
                    None => report,
                })
            })
        }
    })
}

/// Reads a file and scans it as `vigie_scan_bytes` does (reading at most the
/// policy's `max_input_bytes`). `path` is `path_len` bytes, taken as they
/// are (on Unix a path need not be UTF-8).
///
/// Errors: `VIGIE_RESULT_NULL_ARGUMENT`, `VIGIE_RESULT_IO` (the file cannot
/// be opened or read; `vigie_last_error` names it and says why).
///
/// # Safety
/// `scanner` is NULL or live; `path` is NULL with length 0, or points to
/// `path_len` readable bytes; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vigie_scan_file(
    scanner: *const vigie_scanner,
    path: *const c_char,
    path_len: usize,
    out: *mut *mut vigie_report,
) -> vigie_result {
    // SAFETY: the caller's guarantees on every pointer, forwarded (the
    // closure runs inside this block).
    ffi_boundary!({
        unsafe {
            scan_into(scanner, out, |scanner| {
                let path = bytes_arg(path.cast(), path_len, "path")?;
                if path.is_empty() {
                    return Err(Failure::new(
                        vigie_result::Io,
                        "cannot read a file with an empty path",
                    ));
                }
                let path = path_from_bytes(path)?;
                Ok(scanner.scan(ScanInput::Path(&path))?)
            })
        }
    })
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> Result<std::path::PathBuf, Failure> {
    use std::os::unix::ffi::OsStrExt;
    Ok(std::path::Path::new(std::ffi::OsStr::from_bytes(bytes)).to_path_buf())
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> Result<std::path::PathBuf, Failure> {
    std::str::from_utf8(bytes)
        .map(std::path::PathBuf::from)
        .map_err(|_| Failure::new(vigie_result::InvalidUtf8, "path is not valid UTF-8"))
}
