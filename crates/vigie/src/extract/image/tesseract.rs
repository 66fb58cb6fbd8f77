//! The Tesseract engine (cargo feature `ocr`): vigie's [`OcrEngine`] over
//! the system library, through `vigie-ocr`. Tesseract's API object is for
//! one thread and slow to start (it loads the language models), so each
//! thread that reads images keeps one per configuration and reuses it;
//! each runs single-threaded (Tesseract's OpenMP threads make it several
//! times slower on a busy server), and images are scanned in parallel by
//! the caller's threads instead.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use super::{Bitmap, OcrEngine, OcrFailure, OcrWord};
use crate::report::{PixelBox, ProblemCode};

/// The languages vigie reads by default: French and English.
pub const DEFAULT_LANGUAGES: &str = "fra+eng";

/// How many engines one thread keeps (one per configuration it met).
const ENGINES_PER_THREAD: usize = 4;

/// Tesseract, as vigie runs it: its languages and where their data is.
/// Cheap to copy around; the engines themselves live with the threads that
/// use them.
///
/// ```no_run
/// use vigie::extract::{Engines, Tesseract};
/// use vigie::{ScanInput, ScanOptions, Scanner};
///
/// let tesseract = Tesseract::new("fra+eng", None)?;
/// let options = ScanOptions::new().engines(Engines { ocr: Some(&tesseract) });
/// let png = std::fs::read("capture.png")?;
/// let report = Scanner::new().scan(ScanInput::Bytes { bytes: &png, name: Some("capture.png") }, &options)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tesseract {
    languages: String,
    datapath: Option<PathBuf>,
}

/// Why the Tesseract engine cannot run: its language data is missing, or
/// the library would not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct OcrUnavailable(String);

thread_local! {
    /// This thread's started engines, most recently used last.
    static STARTED: RefCell<Vec<(Tesseract, vigie_ocr::Tesseract)>> = const { RefCell::new(Vec::new()) };
}

impl Tesseract {
    /// Tesseract reading `languages` (`+`-joined Tesseract names, such as
    /// `fra+eng`) from `datapath`, or from Tesseract's default
    /// (`TESSDATA_PREFIX`, else where Debian's packages put it) with
    /// `None`. Starts it once on this thread, to know now that the data is
    /// there.
    pub fn new(languages: &str, datapath: Option<&Path>) -> Result<Self, OcrUnavailable> {
        let tesseract = Tesseract {
            languages: languages.to_string(),
            datapath: datapath.map(Path::to_path_buf),
        };
        tesseract.with_engine(|_| ())?;
        Ok(tesseract)
    }

    /// The system's Tesseract with [`DEFAULT_LANGUAGES`], checked once per
    /// process: what [`Engines::default`](crate::extract::Engines) uses.
    pub fn system() -> Result<&'static Tesseract, &'static OcrUnavailable> {
        static SYSTEM: OnceLock<Result<Tesseract, OcrUnavailable>> = OnceLock::new();
        SYSTEM
            .get_or_init(|| Tesseract::new(DEFAULT_LANGUAGES, None))
            .as_ref()
    }

    /// The languages it reads.
    pub fn languages(&self) -> &str {
        &self.languages
    }

    /// The version of the Tesseract library linked, such as `5.3.0`.
    pub fn version() -> String {
        vigie_ocr::tesseract_version()
    }

    /// Runs `work` with this thread's engine for this configuration,
    /// starting one if the thread has none.
    fn with_engine<T>(
        &self,
        work: impl FnOnce(&mut vigie_ocr::Tesseract) -> T,
    ) -> Result<T, OcrUnavailable> {
        STARTED.with(|started| {
            let mut started = started.borrow_mut();
            let index = match started.iter().position(|(config, _)| config == self) {
                Some(index) => index,
                None => {
                    let engine =
                        vigie_ocr::Tesseract::new(&self.languages, self.datapath.as_deref())
                            .map_err(|error| OcrUnavailable(error.to_string()))?;
                    if started.len() == ENGINES_PER_THREAD {
                        started.remove(0);
                    }
                    started.push((self.clone(), engine));
                    started.len() - 1
                }
            };
            let entry = started.remove(index);
            started.push(entry);
            let (_, engine) = started.last_mut().expect("just pushed");
            Ok(work(engine))
        })
    }
}

impl OcrEngine for Tesseract {
    fn recognize(
        &self,
        bitmap: &Bitmap<'_>,
        deadline: Instant,
    ) -> Result<Vec<OcrWord>, OcrFailure> {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            return Err(out_of_time());
        };
        let image = vigie_ocr::GrayImage {
            pixels: bitmap.pixels,
            width: bitmap.width,
            height: bitmap.height,
        };
        let options = vigie_ocr::Options {
            ppi: bitmap.ppi,
            deadline: left,
            segmentation: vigie_ocr::Segmentation::Auto,
        };
        let words = self
            .with_engine(|engine| engine.recognize(&image, &options))
            .map_err(|unavailable| OcrFailure {
                code: ProblemCode::OcrUnavailable,
                message: unavailable.to_string(),
            })?;
        let words = words.map_err(|error| match error {
            vigie_ocr::RecognizeError::Deadline => out_of_time(),
            vigie_ocr::RecognizeError::InvalidImage(reason) => OcrFailure {
                code: ProblemCode::Unsupported,
                message: format!("refused by OCR: {reason}"),
            },
            vigie_ocr::RecognizeError::Failed(reason) => OcrFailure {
                code: ProblemCode::Corrupt,
                message: format!("OCR failed: {reason}"),
            },
        })?;
        Ok(words
            .into_iter()
            .map(|word| OcrWord {
                text: word.text,
                confidence: word.confidence,
                pixels: PixelBox {
                    x: word.left,
                    y: word.top,
                    width: word.width,
                    height: word.height,
                },
                line: word.line,
            })
            .collect())
    }
}

fn out_of_time() -> OcrFailure {
    OcrFailure {
        code: ProblemCode::Limit,
        message: "OCR did not finish within the scan's time limit; not read in full".into(),
    }
}
