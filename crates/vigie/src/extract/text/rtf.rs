//! Rich Text Format: control words dropped, destinations that hold no text
//! skipped (fonts, pictures, bookmarks, field instructions, `\*` ones),
//! and the text of each place a word processor shows apart read into its
//! part: page headers and footers (`\header`, `\headerl`, `\footerf`...),
//! footnotes and endnotes, comments (`\annotation`, their author as
//! metadata), document and custom properties (`\info`, `\userprops`,
//! sensitivity labels among them), hidden text (`\v`). Field results
//! (`\fldrslt`, what the reader sees) are body text; text boxes
//! (`\shptxt`) and WordArt text (`gtextUNICODE`, how Word writes a
//! watermark) are the text of where their shape stands, a shape's
//! description (`wzDescription`, its alternative text) is hidden text.

use super::{Markup, joined, windows_1252_char};

/// How deep RTF groups are followed. Deeper groups are read with the state
/// of the deepest followed one, and reported.
pub(super) const MAX_RTF_DEPTH: usize = 256;

/// The state an RTF group sets for its text.
#[derive(Debug, Clone, Copy)]
struct RtfGroup {
    /// In a destination whose text is not text (fonts, pictures, `\*`).
    skip: bool,
    /// In hidden text (`\v`).
    hidden: bool,
    /// Where the group's text belongs.
    part: RtfPart,
    /// In a name (`\sn` of a shape property, `\propname` of a custom
    /// property): its text is kept as the name of the value that follows.
    name: bool,
    /// Whether the group's end ends a line (WordArt text).
    ends_line: bool,
    /// Characters of fallback after each `\uN` (`\ucN`).
    fallback: usize,
}

const RTF_START: RtfGroup = RtfGroup {
    skip: false,
    hidden: false,
    part: RtfPart::Body,
    name: false,
    ends_line: false,
    fallback: 1,
};

/// The parts of a document that RTF keeps in destinations of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RtfPart {
    Body,
    Header,
    Footer,
    Notes,
    Comment,
    Metadata,
    Label,
}

/// How long a property name is kept (longer ones are cut).
const MAX_NAME: usize = 256;

/// Where text of `group` goes, `None` when it is not text.
fn rtf_target(out: &mut Markup, group: RtfGroup) -> Option<&mut String> {
    if group.skip {
        return None;
    }
    Some(match group.part {
        RtfPart::Metadata => &mut out.metadata,
        RtfPart::Label => &mut out.labels,
        RtfPart::Comment => &mut out.comments,
        _ if group.hidden => &mut out.hidden,
        RtfPart::Header => &mut out.headers,
        RtfPart::Footer => &mut out.footers,
        RtfPart::Notes => &mut out.notes,
        RtfPart::Body => &mut out.visible,
    })
}

/// Starts a line in `text` unless it is empty or already at one.
fn start_line(text: &mut String) {
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
}

/// The text of an RTF document: control words dropped (`\par` and `\line`
/// become line breaks), `\'hh` read as Windows-1252, `\uN` as Unicode,
/// destinations such as fonts, colours and pictures skipped; hidden text
/// (`\v`) and the document properties (`\info`) follow on lines of their
/// own, so that they are still scanned.
pub fn rtf_to_text(rtf: &[u8]) -> String {
    joined(rtf_parts(rtf, &mut |_| true))
}

/// Appends text to the part `group` says, or to the `name` being read.
fn rtf_emit(out: &mut Markup, name: &mut String, group: RtfGroup, text: &str) {
    if group.name {
        if name.len() + text.len() <= MAX_NAME {
            name.push_str(text);
        }
        return;
    }
    if let Some(target) = rtf_target(out, group) {
        target.push_str(text);
    }
}

/// The visible and hidden text of an RTF document; `step` counts a step
/// per group and control word, and stops the reading when it returns
/// false.
pub(crate) fn rtf_parts(rtf: &[u8], step: &mut dyn FnMut(u64) -> bool) -> Markup {
    let mut out = Markup::default();
    let mut groups: Vec<RtfGroup> = vec![RTF_START];
    // Groups opened past MAX_RTF_DEPTH, which share the deepest state.
    let mut overflow = 0usize;
    // Characters still to skip after a \uN (its fallback).
    let mut unicode_skip = 0usize;
    // Embedded objects being read: the depth of each one's group, and
    // whether it has a rendered result. At most one per group.
    let mut objects: Vec<(usize, bool)> = Vec::new();
    // The name of the shape or custom property whose value comes next.
    let mut name = String::new();
    let mut i = 0;
    let mut buffer = [0u8; 4];
    while i < rtf.len() {
        let group = groups.last().copied().unwrap_or(RTF_START);
        let b = rtf[i];
        match b {
            b'{' | b'}' | b'\\' if !step(1) => break,
            b'{' => {
                if groups.len() >= MAX_RTF_DEPTH {
                    overflow += 1;
                    out.too_deep = true;
                } else {
                    groups.push(RtfGroup {
                        ends_line: false,
                        ..group
                    });
                }
                i += 1;
            }
            b'}' => {
                // A group's end ends the fallback of a \uN inside it.
                unicode_skip = 0;
                if overflow > 0 {
                    overflow -= 1;
                } else if groups.len() > 1 {
                    if objects
                        .last()
                        .is_some_and(|(depth, result)| *depth == groups.len() && !result)
                    {
                        out.objects += 1;
                    }
                    if objects
                        .last()
                        .is_some_and(|(depth, _)| *depth == groups.len())
                    {
                        objects.pop();
                    }
                    groups.pop();
                    if group.ends_line
                        && let Some(target) = rtf_target(&mut out, group)
                    {
                        start_line(target);
                    }
                    let now = groups.last().copied().unwrap_or(RTF_START);
                    if group.hidden && !now.hidden && !out.hidden.ends_with('\n') {
                        out.hidden.push('\n');
                    }
                }
                i += 1;
            }
            b'\\' => {
                i += 1;
                let Some(&next) = rtf.get(i) else { break };
                if next == b'\'' {
                    let byte = rtf
                        .get(i + 1..i + 3)
                        .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                        .and_then(|h| std::str::from_utf8(h).ok())
                        .and_then(|hex| u8::from_str_radix(hex, 16).ok());
                    if let Some(byte) = byte {
                        if unicode_skip > 0 {
                            unicode_skip -= 1;
                        } else {
                            rtf_emit(
                                &mut out,
                                &mut name,
                                group,
                                windows_1252_char(byte).encode_utf8(&mut buffer),
                            );
                        }
                    }
                    i += 3;
                    continue;
                }
                if !next.is_ascii_alphabetic() {
                    // Control symbols: \\ \{ \} and \* (an ignorable
                    // destination).
                    let text = match next {
                        b'*' => {
                            if let Some(top) = groups.last_mut() {
                                top.skip = true;
                            }
                            ""
                        }
                        b'\\' => "\\",
                        b'{' => "{",
                        b'}' => "}",
                        b'~' => "\u{A0}",
                        b'-' => "\u{AD}",
                        b'_' => "\u{2011}",
                        b'\n' | b'\r' => "\n",
                        _ => "",
                    };
                    rtf_emit(&mut out, &mut name, group, text);
                    i += 1;
                    continue;
                }
                let start = i;
                while i < rtf.len() && rtf[i].is_ascii_alphabetic() && i - start < 32 {
                    i += 1;
                }
                let word = &rtf[start..i];
                let number_start = i;
                if i < rtf.len() && (rtf[i] == b'-' || rtf[i].is_ascii_digit()) {
                    i += 1;
                    while i < rtf.len() && rtf[i].is_ascii_digit() && i - number_start < 11 {
                        i += 1;
                    }
                }
                let number: Option<i64> = std::str::from_utf8(&rtf[number_start..i])
                    .ok()
                    .and_then(|n| n.parse().ok());
                if rtf.get(i) == Some(&b' ') {
                    i += 1;
                }
                let top = groups.last_mut();
                match word {
                    b"par" | b"line" | b"row" | b"sect" | b"page" => {
                        rtf_emit(&mut out, &mut name, group, "\n")
                    }
                    b"tab" | b"cell" => rtf_emit(&mut out, &mut name, group, "\t"),
                    b"v" => {
                        if let Some(top) = top {
                            top.hidden = number != Some(0);
                            if top.hidden
                                && !group.hidden
                                && !out.hidden.is_empty()
                                && !out.hidden.ends_with('\n')
                            {
                                out.hidden.push('\n');
                            }
                        }
                    }
                    b"uc" => {
                        if let Some(top) = top {
                            top.fallback = number
                                .and_then(|n| usize::try_from(n).ok())
                                .unwrap_or(1)
                                .min(16);
                        }
                    }
                    b"u" => {
                        if let Some(code) = number {
                            let code = if code < 0 { code + 65536 } else { code };
                            let c = u32::try_from(code)
                                .ok()
                                .and_then(char::from_u32)
                                .unwrap_or(char::REPLACEMENT_CHARACTER);
                            rtf_emit(&mut out, &mut name, group, c.encode_utf8(&mut buffer));
                            unicode_skip = group.fallback;
                        }
                    }
                    b"info" => {
                        if let Some(top) = top {
                            top.part = RtfPart::Metadata;
                        }
                    }
                    // Page headers and footers, of all pages or of left,
                    // right or first pages. The part only: LibreOffice also
                    // writes a copy in its page style table (`\*\pgdsctbl`),
                    // which stays skipped.
                    b"header" | b"headerl" | b"headerr" | b"headerf" | b"footer" | b"footerl"
                    | b"footerr" | b"footerf" => {
                        let part = if word.starts_with(b"header") {
                            RtfPart::Header
                        } else {
                            RtfPart::Footer
                        };
                        if let Some(top) = top {
                            top.part = part;
                            let now = *top;
                            if let Some(target) = rtf_target(&mut out, now) {
                                start_line(target);
                            }
                        }
                    }
                    // A comment's author (its initials, `\atnid`, are not
                    // read).
                    b"atnauthor" => {
                        if let Some(top) = top {
                            top.skip = false;
                            top.part = RtfPart::Metadata;
                        }
                        start_line(&mut out.metadata);
                    }
                    // The name of a shape property or a custom property.
                    b"sn" | b"propname" => {
                        if let Some(top) = top {
                            top.name = true;
                        }
                        name.clear();
                    }
                    // A shape property's value: WordArt text (a watermark)
                    // is text where the shape stands, a description is its
                    // alternative text; other values are not text.
                    b"sv" => {
                        if let Some(top) = top {
                            match name.as_str() {
                                "gtextUNICODE" => {
                                    top.skip = false;
                                    top.ends_line = true;
                                }
                                "wzDescription" => {
                                    top.skip = false;
                                    top.hidden = true;
                                }
                                _ => top.skip = true,
                            }
                            let now = *top;
                            if let Some(target) = rtf_target(&mut out, now) {
                                start_line(target);
                            }
                        }
                    }
                    // A custom property's value: a sensitivity label's name
                    // is a label (as in `docProps/custom.xml`), the others
                    // are metadata, `name: value`.
                    b"staticval" => {
                        if let Some(top) = top {
                            top.skip = false;
                            if name.starts_with("MSIP_Label_") && name.ends_with("_Name") {
                                top.part = RtfPart::Label;
                                start_line(&mut out.labels);
                            } else {
                                top.part = RtfPart::Metadata;
                                start_line(&mut out.metadata);
                                out.metadata.push_str(&name);
                                out.metadata.push_str(": ");
                            }
                        }
                    }
                    // \binN: N bytes of binary data, not text.
                    b"bin" => {
                        let n = number.and_then(|n| usize::try_from(n).ok()).unwrap_or(0);
                        i = i.saturating_add(n).min(rtf.len());
                    }
                    // Destinations Word shows as text, though they sit
                    // inside ignorable ones: a text box's text, a comment,
                    // an object's rendered result.
                    b"shptxt" => {
                        if let Some(top) = top {
                            top.skip = false;
                        }
                    }
                    // Footnotes and endnotes (`\footnote\ftnalt`).
                    b"footnote" => {
                        if let Some(top) = top {
                            top.skip = false;
                            if top.part == RtfPart::Body {
                                top.part = RtfPart::Notes;
                            }
                        }
                        start_line(&mut out.notes);
                    }
                    b"annotation" => {
                        if let Some(top) = top {
                            top.skip = false;
                            top.part = RtfPart::Comment;
                        }
                        start_line(&mut out.comments);
                    }
                    b"result" => {
                        if let Some(top) = top {
                            top.skip = false;
                        }
                        if let Some(object) = objects.last_mut() {
                            object.1 = true;
                        }
                    }
                    b"pict" => {
                        out.pictures += 1;
                        if let Some(top) = top {
                            top.skip = true;
                        }
                    }
                    b"object" => {
                        if let Some(top) = top {
                            top.skip = true;
                        }
                        if objects
                            .last()
                            .is_none_or(|(depth, _)| *depth != groups.len())
                        {
                            objects.push((groups.len(), false));
                        }
                    }
                    // Properties end a line of the metadata; Word writes some
                    // as ignorable destinations (`{\*\company ...}`).
                    b"title" | b"subject" | b"author" | b"manager" | b"company" | b"operator"
                    | b"category" | b"keywords" | b"comment" | b"doccomm" | b"hlinkbase"
                        if group.part == RtfPart::Metadata =>
                    {
                        if let Some(top) = top {
                            top.skip = false;
                        }
                        start_line(&mut out.metadata);
                    }
                    b"fonttbl"
                    | b"colortbl"
                    | b"stylesheet"
                    | b"listtable"
                    | b"listoverridetable"
                    | b"rsidtbl"
                    | b"generator"
                    | b"themedata"
                    | b"colorschememapping"
                    | b"datastore"
                    | b"latentstyles" => {
                        if let Some(top) = top {
                            top.skip = true;
                        }
                    }
                    _ => {}
                }
            }
            b'\r' | b'\n' => i += 1,
            _ => {
                if unicode_skip > 0 {
                    unicode_skip -= 1;
                } else {
                    rtf_emit(
                        &mut out,
                        &mut name,
                        group,
                        windows_1252_char(b).encode_utf8(&mut buffer),
                    );
                }
                i += 1;
            }
        }
    }
    out.objects += objects.iter().filter(|(_, result)| !result).count();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rtf_gives_its_text() {
        let rtf = br"{\rtf1\ansi{\fonttbl{\f0 Arial;}}{\*\generator Word;}\pard DIFFUSION RESTREINTE\par Conf\'e9rence \u233?t\'e9 {\b gras}}";
        let text = rtf_to_text(rtf);
        assert_eq!(text, "DIFFUSION RESTREINTE\nConférence été gras");
        let rtf = br"{\rtf1{\info{\title TR\'c8S SECRET}{\author Jean}{\creatim\yr2024}}Bonjour}";
        let text = rtf_parts(rtf, &mut |_| true);
        assert_eq!(
            (text.visible.as_str(), text.metadata.as_str()),
            ("Bonjour", "TRÈS SECRET\nJean")
        );
    }

    #[test]
    fn rtf_hidden_text_is_read_apart() {
        let rtf = br"{\rtf1\ansi DIFFUSION {\v XYZ}RESTREINTE\par TR\'c8S \v SECRET\v0 D\'c9FENSE}";
        let text = rtf_parts(rtf, &mut |_| true);
        assert_eq!(text.visible, "DIFFUSION RESTREINTE\nTRÈS DÉFENSE");
        assert_eq!(
            text.hidden.split_whitespace().collect::<Vec<_>>(),
            ["XYZ", "SECRET"]
        );
    }

    #[test]
    fn deep_rtf_groups_are_bounded() {
        let mut rtf = b"{\\rtf1 ".to_vec();
        rtf.extend(std::iter::repeat_n(b'{', 100_000));
        rtf.extend_from_slice(b"DIFFUSION RESTREINTE");
        rtf.extend(std::iter::repeat_n(b'}', 100_000));
        rtf.extend_from_slice(b" fin}");
        let text = rtf_parts(&rtf, &mut |_| true);
        assert!(text.too_deep);
        assert_eq!(text.visible, "DIFFUSION RESTREINTE fin");
    }

    #[test]
    fn each_destination_goes_to_its_part() {
        // As LibreOffice writes them (see fixtures/documents/*.rtf).
        let rtf = br"{\rtf1\ansi{\*\pgdsctbl{\pgdsc0{\header\pard NOT TWICE\par}\pgdscnxt0 Default;}}{\info{\title Compte rendu}{\*\company ACME}}{\*\userprops{\propname Classif}\proptype30{\staticval Interne}{\propname MSIP_Label_1a2b_Name}\proptype30{\staticval Diffusion Restreinte}}
{\header\pard{\loch ENTETE} \par}{\footerf\pard{\loch PIED} \par}
\pard{\loch Corps }{\*\bkmkstart SIGNET}{\*\bkmkend SIGNET}suite.{\super\chftn{\*\footnote\chftn\pard{\loch \tab NOTE BAS}}} fin\par
{ {\*\atnid JA}{\*\atnauthor Jean Auteur}\chatn{\*\annotation{\*\atndate 669416030}\loch COMMENTAIRE}}\par
{\field{\*\fldinst  TITLE }{\fldrslt RESULTAT}}{\*\footnote\ftnalt\pard ENDNOTE}\par
{\shp{\*\shpinst{\sp{\sn wzName}{\sv Shape1}}{\sp{\sn wzDescription}{\sv ALT TEXTE}}{\sp{\sn gtextUNICODE}{\sv FILIGRANE}}{\shptxt\pard BOITE\par}}}{\*\shppict{\pict\pngblip 89504e47}}}";
        let text = rtf_parts(rtf, &mut |_| true);
        assert_eq!(text.headers.trim(), "ENTETE");
        assert_eq!(text.footers.trim(), "PIED");
        assert_eq!(
            text.notes.lines().map(str::trim).collect::<Vec<_>>(),
            ["NOTE BAS", "ENDNOTE"]
        );
        assert_eq!(text.comments.trim(), "COMMENTAIRE");
        assert_eq!(
            text.metadata.lines().collect::<Vec<_>>(),
            ["Compte rendu", "ACME", "Classif: Interne", "Jean Auteur"]
        );
        assert_eq!(text.labels.trim(), "Diffusion Restreinte");
        assert_eq!(text.hidden.trim(), "ALT TEXTE");
        let visible: Vec<&str> = text.visible.lines().map(str::trim).collect();
        assert_eq!(
            visible,
            ["Corps suite. fin", "", "RESULTAT", "FILIGRANE", "BOITE"],
            "{:?}",
            text.visible
        );
        assert_eq!(text.pictures, 1);
    }

    #[test]
    fn shape_and_property_names_are_bounded() {
        let mut rtf = br"{\rtf1{\*\userprops{\propname ".to_vec();
        rtf.extend(std::iter::repeat_n(b'A', 100_000));
        rtf.extend_from_slice(br"}{\staticval x}}{\shp{\*\shpinst{\sp{\sn ");
        rtf.extend(std::iter::repeat_n(b'B', 100_000));
        rtf.extend_from_slice(br"}{\sv y}}}}}");
        let text = rtf_parts(&rtf, &mut |_| true);
        assert!(
            text.metadata.len() < 2 * MAX_NAME,
            "{}",
            text.metadata.len()
        );
        assert!(text.visible.trim().is_empty());
        // A lone `\'` at the end, `\'+1` (not hexadecimal).
        let text = rtf_parts(br"{\rtf1 a\'+1b\'", &mut |_| true);
        assert_eq!(text.visible, "ab");
    }
}
