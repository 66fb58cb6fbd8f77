//! The pictures a page draws, Image XObjects and inline images, as the
//! image path needs them: their size, and, only when an engine will read
//! them, their content. A `DCTDecode` (JPEG) or `JPXDecode` (JPEG 2000)
//! stream is an image file as it stands; other filters are undone within
//! the budget and give samples. Image masks (`/ImageMask true`, a stencil
//! painted in one colour) are not pictures of their own and are left out,
//! as are soft masks, which no page draws (`/SMask` points to them).

use std::borrow::Cow;

use lopdf::{Dictionary, Document, Object, Stream};

use super::content::Operand;
use super::streams::filters;
use crate::extract::ImageData;
use crate::report::ProblemCode;

/// Filters whose output is an image file.
const FILE_FILTERS: [&[u8]; 2] = [b"DCTDecode", b"JPXDecode"];
/// Filters lopdf undoes.
const DECODED_FILTERS: [&[u8]; 6] = [
    b"FlateDecode",
    b"LZWDecode",
    b"ASCII85Decode",
    b"ASCIIHexDecode",
    b"RunLengthDecode",
    b"BrotliDecode",
];

/// A picture drawn on a page.
#[derive(Debug)]
pub(super) struct Drawn<'a> {
    /// Its width in pixels, as its dictionary says (0 when it does not).
    pub(super) width: u32,
    /// Its height in pixels (0 when its dictionary does not say).
    pub(super) height: u32,
    /// Its dictionary (full key names) and encoded data.
    stream: Cow<'a, Stream>,
}

/// Why a picture's content cannot be handed to the image path.
pub(super) type Undecoded = (ProblemCode, String);

/// A picture's content, decoded: what [`ImageData`] borrows.
#[derive(Debug)]
pub(super) enum Content<'s> {
    /// An image file (JPEG, JPEG 2000).
    File(Cow<'s, [u8]>),
    /// Samples, each row starting on a byte.
    Samples {
        bits_per_component: u8,
        components: u8,
        samples: Cow<'s, [u8]>,
    },
}

impl Content<'_> {
    /// The content as the image path takes it.
    pub(super) fn data(&self) -> ImageData<'_> {
        match self {
            Content::File(file) => ImageData::File(file),
            Content::Samples {
                bits_per_component,
                components,
                samples,
            } => ImageData::Samples {
                bits_per_component: *bits_per_component,
                components: *components,
                samples: Cow::Borrowed(samples),
            },
        }
    }

    /// Bytes decoding produced (nothing when the stream held the content
    /// as it stands).
    pub(super) fn decoded(&self) -> u64 {
        match self {
            Content::File(Cow::Owned(data))
            | Content::Samples {
                samples: Cow::Owned(data),
                ..
            } => data.len() as u64,
            _ => 0,
        }
    }
}

impl<'a> Drawn<'a> {
    /// The Image XObject `stream`; `None` for an image mask.
    pub(super) fn xobject(document: &Document, stream: &'a Stream) -> Option<Self> {
        Self::of(document, Cow::Borrowed(stream))
    }

    /// The inline image whose dictionary entries and data the lexer gave as
    /// `operands` (see [`super::content`]), its data kept if `keep_data`
    /// (only its size matters when no engine will read it); `None` for an
    /// image mask.
    pub(super) fn inline(
        document: &Document,
        operands: &[Operand],
        keep_data: bool,
    ) -> Option<Self> {
        let (data, entries) = match operands.split_last() {
            Some((Operand::String(data), entries)) if keep_data => (data.clone(), entries),
            Some((Operand::String(_), entries)) => (Vec::new(), entries),
            // Data too large to keep: known by its size only, and reported
            // as not decoded if an engine asks for it.
            Some((_, entries)) => (Vec::new(), entries),
            None => (Vec::new(), operands),
        };
        let mut dict = Dictionary::new();
        for pair in entries.chunks_exact(2) {
            let Operand::Name(key) = &pair[0] else {
                continue;
            };
            let key = inline_key(key);
            let expand = matches!(key, b"Filter" | b"ColorSpace");
            dict.set(key, object(&pair[1], expand));
        }
        Self::of(document, Cow::Owned(Stream::new(dict, data)))
    }

    fn of(document: &Document, stream: Cow<'a, Stream>) -> Option<Self> {
        let get = |key: &[u8]| stream.dict.get_deref(key, document).ok();
        if get(b"ImageMask").and_then(|m| m.as_bool().ok()) == Some(true) {
            return None;
        }
        let dimension = |key: &[u8]| {
            get(key)
                .and_then(|v| v.as_i64().ok())
                .and_then(|v| u32::try_from(v).ok())
                .unwrap_or(0)
        };
        let (mut width, mut height) = (dimension(b"Width"), dimension(b"Height"));
        // A JPEG or JPEG 2000 file is drawn at the size its own header
        // says, whatever the dictionary claims: an 8 × 8 label on a
        // page-sized picture must not pass it off as an icon.
        let own_size = match filters(document, &stream).as_deref() {
            Ok([filter]) if filter == b"DCTDecode" => jpeg_size(&stream.content),
            Ok([filter]) if filter == b"JPXDecode" => jpx_size(&stream.content),
            _ => None,
        };
        if let Some(size) = own_size {
            (width, height) = size;
        }
        Some(Drawn {
            width,
            height,
            stream,
        })
    }

    /// The picture's content: the image file, or its samples with their
    /// depth and colour components. Decoding may produce at most `cap`
    /// bytes.
    pub(super) fn decode(&self, document: &Document, cap: u64) -> Result<Content<'_>, Undecoded> {
        let stream = self.stream.as_ref();
        let filters = filters(document, stream).map_err(|()| {
            (
                ProblemCode::Corrupt,
                "an image's filter cannot be read".to_string(),
            )
        })?;
        let file = filters
            .last()
            .is_some_and(|f| FILE_FILTERS.contains(&f.as_slice()));
        let before = if file {
            &filters[..filters.len() - 1]
        } else {
            &filters[..]
        };
        if let Some(unknown) = before
            .iter()
            .find(|f| !DECODED_FILTERS.contains(&f.as_slice()))
        {
            return Err((
                ProblemCode::Unsupported,
                format!(
                    "an image in {}, which vigie cannot decode; not read",
                    String::from_utf8_lossy(unknown)
                ),
            ));
        }
        let data = undo(stream, before, cap)?;
        if file {
            return Ok(Content::File(data));
        }
        let get = |key: &[u8]| stream.dict.get_deref(key, document).ok();
        let bits = get(b"BitsPerComponent")
            .and_then(|b| b.as_i64().ok())
            .unwrap_or(8);
        let bits_per_component = match bits {
            1 | 2 | 4 | 8 | 16 => bits as u8,
            _ => {
                return Err((
                    ProblemCode::Corrupt,
                    format!("an image with {bits} bits per component; not read"),
                ));
            }
        };
        let components = get(b"ColorSpace")
            .and_then(|space| components(document, space, 0))
            .ok_or_else(|| {
                (
                    ProblemCode::Unsupported,
                    "an image in a colour space vigie does not know; not read".to_string(),
                )
            })?;
        // Each row starts on a byte.
        let row = (u64::from(self.width) * u64::from(components) * u64::from(bits_per_component))
            .div_ceil(8);
        if (data.len() as u64) < row.saturating_mul(u64::from(self.height)) {
            return Err((
                ProblemCode::Corrupt,
                "an image holds fewer samples than its size says; not read".to_string(),
            ));
        }
        Ok(Content::Samples {
            bits_per_component,
            components,
            samples: data,
        })
    }
}

/// The content of `stream` with `filters` (its own, resolved) undone,
/// at most `cap` bytes of it.
fn undo<'s>(stream: &'s Stream, filters: &[Vec<u8>], cap: u64) -> Result<Cow<'s, [u8]>, Undecoded> {
    if filters.is_empty() {
        if stream.content.len() as u64 > cap {
            return Err(too_large(cap));
        }
        return Ok(Cow::Borrowed(&stream.content));
    }
    // lopdf reads /Filter without following references, and would try the
    // image's own DCT or JPX filter: give it the filters to undo, resolved.
    let mut resolved = stream.clone();
    resolved.dict.set(
        "Filter",
        Object::Array(filters.iter().cloned().map(Object::Name).collect()),
    );
    match resolved.decompressed_content_with_limit(usize::try_from(cap).unwrap_or(usize::MAX)) {
        Ok(data) => Ok(Cow::Owned(data)),
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
            Err(too_large(cap))
        }
        Err(error) => Err((
            ProblemCode::Corrupt,
            format!("an image does not decode ({error}); not read"),
        )),
    }
}

fn too_large(cap: u64) -> Undecoded {
    (
        ProblemCode::Limit,
        format!("an image decodes past {cap} bytes; not read"),
    )
}

/// The width and height a JPEG's frame header gives, if it can be found
/// in its first segments.
fn jpeg_size(data: &[u8]) -> Option<(u32, u32)> {
    if !data.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut at = 2;
    for _ in 0..64 {
        let marker = *data.get(at..at + 2)?.get(1)?;
        if data[at] != 0xFF {
            return None;
        }
        if marker == 0xFF {
            // Fill bytes before a marker.
            at += 1;
            continue;
        }
        if matches!(marker, 0x01 | 0xD0..=0xD7) {
            at += 2;
            continue;
        }
        let length = usize::from(u16::from_be_bytes([*data.get(at + 2)?, *data.get(at + 3)?]));
        let frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if frame {
            let header = data.get(at + 5..at + 9)?;
            let height = u32::from(u16::from_be_bytes([header[0], header[1]]));
            let width = u32::from(u16::from_be_bytes([header[2], header[3]]));
            return Some((width, height));
        }
        at += 2 + length;
    }
    None
}

/// The width and height a JPEG 2000 file gives: its image header box
/// (`ihdr`, in a JP2 file) or its codestream's size marker (`SIZ`).
fn jpx_size(data: &[u8]) -> Option<(u32, u32)> {
    let be = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
    };
    if data.starts_with(&[0xFF, 0x4F, 0xFF, 0x51]) {
        // SOC, SIZ: length, capabilities, then the grid's size and offset.
        let (width, height) = (be(8)?, be(12)?);
        let (left, top) = (be(16)?, be(20)?);
        return Some((width.checked_sub(left)?, height.checked_sub(top)?));
    }
    let head = &data[..data.len().min(4096)];
    let at = memchr::memmem::find(head, b"ihdr")? + 4;
    let (height, width) = (be(at)?, be(at + 4)?);
    Some((width, height))
}

/// Samples per pixel of colour space `space`; `None` when it is not known.
fn components(document: &Document, space: &Object, depth: usize) -> Option<u8> {
    let space = document.dereference(space).ok()?.1;
    match space {
        Object::Name(name) => match name.as_slice() {
            b"DeviceGray" | b"CalGray" => Some(1),
            b"DeviceRGB" | b"CalRGB" | b"Lab" => Some(3),
            b"DeviceCMYK" => Some(4),
            _ => None,
        },
        Object::Array(items) => {
            let family = items.first()?.as_name().ok()?;
            match family {
                // Samples are indices into a palette.
                b"Indexed" | b"Separation" => Some(1),
                b"ICCBased" => {
                    let profile = document
                        .dereference(items.get(1)?)
                        .ok()?
                        .1
                        .as_stream()
                        .ok()?;
                    let n = profile.dict.get(b"N").ok()?.as_i64().ok()?;
                    u8::try_from(n).ok().filter(|n| (1..=4).contains(n))
                }
                b"DeviceN" => {
                    let names = document
                        .dereference(items.get(1)?)
                        .ok()?
                        .1
                        .as_array()
                        .ok()?;
                    u8::try_from(names.len()).ok().filter(|n| *n > 0)
                }
                _ if depth < 4 => components(document, items.first()?, depth + 1),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The full name of an inline image dictionary key.
fn inline_key(key: &[u8]) -> &[u8] {
    match key {
        b"W" => b"Width",
        b"H" => b"Height",
        b"BPC" => b"BitsPerComponent",
        b"CS" => b"ColorSpace",
        b"F" => b"Filter",
        b"DP" => b"DecodeParms",
        b"IM" => b"ImageMask",
        b"D" => b"Decode",
        b"I" => b"Interpolate",
        other => other,
    }
}

/// The full name of an abbreviated filter or colour space name.
fn inline_name(name: &[u8]) -> &[u8] {
    match name {
        b"AHx" => b"ASCIIHexDecode",
        b"A85" => b"ASCII85Decode",
        b"LZW" => b"LZWDecode",
        b"Fl" => b"FlateDecode",
        b"RL" => b"RunLengthDecode",
        b"CCF" => b"CCITTFaxDecode",
        b"DCT" => b"DCTDecode",
        b"G" => b"DeviceGray",
        b"RGB" => b"DeviceRGB",
        b"CMYK" => b"DeviceCMYK",
        b"I" => b"Indexed",
        other => other,
    }
}

/// An operand as a PDF object; names abbreviated in inline images are
/// spelt out when `expand`.
fn object(operand: &Operand, expand: bool) -> Object {
    match operand {
        Operand::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Object::Integer(*n as i64),
        Operand::Number(n) => Object::Real(*n as f32),
        Operand::String(s) => Object::string_literal(s.clone()),
        Operand::Name(name) if expand => Object::Name(inline_name(name).to_vec()),
        Operand::Name(name) => Object::Name(name.clone()),
        Operand::Array(items) => Object::Array(items.iter().map(|i| object(i, expand)).collect()),
        Operand::Bool(b) => Object::Boolean(*b),
        Operand::Other => Object::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inline(operands: Vec<Operand>) -> Option<(u32, u32, Vec<u8>)> {
        let document = Document::with_version("1.7");
        let drawn = Drawn::inline(&document, &operands, true)?;
        let data = match drawn.decode(&document, 1 << 20) {
            Ok(Content::Samples { samples, .. } | Content::File(samples)) => samples.into_owned(),
            Err((_, message)) => message.into_bytes(),
        };
        Some((drawn.width, drawn.height, data))
    }

    fn name(n: &str) -> Operand {
        Operand::Name(n.as_bytes().to_vec())
    }

    #[test]
    fn inline_images_are_read_with_their_abbreviations() {
        let operands = vec![
            name("W"),
            Operand::Number(2.0),
            name("H"),
            Operand::Number(1.0),
            name("CS"),
            name("G"),
            name("BPC"),
            Operand::Number(8.0),
            name("F"),
            name("AHx"),
            Operand::String(b"80ff>".to_vec()),
        ];
        assert_eq!(inline(operands), Some((2, 1, vec![0x80, 0xFF])));
    }

    #[test]
    fn a_jpeg_is_as_large_as_its_header_says() {
        // SOI, an APP0 segment, then a baseline frame of 800 × 600.
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, b'J', b'F'];
        jpeg.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08, 0x02, 0x58, 0x03, 0x20, 0x03]);
        assert_eq!(jpeg_size(&jpeg), Some((800, 600)));
        assert_eq!(jpeg_size(b"\xFF\xD8 truncated"), None);
        // A JP2 file's image header box: height, then width.
        let mut jp2 =
            b"\x00\x00\x00\x0CjP  \r\n\x87\n\x00\x00\x00\x2Djp2h\x00\x00\x00\x16ihdr".to_vec();
        jp2.extend_from_slice(&[0, 0, 2, 88, 0, 0, 3, 32, 0, 3]);
        assert_eq!(jpx_size(&jp2), Some((800, 600)));
        // A raw codestream: SIZ gives the grid and its offset.
        let mut j2k = vec![0xFF, 0x4F, 0xFF, 0x51, 0x00, 0x29, 0x00, 0x00];
        for value in [810u32, 610, 10, 10] {
            j2k.extend_from_slice(&value.to_be_bytes());
        }
        assert_eq!(jpx_size(&j2k), Some((800, 600)));
        assert_eq!(jpx_size(b"not a jpeg 2000 file"), None);
        let operands = vec![
            name("W"),
            Operand::Number(8.0),
            name("H"),
            Operand::Number(8.0),
            name("F"),
            name("DCT"),
            Operand::String(jpeg),
        ];
        let (width, height, _) = inline(operands).unwrap();
        assert_eq!((width, height), (800, 600));
    }

    #[test]
    fn image_masks_are_not_pictures() {
        let operands = vec![
            name("W"),
            Operand::Number(64.0),
            name("H"),
            Operand::Number(64.0),
            name("IM"),
            Operand::Bool(true),
            Operand::String(vec![0; 512]),
        ];
        assert_eq!(inline(operands), None);
    }

    #[test]
    fn a_jpeg_is_a_file_and_an_unknown_filter_is_said() {
        let jpeg = vec![
            name("W"),
            Operand::Number(100.0),
            name("H"),
            Operand::Number(100.0),
            name("F"),
            name("DCT"),
            Operand::String(b"\xFF\xD8\xFF\xE0jpeg".to_vec()),
        ];
        assert_eq!(inline(jpeg).unwrap().2, b"\xFF\xD8\xFF\xE0jpeg");
        let fax = vec![
            name("W"),
            Operand::Number(100.0),
            name("H"),
            Operand::Number(100.0),
            name("F"),
            name("CCF"),
            Operand::String(vec![0; 10]),
        ];
        let message = String::from_utf8(inline(fax).unwrap().2).unwrap();
        assert!(message.contains("CCITTFaxDecode"), "{message}");
        let short = vec![
            name("W"),
            Operand::Number(100.0),
            name("H"),
            Operand::Number(100.0),
            name("CS"),
            name("RGB"),
            Operand::String(vec![0; 10]),
        ];
        let message = String::from_utf8(inline(short).unwrap().2).unwrap();
        assert!(message.contains("fewer samples"), "{message}");
    }
}
