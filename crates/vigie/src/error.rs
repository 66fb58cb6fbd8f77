//! Errors of the library. Scanning content never fails: bad content ends in
//! a report with a problem. Errors are for bad configuration and for inputs
//! that cannot be opened.

use std::path::PathBuf;

/// Everything that can go wrong before content is scanned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A policy file or string is not valid.
    #[error("invalid policy {origin}: {message}")]
    Policy {
        /// Where the policy came from (a path or `<string>`).
        origin: String,
        /// What is wrong, with the line when the TOML parser knows it.
        message: String,
    },
    /// A rule pack is not valid.
    #[error("invalid rule pack {origin}: {message}")]
    RulePack {
        /// Where the pack came from.
        origin: String,
        /// What is wrong.
        message: String,
    },
    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}
