//! Zip archives: each entry is read under the budget and handed back to the
//! dispatcher, so a docx in a zip in a zip is read like a docx alone. Office
//! Open XML and OpenDocument files are zips and go to [`super::office`].
//!
//! Nothing the archive says about sizes is trusted: entries are read through
//! a cap (the entry limit, the inflation-ratio limit and what the scan may
//! still inflate), and an archive whose entries overlap (the "better zip
//! bomb", where many entries share one compressed stream) is refused.

use std::io::{Cursor, Read};

use ::zip::ZipArchive;

use super::{Extractor, child, located, office};
use crate::report::ProblemCode;

/// Compressed sizes below this count as this much for the ratio limit, so
/// that a small, well-compressed text file is not taken for a bomb.
const RATIO_FLOOR: u64 = 64 << 10;

/// Reads the archive in `bytes`, found at `path`.
pub(super) fn extract(ex: &mut Extractor, bytes: &[u8], path: &[String], depth: u32) {
    let mut archive = match ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => archive,
        Err(error) => {
            ex.problem(
                ProblemCode::Corrupt,
                located(path, &format!("damaged zip archive ({error})")),
            );
            return;
        }
    };
    if let Some(message) = overlapping_entries(&mut archive) {
        ex.problem(ProblemCode::Limit, located(path, &message));
        return;
    }
    if let Some(kind) = office::kind(&mut archive) {
        office::extract(ex, &mut archive, kind, path, depth);
        return;
    }
    for index in 0..archive.len() {
        if let Err(exceeded) = ex.budget().entry().and_then(|()| ex.budget().time()) {
            ex.problem(ProblemCode::Limit, located(path, &exceeded.0));
            return;
        }
        let Some(name) = entry_name(&mut archive, index) else {
            ex.problem(
                ProblemCode::Corrupt,
                located(path, &format!("entry {index} is unreadable")),
            );
            continue;
        };
        if name.ends_with('/') {
            continue;
        }
        let entry_path = child(path, &name);
        match read_entry(ex, &mut archive, index) {
            Ok(data) => ex.dispatch(&data, &entry_path, depth + 1),
            Err((code, message)) => ex.problem(code, located(&entry_path, &message)),
        }
    }
}

/// The name of entry `index`, if its header can be read.
pub(super) fn entry_name(archive: &mut ZipArchive<Cursor<&[u8]>>, index: usize) -> Option<String> {
    let entry = archive.by_index_raw(index).ok()?;
    entry.name().ok().map(|name| name.into_owned())
}

/// Reads entry `index` whole, within the budget.
pub(super) fn read_entry(
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
    let mut data = Vec::new();
    let read = (&mut entry)
        .take(cap + 1)
        .read_to_end(&mut data)
        .map_err(|e| {
            (
                ProblemCode::Corrupt,
                format!("entry does not inflate ({e})"),
            )
        })?;
    let read = read as u64;
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

/// A message when two entries claim overlapping bytes of the archive.
fn overlapping_entries(archive: &mut ZipArchive<Cursor<&[u8]>>) -> Option<String> {
    let mut spans: Vec<(u64, u64)> = Vec::with_capacity(archive.len());
    for index in 0..archive.len() {
        let Ok(entry) = archive.by_index_raw(index) else {
            continue;
        };
        let start = entry.header_start();
        let data_start = entry.data_start().unwrap_or(start + 30);
        spans.push((start, data_start.saturating_add(entry.compressed_size())));
    }
    spans.sort_unstable();
    spans
        .windows(2)
        .any(|pair| pair[1].0 < pair[0].1)
        .then(|| "archive entries overlap one another (a zip bomb); not read".to_string())
}
