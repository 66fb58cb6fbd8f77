//! Table-driven tests of the matching form: one row per case, the text and
//! what the matcher sees, words separated by a space where a word boundary
//! stands (`?` for a letter of another script).

use super::*;

/// The matching form of `n`, a space at each word boundary inside it.
fn words(n: &Normalized) -> String {
    let mut out = String::new();
    for (i, &b) in n.as_bytes().iter().enumerate() {
        if i > 0 && n.is_boundary(i) {
            out.push(' ');
        }
        out.push(if b == OTHER_LETTER {
            '?'
        } else {
            char::from(b)
        });
    }
    out
}

/// Checks every row, and reports every row that fails at once.
fn check(rows: &[(&str, &str)], form: impl Fn(&str) -> String) {
    let failures: Vec<String> = rows
        .iter()
        .filter_map(|(text, expected)| {
            let got = form(text);
            (got != *expected).then(|| format!("{text:?}: expected {expected:?}, got {got:?}"))
        })
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn matching_form() {
    let rows: &[(&str, &str)] = &[
        // Case and diacritics.
        ("Diffusion Restreinte", "diffusion restreinte"),
        ("TRÈS SECRET DÉFENSE", "tres secret defense"),
        ("très secret défense", "tres secret defense"),
        ("Ça, c'est l'été", "ca c est l ete"),
        ("naïve coöpération", "naive cooperation"),
        // Combining marks, written apart from their letter.
        ("SECRE\u{301}T DE\u{301}FENSE", "secret defense"),
        // Letters with a stroke or a hook, which NFKD leaves alone.
        ("ĐƗFFɄꞨƗØꞤ", "diffusion"),
        // Ligatures.
        ("ﬁchier conﬁdentiel", "fichier confidentiel"),
        ("DIﬀUSION", "diffusion"),
        ("eﬃcace", "efficace"),
        // Full-width forms and the ideographic space.
        ("ＳＥＣＲＥＴ", "secret"),
        (
            "ｄｉｆｆｕｓｉｏｎ\u{3000}ｒｅｓｔｒｅｉｎｔｅ",
            "diffusion restreinte",
        ),
        // Mathematical alphanumerics.
        ("𝐒𝐄𝐂𝐑𝐄𝐓", "secret"),
        ("𝔰𝔢𝔠𝔯𝔢𝔱 𝟐𝟎𝟐𝟒", "secret 2024"),
        // Small capitals.
        ("ᴅɪꜰꜰᴜsɪᴏɴ ʀᴇsᴛʀᴇɪɴᴛᴇ", "diffusion restreinte"),
        // Superscripts and Roman numerals read through their
        // decomposition; symbols do not, although some decompose to
        // letters (㎏, №): they separate.
        ("x² Ⅻ", "x2 xii"),
        ("5 ㎏ № 5", "5 5"),
        // Enclosed letters, regional indicators in runs of three.
        ("ⓈⒺⒸⓇⒺⓉ", "secret"),
        ("🇸🇪🇨🇷🇪🇹", "secret"),
        ("🇫🇷 secret", "secret"),
        // Look-alikes of Latin letters, and the Turkish I.
        ("ѕеϲrеt", "secret"),
        ("ϹΟΝFΙDΕΝΤΙΑL", "confidential"),
        ("GİZLİ gızlı", "gizli gizli"),
        // Invisible characters join: no boundary where they stand.
        ("SE\u{200B}CRET", "secret"),
        ("SE\u{AD}CRET", "secret"),
        ("SE\u{2060}CRET", "secret"),
        ("SE\u{FEFF}CRET", "secret"),
        ("S\u{202E}E\u{202C}CR\u{202E}ET", "secret"),
        // Every kind of space, dash and line break separates.
        ("DIFFUSION\u{A0}RESTREINTE", "diffusion restreinte"),
        ("DIFFUSION\u{2003}RESTREINTE", "diffusion restreinte"),
        ("DIFFUSION\u{202F}RESTREINTE", "diffusion restreinte"),
        ("DIFFUSION\tRESTREINTE\r\n", "diffusion restreinte"),
        ("DIFFUSION – RESTREINTE", "diffusion restreinte"),
        ("DIFFUSION—RESTREINTE", "diffusion restreinte"),
        ("DIFFUSION\u{2010}RESTREINTE", "diffusion restreinte"),
        ("SECRET\u{2028}DÉFENSE", "secret defense"),
        // A word cut at the end of a line keeps its boundary: the matcher
        // ignores boundaries inside a match.
        ("DIFFU-\nSION  RE-\r\nSTREINTE", "diffu sion re streinte"),
        // Letter-spaced words, three letters or more, are joined.
        ("S E C R E T", "secret"),
        ("S E C R E T A R I A T", "secretariat"),
        (
            "D I F F U S I O N   R E S T R E I N T E",
            "diffusion restreinte",
        ),
        ("S.E.C.R.E.T", "secret"),
        ("S-E-C-R-E-T", "secret"),
        // The case must not change, and two letters are not a word.
        ("S E C R E T à", "secret a"),
        ("A B", "a b"),
        ("a B c", "a b c"),
        // Digits are words of their own.
        ("Réf. 2024-03/7", "ref 2024 03 7"),
        // Other scripts are letters without a reading.
        ("机密 secret", "?? secret"),
        // Nothing to match.
        ("", ""),
        ("  -- \n\t ", ""),
        ("😉 !", ""),
    ];
    check(rows, |text| words(&Normalized::new(text)));
}

#[test]
fn leetspeak_form() {
    let rows: &[(&str, &str)] = &[
        ("T0P S3CR3T", "top secret"),
        ("D1FFU510N R35TR31NT3", "diffusion restreinte"),
        ("$ECRET", "secret"),
        ("53CR3T D3F3N53", "secret defense"),
        // `l` and `i` are one letter in this form.
        ("TLP:R3D", "tip red"),
        ("c0nf1d3nt1@l", "confidentiai"),
        // Numbers, codes and mixed case stay as written.
        ("2024 1337", "2024 1337"),
        ("B2B H264 FR76", "b2b h264 fr76"),
        ("S3cr3t", "s3cr3t"),
        ("P@ssw0rd", "p ssw0rd"),
        ("$ 100 @ 5", "100 5"),
    ];
    check(rows, |text| {
        let (mut n, mut spelled) = (Normalized::default(), String::new());
        n.rebuild_leet(text, &mut spelled);
        words(&n)
    });
}

#[test]
fn display_form() {
    let rows: &[(&str, &str)] = &[
        ("\u{202E}TERCES\u{202C}", "secret"),
        (
            "\u{202E}ETNIERTSER NOISUFFID\u{202C}",
            "diffusion restreinte",
        ),
        ("TOP \u{202E}TERCES\u{202C} !", "top secret"),
        // An override runs to the end of its paragraph.
        ("\u{202E}TERCES\nTERCES", "secret terces"),
        ("\u{202E}T E R C E S\u{202C}", "secret"),
        // Without an override there is no display form.
        ("no override", "(none)"),
    ];
    check(rows, |text| {
        let mut n = Normalized::default();
        if n.rebuild_display(text) {
            words(&n)
        } else {
            "(none)".to_string()
        }
    });
}

#[test]
fn findings_map_back_to_the_original() {
    // Text, the matching form searched for, the original text it covers.
    let rows: &[(&str, &str, &str)] = &[
        (
            "Objet : DIFFUSION  RE-\nSTREINTE.",
            "diffusionrestreinte",
            "DIFFUSION  RE-\nSTREINTE",
        ),
        ("Note TRÈS SECRET", "tres", "TRÈS"),
        ("SECRE\u{301}T", "secret", "SECRE\u{301}T"),
        ("le ﬁchier", "fi", "ﬁ"),
        ("ＳＥＣＲＥＴ !", "secret", "ＳＥＣＲＥＴ"),
        ("S E C R E T", "secret", "S E C R E T"),
        ("a SE\u{200B}CRET b", "secret", "SE\u{200B}CRET"),
        ("dit e\u{301}te\u{301}", "ete", "e\u{301}te\u{301}"),
    ];
    let mut failures = Vec::new();
    for (text, needle, expected) in rows {
        let n = Normalized::new(text);
        let Some(start) = n
            .as_bytes()
            .windows(needle.len())
            .position(|w| w == needle.as_bytes())
        else {
            failures.push(format!("{text:?}: {needle:?} not in {:?}", words(&n)));
            continue;
        };
        let (from, to) = n.original_range(text, start, start + needle.len());
        if &text[from..to] != *expected {
            failures.push(format!(
                "{text:?}: expected {expected:?}, got {:?}",
                &text[from..to]
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn invisible_characters() {
    let rows: &[(char, bool)] = &[
        ('\u{200B}', true),
        ('\u{200D}', true),
        ('\u{AD}', true),
        ('\u{2060}', true),
        ('\u{FEFF}', true),
        ('\u{202E}', true),
        ('\u{FE0F}', true),
        ('a', false),
        (' ', false),
        ('\u{A0}', false),
        ('\n', false),
        ('é', false),
    ];
    let failures: Vec<String> = rows
        .iter()
        .filter(|(c, expected)| is_invisible(*c) != *expected)
        .map(|(c, expected)| format!("{c:?}: expected {expected}"))
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
