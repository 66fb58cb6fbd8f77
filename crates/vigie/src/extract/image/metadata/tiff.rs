//! The TIFF structure, of TIFF files and of EXIF blocks (JPEG APP1, PNG
//! eXIf, WebP EXIF): a header giving the byte order, then image file
//! directories (IFDs) of 12-byte entries. Read: the text tags of each IFD
//! of the main chain (ImageDescription, Artist, Copyright, the Windows
//! `XP*` tags in UTF-16LE, the XMP packet, IPTC and Photoshop records) and
//! the UserComment of the Exif sub-IFD.
//!
//! Every offset and count is the file's: each is checked against the data,
//! the IFDs visited are remembered (a chain that comes back is a loop, and
//! ends), and there are at most [`MAX_IFDS`] IFDs of [`MAX_ENTRIES`]
//! entries.

use super::{Sink, iptc, slice, text, utf16};
use crate::report::ProblemCode;

/// Most IFDs read in one TIFF structure (pages, and the Exif sub-IFD):
/// enough for a long scanned document, and what a crafted chain of
/// overlapping IFDs may cost is bounded by it and [`MAX_ENTRIES`].
pub(crate) const MAX_IFDS: usize = 256;

/// Most entries read in one IFD (real ones hold a few dozen).
pub(crate) const MAX_ENTRIES: usize = 1024;

/// The Exif sub-IFD pointer tag.
const EXIF_IFD: u16 = 0x8769;

/// The byte order of the structure.
#[derive(Clone, Copy)]
struct Order {
    little: bool,
}

impl Order {
    fn u16(self, data: &[u8], at: usize) -> Option<u16> {
        let bytes = slice(data, at, 2)?;
        let pair = [bytes[0], bytes[1]];
        Some(if self.little {
            u16::from_le_bytes(pair)
        } else {
            u16::from_be_bytes(pair)
        })
    }

    fn u32(self, data: &[u8], at: usize) -> Option<u32> {
        let bytes = slice(data, at, 4)?;
        let quad = [bytes[0], bytes[1], bytes[2], bytes[3]];
        Some(if self.little {
            u32::from_le_bytes(quad)
        } else {
            u32::from_be_bytes(quad)
        })
    }
}

/// Which kind of IFD: one of the main chain (its next IFD is followed), or
/// the Exif sub-IFD (UserComment lives there).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Main,
    Exif,
}

/// How a tag's bytes are text.
#[derive(Clone, Copy)]
enum Reading {
    /// 8-bit text (ASCII in the specification, UTF-8 or Latin-1 in files).
    Ascii,
    /// UTF-16LE whatever the byte order (the Windows `XP*` tags).
    Utf16Le,
    /// An 8-byte charset header, then the text (UserComment).
    Comment,
    /// An XMP packet (tag 700).
    Xmp,
    /// IPTC records (tag 33723).
    Iptc,
    /// Photoshop image resources (tag 34377).
    Photoshop,
}

/// The tags read, with the key their text is written under. Other tags
/// (camera make and model, software, dates) are not read: they hold no
/// author's text.
fn tag(tag: u16, kind: Kind) -> Option<(&'static str, Reading)> {
    Some(match (kind, tag) {
        (Kind::Exif, 0x9286) => ("User comment", Reading::Comment),
        (Kind::Exif, _) => return None,
        (Kind::Main, 269) => ("Document name", Reading::Ascii),
        (Kind::Main, 270) => ("Description", Reading::Ascii),
        (Kind::Main, 285) => ("Page name", Reading::Ascii),
        (Kind::Main, 315) => ("Artist", Reading::Ascii),
        (Kind::Main, 700) => ("XMP", Reading::Xmp),
        (Kind::Main, 33432) => ("Copyright", Reading::Ascii),
        (Kind::Main, 33723) => ("IPTC", Reading::Iptc),
        (Kind::Main, 34377) => ("Photoshop", Reading::Photoshop),
        (Kind::Main, 0x9c9b) => ("Title", Reading::Utf16Le),
        (Kind::Main, 0x9c9c) => ("Comment", Reading::Utf16Le),
        (Kind::Main, 0x9c9d) => ("Author", Reading::Utf16Le),
        (Kind::Main, 0x9c9e) => ("Keywords", Reading::Utf16Le),
        (Kind::Main, 0x9c9f) => ("Subject", Reading::Utf16Le),
        (Kind::Main, _) => return None,
    })
}

/// The size in bytes of one value of TIFF field type `field_type`.
fn type_size(field_type: u16) -> Option<u64> {
    Some(match field_type {
        1 | 2 | 6 | 7 => 1,
        3 | 8 => 2,
        4 | 9 | 11 | 13 => 4,
        5 | 10 | 12 => 8,
        _ => return None,
    })
}

/// Reads the TIFF structure `data`; `what` ("TIFF", "EXIF") names it in
/// problems.
pub(crate) fn read(sink: &mut Sink, data: &[u8], what: &str) {
    let order = match data.get(..4) {
        Some(b"II*\0") => Order { little: true },
        Some(b"MM\0*") => Order { little: false },
        Some(b"II+\0" | b"MM\0+") => {
            sink.problem(
                ProblemCode::Unsupported,
                format!("{what}: BigTIFF structure; its tags were not read"),
            );
            return;
        }
        _ => {
            sink.corrupt(format!("{what}: no TIFF header"));
            return;
        }
    };
    let Some(first) = order.u32(data, 4) else {
        sink.corrupt(format!("{what}: TIFF header is truncated"));
        return;
    };
    let mut visited: Vec<u32> = Vec::new();
    let mut pending: Vec<(u32, Kind)> = vec![(first, Kind::Main)];
    let mut outside = 0usize;
    while let Some((offset, kind)) = pending.pop() {
        if offset == 0 {
            continue;
        }
        if visited.contains(&offset) {
            sink.corrupt(format!(
                "{what}: IFD at byte {offset} is reached twice (a loop); read once"
            ));
            continue;
        }
        if visited.len() >= MAX_IFDS {
            sink.problem(
                ProblemCode::Limit,
                format!("{what}: more than {MAX_IFDS} IFDs; the rest were not read"),
            );
            break;
        }
        visited.push(offset);
        let Some(read) = ifd(sink, data, order, offset, kind, what, &mut outside) else {
            return;
        };
        // The Exif sub-IFD is read before the next IFD of the chain.
        if let Some(next) = read.next {
            pending.push((next, Kind::Main));
        }
        if let Some(exif) = read.exif {
            pending.push((exif, Kind::Exif));
        }
    }
    if outside > 0 {
        sink.corrupt(format!(
            "{what}: {outside} tag values point outside the data; not read"
        ));
    }
}

/// What an IFD points to.
struct Ifd {
    /// The next IFD of the chain.
    next: Option<u32>,
    /// The Exif sub-IFD.
    exif: Option<u32>,
}

/// Reads the IFD at `offset`; None when reading must stop (a limit of the
/// budget tripped).
fn ifd(
    sink: &mut Sink,
    data: &[u8],
    order: Order,
    offset: u32,
    kind: Kind,
    what: &str,
    outside: &mut usize,
) -> Option<Ifd> {
    let mut read = Ifd {
        next: None,
        exif: None,
    };
    let start = offset as usize;
    let Some(count) = order.u16(data, start) else {
        sink.corrupt(format!("{what}: IFD at byte {offset} is outside the data"));
        return Some(read);
    };
    let mut count = usize::from(count);
    if count > MAX_ENTRIES {
        sink.problem(
            ProblemCode::Limit,
            format!(
                "{what}: IFD at byte {offset} declares {count} entries; the first {MAX_ENTRIES} were read"
            ),
        );
        count = MAX_ENTRIES;
    }
    if !sink.step(count as u64 + 1) {
        return None;
    }
    for index in 0..count {
        let at = start + 2 + 12 * index;
        let (Some(tag_id), Some(field_type), Some(values), Some(field)) = (
            order.u16(data, at),
            order.u16(data, at + 2),
            order.u32(data, at + 4),
            slice(data, at + 8, 4),
        ) else {
            sink.corrupt(format!(
                "{what}: IFD at byte {offset} is truncated after {index} entries"
            ));
            return Some(read);
        };
        if kind == Kind::Main && tag_id == EXIF_IFD {
            read.exif = order.u32(field, 0);
            continue;
        }
        let Some((key, reading)) = tag(tag_id, kind) else {
            continue;
        };
        let Some(size) = type_size(field_type).and_then(|s| s.checked_mul(u64::from(values)))
        else {
            continue;
        };
        let bytes = if size <= 4 {
            &field[..size as usize]
        } else {
            let Some(bytes) = order
                .u32(field, 0)
                .and_then(|at| slice(data, at as usize, usize::try_from(size).ok()?))
            else {
                *outside += 1;
                continue;
            };
            bytes
        };
        value(sink, key, reading, bytes, order);
    }
    let after = start + 2 + 12 * count;
    if kind == Kind::Main {
        read.next = order.u32(data, after);
    }
    Some(read)
}

/// Reads one tag's value.
fn value(sink: &mut Sink, key: &str, reading: Reading, bytes: &[u8], order: Order) {
    match reading {
        Reading::Ascii => sink.field(key, &text(bytes)),
        Reading::Utf16Le => sink.field(key, &utf16(bytes, true)),
        Reading::Comment => user_comment(sink, key, bytes, order),
        Reading::Xmp => sink.xmp(bytes),
        Reading::Iptc => iptc::records(sink, bytes),
        Reading::Photoshop => iptc::resources(sink, bytes),
    }
}

/// UserComment: an 8-byte charset header, then the text: `ASCII`,
/// `UNICODE` (UTF-16 in the byte order of the structure, unless a byte
/// order mark says otherwise), `JIS` (JIS X 0208), or undefined (eight
/// NULs: read as 8-bit text).
fn user_comment(sink: &mut Sink, key: &str, bytes: &[u8], order: Order) {
    let (header, body) = bytes.split_at(bytes.len().min(8));
    let comment = match header {
        b"UNICODE\0" => match body {
            [0xFF, 0xFE, rest @ ..] => utf16(rest, true),
            [0xFE, 0xFF, rest @ ..] => utf16(rest, false),
            // Writers disagree on the byte order (the structure's, or
            // big-endian always): take the one that reads as text.
            _ => {
                let (ours, theirs) = (utf16(body, order.little), utf16(body, !order.little));
                if latin_share(&theirs) > latin_share(&ours) {
                    theirs
                } else {
                    ours
                }
            }
        },
        b"JIS\0\0\0\0\0" => jis(body),
        b"ASCII\0\0\0" | [0, 0, 0, 0, 0, 0, 0, 0] => text(body),
        // No header: the whole is the text.
        _ => text(bytes),
    };
    sink.field(key, &comment);
}

/// How many of the characters of `text` are Latin letters, digits,
/// punctuation or spaces (U+0020 to U+024F): UTF-16 read in the wrong byte
/// order gives CJK ideographs instead.
fn latin_share(text: &str) -> usize {
    text.chars()
        .filter(|c| (' '..='\u{24F}').contains(c))
        .count()
}

/// JIS X 0208 text, as EXIF writes it: read as ISO-2022-JP, whose escape
/// sequences switch between ASCII and JIS X 0208, once wrapped in them
/// (two-byte codes whose bytes are 0x21 to 0x7E).
fn jis(body: &[u8]) -> String {
    let mut wrapped = Vec::with_capacity(body.len() + 6);
    wrapped.extend_from_slice(b"\x1b$B");
    wrapped.extend_from_slice(body);
    wrapped.extend_from_slice(b"\x1b(B");
    match charset::Charset::for_label(b"iso-2022-jp") {
        Some(charset) => charset.decode_without_bom_handling(&wrapped).0.into_owned(),
        None => text(body),
    }
}
