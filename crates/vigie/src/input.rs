//! Reading an input from a file or a stream within the limits, before
//! anything is scanned: a file is checked by its size before it is read,
//! the first bytes decide how much more is worth reading, and plain text
//! is read only as far as the scanner will scan it. Peak memory stays near
//! what is scanned, whatever the input's size.

use std::io::Read;

use crate::extract::sniff::{self, Format};
use crate::policy::Limits;

/// How many bytes are read first to tell the format.
const HEAD_BYTES: usize = 64 << 10;

/// What was read of an input.
#[derive(Debug)]
pub(crate) enum Input {
    /// Bytes to extract (all of the input, or as much as tells what it is).
    Bytes(Vec<u8>),
    /// Plain text, decoded; `cut` when the input went on past the text
    /// limit and the rest was not read.
    Text { text: String, cut: bool },
    /// The input is larger than `max_input_bytes`; nothing more was read.
    TooLarge(Option<u64>),
}

/// Reads `reader` within `limits`; `size` is the input's size when known
/// (a regular file's length).
pub(crate) fn read(
    mut reader: impl Read,
    size: Option<u64>,
    limits: &Limits,
) -> std::io::Result<Input> {
    if size.is_some_and(|size| size > limits.max_input_bytes) {
        return Ok(Input::TooLarge(size));
    }
    let mut bytes = Vec::new();
    let head_cap = (HEAD_BYTES as u64).min(limits.max_input_bytes.saturating_add(1));
    (&mut reader).take(head_cap).read_to_end(&mut bytes)?;
    if (bytes.len() as u64) < head_cap {
        // All of it is here.
        return Ok(Input::Bytes(bytes));
    }
    match sniff::format(&bytes) {
        // The first bytes are enough to say this cannot be read: what
        // follows would not change the report, so it is not read at all.
        // (Pictures are read whole: their metadata and pixels are.)
        Format::Binary => Ok(Input::Bytes(bytes)),
        Format::Text => read_text(reader, bytes, limits),
        _ => {
            let rest = limits.max_input_bytes.saturating_add(1) - bytes.len() as u64;
            reader.take(rest).read_to_end(&mut bytes)?;
            if bytes.len() as u64 > limits.max_input_bytes {
                return Ok(Input::TooLarge(None));
            }
            Ok(Input::Bytes(bytes))
        }
    }
}

/// Reads plain text up to the text limit, and decodes it without copying
/// it when it is UTF-8.
fn read_text(mut reader: impl Read, mut bytes: Vec<u8>, limits: &Limits) -> std::io::Result<Input> {
    let keep = limits
        .max_text_bytes
        .min(usize::try_from(limits.max_input_bytes).unwrap_or(usize::MAX));
    let wanted = (keep as u64).saturating_add(1);
    let rest = wanted.saturating_sub(bytes.len() as u64);
    // Room for exactly what may be read, not the doubling of a growing
    // buffer; a stream that ends sooner gives some back below.
    bytes.reserve_exact(usize::try_from(rest).unwrap_or(0).min(keep));
    (&mut reader).take(rest).read_to_end(&mut bytes)?;
    let cut = bytes.len() > keep;
    if cut {
        // Whether the input is over the size limit is known only by reading
        // on; what is read past the text limit is counted, not kept.
        let seen = bytes.len() as u64;
        let more = limits
            .max_input_bytes
            .saturating_add(1)
            .saturating_sub(seen);
        let skipped = std::io::copy(&mut reader.take(more), &mut std::io::sink())?;
        if seen + skipped > limits.max_input_bytes {
            return Ok(Input::TooLarge(None));
        }
        bytes.truncate(keep);
        // Do not leave half a character at the cut.
        if let Err(error) = std::str::from_utf8(&bytes)
            && error.error_len().is_none()
        {
            bytes.truncate(error.valid_up_to());
        }
    }
    let text = crate::extract::text::decode_owned(bytes);
    Ok(Input::Text { text, cut })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(max_input: u64, max_text: usize) -> Limits {
        Limits {
            max_input_bytes: max_input,
            max_text_bytes: max_text,
            ..Limits::default()
        }
    }

    #[test]
    fn a_known_size_over_the_limit_is_not_read() {
        let input = read(std::io::repeat(0), Some(1 << 40), &limits(1 << 20, 1 << 20)).unwrap();
        assert!(matches!(input, Input::TooLarge(Some(_))));
    }

    #[test]
    fn an_endless_binary_stream_stops_at_its_head() {
        let input = read(std::io::repeat(0), None, &limits(1 << 30, 1 << 30)).unwrap();
        assert!(matches!(input, Input::Bytes(b) if b.len() == HEAD_BYTES));
    }

    #[test]
    fn text_is_read_only_as_far_as_it_is_scanned() {
        let long = std::io::repeat(b'a').take(1 << 20);
        let input = read(long, None, &limits(1 << 30, 200_000)).unwrap();
        assert!(matches!(input, Input::Text { text, cut: true } if text.len() == 200_000));
        // Past the input limit, it is refused.
        let endless = std::io::repeat(b'a');
        let input = read(endless, None, &limits(1 << 20, 200_000)).unwrap();
        assert!(matches!(input, Input::TooLarge(None)));
        // A cut in the middle of a character leaves it out.
        let text = "é".repeat(100_000);
        let input = read(text.as_bytes(), None, &limits(1 << 30, 100_001)).unwrap();
        assert!(matches!(input, Input::Text { text, cut: true } if text.len() == 100_000));
    }

    #[test]
    fn other_formats_are_read_whole_up_to_the_limit() {
        let mut pdf = b"%PDF-1.7\n".to_vec();
        pdf.resize(100_000, b' ');
        assert!(
            matches!(read(pdf.as_slice(), None, &limits(1 << 20, 10)).unwrap(), Input::Bytes(b) if b.len() == 100_000)
        );
        assert!(matches!(
            read(pdf.as_slice(), None, &limits(70_000, 10)).unwrap(),
            Input::TooLarge(None)
        ));
    }
}
