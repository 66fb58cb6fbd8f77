//! Reading one entry of a compressed container within the budget: a zip
//! entry through the `zip` crate, or a raw deflate stream, each through a
//! cap (the entry limit, the inflation-ratio limit and what the scan may
//! still inflate) checked while inflating, never after. Used by the zip
//! walker and by the Office and OpenDocument readers, which read their
//! parts from the same archive.

use std::io::{Cursor, Read};

use ::zip::ZipArchive;
use flate2::{Decompress, FlushDecompress, Status};

use super::Extractor;
use crate::report::ProblemCode;

/// Entries are inflated this many bytes at a time, a step each.
const INFLATE_CHUNK_BYTES: usize = 64 << 10;

/// Compressed sizes below this count as this much for the ratio limit, so
/// that a small, well-compressed text file is not taken for a bomb.
const RATIO_FLOOR: u64 = 64 << 10;

/// The name of entry `index`, if its header can be read.
pub(crate) fn entry_name(archive: &mut ZipArchive<Cursor<&[u8]>>, index: usize) -> Option<String> {
    let entry = archive.by_index_raw(index).ok()?;
    entry.name().ok().map(|name| name.into_owned())
}

/// Reads entry `index` whole, within the budget.
pub(crate) fn read_entry(
    ex: &mut Extractor,
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    index: usize,
) -> Result<Vec<u8>, (ProblemCode, String)> {
    {
        let raw = archive
            .by_index_raw(index)
            .map_err(|e| (ProblemCode::Corrupt, format!("unreadable entry ({e})")))?;
        if raw.encrypted() {
            return Err((ProblemCode::Encrypted, "encrypted entry".to_string()));
        }
    }
    let limits = *ex.budget().limits();
    let inflatable = ex.budget().inflatable();
    let mut entry = archive
        .by_index(index)
        .map_err(|e| (ProblemCode::Corrupt, format!("unreadable entry ({e})")))?;
    let by_ratio = entry
        .compressed_size()
        .max(RATIO_FLOOR)
        .saturating_mul(limits.max_inflation_ratio);
    let cap = limits.max_entry_bytes.min(by_ratio).min(inflatable);
    // Read chunk by chunk, each a step of parsing work with the clock read,
    // so that a slow inflation (a bomb under lifted size caps) is stopped by
    // the step and time limits while it runs, not after.
    let mut data = Vec::new();
    let mut limited = (&mut entry).take(cap + 1);
    let mut chunk = vec![0u8; INFLATE_CHUNK_BYTES];
    loop {
        let n = limited.read(&mut chunk).map_err(|e| {
            (
                ProblemCode::Corrupt,
                format!("entry does not inflate ({e})"),
            )
        })?;
        if n == 0 {
            break;
        }
        data.extend_from_slice(&chunk[..n]);
        ex.budget()
            .step(1)
            .and_then(|()| ex.budget().time())
            .map_err(|e| (ProblemCode::Limit, e.0))?;
    }
    let read = data.len() as u64;
    if read > cap {
        let why = if cap == inflatable {
            "the scan's inflated-bytes limit"
        } else if cap == by_ratio {
            "the inflation-ratio limit (a zip bomb?)"
        } else {
            "the per-entry limit"
        };
        return Err((
            ProblemCode::Limit,
            format!("entry inflates past {cap} bytes, {why}; not read"),
        ));
    }
    ex.budget()
        .inflate(read)
        .map_err(|e| (ProblemCode::Limit, e.0))?;
    Ok(data)
}

/// What inflating a raw deflate stream gave.
pub(super) struct Inflated {
    /// The bytes that came out, if they were kept.
    pub(super) data: Vec<u8>,
    /// How many bytes came out (at most one chunk past the cap).
    pub(super) total: u64,
    /// How many compressed bytes the stream took, if it ended.
    pub(super) consumed: Option<usize>,
}

/// Inflates a raw deflate stream, stopping once more than `cap` bytes came
/// out; keeps what came out if `keep`.
pub(super) fn inflate(input: &[u8], cap: u64, keep: bool) -> Inflated {
    let mut inflater = Decompress::new(false);
    let mut chunk = vec![0u8; 32 << 10];
    let mut data = Vec::new();
    loop {
        let (in_before, out_before) = (inflater.total_in(), inflater.total_out());
        let from = usize::try_from(in_before).unwrap_or(usize::MAX);
        let status = inflater.decompress(
            input.get(from..).unwrap_or(&[]),
            &mut chunk,
            FlushDecompress::None,
        );
        let produced = usize::try_from(inflater.total_out() - out_before).unwrap_or(0);
        if keep {
            data.extend_from_slice(chunk.get(..produced).unwrap_or(&[]));
        }
        let total = inflater.total_out();
        let progressed = produced > 0 || inflater.total_in() > in_before;
        match status {
            Ok(Status::StreamEnd) => {
                let consumed = usize::try_from(inflater.total_in()).ok();
                return Inflated {
                    data,
                    total,
                    consumed,
                };
            }
            Ok(_) if progressed && total <= cap => {}
            _ => {
                return Inflated {
                    data,
                    total,
                    consumed: None,
                };
            }
        }
    }
}

/// The most an entry of `compressed` bytes may inflate to: the entry limit,
/// the inflation-ratio limit and what the scan may still inflate.
pub(super) fn entry_cap(ex: &mut Extractor, compressed: u64) -> u64 {
    let limits = *ex.budget().limits();
    let by_ratio = compressed
        .max(RATIO_FLOOR)
        .saturating_mul(limits.max_inflation_ratio);
    limits
        .max_entry_bytes
        .min(by_ratio)
        .min(ex.budget().inflatable())
}
