//! PNG: the text chunks (tEXt in Latin-1, zTXt compressed, iTXt in UTF-8,
//! compressed or not, whose keyword `XML:com.adobe.xmp` is an XMP packet)
//! and the eXIf chunk. Chunks are walked by their lengths up to IEND; CRCs
//! are not checked (a wrong one does not hide text).

use super::{Sink, be32, latin1, tiff};

/// The eight bytes every PNG file starts with.
pub(crate) const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The largest chunk length the format allows (2³¹ − 1).
const MAX_CHUNK_LENGTH: u32 = 0x7FFF_FFFF;

/// The keyword of an iTXt chunk that holds an XMP packet.
const XMP_KEYWORD: &[u8] = b"XML:com.adobe.xmp";

/// Reads the text chunks of the PNG file `file`.
pub(crate) fn read(sink: &mut Sink, file: &[u8]) {
    let mut at = SIGNATURE.len();
    loop {
        // A file that ends between chunks (or in a CRC) without IEND has
        // given all it declares: its pixels are the decoder's to judge (a
        // chunk whose data is cut, below, is a problem here).
        if at == file.len() {
            return;
        }
        if !sink.step(1) {
            return;
        }
        let (Some(length), Some(kind)) = (be32(file, at), file.get(at + 4..at + 8)) else {
            sink.corrupt(format!("chunk header at byte {at} is truncated"));
            return;
        };
        if length > MAX_CHUNK_LENGTH {
            sink.corrupt(format!("chunk at byte {at} declares {length} bytes"));
            return;
        }
        let start = at + 8;
        let Some(data) = super::slice(file, start, length as usize) else {
            sink.corrupt(format!(
                "chunk {} at byte {at} is truncated ({length} bytes declared, {} there)",
                printable(kind),
                file.len() - start
            ));
            return;
        };
        match kind {
            b"IEND" => return,
            b"tEXt" => text(sink, data, at),
            b"zTXt" => compressed_text(sink, data, at),
            b"iTXt" => international_text(sink, data, at),
            b"eXIf" => {
                // Some writers keep the JPEG APP1 prefix.
                let exif = data.strip_prefix(b"Exif\0\0").unwrap_or(data);
                tiff::read(sink, exif, "EXIF");
            }
            _ => {}
        }
        // The data, then the CRC.
        at = (start + length as usize + 4).min(file.len());
    }
}

/// A chunk's type for a message: its four letters, or `?` for bytes that
/// are not ASCII letters.
fn printable(kind: &[u8]) -> String {
    kind.iter()
        .map(|&b| {
            if b.is_ascii_alphabetic() {
                char::from(b)
            } else {
                '?'
            }
        })
        .collect()
}

/// The keyword before the first NUL of `data`, and what follows the NUL.
/// None when there is no NUL within the 80 bytes a keyword may take.
fn keyword(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let nul = data.iter().take(80).position(|&b| b == 0)?;
    Some((&data[..nul], &data[nul + 1..]))
}

/// tEXt: keyword, NUL, Latin-1 text.
fn text(sink: &mut Sink, data: &[u8], at: usize) {
    let Some((key, value)) = keyword(data) else {
        sink.corrupt(format!("tEXt chunk at byte {at} has no keyword"));
        return;
    };
    sink.field(&latin1(key), &latin1(value));
}

/// zTXt: keyword, NUL, compression method (0: zlib), compressed Latin-1
/// text.
fn compressed_text(sink: &mut Sink, data: &[u8], at: usize) {
    let Some((key, rest)) = keyword(data) else {
        sink.corrupt(format!("zTXt chunk at byte {at} has no keyword"));
        return;
    };
    let Some((&0, compressed)) = rest.split_first() else {
        sink.problem(
            crate::report::ProblemCode::Unsupported,
            format!("zTXt chunk at byte {at}: unknown compression method; not read"),
        );
        return;
    };
    let what = format!("zTXt chunk at byte {at}");
    if let Some(value) = sink.inflate(compressed, &what) {
        sink.field(&latin1(key), &latin1(&value));
    }
}

/// iTXt: keyword, NUL, compression flag, compression method, language tag,
/// NUL, translated keyword, NUL, UTF-8 text (zlib-compressed if the flag
/// is set).
fn international_text(sink: &mut Sink, data: &[u8], at: usize) {
    let parsed = keyword(data).and_then(|(key, rest)| {
        let (&flag, rest) = rest.split_first()?;
        let (&method, rest) = rest.split_first()?;
        let language_end = rest.iter().position(|&b| b == 0)?;
        let rest = &rest[language_end + 1..];
        let translated_end = rest.iter().position(|&b| b == 0)?;
        Some((key, flag, method, &rest[translated_end + 1..]))
    });
    let Some((key, flag, method, value)) = parsed else {
        sink.corrupt(format!("iTXt chunk at byte {at} is damaged"));
        return;
    };
    let inflated;
    let value = match (flag, method) {
        (0, _) => value,
        (1, 0) => {
            let what = format!("iTXt chunk at byte {at}");
            let Some(value) = sink.inflate(value, &what) else {
                return;
            };
            inflated = value;
            &inflated
        }
        _ => {
            sink.problem(
                crate::report::ProblemCode::Unsupported,
                format!("iTXt chunk at byte {at}: unknown compression; not read"),
            );
            return;
        }
    };
    if key == XMP_KEYWORD {
        sink.xmp(value);
    } else {
        sink.field(&latin1(key), &String::from_utf8_lossy(value));
    }
}
