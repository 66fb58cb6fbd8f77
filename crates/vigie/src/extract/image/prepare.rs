//! Preparing a picture for OCR: dark backgrounds inverted, contrast
//! stretched, small text enlarged and huge pictures reduced, then grey
//! levels turned to black and white (Otsu's threshold, or a local one for
//! photographs lit unevenly). Also the turns of a quarter, for the retry of
//! a page read sideways.

use image::imageops::{self, FilterType};
use image::{GrayImage, Luma};

use super::decode::Gray;
use super::textlike;

/// Pictures smaller than this (pixels) are enlarged twice: Tesseract reads
/// glyphs best at 20 to 40 pixels high, and screenshot text is 10 to 16.
const ENLARGE_UNDER: u64 = 1_000_000;
/// Pictures larger than this are reduced to about [`REDUCE_TO`]: past it
/// Tesseract's time grows with no gain (a 48-megapixel photograph of a page
/// has glyphs of 60 pixels and more).
const REDUCE_OVER: u64 = 12_000_000;
/// The size, in pixels, a huge picture is reduced to.
const REDUCE_TO: f64 = 8_000_000.0;

/// A picture made ready for OCR, and how it maps back to the original.
#[derive(Debug)]
pub(crate) struct Prepared {
    /// Black text on white, in black and white.
    pub(crate) gray: Gray,
    /// Width of the prepared picture over the original's.
    pub(crate) scale: f64,
}

/// Prepares `original` for OCR.
pub(crate) fn prepare(original: &Gray) -> Prepared {
    let mut gray = original.clone();
    let inverted = background(&gray) < 128;
    if inverted {
        for level in &mut gray.pixels {
            *level = 255 - *level;
        }
    }
    stretch_contrast(&mut gray);
    let area = gray.area();
    let scale = if area < ENLARGE_UNDER {
        2.0
    } else if area > REDUCE_OVER {
        (REDUCE_TO / area as f64).sqrt()
    } else {
        1.0
    };
    if scale != 1.0 {
        gray = resize(&gray, scale);
    }
    let mut binary = gray.clone();
    binarize(&mut binary);
    read_dark_boxes(&mut binary, &gray);
    Prepared {
        gray: binary,
        scale,
    }
}

/// The most common grey level: the background of a page or a screen.
fn background(gray: &Gray) -> u8 {
    let histogram = histogram(&gray.pixels);
    (0..=255u8)
        .max_by_key(|&level| histogram[level as usize])
        .unwrap_or(255)
}

fn histogram(pixels: &[u8]) -> [u64; 256] {
    let mut histogram = [0u64; 256];
    for &level in pixels {
        histogram[level as usize] += 1;
    }
    histogram
}

/// Stretches grey levels so that the darkest and lightest 0.5 % become
/// black and white: a faded scan or a grey-on-grey photograph gets the
/// contrast of a print.
fn stretch_contrast(gray: &mut Gray) {
    let histogram = histogram(&gray.pixels);
    let total = gray.pixels.len() as u64;
    let tail = total / 200;
    let (mut low, mut seen) = (0usize, 0u64);
    while low < 255 && seen + histogram[low] <= tail {
        seen += histogram[low];
        low += 1;
    }
    let (mut high, mut seen) = (255usize, 0u64);
    while high > 0 && seen + histogram[high] <= tail {
        seen += histogram[high];
        high -= 1;
    }
    if high <= low + 16 {
        // A flat picture: nothing to stretch, and stretching noise would
        // draw shapes that are not there.
        return;
    }
    let (low, span) = (low as u32, (high - low) as u32);
    let mut map = [0u8; 256];
    for (level, mapped) in map.iter_mut().enumerate() {
        *mapped = ((level as u32).saturating_sub(low) * 255 / span).min(255) as u8;
    }
    for level in &mut gray.pixels {
        *level = map[*level as usize];
    }
}

/// `gray` scaled by `scale` each way (Catmull-Rom when enlarging, keeping
/// edges sharp; a box-like triangle filter when reducing).
fn resize(gray: &Gray, scale: f64) -> Gray {
    let width = ((f64::from(gray.width) * scale).round() as u32).max(1);
    let height = ((f64::from(gray.height) * scale).round() as u32).max(1);
    let Some(image) = GrayImage::from_raw(gray.width, gray.height, gray.pixels.clone()) else {
        return gray.clone();
    };
    let filter = if scale > 1.0 {
        FilterType::CatmullRom
    } else {
        FilterType::Triangle
    };
    let resized = imageops::resize(&image, width, height, filter);
    Gray {
        width,
        height,
        pixels: resized.into_raw(),
    }
}

/// Otsu's threshold of a histogram: the level that best splits it in two.
fn otsu(histogram: &[u64; 256]) -> u8 {
    let total: u64 = histogram.iter().sum();
    let sum: f64 = histogram
        .iter()
        .enumerate()
        .map(|(level, &count)| level as f64 * count as f64)
        .sum();
    let (mut weight_below, mut sum_below) = (0u64, 0f64);
    let (mut best, mut best_variance) = (127u8, -1f64);
    for (level, &count) in histogram.iter().enumerate() {
        weight_below += count;
        if weight_below == 0 {
            continue;
        }
        let weight_above = total - weight_below;
        if weight_above == 0 {
            break;
        }
        sum_below += level as f64 * count as f64;
        let mean_below = sum_below / weight_below as f64;
        let mean_above = (sum - sum_below) / weight_above as f64;
        let variance =
            weight_below as f64 * weight_above as f64 * (mean_below - mean_above).powi(2);
        if variance > best_variance {
            best_variance = variance;
            best = level as u8;
        }
    }
    best
}

/// Tiles each way over which the light of a picture is compared.
const LIGHT_TILES: u32 = 6;
/// Light that differs by more than this between two tiles' backgrounds
/// calls for a local threshold.
const UNEVEN_LIGHT: u8 = 48;

/// Black and white: one threshold (Otsu's) for evenly lit pictures; for a
/// photograph with a shadow or a lamp's spot, each pixel against the mean
/// of its neighbourhood (Bradley's method), which a single threshold would
/// turn half black.
fn binarize(gray: &mut Gray) {
    if unevenly_lit(gray) {
        binarize_locally(gray);
    } else {
        let threshold = otsu(&histogram(&gray.pixels));
        for level in &mut gray.pixels {
            *level = if *level <= threshold { 0 } else { 255 };
        }
    }
}

/// Whether the backgrounds (the light 90th percentile) of the tiles of
/// `gray` differ by more than [`UNEVEN_LIGHT`].
fn unevenly_lit(gray: &Gray) -> bool {
    if gray.width < LIGHT_TILES * 8 || gray.height < LIGHT_TILES * 8 {
        return false;
    }
    let (tile_width, tile_height) = (gray.width / LIGHT_TILES, gray.height / LIGHT_TILES);
    let mut backgrounds = Vec::new();
    for tile_y in 0..LIGHT_TILES {
        for tile_x in 0..LIGHT_TILES {
            let mut histogram = [0u64; 256];
            // Every other pixel each way is enough to know a tile's light.
            for y in (tile_y * tile_height..(tile_y + 1) * tile_height).step_by(2) {
                for x in (tile_x * tile_width..(tile_x + 1) * tile_width).step_by(2) {
                    histogram[gray.at(x, y) as usize] += 1;
                }
            }
            let total: u64 = histogram.iter().sum();
            let mut seen = 0;
            let mut level = 0;
            while level < 255 && seen + histogram[level] < total * 9 / 10 {
                seen += histogram[level];
                level += 1;
            }
            backgrounds.push(level as u8);
        }
    }
    let lightest = backgrounds.iter().max().copied().unwrap_or(0);
    let darkest = backgrounds.iter().min().copied().unwrap_or(0);
    lightest - darkest > UNEVEN_LIGHT
}

/// Bradley's local threshold: a pixel is ink when it is more than 15 %
/// darker than the mean of the square around it (an eighth of the
/// picture's width), computed with an integral image.
fn binarize_locally(gray: &mut Gray) {
    let (width, height) = (gray.width as usize, gray.height as usize);
    let mut integral = vec![0u64; (width + 1) * (height + 1)];
    for y in 0..height {
        let mut row = 0u64;
        for x in 0..width {
            row += u64::from(gray.pixels[y * width + x]);
            integral[(y + 1) * (width + 1) + x + 1] = integral[y * (width + 1) + x + 1] + row;
        }
    }
    let half = (width / 16).max(4);
    let mut out = vec![255u8; width * height];
    for y in 0..height {
        let (top, bottom) = (y.saturating_sub(half), (y + half + 1).min(height));
        for x in 0..width {
            let (left, right) = (x.saturating_sub(half), (x + half + 1).min(width));
            let count = ((bottom - top) * (right - left)) as u64;
            let sum = integral[bottom * (width + 1) + right] + integral[top * (width + 1) + left]
                - integral[top * (width + 1) + right]
                - integral[bottom * (width + 1) + left];
            if u64::from(gray.pixels[y * width + x]) * count * 100 < sum * 85 {
                out[y * width + x] = 0;
            }
        }
    }
    gray.pixels = out;
}

/// The smallest dark box, each way, that may hold light text (pixels).
const MIN_BOX: u32 = 16;
/// Dark boxes looked into, at most, per picture.
const MAX_DARK_BOXES: usize = 64;

/// Light text in a dark box (a TLP label: red on black; a stamp printed in
/// reverse) falls on the dark side of a page's threshold with its box, and
/// comes out as one black block, which Tesseract's layout analysis takes
/// for a picture. Each such block (mostly ink, larger than a glyph) whose
/// grey levels inside split in two (a dark box, and lighter strokes making
/// up 2 to 45 % of it) is thresholded on its own, its lighter strokes
/// made the ink: its text becomes black on white like the rest of the page.
/// A solid shape (a bold bar, a bullet) has one grey inside and is left.
fn read_dark_boxes(binary: &mut Gray, gray: &Gray) {
    let Some(dark) = textlike::blobs(binary, 0) else {
        return;
    };
    let picture = binary.area();
    let boxes = dark.into_iter().filter(|blob| {
        let (width, height) = (blob.width(), blob.height());
        let area = u64::from(width) * u64::from(height);
        width >= MIN_BOX
            && height >= MIN_BOX
            && area * 10 < picture * 9
            && u64::from(blob.pixels) * 10 >= area * 8
    });
    for dark in boxes.take(MAX_DARK_BOXES) {
        let inside = |y: u32| {
            let row = y as usize * gray.width as usize;
            row + dark.left as usize..=row + dark.right as usize
        };
        let mut levels = [0u64; 256];
        for y in dark.top..=dark.bottom {
            for &level in &gray.pixels[inside(y)] {
                levels[level as usize] += 1;
            }
        }
        let threshold = otsu(&levels);
        let (below, above) = split_means(&levels, threshold);
        let total: u64 = levels.iter().sum();
        let light: u64 = levels[threshold as usize + 1..].iter().sum();
        let strokes = (total / 50..=total * 45 / 100).contains(&light);
        if above - below < 40.0 || !strokes {
            continue;
        }
        for y in dark.top..=dark.bottom {
            for (out, &level) in binary.pixels[inside(y)]
                .iter_mut()
                .zip(&gray.pixels[inside(y)])
            {
                *out = if level > threshold { 0 } else { 255 };
            }
        }
    }
}

/// The mean grey levels of a histogram at and below `threshold`, and above.
fn split_means(histogram: &[u64; 256], threshold: u8) -> (f64, f64) {
    let mean = |range: std::ops::RangeInclusive<usize>| {
        let (count, sum) = range.fold((0u64, 0f64), |(count, sum), level| {
            (
                count + histogram[level],
                sum + level as f64 * histogram[level] as f64,
            )
        });
        if count == 0 { 0.0 } else { sum / count as f64 }
    };
    (
        mean(0..=threshold as usize),
        mean(threshold as usize + 1..=255),
    )
}

/// `gray` turned clockwise by `quarters` quarter turns.
pub(crate) fn turn(gray: &Gray, quarters: u8) -> Gray {
    let Some(image) = GrayImage::from_raw(gray.width, gray.height, gray.pixels.clone()) else {
        return gray.clone();
    };
    let turned: image::ImageBuffer<Luma<u8>, Vec<u8>> = match quarters % 4 {
        1 => imageops::rotate90(&image),
        2 => imageops::rotate180(&image),
        3 => imageops::rotate270(&image),
        _ => image,
    };
    Gray {
        width: turned.width(),
        height: turned.height(),
        pixels: turned.into_raw(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A white picture with a dark bar across its middle.
    fn bar(width: u32, height: u32, paper: u8, ink: u8) -> Gray {
        let mut gray = Gray::filled(width, height, paper);
        for y in height / 2 - 2..height / 2 + 2 {
            for x in width / 4..width * 3 / 4 {
                gray.pixels[(y * width + x) as usize] = ink;
            }
        }
        gray
    }

    #[test]
    fn small_pictures_are_enlarged_and_made_black_on_white() {
        let prepared = prepare(&bar(200, 100, 200, 90));
        assert_eq!((prepared.gray.width, prepared.gray.height), (400, 200));
        assert_eq!(prepared.scale, 2.0);
        assert!(prepared.gray.pixels.iter().all(|&l| l == 0 || l == 255));
        assert_eq!(prepared.gray.at(200, 100), 0, "the bar is ink");
        assert_eq!(prepared.gray.at(10, 10), 255, "the paper is white");
    }

    #[test]
    fn a_dark_screen_is_inverted() {
        let prepared = prepare(&bar(200, 100, 30, 220));
        assert_eq!(prepared.gray.at(200, 100), 0, "light text becomes ink");
        assert_eq!(prepared.gray.at(10, 10), 255);
    }

    #[test]
    fn a_page_in_a_shadow_keeps_its_text_and_loses_the_shadow() {
        // Light falls from 250 on the left to 110 on the right; a bar of
        // ink 60 levels darker than the paper around it on each side.
        let (width, height) = (1200, 900);
        let mut gray = Gray::filled(width, height, 0);
        for y in 0..height {
            for x in 0..width {
                let paper = 250 - (140 * x / width) as u8;
                let ink = (y / 10) % 6 == 0 && (x / 30) % 2 == 0;
                gray.pixels[(y * width + x) as usize] = if ink { paper - 70 } else { paper };
            }
        }
        assert!(unevenly_lit(&gray));
        let prepared = prepare(&gray);
        let black_right = (0..prepared.gray.height)
            .filter(|&y| prepared.gray.at(prepared.gray.width - 5, y) == 0)
            .count();
        // The shadowed right edge is paper (white), not one black band.
        assert!(
            black_right < prepared.gray.height as usize / 3,
            "{black_right} black pixels in the right column"
        );
        assert_eq!(prepared.gray.at(0, 0), 0, "ink stays ink in the light");
        assert_eq!(prepared.gray.at(width - 31, 2), 0, "and in the shadow");
    }

    #[test]
    fn huge_pictures_are_reduced() {
        let prepared = prepare(&Gray::filled(5000, 4000, 255));
        assert!(prepared.gray.area() <= 8_100_000, "{:?}", prepared.gray);
        assert!(prepared.scale < 1.0);
    }

    #[test]
    fn quarter_turns_turn_clockwise() {
        let mut gray = Gray::filled(3, 2, 255);
        gray.pixels[0] = 0; // top left
        let turned = turn(&gray, 1);
        assert_eq!((turned.width, turned.height), (2, 3));
        assert_eq!(turned.at(1, 0), 0, "top left goes to top right");
        assert_eq!(turn(&gray, 4), gray);
    }
}
