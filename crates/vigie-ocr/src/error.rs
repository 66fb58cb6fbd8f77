//! The errors of [`crate::Tesseract::new`] and [`crate::Tesseract::recognize`].

use std::fmt;

/// Why a [`crate::Tesseract`] could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InitError {
    /// The trained data of one or more requested languages is not where
    /// Tesseract looks (`<searched>/<language>.traineddata`).
    MissingLanguageData {
        /// The requested languages whose data was not loaded, `+`-joined.
        languages: String,
        /// The directory Tesseract searched.
        searched: String,
    },
    /// Anything else: an invalid language string or data path, data that
    /// exists but does not load, no memory.
    Failed(String),
}

impl fmt::Display for InitError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InitError::MissingLanguageData {
                languages,
                searched,
            } => write!(
                formatter,
                "Tesseract has no language data for {languages} in {searched} \
                 (Debian: apt-get install tesseract-ocr-<language>)"
            ),
            InitError::Failed(reason) => write!(formatter, "Tesseract failed to start: {reason}"),
        }
    }
}

impl std::error::Error for InitError {}

/// Why [`crate::Tesseract::recognize`] returned no words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecognizeError {
    /// The bitmap or the options were refused before reaching Tesseract.
    InvalidImage(String),
    /// The deadline passed before every word was recognised.
    Deadline,
    /// Tesseract reported a failure.
    Failed(String),
}

impl fmt::Display for RecognizeError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecognizeError::InvalidImage(reason) => {
                write!(formatter, "image refused for OCR: {reason}")
            }
            RecognizeError::Deadline => {
                write!(formatter, "OCR stopped at its deadline before the end")
            }
            RecognizeError::Failed(reason) => write!(formatter, "OCR failed: {reason}"),
        }
    }
}

impl std::error::Error for RecognizeError {}
