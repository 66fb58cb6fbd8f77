//! Streams of a PDF: their filters (followed through references) and a
//! reader of their decoded content within a cap. Shared by the page reader,
//! the image reader and the metadata reader.

use std::io::{Cursor, Read};

use lopdf::{Document, Object, Stream};

use crate::report::ProblemCode;

/// Largest stream decoded whole (filters other than Flate alone cannot be
/// streamed), in bytes.
const MAX_WHOLE_STREAM_BYTES: u64 = 32 << 20;

/// The filters of a stream, following references (`/Filter 6 0 R`, or an
/// array of them), which lopdf's own `filters` does not.
pub(super) fn filters(document: &Document, stream: &Stream) -> Result<Vec<Vec<u8>>, ()> {
    let Ok(filter) = stream.dict.get_deref(b"Filter", document) else {
        return Ok(Vec::new());
    };
    match filter {
        Object::Name(name) => Ok(vec![name.clone()]),
        Object::Array(items) => items
            .iter()
            .take(16)
            .map(|item| {
                document
                    .dereference(item)
                    .ok()
                    .and_then(|(_, o)| o.as_name().ok())
                    .map(<[u8]>::to_vec)
                    .ok_or(())
            })
            .collect(),
        _ => Err(()),
    }
}

/// A reader of a stream's decoded content: Flate alone is inflated as it
/// is read; other filters are decoded whole, under a smaller cap.
pub(super) fn open_stream<'a>(
    document: &'a Document,
    stream: &'a Stream,
    max_stream: u64,
) -> Result<Box<dyn Read + 'a>, (ProblemCode, String)> {
    let Ok(filters) = filters(document, stream) else {
        return Err((
            ProblemCode::Corrupt,
            "a content stream's filter cannot be read".to_string(),
        ));
    };
    let parameters = stream.dict.get(b"DecodeParms").is_ok();
    if filters.is_empty() {
        return Ok(Box::new(stream.content.as_slice()));
    }
    if filters == [b"FlateDecode".to_vec()] && !parameters {
        return Ok(Box::new(flate2::read::ZlibDecoder::new(
            stream.content.as_slice(),
        )));
    }
    let cap = max_stream.min(MAX_WHOLE_STREAM_BYTES);
    // lopdf reads /Filter without following references: give it the
    // filters resolved.
    let mut resolved = stream.clone();
    resolved.dict.set(
        "Filter",
        Object::Array(filters.into_iter().map(Object::Name).collect()),
    );
    match resolved.decompressed_content_with_limit(usize::try_from(cap).unwrap_or(usize::MAX)) {
        Ok(data) => Ok(Box::new(Cursor::new(data))),
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => Err((
            ProblemCode::Limit,
            format!("a content stream decodes past {cap} bytes; not read"),
        )),
        Err(error) => Err((
            ProblemCode::Corrupt,
            format!("a content stream does not decode ({error})"),
        )),
    }
}
