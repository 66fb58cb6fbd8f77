//! Text formats built by an attacker: JSON nested a million deep or cut in
//! the middle of an escape, markings hidden behind JSON escapes, e-mail in
//! charsets vigie does not know or in UTF-7, a base64 body of one huge
//! line, encoded words by the thousand, RTF destinations that hide text,
//! HTML tables of passwords. Each case checks the verdict, the status, the
//! problem codes and the findings; the bombs also their peak memory (dhat
//! counts the heap; the tests of this file take one lock) and their work in
//! steps.

use vigie::report::{Part, ProblemCode, Report};
use vigie::{Scanner, Status, Verdict};

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

#[path = "common/heap.rs"]
mod heap;
use heap::{scan_measured, serial};

fn scan(bytes: &[u8], name: &str) -> Report {
    let _serial = serial();
    Scanner::new().scan_bytes(bytes, Some(name))
}

const MB: u64 = 1 << 20;

fn found(report: &Report, rule: &str, part: Part) -> bool {
    report
        .findings
        .iter()
        .any(|f| f.rule == rule && f.location.part == part)
}

fn codes(report: &Report) -> Vec<ProblemCode> {
    report.problems.iter().map(|p| p.code).collect()
}

// ------------------------------------------------------------------ JSON

#[test]
fn markings_behind_json_escapes_are_found() {
    for (json, rule) in [
        (
            r#"{"body": "DIFFUSION\u0020RESTREINTE"}"#,
            "fr.diffusion-restreinte",
        ),
        (
            r#"[{"text": "\u0044IFFUSION RESTREINTE"}]"#,
            "fr.diffusion-restreinte",
        ),
        (
            r#"{"content": {"body": "CONFIDENTIEL D\u00c9FENSE"}}"#,
            "fr.confidentiel-defense",
        ),
        (
            r#"{"msg": "Statut\n\u0054LP:RED\n\ud83d\ude00"}"#,
            "tlp.red",
        ),
        (
            "{\"a\": \"x\"}\n{\"body\": \"NATO\\u0020SECRET\"}\n",
            "nato.secret",
        ),
    ] {
        let report = scan(json.as_bytes(), "export.json");
        assert_eq!(report.verdict, Verdict::Block, "{json}: {report:?}");
        assert_eq!(report.status, Status::Complete, "{json}: {report:?}");
        assert!(found(&report, rule, Part::Body), "{json}: {report:?}");
    }
    // Clean twins: escapes of ordinary words, and text that only looks like
    // JSON, read as plain text.
    for clean in [
        r#"{"body": "Le secr\u00e9tariat confirme la r\u00e9union."}"#,
        r#"[{"text": "Top of the morning \ud83d\ude00"}]"#,
        "[1] Introduction\nLe plan de la r\u{e9}union.",
    ] {
        let report = scan(clean.as_bytes(), "export.json");
        assert_eq!(report.verdict, Verdict::Allow, "{clean}: {report:?}");
        assert_eq!(report.status, Status::Complete, "{clean}: {report:?}");
    }
}

#[test]
fn broken_json_is_plain_text() {
    // Cut in an escape, a lone surrogate, trailing garbage: not JSON, read
    // as the text a reader sees (a marking written plainly is still found).
    for broken in [
        "{\"body\": \"DIFFUSION RESTREINTE \\u00",
        "[\"DIFFUSION RESTREINTE\", \"\\ud83d",
        "{\"body\": \"DIFFUSION RESTREINTE\"} }",
        "[\"DIFFUSION RESTREINTE\\",
    ] {
        let report = scan(broken.as_bytes(), "broken.json");
        assert_eq!(report.status, Status::Complete, "{broken}: {report:?}");
        assert!(
            found(&report, "fr.diffusion-restreinte", Part::Body),
            "{broken}: {report:?}"
        );
    }
}

#[test]
fn json_nested_a_million_deep_is_bounded() {
    let deep = "[".repeat(1_000_000) + "\"DIFFUSION RESTREINTE\"" + &"]".repeat(1_000_000);
    let (report, peak) = scan_measured("", deep.as_bytes(), "deep.json");
    // Read as plain text (the marking is there in full), and said to be.
    assert_eq!(report.status, Status::Partial, "{:?}", report.problems);
    assert_eq!(codes(&report), [ProblemCode::Limit]);
    assert!(report.problems[0].message.contains("JSON nested deeper"));
    assert!(found(&report, "fr.diffusion-restreinte", Part::Body));
    assert!(peak < 64 * MB, "peak heap {peak}");
}

#[test]
fn json_tokens_count_steps() {
    let many = format!("[{}0]", "0,".repeat(500_000));
    let (report, peak) =
        scan_measured("[limits]\nmax_steps = 100000", many.as_bytes(), "many.json");
    assert_ne!(report.status, Status::Complete, "{:?}", report.problems);
    assert_eq!(codes(&report), [ProblemCode::Limit]);
    assert!(report.problems[0].message.contains("steps"), "{report:?}");
    assert!(peak < 64 * MB, "peak heap {peak}");
    let (report, _) = scan_measured(
        "[limits]\nmax_steps = 2000000",
        many.as_bytes(),
        "many.json",
    );
    assert_eq!(report.status, Status::Complete, "{:?}", report.problems);
}

// ---------------------------------------------------------------- e-mail

const HEAD: &str =
    "From: a@example.fr\r\nTo: b@example.fr\r\nSubject: note\r\nMIME-Version: 1.0\r\n";

#[test]
fn unknown_charsets_are_a_problem_not_silence() {
    let message = format!(
        "{HEAD}Content-Type: text/plain; charset=\"x-\u{1b}[31mevil\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nDIFFUSION RESTREINTE D=C9FENSE\r\n"
    );
    let report = scan(message.as_bytes(), "evil.eml");
    assert_eq!(report.status, Status::Partial, "{report:?}");
    assert_eq!(codes(&report), [ProblemCode::Unsupported]);
    assert!(!report.problems[0].message.contains('\u{1b}'));
    assert!(found(&report, "fr.diffusion-restreinte", Part::Body));
    // UTF-7 is a charset: its text is read, not its encoding.
    let utf7 = format!(
        "{HEAD}Content-Type: text/plain; charset=utf-7\r\n\r\n+AEQ-IFFUSION RESTREINTE\r\n"
    );
    let report = scan(utf7.as_bytes(), "utf7.eml");
    assert_eq!(report.status, Status::Complete, "{report:?}");
    assert!(
        found(&report, "fr.diffusion-restreinte", Part::Body),
        "{report:?}"
    );
}

#[test]
fn a_huge_base64_line_is_decoded_in_bounded_memory() {
    let text = "Compte rendu de la réunion. ".repeat(300_000) + "TRÈS SECRET DÉFENSE";
    let encoded = base64(text.as_bytes());
    let message = format!(
        "{HEAD}Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{encoded}\r\n"
    );
    let (report, peak) = scan_measured("", message.as_bytes(), "huge.eml");
    assert_eq!(report.status, Status::Complete, "{:?}", report.problems);
    assert!(
        found(&report, "fr.tres-secret-defense", Part::Body),
        "{:?} {:?}",
        report.findings,
        report.problems
    );
    assert!(peak < 256 * MB, "peak heap {peak}");
}

#[test]
fn encoded_words_by_the_thousand_are_bounded() {
    // Five thousand encoded words in a charset vigie does not know, folded
    // as mailers fold them: decoded in linear time, one problem.
    let subject = "=?x-unknown?Q?DIFFUSION_RESTREINTE_?=\r\n ".repeat(5_000);
    let message = format!("{HEAD}Keywords: {subject}\r\n\r\nBonjour\r\n");
    let (report, peak) = scan_measured("", message.as_bytes(), "words.eml");
    assert_eq!(
        codes(&report),
        [ProblemCode::Unsupported],
        "one problem a header"
    );
    assert!(found(&report, "fr.diffusion-restreinte", Part::Metadata));
    assert!(peak < 256 * MB, "peak heap {peak}");
    // A line of half a million markers, whose search costs the header
    // parser the square of its length: read as plain text, and said so.
    let junk = "=?".repeat(200_000) + &"=?aaaaaaaaaa".repeat(50_000);
    let message =
        format!("{HEAD}Content-Type: text/plain; x={junk}\r\n\r\nDIFFUSION RESTREINTE\r\n");
    let (report, peak) = scan_measured("", message.as_bytes(), "junk.eml");
    assert_eq!(
        codes(&report),
        [ProblemCode::Limit],
        "{:?}",
        report.problems
    );
    // The linear check caught it before the header parser ran (the parser's
    // search is not counted in steps): the message is the check's own.
    assert!(
        report.problems[0].message.contains("read as plain text"),
        "{:?}",
        report.problems
    );
    assert!(found(&report, "fr.diffusion-restreinte", Part::Body));
    assert!(peak < 256 * MB, "peak heap {peak}");
}

fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len() / 3 * 4 + 4);
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

// ------------------------------------------------------------------- RTF

#[test]
fn rtf_destinations_that_hide_nothing_and_hide_text() {
    // Bookmark names, field instructions, shape names are not text.
    let clean = br"{\rtf1{\*\bkmkstart DIFFUSION_RESTREINTE}{\*\bkmkend DIFFUSION_RESTREINTE}{\field{\*\fldinst DOCPROPERTY TRES SECRET DEFENSE}{\fldrslt Interne}}{\shp{\*\shpinst{\sp{\sn wzName}{\sv TOP SECRET}}}}\par Bonjour.}";
    let report = scan(clean, "clean.rtf");
    assert_eq!(report.verdict, Verdict::Allow, "{report:?}");
    // A banner in every place a word processor shows apart.
    for (rtf, rule, part) in [
        (&br"{\rtf1{\headerl\pard DIFFUSION RESTREINTE\par}Bonjour.}"[..], "fr.diffusion-restreinte", Part::Header),
        (br"{\rtf1{\footerr\pard NATO SECRET\par}Bonjour.}", "nato.secret", Part::Footer),
        (br"{\rtf1 Bonjour{\*\footnote\ftnalt\pard TLP:RED}.}", "tlp.red", Part::Notes),
        (br"{\rtf1 Bonjour{\*\annotation TLP:RED}.}", "tlp.red", Part::Comment),
        (br"{\rtf1{\*\userprops{\propname MSIP_Label_1_Name}\proptype30{\staticval NATO SECRET}}Bonjour.}", "nato.secret", Part::Label),
        (br"{\rtf1{\info{\*\company NATO SECRET}}Bonjour.}", "nato.secret", Part::Metadata),
    ] {
        let report = scan(rtf, "x.rtf");
        assert!(found(&report, rule, part), "{}: {report:?}", String::from_utf8_lossy(rtf));
    }
}

// ------------------------------------------------------------------ HTML

#[test]
fn a_table_of_forty_thousand_cells_is_read_in_linear_work() {
    let rows = "<tr><td>compte</td><td>Zx9!pq</td></tr>".repeat(20_000);
    let page = format!(
        "<html><body><table><tr><th>Compte</th><th>Mot de passe</th></tr>{rows}</table></body></html>"
    );
    let (report, peak) = scan_measured("", page.as_bytes(), "table.html");
    assert!(
        report.findings.iter().any(|f| f.rule == "secret.password"),
        "{:?}",
        report.problems
    );
    assert!(peak < 256 * MB, "peak heap {peak}");
    // Steps: a few per tag (six tags a row).
    let (report, _) = scan_measured(
        "[limits]\nmax_steps = 600000",
        page.as_bytes(),
        "table.html",
    );
    assert!(
        !report.problems.iter().any(|p| p.message.contains("steps")),
        "{:?}",
        report.problems
    );
}
