//! The skip rule: whether a black-and-white picture has anything shaped
//! like a line of text, before a Tesseract pass is spent on it. Text is
//! glyphs: blobs of ink of about one height, side by side along a line
//! (or, for a page turned a quarter, one above the other). A letterhead
//! logo, a photograph of a landscape, a chart's bars have few such runs.
//!
//! The rule errs towards reading: a picture it cannot judge (too many
//! blobs to compare) is read, and three glyphs in a row are enough.

use super::decode::Gray;

/// Glyph-like blobs in a row that make a picture worth reading.
const GLYPHS_IN_A_ROW: usize = 3;
/// Past this many blobs the picture is read without judging it (a page of
/// text has a few thousand; the count bounds the rule's own time).
const MAX_BLOBS: usize = 50_000;

/// A blob's bounding box.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Blob {
    pub(crate) left: u32,
    pub(crate) top: u32,
    pub(crate) right: u32,
    pub(crate) bottom: u32,
    /// Its pixels (not its box's).
    pub(crate) pixels: u32,
}

impl Blob {
    pub(crate) fn width(&self) -> u32 {
        self.right - self.left + 1
    }
    pub(crate) fn height(&self) -> u32 {
        self.bottom - self.top + 1
    }
}

/// Whether `binary` (levels 0 and 255, text black or white) may hold a
/// line of text.
pub(crate) fn may_hold_text(binary: &Gray) -> bool {
    [0u8, 255].iter().any(|&ink| {
        let Some(blobs) = blobs(binary, ink) else {
            return true;
        };
        let glyphs: Vec<Blob> = blobs
            .into_iter()
            .filter(|blob| glyph_like(blob, binary))
            .collect();
        in_a_row(&glyphs, false) || in_a_row(&glyphs, true)
    })
}

/// A blob of the size and density of a glyph: at least 6 pixels high (or
/// wide, for text turned a quarter) and at most a third of the picture,
/// not a long rule, neither a speck nor a filled box.
fn glyph_like(blob: &Blob, picture: &Gray) -> bool {
    let (width, height) = (blob.width(), blob.height());
    let (long, short) = (width.max(height), width.min(height));
    let fill = f64::from(blob.pixels) / (f64::from(width) * f64::from(height));
    long >= 6
        && short >= 1
        && long <= picture.width.max(picture.height) / 2
        && long <= short.saturating_mul(8)
        && (0.08..=0.95).contains(&fill)
}

/// Whether some glyph has two neighbours of a like size beside it along a
/// line: horizontally, or (with `vertical`) one above the other. A
/// neighbour stands past the glyph's middle (glyphs follow each other, they
/// do not overlap), and glyphs are not slivers lying along the line (the
/// stacked arcs of a logo are a column of such slivers).
fn in_a_row(glyphs: &[Blob], vertical: bool) -> bool {
    // (start along the line, centre across it, size across, extent along)
    let mut keyed: Vec<(u32, u32, u32, u32)> = glyphs
        .iter()
        .map(|g| {
            if vertical {
                (g.top, (g.left + g.right) / 2, g.width(), g.height())
            } else {
                (g.left, (g.top + g.bottom) / 2, g.height(), g.width())
            }
        })
        .filter(|&(_, _, size, extent)| extent.saturating_mul(4) >= size)
        .collect();
    keyed.sort_unstable();
    for (index, &(along, across, size, extent)) in keyed.iter().enumerate() {
        let reach = along.saturating_add(size.saturating_mul(3));
        let neighbours = keyed[index + 1..]
            .iter()
            .take_while(|&&(other_along, ..)| other_along <= reach)
            .take(64)
            .filter(|&&(other_along, other_across, other_size, _)| {
                other_along >= along + extent / 2
                    && across.abs_diff(other_across) <= size / 2 + 1
                    && size.abs_diff(other_size) <= size / 2 + 1
            })
            .count();
        if neighbours + 1 >= GLYPHS_IN_A_ROW {
            return true;
        }
    }
    false
}

/// The 8-connected blobs of pixels of level `ink`, found row by row with
/// a union-find over runs; `None` past [`MAX_BLOBS`].
pub(crate) fn blobs(binary: &Gray, ink: u8) -> Option<Vec<Blob>> {
    let width = binary.width as usize;
    // Runs of ink: (row, first column, last column, label).
    let mut runs: Vec<(u32, u32, u32, usize)> = Vec::new();
    let mut parent: Vec<usize> = Vec::new();
    let mut previous_row: std::ops::Range<usize> = 0..0;
    for y in 0..binary.height {
        let mut above = previous_row.clone();
        let row = &binary.pixels[y as usize * width..(y as usize + 1) * width];
        let row_start = runs.len();
        let mut x = 0;
        while x < width {
            if row[x] != ink {
                x += 1;
                continue;
            }
            let first = x;
            while x < width && row[x] == ink {
                x += 1;
            }
            let last = x - 1;
            let label = parent.len();
            parent.push(label);
            if parent.len() > MAX_BLOBS * 8 {
                return None;
            }
            // Runs of the row above that touch this one, diagonals included.
            // Both rows are in order of columns: runs above that end before
            // this one begins touch no later run either.
            while above.start < above.end && runs[above.start].2 as usize + 1 < first {
                above.start += 1;
            }
            for index in above.clone() {
                let (_, above_first, above_last, above_label) = runs[index];
                if above_first as usize > last + 1 {
                    break;
                }
                if above_last as usize + 1 >= first {
                    union(&mut parent, label, above_label);
                }
            }
            runs.push((y, first as u32, last as u32, label));
        }
        previous_row = row_start..runs.len();
    }
    let mut boxes: std::collections::HashMap<usize, Blob> = std::collections::HashMap::new();
    for &(y, first, last, label) in &runs {
        let root = find(&mut parent, label);
        let blob = boxes.entry(root).or_insert(Blob {
            left: first,
            top: y,
            right: last,
            bottom: y,
            pixels: 0,
        });
        blob.left = blob.left.min(first);
        blob.right = blob.right.max(last);
        blob.top = blob.top.min(y);
        blob.bottom = blob.bottom.max(y);
        blob.pixels += last - first + 1;
        if boxes.len() > MAX_BLOBS {
            return None;
        }
    }
    Some(boxes.into_values().collect())
}

fn find(parent: &mut [usize], mut label: usize) -> usize {
    while parent[label] != label {
        parent[label] = parent[parent[label]];
        label = parent[label];
    }
    label
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (a, b) = (find(parent, a), find(parent, b));
    if a != b {
        parent[a.max(b)] = a.min(b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A white picture with black boxes drawn at `(left, top, width, height)`.
    fn drawn(width: u32, height: u32, boxes: &[(u32, u32, u32, u32)]) -> Gray {
        let mut gray = Gray::filled(width, height, 255);
        for &(left, top, w, h) in boxes {
            for y in top..top + h {
                for x in left..left + w {
                    // Glyph-like: a ring, not a filled box.
                    let edge = x < left + 2 || x + 2 >= left + w || y < top + 2 || y + 2 >= top + h;
                    if edge {
                        gray.pixels[(y * width + x) as usize] = 0;
                    }
                }
            }
        }
        gray
    }

    #[test]
    fn a_row_of_glyphs_is_text_and_a_column_too() {
        let word = drawn(
            200,
            60,
            &[(10, 20, 10, 16), (24, 20, 10, 16), (38, 21, 9, 15)],
        );
        assert!(may_hold_text(&word));
        let upwards = drawn(
            60,
            200,
            &[(20, 10, 16, 10), (20, 24, 16, 10), (21, 38, 15, 9)],
        );
        assert!(may_hold_text(&upwards));
    }

    #[test]
    fn a_logo_of_two_shapes_and_a_blank_page_are_not() {
        let logo = drawn(300, 120, &[(20, 20, 60, 80), (100, 30, 70, 70)]);
        assert!(!may_hold_text(&logo));
        assert!(!may_hold_text(&Gray::filled(300, 200, 255)));
        // Scattered specks of one pixel: noise, not glyphs.
        let mut specks = Gray::filled(300, 200, 255);
        for i in 0..500 {
            specks.pixels[(i * 97) % 60_000] = 0;
        }
        assert!(!may_hold_text(&specks));
    }

    #[test]
    fn white_text_on_a_black_banner_is_text() {
        let mut banner = drawn(
            200,
            60,
            &[(10, 20, 10, 16), (24, 20, 10, 16), (38, 20, 10, 16)],
        );
        for level in &mut banner.pixels {
            *level = 255 - *level;
        }
        assert!(may_hold_text(&banner));
    }

    #[test]
    fn glyphs_far_apart_or_of_unlike_sizes_are_not_a_row() {
        let far = drawn(
            400,
            60,
            &[(10, 20, 10, 16), (150, 20, 10, 16), (300, 20, 10, 16)],
        );
        assert!(!may_hold_text(&far));
        let unlike = drawn(
            200,
            200,
            &[(10, 20, 10, 16), (24, 20, 40, 60), (70, 20, 10, 90)],
        );
        assert!(!may_hold_text(&unlike));
    }
}
