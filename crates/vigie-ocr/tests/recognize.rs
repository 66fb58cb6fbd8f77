//! Recognition with the real Tesseract on the committed test images
//! (tests/data, made by tests/data/make_images.py), with the eng and fra
//! language data installed (Debian: tesseract-ocr-eng, tesseract-ocr-fra).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use vigie_ocr::{
    GrayImage, InitError, MAX_SIDE, Options, RecognizeError, Segmentation, Tesseract, Word,
};

/// A decoded 8-bit grayscale test image.
struct Bitmap {
    pixels: Vec<u8>,
    width: u32,
    height: u32,
}

impl Bitmap {
    fn load(name: &str) -> Bitmap {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name);
        let image = image::open(&path)
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
            .into_luma8();
        let (width, height) = image.dimensions();
        Bitmap {
            pixels: image.into_raw(),
            width,
            height,
        }
    }

    /// `columns` x `rows` copies of this bitmap side by side.
    fn tiled(&self, columns: u32, rows: u32) -> Bitmap {
        let (width, height) = (self.width * columns, self.height * rows);
        let mut pixels = Vec::with_capacity((width * height) as usize);
        for _ in 0..rows {
            for row in self.pixels.chunks(self.width as usize) {
                for _ in 0..columns {
                    pixels.extend_from_slice(row);
                }
            }
        }
        Bitmap {
            pixels,
            width,
            height,
        }
    }

    fn gray(&self) -> GrayImage<'_> {
        GrayImage {
            pixels: &self.pixels,
            width: self.width,
            height: self.height,
        }
    }
}

fn engine() -> Tesseract {
    Tesseract::new("eng+fra", None).unwrap_or_else(|error| panic!("{error}"))
}

fn texts(words: &[Word]) -> Vec<&str> {
    words.iter().map(|word| word.text.as_str()).collect()
}

#[test]
fn the_words_of_two_lines_come_back_with_their_boxes_confidences_and_lines() {
    let bitmap = Bitmap::load("marking.png");
    let words = engine()
        .recognize(&bitmap.gray(), &Options::default())
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(
        texts(&words),
        [
            "DIFFUSION",
            "RESTREINTE",
            "Compte",
            "rendu",
            "de",
            "réunion"
        ]
    );
    let lines: Vec<u32> = words.iter().map(|word| word.line).collect();
    assert_eq!(lines, [0, 0, 1, 1, 1, 1]);
    for word in &words {
        assert!(
            (80.0..=100.0).contains(&word.confidence),
            "{word:?} has a low confidence"
        );
        // The text is 36 pixels high: capitals about 26, with descenders
        // ("p" of Compte) about 34.
        assert!((20..=40).contains(&word.height), "{word:?}");
        assert!(word.width >= word.height / 2, "{word:?}");
        assert!(word.left + word.width <= bitmap.width, "{word:?}");
        assert!(word.top + word.height <= bitmap.height, "{word:?}");
    }
    // Drawn 30 pixels from the left and top (make_images.py); the box is
    // the ink's, a few pixels in.
    let first = &words[0];
    assert!((28..=36).contains(&first.left), "{first:?}");
    assert!((30..=42).contains(&first.top), "{first:?}");
    // Left to right on a line, and the second line below the first.
    assert!(words[1].left > words[0].left + words[0].width);
    assert!(words[2].top > words[0].top + words[0].height);
    assert!((28..=36).contains(&words[2].left), "{:?}", words[2]);
}

#[test]
fn one_engine_is_reused_across_images_with_the_same_results() {
    let marking = Bitmap::load("marking.png");
    let single = Bitmap::load("single_line.png");
    let mut engine = engine();
    let options = Options::default();
    let first = engine.recognize(&marking.gray(), &options).unwrap();
    let other = engine.recognize(&single.gray(), &options).unwrap();
    let again = engine.recognize(&marking.gray(), &options).unwrap();
    assert_eq!(texts(&other), ["Budget", "prévisionnel", "2026"]);
    assert!(other.iter().all(|word| word.line == 0), "{other:?}");
    assert_eq!(first, again, "nothing of the previous image is left behind");
}

#[test]
fn the_segmentation_modes_all_read_the_marking() {
    let bitmap = Bitmap::load("marking.png");
    let mut engine = engine();
    for segmentation in [
        Segmentation::Auto,
        Segmentation::SparseText,
        Segmentation::SingleBlock,
    ] {
        let options = Options {
            segmentation,
            ..Options::default()
        };
        let words = engine.recognize(&bitmap.gray(), &options).unwrap();
        let texts = texts(&words);
        assert!(
            texts.starts_with(&["DIFFUSION", "RESTREINTE"]),
            "{segmentation:?}: {texts:?}"
        );
    }
}

#[test]
fn a_blank_image_has_no_words() {
    let pixels = vec![255u8; 400 * 300];
    let image = GrayImage {
        pixels: &pixels,
        width: 400,
        height: 300,
    };
    let words = engine().recognize(&image, &Options::default()).unwrap();
    assert_eq!(words, []);
}

#[test]
fn a_deadline_that_passes_is_reported_and_the_engine_still_works() {
    let tile = Bitmap::load("marking.png");
    // 132 copies of the six words: about 100 times the work of one tile
    // (measured: 6 s for the page, 60 ms for a tile), far beyond 1 ms.
    let large = tile.tiled(6, 22);
    let mut engine = engine();
    let started = Instant::now();
    engine.recognize(&tile.gray(), &Options::default()).unwrap();
    let one_tile = started.elapsed();

    let options = Options {
        deadline: Duration::from_millis(1),
        ..Options::default()
    };
    let started = Instant::now();
    let outcome = engine.recognize(&large.gray(), &options);
    let elapsed = started.elapsed();
    assert!(
        matches!(outcome, Err(RecognizeError::Deadline)),
        "{:?}",
        outcome.map(|words| format!("{} words", words.len()))
    );
    // The deadline does not cover layout analysis (about 20 tiles' worth
    // here), only word recognition, which it stops at the first word.
    assert!(
        elapsed < one_tile * 50,
        "{elapsed:?} for the page, {one_tile:?} for one tile"
    );

    let small = Bitmap::load("single_line.png");
    let words = engine
        .recognize(&small.gray(), &Options::default())
        .unwrap();
    assert_eq!(texts(&words), ["Budget", "prévisionnel", "2026"]);
}

#[test]
fn a_deadline_that_does_not_pass_gives_every_word() {
    let bitmap = Bitmap::load("marking.png").tiled(2, 2);
    let options = Options {
        deadline: Duration::from_secs(60),
        ..Options::default()
    };
    let words = engine().recognize(&bitmap.gray(), &options).unwrap();
    assert_eq!(words.len(), 4 * 6, "{:?}", texts(&words));
    // Two rows of tiles, two text lines each.
    assert_eq!(words.iter().map(|word| word.line).max(), Some(3));
}

#[test]
fn invalid_bitmaps_and_options_are_refused_before_tesseract() {
    let mut engine = engine();
    let options = Options::default();
    let pixels = vec![255u8; 64];
    let refused = |engine: &mut Tesseract, image: GrayImage<'_>, options: &Options| match engine
        .recognize(&image, options)
    {
        Err(RecognizeError::InvalidImage(reason)) => reason,
        other => panic!("{}x{}: {other:?}", image.width, image.height),
    };
    let cases = [(0, 8), (8, 0), (0, 0), (7, 8), (9, 8), (64, 2)];
    for (width, height) in cases {
        let image = GrayImage {
            pixels: &pixels,
            width,
            height,
        };
        refused(&mut engine, image, &options);
    }
    let wide = vec![255u8; MAX_SIDE as usize + 1];
    let image = GrayImage {
        pixels: &wide,
        width: MAX_SIDE + 1,
        height: 1,
    };
    assert!(refused(&mut engine, image, &options).contains("32767"));
    // A length that overflows 32 bits is compared, not wrapped.
    let image = GrayImage {
        pixels: &pixels,
        width: u32::MAX,
        height: u32::MAX,
    };
    refused(&mut engine, image, &options);
    let image = GrayImage {
        pixels: &pixels,
        width: 8,
        height: 8,
    };
    for ppi in [0, 69, 2401, u32::MAX] {
        let options = Options {
            ppi,
            ..Options::default()
        };
        assert!(refused(&mut engine, image, &options).contains("ppi"));
    }
    // The engine was left usable.
    let bitmap = Bitmap::load("single_line.png");
    assert_eq!(engine.recognize(&bitmap.gray(), &options).unwrap().len(), 3);
}

/// The directory Tesseract's default search finds eng in, here.
fn default_tessdata() -> String {
    match std::env::var("TESSDATA_PREFIX") {
        Ok(prefix) => prefix.trim_end_matches('/').to_owned(),
        Err(_) => "/usr/share/tesseract-ocr/5/tessdata".to_owned(),
    }
}

#[test]
fn a_missing_language_is_reported_with_where_it_was_looked_for() {
    match Tesseract::new("xyz", None) {
        Err(InitError::MissingLanguageData {
            languages,
            searched,
        }) => {
            assert_eq!(languages, "xyz");
            assert_eq!(searched, default_tessdata());
        }
        other => panic!("{other:?}"),
    }
    // Tesseract itself would start with eng alone.
    match Tesseract::new("eng+xyz+fra", None) {
        Err(InitError::MissingLanguageData { languages, .. }) => assert_eq!(languages, "xyz"),
        other => panic!("{other:?}"),
    }
    let message = Tesseract::new("xyz", None).unwrap_err().to_string();
    assert!(message.contains("xyz"), "{message}");
}

#[test]
fn a_data_path_is_searched_instead_of_the_default() {
    let empty = std::env::temp_dir().join(format!("vigie-ocr-empty-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let outcome = Tesseract::new("eng", Some(&empty));
    std::fs::remove_dir(&empty).unwrap();
    match outcome {
        Err(InitError::MissingLanguageData {
            languages,
            searched,
        }) => {
            assert_eq!(languages, "eng");
            assert_eq!(PathBuf::from(searched), empty);
        }
        other => panic!("{other:?}"),
    }
    let engine = Tesseract::new("fra", Some(Path::new(&default_tessdata()))).unwrap();
    assert_eq!(engine.languages(), "fra");
}

#[test]
fn language_data_that_is_there_but_does_not_load_is_a_failure() {
    let directory = std::env::temp_dir().join(format!("vigie-ocr-bad-{}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    std::fs::write(directory.join("eng.traineddata"), b"not a model").unwrap();
    let outcome = Tesseract::new("eng", Some(&directory));
    std::fs::remove_dir_all(&directory).unwrap();
    match outcome {
        Err(InitError::Failed(reason)) => assert!(reason.contains("eng"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn malformed_language_lists_are_refused() {
    for languages in [
        "", "+", "eng+", "+eng", "~eng", "../eng", "/eng", "eng fra", "e\0ng",
    ] {
        match Tesseract::new(languages, None) {
            Err(InitError::Failed(reason)) => assert!(reason.contains("language"), "{reason}"),
            other => panic!("{languages:?}: {other:?}"),
        }
    }
}

#[test]
fn two_threads_each_with_their_own_engine_read_their_images() {
    let threads: Vec<_> = [("marking.png", 6), ("single_line.png", 3)]
        .into_iter()
        .map(|(name, count)| {
            std::thread::spawn(move || {
                let bitmap = Bitmap::load(name);
                let mut engine = engine();
                for _ in 0..3 {
                    let words = engine
                        .recognize(&bitmap.gray(), &Options::default())
                        .unwrap();
                    assert_eq!(words.len(), count, "{name}: {:?}", texts(&words));
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
}

#[test]
fn the_openmp_runtime_tesseract_links_is_found() {
    // Debian's libtesseract links libgomp; where it does, the setting that
    // keeps recognition single-threaded must have been found.
    let _engine = engine();
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    let has_openmp = maps.contains("libgomp") || maps.contains("libomp");
    assert_eq!(vigie_ocr::openmp_single_threaded(), has_openmp);
}
