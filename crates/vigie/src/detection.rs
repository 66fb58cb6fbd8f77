//! The one type every finder produces.

use crate::report::Confidence;

/// What a rule found in a segment, before it becomes a [`crate::Finding`]:
/// a marking qualified by its context, a portion mark, or a validated data
/// value. The qualifier, the portion reader and the data finder all make
/// them; the scanner keeps the outermost and turns them into findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// Index of the rule in the rule set.
    pub rule: usize,
    /// How sure.
    pub confidence: Confidence,
    /// Why.
    pub reason: String,
    /// Byte range in the segment text.
    pub start: usize,
    /// End of that range.
    pub end: usize,
}
