//! Decoding a picture into the one form the rest of the image path works
//! on: 8-bit grey levels, row after row. Image files go through the `image`
//! crate with its decoder limits set from the size the file declares, so a
//! small file that declares 100000 × 100000 pixels is refused before
//! anything is allocated; a PDF's samples are converted here.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageReader};

use super::{Image, ImageData};
use crate::report::ProblemCode;

/// A picture in grey levels (0 black, 255 white), `width` × `height`
/// bytes, row after row.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Gray {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) pixels: Vec<u8>,
}

impl std::fmt::Debug for Gray {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Gray({}×{})", self.width, self.height)
    }
}

impl Gray {
    /// A picture of `width` × `height` pixels, all `level`.
    #[cfg(test)]
    pub(crate) fn filled(width: u32, height: u32, level: u8) -> Self {
        Gray {
            width,
            height,
            pixels: vec![level; width as usize * height as usize],
        }
    }

    /// The grey level at (`x`, `y`).
    pub(crate) fn at(&self, x: u32, y: u32) -> u8 {
        self.pixels[y as usize * self.width as usize + x as usize]
    }

    /// The number of pixels.
    pub(crate) fn area(&self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }
}

/// Why a picture could not be decoded, for the report's problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Undecodable {
    pub(crate) code: ProblemCode,
    pub(crate) message: String,
}

impl Undecodable {
    fn new(code: ProblemCode, message: impl Into<String>) -> Self {
        Undecodable {
            code,
            message: message.into(),
        }
    }
}

/// The most bytes a decoder may allocate per pixel: 16-bit RGBA.
const MAX_BYTES_PER_PIXEL: u64 = 8;

/// The width and height an image file declares, read from its header
/// alone; `None` when the format is not one vigie decodes or the header is
/// damaged.
pub(crate) fn dimensions(file: &[u8]) -> Option<(u32, u32)> {
    let reader = ImageReader::new(Cursor::new(file))
        .with_guessed_format()
        .ok()?;
    reader.format()?;
    reader
        .into_decoder()
        .ok()
        .map(|decoder| decoder.dimensions())
}

/// Decodes `image` into grey levels, refusing before anything is
/// allocated one of more than `max_pixels` pixels, or one whose decoding
/// would take more than `max_bytes` (what the scan may still decode).
/// Gives the grey levels and the bytes decoding took, for the budget.
pub(crate) fn decode(
    image: &Image<'_>,
    max_pixels: u64,
    max_bytes: u64,
) -> Result<(Gray, u64), Undecodable> {
    match &image.data {
        ImageData::File(file) => decode_file(file, max_pixels, max_bytes),
        ImageData::Samples {
            bits_per_component,
            components,
            samples,
        } => {
            check_size(image.width, image.height, max_pixels)?;
            let needed = u64::from(image.width) * u64::from(image.height);
            check_bytes(needed, max_bytes)?;
            let gray = from_samples(
                image.width,
                image.height,
                *bits_per_component,
                *components,
                samples,
            )?;
            Ok((gray, needed))
        }
    }
}

fn check_bytes(needed: u64, max_bytes: u64) -> Result<(), Undecodable> {
    if needed > max_bytes {
        return Err(Undecodable::new(
            ProblemCode::Limit,
            format!(
                "decoding it takes {needed} bytes, more than the scan may still decode ({max_bytes}); not decoded"
            ),
        ));
    }
    Ok(())
}

fn check_size(width: u32, height: u32, max_pixels: u64) -> Result<(), Undecodable> {
    if width == 0 || height == 0 {
        return Err(Undecodable::new(
            ProblemCode::Corrupt,
            "an image of zero width or height",
        ));
    }
    let pixels = u64::from(width) * u64::from(height);
    if pixels > max_pixels {
        return Err(Undecodable::new(
            ProblemCode::Limit,
            format!(
                "{width}×{height} pixels is more than the limit of {max_pixels} pixels; not decoded"
            ),
        ));
    }
    Ok(())
}

fn decode_file(file: &[u8], max_pixels: u64, max_bytes: u64) -> Result<(Gray, u64), Undecodable> {
    let reader = ImageReader::new(Cursor::new(file))
        .with_guessed_format()
        .map_err(|_| Undecodable::new(ProblemCode::Corrupt, "an image file cannot be read"))?;
    let Some(format) = reader.format() else {
        return Err(Undecodable::new(
            ProblemCode::Unsupported,
            "an image in a format vigie does not decode",
        ));
    };
    let mut decoder = reader.into_decoder().map_err(|error| undecodable(&error))?;
    let (width, height) = decoder.dimensions();
    check_size(width, height, max_pixels)?;
    // The decoded picture, then its grey levels.
    let needed = decoder
        .total_bytes()
        .saturating_add(u64::from(width) * u64::from(height));
    check_bytes(needed, max_bytes)?;
    // The decoder may allocate the image and its own buffers: bound both
    // from the size just checked, never from anything the file says later.
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    limits.max_alloc = Some(
        (u64::from(width) * u64::from(height)).saturating_mul(MAX_BYTES_PER_PIXEL) + (1 << 20),
    );
    decoder
        .set_limits(limits)
        .map_err(|error| undecodable(&error))?;
    let decoded = DynamicImage::from_decoder(decoder).map_err(|error| {
        let mut problem = undecodable(&error);
        problem.message = format!("{format:?} image: {}", problem.message);
        problem
    })?;
    Ok((to_gray(decoded), needed))
}

/// The problem an `image` error is: its limits are `limit`, formats and
/// features it lacks `unsupported`, anything else `corrupt`. The message
/// names the kind, not the decoder's words (which may quote the file).
fn undecodable(error: &image::ImageError) -> Undecodable {
    use image::ImageError;
    match error {
        ImageError::Limits(_) => Undecodable::new(
            ProblemCode::Limit,
            "an image needs more memory to decode than its limit; not decoded",
        ),
        ImageError::Unsupported(_) => Undecodable::new(
            ProblemCode::Unsupported,
            "an image uses a feature of its format that vigie does not decode",
        ),
        _ => Undecodable::new(
            ProblemCode::Corrupt,
            "an image file is damaged; not decoded",
        ),
    }
}

/// Grey levels of a decoded image; transparent pixels are laid on white,
/// as a viewer shows them (text drawn on a transparent background must not
/// vanish into black).
fn to_gray(image: DynamicImage) -> Gray {
    let (width, height) = (image.width(), image.height());
    let pixels = match image {
        DynamicImage::ImageLuma8(gray) => gray.into_raw(),
        DynamicImage::ImageLumaA8(gray) => gray
            .into_raw()
            .chunks_exact(2)
            .map(|p| on_white(p[0], p[1]))
            .collect(),
        DynamicImage::ImageRgb8(rgb) => rgb
            .into_raw()
            .chunks_exact(3)
            .map(|p| luma(p[0], p[1], p[2]))
            .collect(),
        DynamicImage::ImageRgba8(rgba) => rgba
            .into_raw()
            .chunks_exact(4)
            .map(|p| on_white(luma(p[0], p[1], p[2]), p[3]))
            .collect(),
        other => other
            .to_rgba8()
            .into_raw()
            .chunks_exact(4)
            .map(|p| on_white(luma(p[0], p[1], p[2]), p[3]))
            .collect(),
    };
    Gray {
        width,
        height,
        pixels,
    }
}

/// Rec. 601 luma, in integers.
fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114 + 500) / 1000) as u8
}

/// `level` with opacity `alpha`, laid on white.
fn on_white(level: u8, alpha: u8) -> u8 {
    let (level, alpha) = (u32::from(level), u32::from(alpha));
    ((level * alpha + 255 * (255 - alpha) + 127) / 255) as u8
}

/// Grey levels of PDF samples: `components` samples of
/// `bits_per_component` bits per pixel (1 grey, 3 RGB, 4 CMYK), each row
/// starting on a byte, 0 as black for grey and RGB, as no ink for CMYK.
fn from_samples(
    width: u32,
    height: u32,
    bits_per_component: u8,
    components: u8,
    samples: &[u8],
) -> Result<Gray, Undecodable> {
    if !matches!(bits_per_component, 1 | 2 | 4 | 8 | 16) || !matches!(components, 1 | 3 | 4) {
        return Err(Undecodable::new(
            ProblemCode::Unsupported,
            format!(
                "an image of {components} components of {bits_per_component} bits; not decoded"
            ),
        ));
    }
    let bits = u64::from(bits_per_component);
    let row_bytes = (u64::from(width) * u64::from(components) * bits).div_ceil(8);
    if (samples.len() as u64) < row_bytes * u64::from(height) {
        return Err(Undecodable::new(
            ProblemCode::Corrupt,
            "an image holds fewer samples than its size says; not decoded",
        ));
    }
    let max = (1u32 << bits_per_component.min(8)) - 1;
    // One sample, scaled to 0..=255 (16-bit samples keep their high byte).
    let sample = |row: &[u8], index: u64| -> u8 {
        match bits_per_component {
            8 => row[index as usize],
            16 => row[index as usize * 2],
            _ => {
                let bit = index * bits;
                let byte = row[(bit / 8) as usize];
                let shift = 8 - bits - bit % 8;
                let value = (u32::from(byte) >> shift) & max;
                (value * 255 / max) as u8
            }
        }
    };
    let mut pixels = Vec::with_capacity(width as usize * height as usize);
    for row in samples
        .chunks_exact(row_bytes as usize)
        .take(height as usize)
    {
        for x in 0..u64::from(width) {
            let first = x * u64::from(components);
            let level = match components {
                1 => sample(row, first),
                3 => luma(
                    sample(row, first),
                    sample(row, first + 1),
                    sample(row, first + 2),
                ),
                _ => {
                    let [c, m, y, k] = [0, 1, 2, 3].map(|i| u32::from(sample(row, first + i)));
                    let ink = (c * 299 + m * 587 + y * 114) / 1000 + k;
                    255 - ink.min(255) as u8
                }
            };
            pixels.push(level);
        }
    }
    Ok(Gray {
        width,
        height,
        pixels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn png(width: u32, height: u32, color: image::ColorType, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(data, width, height, color.into())
            .unwrap();
        out
    }

    use image::ImageEncoder;

    #[test]
    fn a_png_decodes_to_grey_levels_with_transparency_on_white() {
        // Black opaque, black transparent, white opaque, red opaque.
        let data = [0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 255];
        let file = png(4, 1, image::ColorType::Rgba8, &data);
        let image = Image {
            width: 0,
            height: 0,
            data: ImageData::File(&file),
        };
        let gray = decode(&image, 100, u64::MAX).unwrap().0;
        assert_eq!((gray.width, gray.height), (4, 1));
        assert_eq!(gray.pixels, vec![0, 255, 255, 76]);
        assert_eq!(dimensions(&file), Some((4, 1)));
    }

    #[test]
    fn a_declared_size_over_the_limit_is_refused_before_decoding() {
        let file = png(20, 10, image::ColorType::L8, &[128; 200]);
        let image = Image {
            width: 0,
            height: 0,
            data: ImageData::File(&file),
        };
        let refused = decode(&image, 199, u64::MAX).unwrap_err();
        assert_eq!(refused.code, ProblemCode::Limit);
        assert!(refused.message.contains("20×10"), "{}", refused.message);
        assert!(decode(&image, 200, u64::MAX).is_ok());
        // Within the pixel limit but not within what the scan may decode.
        let short = decode(&image, 200, 399).unwrap_err();
        assert_eq!(short.code, ProblemCode::Limit);
        assert!(short.message.contains("400 bytes"), "{}", short.message);
        assert_eq!(decode(&image, 200, 400).unwrap().1, 400);
    }

    #[test]
    fn damaged_and_unknown_files_are_problems() {
        let mut file = png(20, 10, image::ColorType::L8, &[128; 200]);
        file.truncate(file.len() - 30);
        let damaged = decode(
            &Image {
                width: 0,
                height: 0,
                data: ImageData::File(&file),
            },
            1000,
            u64::MAX,
        )
        .unwrap_err();
        assert_eq!(damaged.code, ProblemCode::Corrupt);
        let unknown = decode(
            &Image {
                width: 0,
                height: 0,
                data: ImageData::File(b"\0\0\0\x0cjP  \r\n\x87\n"),
            },
            1000,
            u64::MAX,
        )
        .unwrap_err();
        assert_eq!(unknown.code, ProblemCode::Unsupported);
    }

    fn decode_samples(image: &Image<'_>, max_pixels: u64) -> Result<Gray, Undecodable> {
        decode(image, max_pixels, u64::MAX).map(|(gray, _)| gray)
    }

    #[test]
    fn pdf_samples_of_every_depth_become_grey_levels() {
        let samples = |bits, components, data: &[u8]| Image {
            width: 2,
            height: 2,
            data: ImageData::Samples {
                bits_per_component: bits,
                components,
                samples: Cow::Owned(data.to_vec()),
            },
        };
        // 1 bit: rows 0b10 and 0b01, each padded to a byte.
        let gray = decode_samples(&samples(1, 1, &[0b1000_0000, 0b0100_0000]), 10).unwrap();
        assert_eq!(gray.pixels, vec![255, 0, 0, 255]);
        // 4 bits: 0xF0 / 0x8F.
        let gray = decode_samples(&samples(4, 1, &[0xF0, 0x8F]), 10).unwrap();
        assert_eq!(gray.pixels, vec![255, 0, 136, 255]);
        // RGB 8 bits: white, black, then red, green.
        let rgb = [255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 255, 0];
        assert_eq!(
            decode_samples(&samples(8, 3, &rgb), 10).unwrap().pixels,
            vec![255, 0, 76, 150]
        );
        // CMYK: no ink is white, full black ink is black.
        let cmyk = [0, 0, 0, 0, 0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(
            decode_samples(&samples(8, 4, &cmyk), 10).unwrap().pixels,
            vec![255, 0, 255, 255]
        );
        // Too few samples, a size over the limit, a depth PDF does not have.
        assert_eq!(
            decode_samples(&samples(8, 1, &[0, 0, 0]), 10)
                .unwrap_err()
                .code,
            ProblemCode::Corrupt
        );
        assert_eq!(
            decode_samples(&samples(8, 1, &[0; 4]), 3).unwrap_err().code,
            ProblemCode::Limit
        );
        assert_eq!(
            decode_samples(&samples(3, 1, &[0; 4]), 10)
                .unwrap_err()
                .code,
            ProblemCode::Unsupported
        );
    }
}
