//! Tests of the metadata readers, on images built here byte by byte.

use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use proptest::prelude::*;

use super::{MAX_INFLATED_BYTES, MAX_TEXT_BYTES, tiff};
use crate::budget::Limits;
use crate::extract::{Context, Extraction, Extractor, Segment};
use crate::report::{Part, ProblemCode};

// ---------------------------------------------------------------- builders

/// Reads the metadata of `file` under the default limits.
fn read(file: &[u8]) -> Extraction {
    read_with(file, Limits::default())
}

fn read_with(file: &[u8], limits: Limits) -> Extraction {
    let mut ex = Extractor::new(Context::new(limits));
    ex.image_metadata(file, &["x".to_string()]);
    ex.finish()
}

/// The text of the segments of `part`, joined.
fn text_of(out: &Extraction, part: Part) -> String {
    out.segments
        .iter()
        .filter(|s| s.part == part)
        .map(|s: &Segment| s.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn codes(out: &Extraction) -> Vec<ProblemCode> {
    out.problems.iter().map(|p| p.code).collect()
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
    out
}

/// A PNG file of one 1×1 grey pixel with these chunks before its image
/// data.
fn png(chunks: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
    let mut out = super::png::SIGNATURE.to_vec();
    out.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
    for (kind, data) in chunks {
        out.extend(chunk(kind, data));
    }
    out.extend(chunk(b"IDAT", &zlib(&[0, 0])));
    out.extend(chunk(b"IEND", &[]));
    out
}

fn text_chunk(key: &str, value: &[u8]) -> Vec<u8> {
    let mut data = key.as_bytes().to_vec();
    data.push(0);
    data.extend_from_slice(value);
    data
}

fn itxt(key: &str, compressed: bool, value: &str) -> Vec<u8> {
    let mut data = key.as_bytes().to_vec();
    data.extend_from_slice(&[0, u8::from(compressed), 0]);
    data.extend_from_slice(b"fr\0Titre\0");
    if compressed {
        data.extend(zlib(value.as_bytes()));
    } else {
        data.extend_from_slice(value.as_bytes());
    }
    data
}

/// A TIFF field: tag, type and value bytes (already in the byte order).
struct Field {
    tag: u16,
    kind: u16,
    count: u32,
    value: Vec<u8>,
}

fn ascii(tag: u16, text: &str) -> Field {
    let mut value = text.as_bytes().to_vec();
    value.push(0);
    Field {
        tag,
        kind: 2,
        count: value.len() as u32,
        value,
    }
}

fn bytes_field(tag: u16, kind: u16, value: Vec<u8>) -> Field {
    Field {
        tag,
        kind,
        count: value.len() as u32,
        value,
    }
}

fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16()
        .chain([0])
        .flat_map(u16::to_le_bytes)
        .collect()
}

/// A TIFF structure: IFD0 with `main`, and an Exif sub-IFD with `exif`
/// when it is not empty.
fn tiff_bytes(little: bool, main: Vec<Field>, exif: Vec<Field>) -> Vec<u8> {
    let u16b = |v: u16| {
        if little {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        }
    };
    let u32b = |v: u32| {
        if little {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        }
    };
    let mut main = main;
    let has_exif = !exif.is_empty();
    if has_exif {
        main.push(Field {
            tag: 0x8769,
            kind: 4,
            count: 1,
            value: vec![0; 4],
        });
    }
    let ifd_size = |n: usize| 2 + 12 * n + 4;
    let main_at = 8;
    let exif_at = main_at + ifd_size(main.len());
    let mut data_at = exif_at + if has_exif { ifd_size(exif.len()) } else { 0 };
    let mut out = if little {
        b"II*\0".to_vec()
    } else {
        b"MM\0*".to_vec()
    };
    out.extend(u32b(main_at as u32));
    let mut data = Vec::new();
    for (fields, is_main) in [(&main, true), (&exif, false)] {
        if !is_main && !has_exif {
            continue;
        }
        out.extend(u16b(fields.len() as u16));
        for field in fields.iter() {
            out.extend(u16b(field.tag));
            out.extend(u16b(field.kind));
            out.extend(u32b(field.count));
            if field.tag == 0x8769 {
                out.extend(u32b(exif_at as u32));
            } else if field.value.len() <= 4 {
                let mut inline = field.value.clone();
                inline.resize(4, 0);
                out.extend(inline);
            } else {
                out.extend(u32b(data_at as u32));
                data.extend_from_slice(&field.value);
                data_at += field.value.len();
                if field.value.len() % 2 == 1 {
                    data.push(0);
                    data_at += 1;
                }
            }
        }
        out.extend(u32b(0));
    }
    out.extend(data);
    out
}

fn jpeg(segments: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8];
    for (marker, data) in segments {
        out.extend([0xFF, *marker]);
        out.extend(((data.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(data);
    }
    // A scan header, some entropy-coded data, the end.
    out.extend([
        0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 0x3F, 0, 0x12, 0x34, 0xFF, 0xD9,
    ]);
    out
}

fn prefixed(prefix: &[u8], data: &[u8]) -> Vec<u8> {
    [prefix, data].concat()
}

const EXIF_PREFIX: &[u8] = b"Exif\0\0";
const XMP_PREFIX: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";

fn xmp_packet(body: &str) -> String {
    format!(
        r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">{body}</rdf:RDF></x:xmpmeta><?xpacket end="w"?>"#
    )
}

fn webp(chunks: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
    let mut body = b"WEBP".to_vec();
    let mut all = vec![(b"VP8L", vec![0x2F, 0, 0, 0, 0])];
    all.extend(chunks.iter().map(|(k, d)| (*k, d.clone())));
    for (kind, data) in all {
        body.extend_from_slice(kind);
        body.extend((data.len() as u32).to_le_bytes());
        body.extend_from_slice(&data);
        if data.len() % 2 == 1 {
            body.push(0);
        }
    }
    let mut out = b"RIFF".to_vec();
    out.extend((body.len() as u32).to_le_bytes());
    out.extend(body);
    out
}

fn sub_blocks(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for part in data.chunks(255) {
        out.push(part.len() as u8);
        out.extend_from_slice(part);
    }
    out.push(0);
    out
}

/// A GIF of one 1×1 pixel with `extensions` (label, raw bytes after the
/// label) before the image.
fn gif(extensions: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let mut out = b"GIF89a\x01\x00\x01\x00\x80\x00\x00".to_vec();
    out.extend([0, 0, 0, 255, 255, 255]);
    for (label, raw) in extensions {
        out.extend([0x21, *label]);
        out.extend_from_slice(raw);
    }
    out.extend([0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2]);
    out.extend(sub_blocks(&[0x4C, 0x01]));
    out.push(0x3B);
    out
}

/// The XMP application extension as Adobe writes it: the packet raw, then
/// the magic trailer (bytes 0x01, 0xFF down to 0x00, and the terminator).
fn gif_xmp(packet: &str) -> Vec<u8> {
    let mut raw = vec![11];
    raw.extend_from_slice(b"XMP DataXMP");
    raw.extend_from_slice(packet.as_bytes());
    raw.push(1);
    raw.extend((0..=255u8).rev());
    raw.push(0);
    raw
}

const LABEL_XMP: &str = r#"<rdf:Description xmlns:pdfx="http://ns.adobe.com/pdfx/1.3/" pdfx:MSIP_Label_2096f6a2-d2f7-48be-b329-b73aaa526e5d_Name="Diffusion Restreinte" pdfx:MSIP_Label_2096f6a2-d2f7-48be-b329-b73aaa526e5d_Enabled="true"/>"#;

// ------------------------------------------------------------------- PNG

#[test]
fn png_text_chunks_are_metadata() {
    let file = png(&[
        (b"tEXt", text_chunk("Title", b"Note de service")),
        // Latin-1: "TRÈS".
        (b"tEXt", text_chunk("Comment", b"TR\xC8S SECRET")),
        (
            b"zTXt",
            [
                text_chunk("Description", &[0]),
                zlib(b"DIFFUSION RESTREINTE"),
            ]
            .concat(),
        ),
        (b"iTXt", itxt("Author", false, "Aur\u{e9}lie")),
        (b"iTXt", itxt("Subject", true, "Confidentiel \u{e9}t\u{e9}")),
    ]);
    let out = read(&file);
    let text = text_of(&out, Part::Metadata);
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    for line in [
        "Title: Note de service",
        "Comment: TR\u{c8}S SECRET",
        "Description: DIFFUSION RESTREINTE",
        "Author: Aur\u{e9}lie",
        "Subject: Confidentiel \u{e9}t\u{e9}",
    ] {
        assert!(text.lines().any(|l| l == line), "{line:?} in {text:?}");
    }
}

#[test]
fn png_xmp_and_exif_chunks_are_read() {
    let xmp = xmp_packet(
        r#"<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">DIFFUSION RESTREINTE</rdf:li></rdf:Alt></dc:title></rdf:Description>"#,
    );
    let exif = tiff_bytes(true, vec![ascii(270, "Photo du tableau")], vec![]);
    let file = png(&[
        (b"iTXt", itxt("XML:com.adobe.xmp", false, &xmp)),
        (b"eXIf", exif),
    ]);
    let out = read(&file);
    let text = text_of(&out, Part::Metadata);
    assert!(text.contains("DIFFUSION RESTREINTE"), "{text:?}");
    assert!(text.contains("Description: Photo du tableau"), "{text:?}");
    assert!(out.problems.is_empty(), "{:?}", out.problems);
}

#[test]
fn png_without_text_gives_nothing() {
    let out = read(&png(&[]));
    assert!(out.segments.is_empty());
    assert!(out.problems.is_empty());
}

#[test]
fn a_truncated_png_chunk_is_corrupt() {
    let mut file = png(&[(b"tEXt", text_chunk("Title", b"Diffusion Restreinte"))]);
    // Cut inside the image data: the text before is still read.
    let cut = file.len() - 20;
    file.truncate(cut);
    let out = read(&file);
    assert!(text_of(&out, Part::Metadata).contains("Title: Diffusion Restreinte"));
    assert_eq!(codes(&out), [ProblemCode::Corrupt]);
    assert!(
        out.problems[0].message.contains("truncated"),
        "{:?}",
        out.problems
    );
    // A length past the end of the file.
    let mut file = super::png::SIGNATURE.to_vec();
    file.extend(0x7000_0000u32.to_be_bytes());
    file.extend(b"tEXtTitle\0");
    assert_eq!(codes(&read(&file)), [ProblemCode::Corrupt]);
    // A file that ends between chunks, or in a CRC, without IEND: all it
    // declares was read (its pixels are the decoder's to judge).
    let mut file = [super::png::SIGNATURE, &chunk(b"tEXt", b"Title\0x")].concat();
    assert!(read(&file).problems.is_empty());
    file.truncate(file.len() - 2);
    let out = read(&file);
    assert!(out.problems.is_empty());
    assert_eq!(text_of(&out, Part::Metadata), "Title: x\n");
}

#[test]
fn a_ztxt_bomb_is_a_limit_in_bounded_memory() {
    // 100 MB of zeros, compressed to about 100 KB.
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..100 {
        encoder.write_all(&zeros).unwrap();
    }
    let bomb = encoder.finish().unwrap();
    assert!(bomb.len() < 200_000);
    let file = png(&[(b"zTXt", [text_chunk("Comment", &[0]), bomb].concat())]);
    let out = read(&file);
    assert_eq!(codes(&out), [ProblemCode::Limit], "{:?}", out.problems);
    assert!(
        out.problems[0]
            .message
            .contains(&MAX_INFLATED_BYTES.to_string())
    );
    assert!(out.segments.is_empty());
}

#[test]
fn a_ztxt_past_what_the_scan_may_inflate_is_a_limit() {
    let file = png(&[(
        b"zTXt",
        [text_chunk("Comment", &[0]), zlib(&[b'a'; 5000])].concat(),
    )]);
    let limits = Limits {
        max_inflated_bytes: 1000,
        ..Limits::default()
    };
    let out = read_with(&file, limits);
    assert_eq!(codes(&out), [ProblemCode::Limit], "{:?}", out.problems);
    // Under the default limits it is read.
    assert!(text_of(&read(&file), Part::Metadata).contains("Comment: aaaa"));
}

#[test]
fn many_bombs_cost_the_scans_inflation_limit_once() {
    let bomb = zlib(&vec![b'a'; 2 << 20]);
    let chunks: Vec<(&[u8; 4], Vec<u8>)> = (0..200)
        .map(|_| {
            (
                b"zTXt",
                [text_chunk("Comment", &[0]), bomb.clone()].concat(),
            )
        })
        .collect();
    let limits = Limits {
        max_inflated_bytes: 8 << 20,
        ..Limits::default()
    };
    let mut ex = Extractor::new(Context::new(limits));
    ex.image_metadata(&png(&chunks), &["x".to_string()]);
    // What the scan may inflate is spent after a few chunks; each later
    // one inflates at most a byte.
    assert_eq!(ex.budget().inflatable(), 0);
    let out = ex.finish();
    assert!(out.segments.is_empty());
    assert!(
        out.problems
            .iter()
            .any(|p| p.code == ProblemCode::Limit && p.message.contains("inflated in all")),
        "{:?}",
        out.problems
    );
}

#[test]
fn many_chunks_spend_the_step_budget() {
    let chunks: Vec<(&[u8; 4], Vec<u8>)> = (0..1000).map(|_| (b"tIME", vec![0; 7])).collect();
    let limits = Limits {
        max_steps: 100,
        ..Limits::default()
    };
    let out = read_with(&png(&chunks), limits);
    assert_eq!(codes(&out), [ProblemCode::Limit], "{:?}", out.problems);
    assert!(out.problems[0].message.contains("steps"));
}

#[test]
fn damaged_compressed_text_is_corrupt() {
    let file = png(&[(
        b"zTXt",
        [text_chunk("Comment", &[0]), b"not zlib at all".to_vec()].concat(),
    )]);
    assert_eq!(codes(&read(&file)), [ProblemCode::Corrupt]);
    let file = png(&[(b"zTXt", [text_chunk("Comment", &[7]), zlib(b"x")].concat())]);
    assert_eq!(codes(&read(&file)), [ProblemCode::Unsupported]);
}

#[test]
fn too_much_metadata_text_is_a_limit() {
    let value = vec![b'a'; 300_000];
    let chunks: Vec<(&[u8; 4], Vec<u8>)> = (0..5)
        .map(|_| (b"tEXt", text_chunk("Comment", &value)))
        .collect();
    let out = read(&png(&chunks));
    assert_eq!(codes(&out), [ProblemCode::Limit], "{:?}", out.problems);
    let kept: usize = out.segments.iter().map(|s| s.text.len()).sum();
    assert!(kept <= MAX_TEXT_BYTES, "{kept}");
    assert!(kept >= 900_000, "{kept}");
}

// ------------------------------------------------------------ TIFF, EXIF

/// The fields every test of a TIFF structure reads, in one byte order.
fn marked_tiff(little: bool) -> Vec<u8> {
    let mut comment = b"UNICODE\0".to_vec();
    comment.extend("Très secret".encode_utf16().flat_map(|u| {
        if little {
            u.to_le_bytes()
        } else {
            u.to_be_bytes()
        }
    }));
    tiff_bytes(
        little,
        vec![
            ascii(270, "Plan de table"),
            ascii(315, "J. Dupont"),
            ascii(33432, "Ministère"),
            bytes_field(0x9c9b, 1, utf16le("DIFFUSION RESTREINTE")),
            bytes_field(0x9c9c, 1, utf16le("Relu le 3 mars")),
            bytes_field(0x9c9d, 1, utf16le("Équipe")),
            bytes_field(0x9c9e, 1, utf16le("budget; plan")),
            bytes_field(0x9c9f, 1, utf16le("Réunion")),
        ],
        vec![bytes_field(0x9286, 7, comment)],
    )
}

#[test]
fn tiff_tags_are_read_in_both_byte_orders() {
    for little in [true, false] {
        let out = read(&marked_tiff(little));
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        let text = text_of(&out, Part::Metadata);
        for line in [
            "Description: Plan de table",
            "Artist: J. Dupont",
            "Copyright: Ministère",
            "Title: DIFFUSION RESTREINTE",
            "Comment: Relu le 3 mars",
            "Author: Équipe",
            "Keywords: budget; plan",
            "Subject: Réunion",
            "User comment: Très secret",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "{line:?} in {text:?} (little-endian: {little})"
            );
        }
    }
}

#[test]
fn user_comment_charsets() {
    let cases: [(&[u8], &str); 5] = [
        (b"ASCII\0\0\0Diffusion Restreinte\0", "Diffusion Restreinte"),
        (b"\0\0\0\0\0\0\0\0Confidentiel", "Confidentiel"),
        // UTF-16 with a byte order mark, against the file's order.
        (b"UNICODE\0\xFE\xFF\0S\0E\0C\0R\0E\0T", "SECRET"),
        // JIS X 0208: 秘 is 0x48 0x6B.
        (b"JIS\0\0\0\0\0\x48\x6B", "\u{79d8}"),
        // No header at all.
        (b"Note", "Note"),
    ];
    for (bytes, expected) in cases {
        let file = tiff_bytes(true, vec![], vec![bytes_field(0x9286, 7, bytes.to_vec())]);
        let text = text_of(&read(&file), Part::Metadata);
        assert_eq!(text, format!("User comment: {expected}\n"), "{bytes:?}");
    }
    // A camera's empty comment: eight NULs and spaces.
    let blank = [&[0u8; 8][..], &[b' '; 40]].concat();
    let file = tiff_bytes(true, vec![], vec![bytes_field(0x9286, 7, blank)]);
    assert!(read(&file).segments.is_empty());
}

#[test]
fn a_clean_camera_exif_gives_no_marking() {
    let exif = tiff_bytes(
        false,
        vec![
            ascii(271, "Canon"),
            ascii(272, "Canon EOS 5D Mark IV"),
            ascii(305, "Firmware 1.0.4"),
            ascii(306, "2024:05:01 10:12:44"),
            bytes_field(274, 3, vec![0, 1]),
        ],
        vec![
            bytes_field(0x829a, 5, vec![0, 0, 0, 1, 0, 0, 0, 125]),
            bytes_field(0x9286, 7, [&[0u8; 8][..], &[0u8; 56]].concat()),
        ],
    );
    let file = jpeg(&[(0xE1, prefixed(EXIF_PREFIX, &exif))]);
    let out = read(&file);
    assert!(out.segments.is_empty(), "{:?}", out.segments);
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let report = crate::Scanner::new().scan_bytes(&file, Some("photo.jpg"));
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

#[test]
fn an_ifd_loop_is_read_once() {
    // IFD0's next IFD is IFD0.
    let mut file = tiff_bytes(true, vec![ascii(270, "Diffusion Restreinte")], vec![]);
    let next = 8 + 2 + 12;
    file[next..next + 4].copy_from_slice(&8u32.to_le_bytes());
    let out = read(&file);
    assert_eq!(codes(&out), [ProblemCode::Corrupt]);
    assert!(out.problems[0].message.contains("loop"));
    assert_eq!(
        text_of(&out, Part::Metadata),
        "Description: Diffusion Restreinte\n"
    );
    // The Exif sub-IFD pointing back at IFD0.
    let mut file = tiff_bytes(
        false,
        vec![ascii(270, "x")],
        vec![bytes_field(0x9286, 7, b"ASCII\0\0\0y".to_vec())],
    );
    let pointer = 8 + 2 + 12 + 8;
    file[pointer..pointer + 4].copy_from_slice(&8u32.to_be_bytes());
    let out = read(&file);
    assert_eq!(codes(&out), [ProblemCode::Corrupt]);
}

#[test]
fn long_ifd_chains_and_huge_counts_are_limits() {
    // A chain of 300 IFDs, each with no entry.
    let mut file = b"II*\0\x08\0\0\0".to_vec();
    for n in 0..300u32 {
        file.extend(0u16.to_le_bytes());
        let next = if n == 299 { 0 } else { 8 + 6 * (n + 1) };
        file.extend(next.to_le_bytes());
    }
    let out = read(&file);
    assert_eq!(codes(&out), [ProblemCode::Limit], "{:?}", out.problems);
    assert!(
        out.problems[0]
            .message
            .contains(&tiff::MAX_IFDS.to_string())
    );
    // An IFD declaring 65535 entries in a file of a few bytes.
    let file = b"MM\0*\0\0\0\x08\xFF\xFF\0\x0e\0\x02".to_vec();
    let out = read(&file);
    assert_eq!(
        codes(&out),
        [ProblemCode::Limit, ProblemCode::Corrupt],
        "{:?}",
        out.problems
    );
    // A value of 4 GB, at an offset past the end.
    let mut file = tiff_bytes(true, vec![ascii(270, "a long enough description")], vec![]);
    let count = 8 + 2 + 4;
    file[count..count + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    let out = read(&file);
    assert_eq!(codes(&out), [ProblemCode::Corrupt]);
    assert!(out.problems[0].message.contains("outside"));
    // An IFD offset past the end, and a header cut short.
    assert_eq!(codes(&read(b"II*\0\xFF\xFF\0\0")), [ProblemCode::Corrupt]);
    assert_eq!(codes(&read(b"II*\0\x08")), [ProblemCode::Corrupt]);
}

#[test]
fn a_tiff_xmp_tag_and_iptc_are_read() {
    let xmp = xmp_packet(LABEL_XMP);
    let iptc = [
        b"\x1c\x01\x5a\x00\x03\x1b%G".to_vec(),
        b"\x1c\x02\x78\x00\x08L\xc3\xa9gende".to_vec(),
    ]
    .concat();
    let file = tiff_bytes(
        true,
        vec![
            bytes_field(700, 1, xmp.into_bytes()),
            bytes_field(33723, 7, iptc),
        ],
        vec![],
    );
    let out = read(&file);
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert_eq!(text_of(&out, Part::Label), "Diffusion Restreinte");
    assert!(text_of(&out, Part::Metadata).contains("Caption: Légende"));
}

// ------------------------------------------------------------------ JPEG

#[test]
fn jpeg_segments_are_read() {
    let exif = tiff_bytes(false, vec![ascii(270, "Vue du site")], vec![]);
    let xmp = xmp_packet(
        r#"<rdf:Description xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:Headline="DIFFUSION RESTREINTE"/>"#,
    );
    let iptc = [
        b"\x1c\x02\x05\x00\x05Plans".to_vec(),
        b"\x1c\x02\x19\x00\x06budget".to_vec(),
        b"\x1c\x02\x69\x00\x08Le titre".to_vec(),
        // Latin-1 without a coded character set.
        b"\x1c\x02\x78\x00\x0eTr\xe8s secret ok".to_vec(),
    ]
    .concat();
    let mut resources = b"8BIM\x04\x04\0\0".to_vec();
    resources.extend((iptc.len() as u32).to_be_bytes());
    resources.extend(&iptc);
    if iptc.len() % 2 == 1 {
        resources.push(0);
    }
    let file = jpeg(&[
        (0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0".to_vec()),
        (0xE1, prefixed(EXIF_PREFIX, &exif)),
        (0xE1, prefixed(XMP_PREFIX, xmp.as_bytes())),
        (0xED, prefixed(b"Photoshop 3.0\0", &resources)),
        (0xFE, b"Confidentiel \xe9quipe".to_vec()),
    ]);
    let out = read(&file);
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let text = text_of(&out, Part::Metadata);
    for line in [
        "Description: Vue du site",
        "DIFFUSION RESTREINTE",
        "Object name: Plans",
        "Keywords: budget",
        "Headline: Le titre",
        "Caption: Très secret ok",
        "Comment: Confidentiel équipe",
    ] {
        assert!(text.lines().any(|l| l == line), "{line:?} in {text:?}");
    }
}

#[test]
fn jpeg_extended_xmp_is_put_together() {
    let packet = xmp_packet(LABEL_XMP);
    let bytes = packet.as_bytes();
    let (first, second) = bytes.split_at(bytes.len() / 2);
    let part = |offset: usize, data: &[u8]| {
        let mut out = b"http://ns.adobe.com/xmp/extension/\0".to_vec();
        out.extend_from_slice(&[b'A'; 32]);
        out.extend((bytes.len() as u32).to_be_bytes());
        out.extend((offset as u32).to_be_bytes());
        out.extend_from_slice(data);
        out
    };
    // The second part first: parts may come in any order.
    let file = jpeg(&[(0xE1, part(first.len(), second)), (0xE1, part(0, first))]);
    let out = read(&file);
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert_eq!(text_of(&out, Part::Label), "Diffusion Restreinte");
    // A part missing.
    let out = read(&jpeg(&[(0xE1, part(0, first))]));
    assert_eq!(codes(&out), [ProblemCode::Corrupt]);
    // A part outside the packet.
    let out = read(&jpeg(&[(0xE1, part(bytes.len(), second))]));
    assert_eq!(codes(&out), [ProblemCode::Corrupt]);
}

#[test]
fn damaged_jpegs_are_corrupt() {
    // A segment longer than the file.
    let mut file = vec![0xFF, 0xD8, 0xFF, 0xFE, 0xFF, 0xFF];
    file.extend(b"Diffusion");
    assert_eq!(codes(&read(&file)), [ProblemCode::Corrupt]);
    // A length of 1.
    assert_eq!(
        codes(&read(&[0xFF, 0xD8, 0xFF, 0xE1, 0, 1, 0, 0])),
        [ProblemCode::Corrupt]
    );
    // No marker where one is expected, and a file that stops.
    assert_eq!(
        codes(&read(&[0xFF, 0xD8, 0x12, 0x34])),
        [ProblemCode::Corrupt]
    );
    assert_eq!(codes(&read(&[0xFF, 0xD8, 0xFF])), [ProblemCode::Corrupt]);
    // Damaged EXIF inside a sound JPEG: reported, the comment still read.
    let file = jpeg(&[
        (0xE1, prefixed(EXIF_PREFIX, b"XX*\0")),
        (0xFE, b"Diffusion Restreinte".to_vec()),
    ]);
    let out = read(&file);
    assert_eq!(codes(&out), [ProblemCode::Corrupt]);
    assert!(text_of(&out, Part::Metadata).contains("Comment: Diffusion Restreinte"));
}

// ------------------------------------------------------------ WebP, GIF

#[test]
fn webp_chunks_are_read() {
    let exif = tiff_bytes(
        true,
        vec![bytes_field(0x9c9b, 1, utf16le("Secret"))],
        vec![],
    );
    let xmp = xmp_packet(LABEL_XMP);
    let file = webp(&[(b"EXIF", exif), (b"XMP ", xmp.into_bytes())]);
    let out = read(&file);
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert!(text_of(&out, Part::Metadata).contains("Title: Secret"));
    assert_eq!(text_of(&out, Part::Label), "Diffusion Restreinte");
    // A chunk cut short.
    let mut cut = webp(&[(b"XMP ", b"<x:xmpmeta/>".to_vec())]);
    cut.truncate(cut.len() - 3);
    assert_eq!(codes(&read(&cut)), [ProblemCode::Corrupt]);
}

#[test]
fn gif_comments_and_xmp_are_read() {
    let packet = xmp_packet(
        r#"<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description>DIFFUSION RESTREINTE</dc:description></rdf:Description>"#,
    );
    let file = gif(&[
        (0xFE, sub_blocks(b"Confidentiel")),
        // A graphic control extension, passed over.
        (0xF9, vec![4, 0, 0, 0, 0, 0]),
        (0xFF, gif_xmp(&packet)),
    ]);
    let out = read(&file);
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let text = text_of(&out, Part::Metadata);
    assert!(text.contains("Comment: Confidentiel"), "{text:?}");
    assert!(text.contains("DIFFUSION RESTREINTE"), "{text:?}");
    assert!(
        !text.contains('\u{FFFD}'),
        "the trailer is not text: {text:?}"
    );
    // Cut in the middle of the image data.
    let mut cut = file.clone();
    cut.truncate(cut.len() - 3);
    assert_eq!(codes(&read(&cut)), [ProblemCode::Corrupt]);
}

#[test]
fn bmp_has_no_metadata() {
    let mut file = b"BM".to_vec();
    file.extend([0u8; 60]);
    let out = read(&file);
    assert!(out.segments.is_empty() && out.problems.is_empty());
}

// ------------------------------------------------------------------- XMP

#[test]
fn xmp_labels_as_elements_or_attributes_are_labels() {
    let element = xmp_packet(
        r#"<rdf:Description xmlns:msip="urn:x"><msip:MSIP_Label_0b1c_Name>Diffusion &amp; Restreinte</msip:MSIP_Label_0b1c_Name><msip:MSIP_Label_0b1c_Enabled>true</msip:MSIP_Label_0b1c_Enabled></rdf:Description>"#,
    );
    for (xmp, label) in [
        (element.as_str(), "Diffusion & Restreinte"),
        (&xmp_packet(LABEL_XMP), "Diffusion Restreinte"),
    ] {
        let out = read(&png(&[(b"iTXt", itxt("XML:com.adobe.xmp", true, xmp))]));
        assert_eq!(text_of(&out, Part::Label), label);
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        // Reported once, as the label it is; the rest of the packet is
        // still metadata.
        let metadata = text_of(&out, Part::Metadata);
        assert!(!metadata.contains("Restreinte"), "{metadata:?}");
        assert!(metadata.contains("true"), "{metadata:?}");
    }
}

#[test]
fn xmp_with_a_doctype_is_a_problem() {
    let xmp = r#"<!DOCTYPE x [<!ENTITY t "DIFFUSION RESTREINTE">]><x:xmpmeta xmlns:x="adobe:ns:meta/">&t;</x:xmpmeta>"#;
    let out = read(&jpeg(&[(0xE1, prefixed(XMP_PREFIX, xmp.as_bytes()))]));
    assert_eq!(
        codes(&out),
        [ProblemCode::Unsupported],
        "{:?}",
        out.problems
    );
}

// ------------------------------------------------------- through the scan

#[test]
fn a_marking_in_png_text_is_found_by_the_scan() {
    let file = png(&[(b"tEXt", text_chunk("Title", b"DIFFUSION RESTREINTE"))]);
    let report = crate::Scanner::new().scan_bytes(&file, Some("x.png"));
    let found = report
        .findings
        .iter()
        .find(|f| f.rule == "fr.diffusion-restreinte")
        .unwrap_or_else(|| panic!("{:?}", report.findings));
    assert_eq!(found.location.part, Part::Metadata);
}

#[test]
fn a_label_in_jpeg_xmp_is_found_by_the_scan() {
    let xmp = xmp_packet(LABEL_XMP);
    let file = jpeg(&[(0xE1, prefixed(XMP_PREFIX, xmp.as_bytes()))]);
    let report = crate::Scanner::new().scan_bytes(&file, Some("x.jpg"));
    let found: Vec<Part> = report
        .findings
        .iter()
        .filter(|f| f.rule.contains("diffusion-restreinte"))
        .map(|f| f.location.part)
        .collect();
    assert_eq!(found, [Part::Label], "{:?}", report.findings);
}

#[test]
fn every_format_is_routed_to_its_reader_by_the_scan() {
    let names = ["x.png", "x.tif", "x.jpg", "x.webp", "x.gif"];
    // The samples' pixels are not real pictures: without an engine they
    // are not decoded, so the only problem is the one that says so.
    let options = crate::ScanOptions::new().engines(crate::Engines::none());
    for (file, name) in samples().iter().zip(names) {
        let input = crate::ScanInput::Bytes {
            bytes: file,
            name: Some(name),
        };
        let report = crate::Scanner::new().scan(input, &options).unwrap();
        assert!(
            report.findings.iter().any(|f| {
                f.rule == "fr.diffusion-restreinte"
                    && matches!(f.location.part, Part::Metadata | Part::Label)
            }),
            "{name}: {:?}",
            report.findings
        );
        assert!(
            report
                .problems
                .iter()
                .all(|p| p.code == ProblemCode::OcrUnavailable),
            "{name}: {:?}",
            report.problems
        );
    }
}

#[test]
fn a_label_property_in_a_png_text_chunk_is_a_label() {
    let file = png(&[(
        b"tEXt",
        text_chunk("MSIP_Label_0b1c_Name", b"Diffusion Restreinte"),
    )]);
    let out = read(&file);
    assert_eq!(text_of(&out, Part::Label), "Diffusion Restreinte");
    assert_eq!(text_of(&out, Part::Metadata), "");
}

// -------------------------------------------------------------- hostile

/// Valid samples of each format, for the mutation test.
fn samples() -> Vec<Vec<u8>> {
    let xmp = xmp_packet(LABEL_XMP);
    vec![
        png(&[
            (b"tEXt", text_chunk("Title", b"DIFFUSION RESTREINTE")),
            (
                b"zTXt",
                [text_chunk("Comment", &[0]), zlib(b"secret")].concat(),
            ),
            (b"iTXt", itxt("XML:com.adobe.xmp", true, &xmp)),
            (b"eXIf", marked_tiff(true)),
        ]),
        marked_tiff(false),
        jpeg(&[
            (0xE1, prefixed(EXIF_PREFIX, &marked_tiff(true))),
            (0xE1, prefixed(XMP_PREFIX, xmp.as_bytes())),
            (0xFE, b"Comment".to_vec()),
        ]),
        webp(&[
            (b"EXIF", marked_tiff(false)),
            (b"XMP ", xmp.clone().into_bytes()),
        ]),
        gif(&[(0xFE, sub_blocks(b"Confidentiel")), (0xFF, gif_xmp(&xmp))]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_after_a_signature_never_panic(
        signature in 0usize..6,
        body in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        let heads: [&[u8]; 6] = [
            super::png::SIGNATURE, b"\xFF\xD8\xFF", b"II*\0", b"MM\0*", b"RIFF\0\0\0\0WEBP", b"GIF89a",
        ];
        let file = [heads[signature], &body].concat();
        let out = read(&file);
        prop_assert!(out.segments.iter().map(|s| s.text.len()).sum::<usize>() <= MAX_TEXT_BYTES);
    }

    #[test]
    fn mutated_samples_never_panic(
        sample in 0usize..5,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        cut in proptest::option::of(any::<usize>()),
    ) {
        let mut file = samples().swap_remove(sample);
        for (at, byte) in edits {
            let at = at % file.len();
            file[at] = byte;
        }
        if let Some(cut) = cut {
            file.truncate(cut % (file.len() + 1));
        }
        let _ = read(&file);
    }
}
