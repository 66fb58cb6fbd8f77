//! Orientation detection with the real Tesseract and osd.traineddata
//! (Debian: tesseract-ocr-osd) on the committed test image, turned.

use std::path::Path;

use vigie_ocr::{GrayImage, OrientationDetector, RecognizeError};

/// An 8-bit grayscale bitmap.
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

    /// This bitmap turned a quarter counter-clockwise.
    fn turned_counter_clockwise(&self) -> Bitmap {
        let (width, height) = (self.height, self.width);
        let mut pixels = Vec::with_capacity(self.pixels.len());
        for row in 0..height {
            for column in 0..width {
                // The new top row is the old right column, read downwards.
                let (x, y) = (self.width - 1 - row, column);
                pixels.push(self.pixels[(y * self.width + x) as usize]);
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

#[test]
fn each_quarter_turn_is_detected_and_undone() {
    let mut detector = OrientationDetector::new(None).unwrap_or_else(|error| panic!("{error}"));
    let mut page = Bitmap::load("page.png");
    for quarters in 0..4 {
        let orientation = detector
            .detect(&page.gray(), 300)
            .unwrap()
            .unwrap_or_else(|| panic!("nothing detected, {quarters} quarters"));
        assert_eq!(
            orientation.rotate_clockwise,
            90 * quarters,
            "{orientation:?}"
        );
        assert!(orientation.confidence > 2.0, "{orientation:?}");
        assert_eq!(orientation.script, "Latin");
        page = page.turned_counter_clockwise();
    }
}

#[test]
fn a_blank_page_has_no_orientation() {
    let pixels = vec![255u8; 300 * 200];
    let blank = GrayImage {
        pixels: &pixels,
        width: 300,
        height: 200,
    };
    let mut detector = OrientationDetector::new(None).unwrap();
    assert_eq!(detector.detect(&blank, 300), Ok(None));
    let short = GrayImage {
        pixels: &pixels[1..],
        width: 300,
        height: 200,
    };
    assert!(matches!(
        detector.detect(&short, 300),
        Err(RecognizeError::InvalidImage(_))
    ));
}
