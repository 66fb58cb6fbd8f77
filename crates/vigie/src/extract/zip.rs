//! Zip archives: each entry is read under the budget and handed back to the
//! dispatcher, so a docx in a zip in a zip is read like a docx alone. Office
//! Open XML and OpenDocument files are zips and go to [`super::office`].
//!
//! Nothing the archive says about sizes is trusted: entries are read through
//! a cap (the entry limit, the inflation-ratio limit and what the scan may
//! still inflate), and an archive whose entries overlap (the "better zip
//! bomb", where many entries share one compressed stream) is refused.
//!
//! Zip readers disagree on crafted archives: one follows the central
//! directory found from the last end record, another walks the local
//! headers from the start. The central directory is read, then checked
//! against a walk over the local headers (and against the other end
//! records the file holds); when they disagree the archive is reported
//! `corrupt` and the entries that only the walk sees are read too, so that
//! vigie never reads the emptier view alone. Archive and entry comments are
//! read as metadata.

use std::collections::HashMap;
use std::io::Cursor;

use ::zip::ZipArchive;

use super::archive::{entry_cap, entry_name, inflate, read_entry};
use super::{Extractor, child, located, office, sniff};
use crate::report::{Part, ProblemCode};

/// Reads the archive in `bytes`, found at `path`.
pub(super) fn extract(ex: &mut Extractor, bytes: &[u8], path: &[String], depth: u32) {
    let mut archive = match ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => archive,
        Err(error) => {
            // What a streaming reader would still show is read.
            ex.problem(
                ProblemCode::Corrupt,
                located(
                    path,
                    &format!("damaged zip archive ({error}); the entries its local headers give were read"),
                ),
            );
            let none = HashMap::new();
            let walk = walk_local_headers(ex, bytes, &none, path);
            local_view(ex, bytes, &none, &walk, path, depth);
            return;
        }
    };
    if let Some(message) = overlapping_entries(&mut archive) {
        ex.problem(ProblemCode::Limit, located(path, &message));
        return;
    }
    let central = central_entries(&mut archive);
    let walk = walk_local_headers(ex, bytes, &central, path);
    // Once a limit stopped the walk, nothing more is read: no verdict on it.
    let disagreement = if ex.stopped() {
        None
    } else {
        disagreement(bytes, &central, &walk)
    };
    if let Some(why) = &disagreement {
        ex.problem(
            ProblemCode::Corrupt,
            located(
                path,
                &format!("zip readers would disagree on this archive ({why}); the entries of both its central directory and its local headers were read"),
            ),
        );
    }
    comments(ex, &mut archive, path);
    if let Some(kind) = sniff::office_kind(&mut archive) {
        office::extract(ex, &mut archive, kind, path, depth);
    } else {
        central_view(ex, &mut archive, path, depth);
    }
    if disagreement.is_some() && !ex.stopped() {
        local_view(ex, bytes, &central, &walk, path, depth);
    }
}

/// Reads the entries the central directory lists.
fn central_view(
    ex: &mut Extractor,
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    path: &[String],
    depth: u32,
) {
    for index in 0..archive.len() {
        if !ex.next_entry(path) {
            return;
        }
        let Some(name) = entry_name(archive, index) else {
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
        match read_entry(ex, archive, index) {
            Ok(data) => ex.dispatch(&data, &entry_path, depth + 1),
            Err((code, message)) => ex.problem(code, located(&entry_path, &message)),
        }
    }
}

/// Whether `bytes`, whatever they start with, end with a zip archive: an
/// end-of-central-directory record in the last 64 KiB whose central
/// directory starts, where the record says, with a central header. A file
/// that is both a PDF (or a text, or a picture) and a zip shows a different
/// document to each reader; vigie reads both.
pub(super) fn ends_with_archive(bytes: &[u8]) -> bool {
    const EOCD: &[u8] = b"PK\x05\x06";
    let from = bytes.len().saturating_sub(65_557);
    let tail = &bytes[from..];
    memchr::memmem::rfind_iter(tail, EOCD).take(16).any(|at| {
        let eocd = from + at;
        let (Some(cd_size), Some(cd_offset)) = (u32_at(bytes, eocd + 12), u32_at(bytes, eocd + 16))
        else {
            return false;
        };
        // The central directory ends where the record begins; data in front
        // of the archive shifts both by the same amount.
        let Some(cd_start) = eocd.checked_sub(cd_size as usize) else {
            return false;
        };
        cd_size > 0
            && cd_start >= cd_offset as usize
            && bytes.get(cd_start..cd_start + 4) == Some(b"PK\x01\x02")
    })
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

/// The archive comment and the entry comments, as metadata.
fn comments(ex: &mut Extractor, archive: &mut ZipArchive<Cursor<&[u8]>>, path: &[String]) {
    let comment = super::text::decode(archive.comment());
    ex.push(comment, Part::Metadata, None, path);
    for index in 0..archive.len() {
        if !ex.step(1, path) {
            return;
        }
        let Ok(entry) = archive.by_index_raw(index) else {
            continue;
        };
        let comment = entry.comment().to_string();
        ex.push(comment, Part::Metadata, None, path);
    }
}

/// An entry as the central directory describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CentralEntry {
    name: Vec<u8>,
    compressed: u64,
    size: u64,
    crc: u32,
}

/// The central directory's entries, by the offset of their local header.
fn central_entries(archive: &mut ZipArchive<Cursor<&[u8]>>) -> HashMap<u64, CentralEntry> {
    let mut entries = HashMap::with_capacity(archive.len());
    for index in 0..archive.len() {
        let Ok(entry) = archive.by_index_raw(index) else {
            continue;
        };
        entries.insert(
            entry.header_start(),
            CentralEntry {
                name: entry.name_raw().to_vec(),
                compressed: entry.compressed_size(),
                size: entry.size(),
                crc: entry.crc32(),
            },
        );
    }
    entries
}

/// An entry as its local header (and the data after it) describes it.
#[derive(Debug, Clone)]
struct LocalEntry {
    offset: usize,
    name: Vec<u8>,
    flags: u16,
    method: u16,
    crc: u32,
    /// Sizes as the local header states them (zero with a data descriptor).
    stated: (u64, u64),
    data_start: usize,
    /// Where its compressed data ends, when that could be found.
    data_end: Option<usize>,
}

const LOCAL_HEADER: &[u8; 4] = b"PK\x03\x04";
const END_RECORD: &[u8; 4] = b"PK\x05\x06";
const DESCRIPTOR: &[u8; 4] = b"PK\x07\x08";

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        bytes.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        bytes.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(
        bytes.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}

/// Parses the local header at `offset`.
fn local_header(bytes: &[u8], offset: usize) -> Option<LocalEntry> {
    if bytes.get(offset..offset.checked_add(4)?)? != LOCAL_HEADER {
        return None;
    }
    let flags = u16_at(bytes, offset + 6)?;
    let method = u16_at(bytes, offset + 8)?;
    let crc = u32_at(bytes, offset + 14)?;
    let mut compressed = u64::from(u32_at(bytes, offset + 18)?);
    let mut size = u64::from(u32_at(bytes, offset + 22)?);
    let name_length = usize::from(u16_at(bytes, offset + 26)?);
    let extra_length = usize::from(u16_at(bytes, offset + 28)?);
    let name_start = offset + 30;
    let name = bytes.get(name_start..name_start + name_length)?.to_vec();
    let extra_start = name_start + name_length;
    let extra = bytes.get(extra_start..extra_start + extra_length)?;
    // A Zip64 extra field holds the sizes that do not fit in 32 bits.
    let mut at = 0;
    while let (Some(id), Some(length)) = (u16_at(extra, at), u16_at(extra, at + 2)) {
        let field = extra
            .get(at + 4..at + 4 + usize::from(length))
            .unwrap_or(&[]);
        if id == 1 {
            let mut values = (0..field.len() / 8).filter_map(|i| u64_at(field, i * 8));
            if size == u64::from(u32::MAX) {
                size = values.next().unwrap_or(size);
            }
            if compressed == u64::from(u32::MAX) {
                compressed = values.next().unwrap_or(compressed);
            }
        }
        at += 4 + usize::from(length);
    }
    Some(LocalEntry {
        offset,
        name,
        flags,
        method,
        crc,
        stated: (compressed, size),
        data_start: extra_start + extra_length,
        data_end: None,
    })
}

/// Whether an entry's local header leaves its sizes to a data descriptor.
fn sizes_deferred(entry: &LocalEntry) -> bool {
    entry.flags & 0x08 != 0 && entry.stated.0 == 0
}

/// Walks the local headers from the first one, entry after entry, as a
/// streaming reader does. Where a header leaves the size to a data
/// descriptor, the central directory's size for that header is used if it
/// has one, else the end of the deflate stream, else (stored data) the
/// first data descriptor that gives the size of what precedes it.
fn walk_local_headers(
    ex: &mut Extractor,
    bytes: &[u8],
    central: &HashMap<u64, CentralEntry>,
    path: &[String],
) -> Vec<LocalEntry> {
    let mut entries = Vec::new();
    let Some(mut offset) = memchr::memmem::find(bytes, LOCAL_HEADER) else {
        return entries;
    };
    while let Some(mut entry) = local_header(bytes, offset) {
        if !ex.step(1, path) {
            break;
        }
        let listed = central.get(&(offset as u64)).map(|c| c.compressed);
        let length = if !sizes_deferred(&entry) {
            Some(entry.stated.0)
        } else if let Some(length) = listed.filter(|&l| l > 0) {
            Some(length)
        } else if entry.method == 8 {
            // Only inflating tells where the stream ends. What comes out is
            // drawn from the scan's inflated bytes (and counted again if the
            // entry is read), so that many such entries cannot make the walk
            // inflate without bound.
            let cap = entry_cap(ex, bytes.len().saturating_sub(entry.data_start) as u64);
            let input = bytes.get(entry.data_start..).unwrap_or(&[]);
            let inflated = inflate(input, cap, false);
            if let Err(exceeded) = ex.budget().inflate(inflated.total) {
                ex.problem(ProblemCode::Limit, located(path, &exceeded.0));
                break;
            }
            if !ex.step(inflated.total / 4096, path) {
                break;
            }
            inflated.consumed.map(|c| c as u64)
        } else {
            stored_length(bytes, entry.data_start)
        };
        let end = length
            .and_then(|l| usize::try_from(l).ok())
            .and_then(|l| entry.data_start.checked_add(l))
            .filter(|&end| end <= bytes.len());
        entry.data_end = end;
        let deferred = entry.flags & 0x08 != 0;
        entries.push(entry);
        let Some(end) = end else { break };
        offset = if deferred {
            after_descriptor(bytes, end)
        } else {
            end
        };
    }
    entries
}

/// The length of stored data of unknown size starting at `start`: the
/// distance to the first data descriptor that states it.
fn stored_length(bytes: &[u8], start: usize) -> Option<u64> {
    let data = bytes.get(start..)?;
    memchr::memmem::find_iter(data, DESCRIPTOR).find_map(|at| {
        let stated = u32_at(data, at + 8)?;
        (u64::from(stated) == at as u64).then_some(at as u64)
    })
}

/// Where the next header starts after the data descriptor at `at` (with or
/// without its signature, 32- or 64-bit sizes).
fn after_descriptor(bytes: &[u8], at: usize) -> usize {
    let start = if bytes.get(at..at + 4) == Some(DESCRIPTOR) {
        at + 4
    } else {
        at
    };
    let signature = |at: usize| bytes.get(at..at + 2) == Some(b"PK");
    [start + 12, start + 20]
        .into_iter()
        .find(|&next| signature(next))
        .unwrap_or(start + 12)
}

/// Why the central directory and the local headers tell different stories,
/// if they do: more than one end record outside the entries' data, a local
/// header the directory does not list, or one that disagrees with it.
fn disagreement(
    bytes: &[u8],
    central: &HashMap<u64, CentralEntry>,
    walk: &[LocalEntry],
) -> Option<String> {
    // The data of the entries, sorted, to tell an end record of the archive
    // from one inside an entry (a stored zip in the zip) in O(log n).
    let mut data: Vec<(usize, usize)> = walk
        .iter()
        .filter_map(|e| Some((e.data_start, e.data_end?)))
        .collect();
    data.sort_unstable();
    let inside_data = |at: usize| {
        let next = data.partition_point(|&(start, _)| start <= at);
        next.checked_sub(1)
            .and_then(|last| data.get(last))
            .is_some_and(|&(_, end)| at < end)
    };
    let end_records = memchr::memmem::find_iter(bytes, END_RECORD)
        .filter(|&at| at + 22 <= bytes.len() && !inside_data(at))
        .take(2)
        .count();
    if end_records > 1 {
        return Some("it holds more than one end-of-central-directory record".to_string());
    }
    for entry in walk {
        let Some(listed) = central.get(&(entry.offset as u64)) else {
            return Some(format!(
                "the local header at byte {} is not in the central directory",
                entry.offset
            ));
        };
        if let Some(why) = differs(entry, listed) {
            return Some(format!("the entry at byte {}: {why}", entry.offset));
        }
    }
    // Entries the walk did not reach (a gap before them): their headers, in
    // the order of the file, so that the same archive always gets the same
    // message (a hash map's order changes from one run to the next).
    let walked: std::collections::HashSet<usize> = walk.iter().map(|e| e.offset).collect();
    let mut unwalked: Vec<(&u64, &CentralEntry)> = central.iter().collect();
    unwalked.sort_unstable_by_key(|&(&offset, _)| offset);
    for (&offset, listed) in unwalked {
        let Some(entry) = usize::try_from(offset)
            .ok()
            .filter(|offset| !walked.contains(offset))
            .and_then(|offset| local_header(bytes, offset))
        else {
            continue;
        };
        if let Some(why) = headers_differ(&entry, listed) {
            return Some(format!("the entry at byte {offset}: {why}"));
        }
    }
    None
}

/// How a walked local entry differs from what the central directory says
/// of it.
fn differs(entry: &LocalEntry, listed: &CentralEntry) -> Option<&'static str> {
    if entry.data_end.is_none() {
        return Some("where its data ends cannot be told");
    }
    if let Some(why) = headers_differ(entry, listed) {
        return Some(why);
    }
    let length = entry.data_end.map(|end| (end - entry.data_start) as u64);
    if length.is_some_and(|l| l != listed.compressed) {
        return Some("its data is longer than the central directory says");
    }
    None
}

/// How a local header differs from the central directory's.
fn headers_differ(entry: &LocalEntry, listed: &CentralEntry) -> Option<&'static str> {
    if entry.name != listed.name {
        return Some("its local header and the central directory name it differently");
    }
    if !sizes_deferred(entry)
        && (entry.stated != (listed.compressed, listed.size) || entry.crc != listed.crc)
    {
        return Some("its local header and the central directory give different sizes");
    }
    None
}

/// Reads the entries of the local walk that the central directory does not
/// list as they are.
fn local_view(
    ex: &mut Extractor,
    bytes: &[u8],
    central: &HashMap<u64, CentralEntry>,
    walk: &[LocalEntry],
    path: &[String],
    depth: u32,
) {
    for entry in walk {
        let read = central
            .get(&(entry.offset as u64))
            .is_some_and(|listed| differs(entry, listed).is_none());
        if read || entry.name.ends_with(b"/") {
            continue;
        }
        if let Err(exceeded) = ex.budget().entry() {
            ex.problem(ProblemCode::Limit, located(path, &exceeded.0));
            return;
        }
        if !ex.step(1, path) {
            return;
        }
        let name = String::from_utf8_lossy(&entry.name).into_owned();
        let entry_path = child(path, &name);
        match read_local(ex, bytes, entry) {
            Ok(data) => ex.dispatch(&data, &entry_path, depth + 1),
            Err((code, message)) => ex.problem(code, located(&entry_path, &message)),
        }
    }
}

/// Reads one entry from its local header, within the budget.
fn read_local(
    ex: &mut Extractor,
    bytes: &[u8],
    entry: &LocalEntry,
) -> Result<Vec<u8>, (ProblemCode, String)> {
    if entry.flags & 0x01 != 0 {
        return Err((ProblemCode::Encrypted, "encrypted entry".to_string()));
    }
    let Some(end) = entry.data_end else {
        return Err((
            ProblemCode::Corrupt,
            "entry whose length neither its headers nor its data tell; not read".to_string(),
        ));
    };
    let compressed = bytes.get(entry.data_start..end).unwrap_or(&[]);
    let cap = entry_cap(ex, compressed.len() as u64);
    let data = match entry.method {
        0 => compressed.to_vec(),
        8 => inflate(compressed, cap, true).data,
        method => {
            return Err((
                ProblemCode::Unsupported,
                format!("entry compressed with method {method}, which vigie does not read"),
            ));
        }
    };
    if data.len() as u64 > cap {
        return Err((
            ProblemCode::Limit,
            format!("entry inflates past {cap} bytes; not read"),
        ));
    }
    ex.budget()
        .inflate(data.len() as u64)
        .map_err(|e| (ProblemCode::Limit, e.0))?;
    Ok(data)
}
