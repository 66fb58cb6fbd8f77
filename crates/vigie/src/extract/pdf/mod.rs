//! PDF: the text of each page in reading order, from its content streams, on
//! top of lopdf's parser (lopdf's own `extract_text` ignores positioning and
//! Form XObjects, and gives up on a whole document for one bad page).
//!
//! What is read: page content streams (`page`: text positioning, Form
//! XObjects, through the streaming lexer of `content`), with the fonts'
//! encodings and ToUnicode maps (`fonts`); annotations and form-field
//! values; the document information dictionary (Microsoft sensitivity labels
//! included) and XMP metadata.
//!
//! Nothing the file says about its own size is trusted: the page tree is
//! walked here with a set of visited nodes (lopdf's `get_pages` sizes a
//! vector from `/Count`, and aborts the process on a crafted one), content
//! streams are inflated while they are read, and every operator and page is
//! a step of the scan's budget.
//!
//! What is reported: a file that needs a password (`encrypted`), a damaged
//! file whose cross-reference table had to be rebuilt, missing objects and
//! streams that do not inflate (`corrupt`, with their page), text in a font
//! whose codes cannot be decoded (`unsupported`, with the page), and limits.
//!
//! The pictures a page draws (Image XObjects, inline images, `images`) go
//! to the image path: read by the OCR engine when there is one; without
//! one, those that may hold text are one `ocr-unavailable` problem per
//! page, which says so when the page has no text (a scan).

mod content;
mod fonts;
mod images;
mod page;
mod streams;
#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::io::Read;
use std::rc::Rc;

use lopdf::{Dictionary, Document, LoadOptions, Object, ObjectId};

use super::{Extractor, Image, located, text};
use crate::report::{Part, ProblemCode};
use page::{DocumentCache, PageReader, PageText};

/// Most indirect objects a PDF may hold.
const MAX_OBJECTS: usize = 500_000;
/// How deep the page tree may be.
const MAX_TREE_DEPTH: usize = 64;
/// A page with images and fewer characters of text than this is taken for
/// a scan (and its problem says so).
const SCAN_TEXT_BELOW: usize = 16;
/// Largest XMP metadata packet read.
const MAX_XMP_BYTES: usize = 1 << 20;
/// Most embedded files read.
const MAX_EMBEDDED_FILES: usize = 1_000;

/// Reads the PDF in `bytes`, found at `path`.
pub(super) fn extract(ex: &mut Extractor, bytes: &[u8], path: &[String], depth: u32) {
    let Some(document) = load(ex, bytes, path) else {
        return;
    };
    metadata(ex, &document, path);
    embedded_files(ex, &document, path, depth);
    pages(ex, &document, path);
}

/// The document in `bytes`, decrypted when it opens without a password;
/// `None`, and the problem recorded, when it cannot be read. A damaged
/// cross-reference table is reported and the document read all the same.
fn load(ex: &mut Extractor, bytes: &[u8], path: &[String]) -> Option<Document> {
    // lopdf builds every object when it loads: count them first, in the
    // bytes, so that a file of a million empty objects is refused before
    // it is built.
    let too_many_objects = |ex: &mut Extractor| {
        let message = format!("PDF holds more than {MAX_OBJECTS} objects; not read");
        ex.problem(ProblemCode::Limit, located(path, &message));
    };
    if memchr::memmem::find_iter(bytes, b"endobj").count() > MAX_OBJECTS {
        too_many_objects(ex);
        return None;
    }
    let limits = *ex.budget().limits();
    let max_stream =
        usize::try_from(limits.max_entry_bytes.min(ex.budget().inflatable())).unwrap_or(usize::MAX);
    let options = LoadOptions {
        max_decompressed_size: Some(max_stream),
        ..LoadOptions::default()
    };
    let mut document = match Document::load_mem_with_options(bytes, options) {
        Ok(document) => document,
        Err(error) => {
            ex.problem(
                load_problem(&error),
                located(path, &format!("PDF cannot be read ({error})")),
            );
            return None;
        }
    };
    if document.is_encrypted()
        && let Err(error) = document.decrypt("")
    {
        let (code, message) = decrypt_problem(&error);
        ex.problem(code, located(path, &message));
        return None;
    }
    // Object streams hold objects that no `endobj` counts.
    if document.objects.len() > MAX_OBJECTS {
        too_many_objects(ex);
        return None;
    }
    if document.xref_recovery.is_some() {
        ex.problem(
            ProblemCode::Corrupt,
            located(path, "PDF is damaged (its cross-reference table had to be rebuilt); pages may be missing"),
        );
    }
    Some(document)
}

/// The problem a document that does not load is, by lopdf's error: one
/// that needs a password or a security handler lopdf lacks is `encrypted`,
/// anything else `corrupt`.
fn load_problem(error: &lopdf::Error) -> ProblemCode {
    match error {
        lopdf::Error::Decryption(_)
        | lopdf::Error::InvalidPassword
        | lopdf::Error::UnsupportedSecurityHandler(_) => ProblemCode::Encrypted,
        _ => ProblemCode::Corrupt,
    }
}

/// The problem, and its message, of an encrypted document that does not
/// open with the empty password, by lopdf's error: a password is needed, or
/// the encryption cannot be undone (`encrypted`); an encryption dictionary
/// that cannot be read is damage (`corrupt`).
fn decrypt_problem(error: &lopdf::Error) -> (ProblemCode, String) {
    match error {
        lopdf::Error::InvalidPassword => (
            ProblemCode::Encrypted,
            "PDF is encrypted with a password".to_string(),
        ),
        lopdf::Error::Decryption(_) | lopdf::Error::UnsupportedSecurityHandler(_) => (
            ProblemCode::Encrypted,
            format!("PDF is encrypted and cannot be decrypted ({error})"),
        ),
        _ => (
            ProblemCode::Corrupt,
            format!("PDF's encryption cannot be read ({error}); not read"),
        ),
    }
}

/// Reads the pages of `document` in order, each a step of the budget.
fn pages(ex: &mut Extractor, document: &Document, path: &[String]) {
    let pages = page_tree(ex, document, path);
    if pages.is_empty() {
        if !ex.stopped() {
            ex.problem(
                ProblemCode::Corrupt,
                located(path, "PDF has no readable page"),
            );
        }
        return;
    }
    let mut cache = DocumentCache::default();
    for (index, page) in pages.iter().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if !ex.step(1, path) {
            return;
        }
        let read = PageReader::new(document, &mut cache, ex, path).read(page.id, &page.resources);
        if read.inflated > 0
            && let Err(exceeded) = ex.budget().inflate(read.inflated)
        {
            ex.problem(ProblemCode::Limit, located(path, &exceeded.0));
            return;
        }
        page_problems(ex, &read, number, path);
        page_images(ex, document, &read, number, path);
        let stopped = read.stopped;
        ex.push(read.text, Part::Body, Some(number), path);
        let comments = annotations(ex, document, page.id, path);
        ex.push(comments, Part::Comment, Some(number), path);
        if stopped || ex.stopped() {
            return;
        }
    }
}

/// Reports what kept page `number` from being read, and the text it draws
/// in fonts that cannot be decoded.
fn page_problems(ex: &mut Extractor, read: &PageText<'_>, number: u32, path: &[String]) {
    for (code, trouble) in &read.troubles {
        ex.problem(*code, located(path, &format!("page {number}: {trouble}")));
    }
    if read.undecodable > 0 {
        let why = read
            .undecodable_reason
            .unwrap_or("codes with no character in the font's encoding");
        ex.problem(
            ProblemCode::Unsupported,
            located(
                path,
                &format!(
                    "page {number}: {} characters drawn in a font whose text cannot be decoded ({why}); that text was not read",
                    read.undecodable
                ),
            ),
        );
    }
}

/// Hands the pictures of page `number` to the image path: each decoded and
/// read when there is an OCR engine; without one, those that may hold text
/// are one problem, which calls the page a scan when it has no more text
/// than a page number or a stray mark (a full-page picture with a
/// one-character text layer is no less a picture).
fn page_images(
    ex: &mut Extractor,
    document: &Document,
    read: &PageText<'_>,
    number: u32,
    path: &[String],
) {
    if read.images.is_empty() {
        return;
    }
    if !ex.reads_images() {
        let letters = read.text.chars().filter(|c| !c.is_whitespace()).count();
        let note = if letters < SCAN_TEXT_BELOW {
            " and no text (a scanned page?)"
        } else {
            ""
        };
        let sizes: Vec<(u32, u32)> = read.images.iter().map(|i| (i.width, i.height)).collect();
        ex.images_not_read(&sizes, Some(number), path, note);
        return;
    }
    for drawn in &read.images {
        if !ex.step(1, path) {
            return;
        }
        let max_entry = ex.budget().limits().max_entry_bytes;
        let cap = max_entry.min(ex.budget().inflatable());
        let content = match drawn.decode(document, cap) {
            Ok(content) => content,
            Err((code, message)) => {
                ex.problem(code, located(path, &format!("page {number}: {message}")));
                continue;
            }
        };
        // What was decoded is spent from the scan's budget.
        if let Err(exceeded) = ex.budget().inflate(content.decoded()) {
            ex.problem(ProblemCode::Limit, located(path, &exceeded.0));
            return;
        }
        let image = Image {
            width: drawn.width,
            height: drawn.height,
            data: content.data(),
        };
        ex.image(&image, Some(number), path);
    }
}

/// Files embedded in the document (`/Type /EmbeddedFile` streams, whether a
/// name tree, an annotation or nothing points to them), handed back to the
/// dispatcher as contained files.
fn embedded_files(ex: &mut Extractor, document: &Document, path: &[String], depth: u32) {
    let limits = *ex.budget().limits();
    let mut count = 0;
    for (id, object) in &document.objects {
        let Ok(stream) = object.as_stream() else {
            continue;
        };
        let embedded = stream
            .dict
            .get_deref(b"Type", document)
            .and_then(Object::as_name)
            .is_ok_and(|t| t == b"EmbeddedFile");
        if !embedded {
            continue;
        }
        count += 1;
        if count > MAX_EMBEDDED_FILES {
            ex.problem(
                ProblemCode::Limit,
                located(
                    path,
                    &format!(
                        "more than {MAX_EMBEDDED_FILES} embedded files; the rest were not read"
                    ),
                ),
            );
            return;
        }
        let name = format!("embedded file {} {}", id.0, id.1);
        let cap = limits.max_entry_bytes.min(ex.budget().inflatable());
        let data = if stream.filters().is_ok_and(|f| f.is_empty()) {
            Ok(stream.content.clone())
        } else {
            stream.decompressed_content_with_limit(usize::try_from(cap).unwrap_or(usize::MAX))
        };
        let child = super::child(path, &name);
        match data {
            Ok(data) => {
                if let Err(exceeded) = ex.budget().inflate(data.len() as u64) {
                    ex.problem(ProblemCode::Limit, located(&child, &exceeded.0));
                    return;
                }
                ex.dispatch(&data, &child, depth + 1);
            }
            Err(error) => ex.problem(
                ProblemCode::Corrupt,
                located(&child, &format!("embedded file does not decode ({error})")),
            ),
        }
        if ex.stopped() {
            return;
        }
    }
}

/// A page, and the resource dictionaries it may draw on: its own first,
/// then those it inherits from the nodes above it.
struct PageNode<'a> {
    id: ObjectId,
    resources: Vec<&'a Dictionary>,
}

/// The pages of `document` in order, walked from the catalog with a set of
/// visited nodes: a node listed twice (a cycle, or a page shared by two
/// parents) is read once and reported. Every node is a step of the budget.
fn page_tree<'a>(ex: &mut Extractor, document: &'a Document, path: &[String]) -> Vec<PageNode<'a>> {
    let mut pages = Vec::new();
    let Some(root) = document
        .catalog()
        .ok()
        .and_then(|catalog| catalog.get(b"Pages").ok())
        .and_then(|pages| pages.as_reference().ok())
    else {
        return pages;
    };
    let mut visited = HashSet::new();
    let mut repeated = false;
    let mut too_deep = false;
    // Depth-first, kids pushed in reverse so that pages come out in order.
    // Siblings share their parent's chain of resources.
    let mut stack: Vec<(ObjectId, Rc<Vec<&'a Dictionary>>, usize)> =
        vec![(root, Rc::new(Vec::new()), 0)];
    while let Some((id, inherited, depth)) = stack.pop() {
        if !ex.step(1, path) {
            break;
        }
        if !visited.insert(id) {
            repeated = true;
            continue;
        }
        let Ok(node) = document.get_dictionary(id) else {
            ex.problem(
                ProblemCode::Corrupt,
                located(
                    path,
                    &format!("page tree node {} {} is missing", id.0, id.1),
                ),
            );
            continue;
        };
        let resources = match node
            .get_deref(b"Resources", document)
            .and_then(Object::as_dict)
        {
            Ok(own) => Rc::new(
                std::iter::once(own)
                    .chain(inherited.iter().copied())
                    .collect(),
            ),
            Err(_) => inherited,
        };
        let kids = node
            .get_deref(b"Kids", document)
            .and_then(Object::as_array)
            .ok();
        let is_pages = match node.get(b"Type").and_then(Object::as_name) {
            Ok(b"Pages") => true,
            Ok(b"Page") => false,
            _ => kids.is_some(),
        };
        if !is_pages {
            pages.push(PageNode {
                id,
                resources: resources.to_vec(),
            });
            continue;
        }
        if depth >= MAX_TREE_DEPTH {
            too_deep = true;
            continue;
        }
        for kid in kids.into_iter().flatten().rev() {
            match kid.as_reference() {
                Ok(kid) => stack.push((kid, resources.clone(), depth + 1)),
                Err(_) => ex.problem(
                    ProblemCode::Corrupt,
                    located(path, "PDF page tree holds a page that is not a reference"),
                ),
            }
        }
    }
    if repeated {
        ex.problem(
            ProblemCode::Corrupt,
            located(
                path,
                "PDF page tree lists a page more than once (a reference cycle?)",
            ),
        );
    }
    if too_deep {
        ex.problem(
            ProblemCode::Limit,
            located(
                path,
                &format!(
                    "PDF page tree deeper than {MAX_TREE_DEPTH}; the pages below were not read"
                ),
            ),
        );
    }
    pages
}

/// The document information dictionary and the XMP metadata; sensitivity
/// label names (`MSIP_Label_*_Name`) as labels.
fn metadata(ex: &mut Extractor, document: &Document, path: &[String]) {
    let mut info = String::new();
    if let Ok(dictionary) = document
        .trailer
        .get_deref(b"Info", document)
        .and_then(Object::as_dict)
    {
        for (key, value) in dictionary.iter() {
            let Ok(value) = document.dereference(value).map(|(_, v)| v) else {
                continue;
            };
            let Some(value) = text_string(value) else {
                continue;
            };
            let key = String::from_utf8_lossy(key);
            if key.starts_with("MSIP_Label_") && key.ends_with("_Name") {
                ex.push(value, Part::Label, None, path);
                continue;
            }
            info.push_str(&key);
            info.push_str(": ");
            info.push_str(&value);
            info.push('\n');
        }
    }
    ex.push(info, Part::Metadata, None, path);
    let stream = document
        .catalog()
        .ok()
        .and_then(|catalog| catalog.get_deref(b"Metadata", document).ok())
        .and_then(|object| object.as_stream().ok());
    let xmp = stream.and_then(|stream| {
        let mut xmp = Vec::new();
        let decoded = streams::open_stream(document, stream, MAX_XMP_BYTES as u64)
            .ok()
            .and_then(|reader| {
                reader
                    .take(MAX_XMP_BYTES as u64 + 1)
                    .read_to_end(&mut xmp)
                    .ok()
            });
        match decoded {
            Some(n) if n <= MAX_XMP_BYTES => Some(xmp),
            // Labels may live in the XMP alone: metadata that cannot be read
            // is said, not dropped.
            _ => {
                ex.problem(
                    ProblemCode::Unsupported,
                    located(
                        path,
                        "XMP metadata cannot be decoded, or is larger than 1 MB; not read",
                    ),
                );
                None
            }
        }
    });
    if let Some(xmp) = xmp {
        let markup = text::xml_parts(&text::decode(&xmp), &mut |n| ex.step(n, path));
        if markup.entity_declarations {
            ex.problem(
                ProblemCode::Unsupported,
                located(path, &format!("XMP metadata: {}", text::DOCTYPE_MESSAGE)),
            );
        }
        ex.push(markup.visible, Part::Metadata, None, path);
        ex.push(markup.hidden, Part::Metadata, None, path);
    }
}

/// The text of a PDF text string (PDFDocEncoding or UTF-16 with a BOM).
fn text_string(object: &Object) -> Option<String> {
    match object {
        Object::String(..) => lopdf::decode_text_string(object).ok(),
        Object::Name(name) => Some(String::from_utf8_lossy(name).into_owned()),
        _ => None,
    }
}

/// The contents and values of a page's annotations and form fields, each
/// annotation a step of the budget.
fn annotations(ex: &mut Extractor, document: &Document, page: ObjectId, path: &[String]) -> String {
    let mut out = String::new();
    for annotation in document.get_page_annotations(page).unwrap_or_default() {
        if !ex.step(1, path) {
            break;
        }
        for key in [b"Contents".as_slice(), b"V", b"TU", b"T"] {
            if let Some(value) = annotation
                .get_deref(key, document)
                .ok()
                .and_then(text_string)
            {
                out.push_str(&value);
                out.push('\n');
            }
        }
    }
    out
}
