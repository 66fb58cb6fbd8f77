//! What vigie shows of what it found: excerpts on one line, cut to a
//! readable length, and masked as each rule says, so that no report, log
//! or error message holds a full secret or personal identifier.

use serde::Deserialize;

/// How an excerpt of a finding is masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Mask {
    /// Shown as written: markings.
    #[default]
    None,
    /// A few characters at each end of long values, `*` elsewhere:
    /// `FR76 **** **** **** **** ***0 189`.
    Ends,
    /// The first letter of the mailbox and the domain: `j***@example.fr`.
    Email,
    /// The first `mask_keep` characters, then `****…`: `ghp_****…`.
    KeepPrefix,
    /// The first line (a key's armour line), then `****…`.
    FirstLine,
    /// Nothing at all: `********`.
    All,
    /// A URL with credentials: scheme, user and host shown, the password
    /// masked: `postgres://app:****@db.example.fr`.
    UrlCredentials,
}

/// Longest excerpt, in characters, before it is cut with an ellipsis.
const MAX_EXCERPT_CHARS: usize = 80;

/// The excerpt of a finding: the original text on one line (line breaks and
/// other control characters become spaces; zero-width and bidirectional
/// controls, which could hide or reorder what a terminal shows, are
/// dropped), cut to a readable length, and masked as the rule says
/// (`keep` is the prefix length for [`Mask::KeepPrefix`]).
pub fn excerpt(how: Mask, keep: usize, original: &str) -> String {
    let one_line = |text: &str| -> String {
        text.chars()
            .filter(|&c| !crate::normalize::is_invisible(c))
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect()
    };
    let shown = match how {
        Mask::None => one_line(original),
        Mask::Ends => mask(&one_line(original)),
        Mask::Email => match original.split_once('@') {
            Some((mailbox, domain)) => {
                let first: String = mailbox.chars().take(1).collect();
                format!("{first}***@{}", one_line(domain))
            }
            None => mask(&one_line(original)),
        },
        Mask::KeepPrefix => {
            // Never more than a quarter of the value.
            let keep = keep.min(original.chars().count() / 4);
            let prefix: String = original.chars().take(keep).collect();
            format!("{}****…", one_line(&prefix))
        }
        Mask::FirstLine => {
            let first = original.lines().next().unwrap_or_default();
            // A key whose lines were joined with spaces goes on after its
            // armour on the same line: show the armour only.
            let first = match first.get(5..).and_then(|rest| rest.find("-----")) {
                Some(i) if first.starts_with("-----") => &first[..5 + i + 5],
                _ => first,
            };
            format!("{} ****…", one_line(first))
        }
        Mask::All => "********".to_string(),
        Mask::UrlCredentials => match url_without_password(original) {
            Some((before, host)) => format!("{}:****@{}", one_line(before), one_line(host)),
            None => "********".to_string(),
        },
    };
    if shown.chars().count() > MAX_EXCERPT_CHARS {
        let mut cut: String = shown.chars().take(MAX_EXCERPT_CHARS - 1).collect();
        cut.push('…');
        cut
    } else {
        shown
    }
}

/// Splits `scheme://user:password@host` into `scheme://user` and `host`.
fn url_without_password(url: &str) -> Option<(&str, &str)> {
    let scheme_end = url.find("://")? + 3;
    let at = url.rfind('@')?;
    let colon = scheme_end + url.get(scheme_end..at)?.find(':')?;
    Some((&url[..colon], &url[at + 1..]))
}

/// Masks a sensitive value: letters and digits become `*` except a few at
/// each end (none for short values), separators stay so the shape is
/// recognisable. At most a quarter of the characters are shown.
///
/// ```
/// assert_eq!(vigie::redact::mask("FR7630006000011234567890189"), "FR76*******************0189");
/// assert_eq!(vigie::redact::mask("hunter2"), "*******");
/// ```
pub fn mask(value: &str) -> String {
    let alphanumeric = value.chars().filter(|c| c.is_alphanumeric()).count();
    let keep_each_end = if alphanumeric >= 16 {
        4
    } else if alphanumeric >= 12 {
        2
    } else {
        0
    };
    let mut seen = 0;
    value
        .chars()
        .map(|c| {
            if !c.is_alphanumeric() {
                return c;
            }
            seen += 1;
            if seen <= keep_each_end || seen > alphanumeric - keep_each_end {
                c
            } else {
                '*'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_on_one_line_shows_its_armour_only() {
        assert_eq!(
            excerpt(
                Mask::FirstLine,
                0,
                "-----BEGIN RSA PRIVATE KEY----- MIIEowIBAAKCAQEAx7Kp9sL2 -----END RSA PRIVATE KEY-----"
            ),
            "-----BEGIN RSA PRIVATE KEY----- ****…"
        );
        assert_eq!(
            excerpt(
                Mask::FirstLine,
                0,
                "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none"
            ),
            "PuTTY-User-Key-File-3: ssh-ed25519 ****…"
        );
    }

    #[test]
    fn url_credentials_show_user_and_host_only() {
        assert_eq!(
            excerpt(
                Mask::UrlCredentials,
                0,
                "postgres://app:S3cr3t@db.example.fr"
            ),
            "postgres://app:****@db.example.fr"
        );
        assert_eq!(
            excerpt(Mask::UrlCredentials, 0, "redis://:p@ss:w0rd@cache"),
            "redis://:****@cache"
        );
        assert_eq!(excerpt(Mask::UrlCredentials, 0, "no url here"), "********");
    }

    #[test]
    fn excerpts_of_markings_are_shown_on_one_line() {
        assert_eq!(
            excerpt(Mask::None, 0, "DIFFUSION\nRESTREINTE"),
            "DIFFUSION RESTREINTE"
        );
    }

    #[test]
    fn excerpts_drop_invisible_and_bidirectional_characters() {
        assert_eq!(
            excerpt(Mask::None, 0, "S\u{200B}E\u{202E}C\u{00AD}RET"),
            "SECRET"
        );
    }

    #[test]
    fn long_excerpts_are_cut() {
        let long = "A ".repeat(100);
        let cut = excerpt(Mask::None, 0, &long);
        assert_eq!(cut.chars().count(), MAX_EXCERPT_CHARS);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn sensitive_excerpts_never_hold_the_value() {
        let value = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";
        assert_eq!(excerpt(Mask::KeepPrefix, 4, value), "ghp_****…");
        assert_eq!(
            excerpt(Mask::KeepPrefix, 4, "abcdefg"),
            "a****…",
            "at most a quarter"
        );
        assert_eq!(
            excerpt(Mask::Email, 0, "jean.dupont@example.fr"),
            "j***@example.fr"
        );
        assert_eq!(excerpt(Mask::All, 0, "hunter2"), "********");
        let key =
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----";
        assert_eq!(
            excerpt(Mask::FirstLine, 0, key),
            "-----BEGIN RSA PRIVATE KEY----- ****…"
        );
        let shown = mask("FR76 3000 6000 0112 3456 7890 189");
        assert_eq!(shown, "FR76 **** **** **** **** ***0 189");
    }
}
