//! The C mirrors of the core's enums (verdict, status, kind, confidence,
//! part, problem code), how core values map to them, and their names.
//!
//! The C values are fixed once published: a new core value gets a new C
//! value at the end. Until it does, a core value the mirror does not know
//! (the core enums that may grow are `#[non_exhaustive]`) falls back to the
//! C value named after `else` below.

use std::ffi::{CStr, c_char, c_uint};

use vigie_core::{Confidence, Kind, Part, ProblemCode, Status, Verdict};

/// What the policy says to do with the scanned content.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum vigie_verdict {
    /// Nothing the policy objects to.
    Allow = 0,
    /// Let it through, but tell the sender or log it.
    Warn = 1,
    /// Refuse it.
    Block = 2,
}

/// How much of the content was read.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum vigie_status {
    /// All of it.
    Complete = 0,
    /// Some part could not be read; the problems say which.
    Partial = 1,
    /// Nothing could be read.
    Unscannable = 2,
}

/// What a rule finds.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum vigie_kind {
    /// A protective marking (classification, protection mention, TLP, label).
    Marking = 0,
    /// Personal data (identifiers, bank and card numbers).
    Pii = 1,
    /// A credential or key.
    Secret = 2,
    /// A rule from a custom pack that is none of the above.
    Custom = 3,
}

/// How sure vigie is that a finding is what its rule says.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum vigie_confidence {
    /// Reported for audit only.
    Low = 0,
    /// Likely.
    Medium = 1,
    /// Certain: a banner, a label, a validated identifier.
    High = 2,
}

/// Which part of a document a finding came from.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum vigie_part {
    /// Running text of a message or page.
    Body = 0,
    /// Page header.
    Header = 1,
    /// Page footer.
    Footer = 2,
    /// Speaker notes, footnotes, endnotes.
    Notes = 3,
    /// Review comments.
    Comment = 4,
    /// Document properties and other metadata.
    Metadata = 5,
    /// A sensitivity label.
    Label = 6,
    /// Text read from an image by OCR.
    Ocr = 7,
    /// Text a reader of the document does not see (hidden by its style).
    Hidden = 8,
}

/// Why part of the content could not be read.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum vigie_problem_code {
    /// Encrypted content that needs a key vigie does not have.
    Encrypted = 0,
    /// A resource limit tripped; the rest was not read.
    Limit = 1,
    /// The content is damaged.
    Corrupt = 2,
    /// A format vigie cannot read.
    Unsupported = 3,
    /// An image could not be read because OCR is not available.
    OcrUnavailable = 4,
}

/// Maps each value of a core enum to the C enum of the same meaning. The
/// core enums that may grow (`#[non_exhaustive]`) name the C value a newer
/// core's unknown value falls back to, until the C enum learns it.
macro_rules! same_values {
    ($core:ident => $c:ident { $($variant:ident),+ $(,)? }) => {
        impl From<$core> for $c {
            fn from(value: $core) -> Self {
                match value {
                    $($core::$variant => $c::$variant),+
                }
            }
        }
    };
    ($core:ident => $c:ident { $($variant:ident),+ $(,)? } else $fallback:ident) => {
        impl From<$core> for $c {
            fn from(value: $core) -> Self {
                match value {
                    $($core::$variant => $c::$variant,)+
                    _ => $c::$fallback,
                }
            }
        }
    };
}

same_values!(Verdict => vigie_verdict { Allow, Warn, Block });
same_values!(Status => vigie_status { Complete, Partial, Unscannable });
same_values!(Kind => vigie_kind { Marking, Pii, Secret, Custom } else Custom);
same_values!(Confidence => vigie_confidence { Low, Medium, High });
same_values!(Part => vigie_part { Body, Header, Footer, Notes, Comment, Metadata, Label, Ocr, Hidden } else Body);
same_values!(ProblemCode => vigie_problem_code {
    Encrypted, Limit, Corrupt, Unsupported, OcrUnavailable,
} else Unsupported);

/// The name of `value` in `names` (the JSON spellings of an enum, in the
/// order of its C values), or "unknown".
fn name_of(names: &[&'static CStr], value: c_uint) -> *const c_char {
    let index = usize::try_from(value).unwrap_or(usize::MAX);
    names.get(index).copied().unwrap_or(c"unknown").as_ptr()
}

/// "allow", "warn" or "block". Takes an unsigned int so that any value is safe to pass;
/// unknown values give "unknown".
#[unsafe(no_mangle)]
pub extern "C" fn vigie_verdict_str(value: c_uint) -> *const c_char {
    ffi_boundary!({ name_of(&[c"allow", c"warn", c"block"], value) })
}

/// "complete", "partial" or "unscannable". Takes an unsigned int so that any value is safe to pass;
/// unknown values give "unknown".
#[unsafe(no_mangle)]
pub extern "C" fn vigie_status_str(value: c_uint) -> *const c_char {
    ffi_boundary!({ name_of(&[c"complete", c"partial", c"unscannable"], value) })
}

/// "marking", "pii", "secret" or "custom". Takes an unsigned int so that any value is safe to pass;
/// unknown values give "unknown".
#[unsafe(no_mangle)]
pub extern "C" fn vigie_kind_str(value: c_uint) -> *const c_char {
    ffi_boundary!({ name_of(&[c"marking", c"pii", c"secret", c"custom"], value) })
}

/// "low", "medium" or "high". Takes an unsigned int so that any value is safe to pass;
/// unknown values give "unknown".
#[unsafe(no_mangle)]
pub extern "C" fn vigie_confidence_str(value: c_uint) -> *const c_char {
    ffi_boundary!({ name_of(&[c"low", c"medium", c"high"], value) })
}

/// "body", "header", "footer", "notes", "comment", "metadata", "label",
/// "ocr" or "hidden". Takes an unsigned int so that any value is safe to pass;
/// unknown values give "unknown".
#[unsafe(no_mangle)]
pub extern "C" fn vigie_part_str(value: c_uint) -> *const c_char {
    ffi_boundary!({
        name_of(
            &[
                c"body",
                c"header",
                c"footer",
                c"notes",
                c"comment",
                c"metadata",
                c"label",
                c"ocr",
                c"hidden",
            ],
            value,
        )
    })
}

/// "encrypted", "limit", "corrupt", "unsupported" or "ocr-unavailable". Takes an unsigned int so that any value is safe to pass;
/// unknown values give "unknown".
#[unsafe(no_mangle)]
pub extern "C" fn vigie_problem_code_str(value: c_uint) -> *const c_char {
    ffi_boundary!({
        name_of(
            &[
                c"encrypted",
                c"limit",
                c"corrupt",
                c"unsupported",
                c"ocr-unavailable",
            ],
            value,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks that each core value maps to the C value whose name (from the
    /// name function) is the core value's JSON spelling.
    fn check<Core, C>(values: &[Core], name_of: extern "C" fn(c_uint) -> *const c_char)
    where
        Core: serde::Serialize + Copy,
        C: From<Core> + Copy + Into<c_uint>,
    {
        for value in values {
            let json = serde_json::to_value(value).unwrap();
            let c_value: c_uint = C::from(*value).into();
            // SAFETY: the name functions return static strings.
            let name = unsafe { CStr::from_ptr(name_of(c_value)) };
            assert_eq!(name.to_str().unwrap(), json.as_str().unwrap());
        }
        // SAFETY: as above.
        let unknown = unsafe { CStr::from_ptr(name_of(c_uint::MAX)) };
        assert_eq!(unknown.to_str().unwrap(), "unknown");
    }

    macro_rules! as_uint {
        ($($c:ident),+) => {
            $(impl From<$c> for c_uint {
                fn from(value: $c) -> c_uint {
                    value as c_uint
                }
            })+
        };
    }
    as_uint!(
        vigie_verdict,
        vigie_status,
        vigie_kind,
        vigie_confidence,
        vigie_part,
        vigie_problem_code
    );

    #[test]
    fn enum_values_are_named_with_the_json_spellings() {
        use Confidence::*;
        use Kind::*;
        use Part::*;
        use ProblemCode::*;
        use Status::*;
        use Verdict::*;
        check::<_, vigie_verdict>(&[Allow, Warn, Block], vigie_verdict_str);
        check::<_, vigie_status>(&[Complete, Partial, Unscannable], vigie_status_str);
        check::<_, vigie_kind>(&[Marking, Pii, Secret, Custom], vigie_kind_str);
        check::<_, vigie_confidence>(&[Low, Medium, High], vigie_confidence_str);
        check::<_, vigie_part>(
            &[
                Body, Header, Footer, Notes, Comment, Metadata, Label, Ocr, Hidden,
            ],
            vigie_part_str,
        );
        check::<_, vigie_problem_code>(
            &[Encrypted, Limit, Corrupt, Unsupported, OcrUnavailable],
            vigie_problem_code_str,
        );
    }
}
