//! Validators: what a candidate value must pass before it is reported. Each
//! one knows one format (a checksum, a structure) and nothing about where the
//! value was found.

use serde::Deserialize;

/// A validator, named in rule packs by its kebab-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Validator {
    /// Every match is valid.
    #[default]
    None,
    /// IBAN: country length and ISO 7064 mod-97 check digits.
    Iban,
    /// Payment card: 13 to 19 digits, Luhn, a known issuer prefix and length.
    Card,
    /// French NIR (social security number): structure and key.
    Nir,
    /// SIREN: 9 digits, Luhn.
    Siren,
    /// SIRET: 14 digits, Luhn (or La Poste's digit-sum rule).
    Siret,
    /// Telephone number: French national or international digit counts.
    Phone,
    /// JSON Web Token: the header decodes to a JSON object with `alg`.
    Jwt,
    /// AWS access key id: not one of AWS's documentation examples.
    AwsKey,
    /// A password given after a hotword and a colon: not a placeholder.
    Password,
    /// A password given in a sentence ("password is …"): must look like one.
    StrongPassword,
    /// A token assigned to a key-like name: high entropy, letters and digits.
    Entropy,
    /// A PEM or OpenSSH private key block with a body.
    PrivateKey,
    /// French identity card number: 12 digits, or 9 capitals and digits.
    Cni,
    /// A token of a known shape (prefix and random part): not a placeholder
    /// (`ghp_xxxx…`, a run of one character, `abcdefgh…`, "EXAMPLE").
    Token,
    /// A secret encoded in base64 (a storage key, a macaroon): not a
    /// placeholder, and not a key that vendors publish for their emulators.
    EncodedSecret,
    /// A Matrix access or refresh token (Synapse `syt_`, MAS `mct_`): its
    /// CRC-32 checks.
    MatrixToken,
    /// A PuTTY key file with its private lines.
    PuttyKey,
    /// `scheme://user:password@host`: the password is not a placeholder
    /// (`pass`, `<password>`, `${DB_PASSWORD}`, `****`) nor a port.
    UrlCredentials,
    /// A one-time code of 6 to 8 digits: not a run, a sequence or a date.
    OneTimeCode,
    /// An e-mail address that is not the user part of a URL
    /// (`https://user@host`, `postgres://user:password@host`).
    Email,
}

/// A value that passed its validator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Valid {
    /// Bytes of the value that make the valid identifier (a regex may take a
    /// few characters too many, such as a following group of digits).
    pub len: usize,
    /// What was checked, for the finding's reason.
    pub note: &'static str,
}

impl Validator {
    /// Checks `value` (the regex match, or its `value` group).
    pub fn check(self, value: &str) -> Option<Valid> {
        let whole = |note| {
            Some(Valid {
                len: value.len(),
                note,
            })
        };
        match self {
            Validator::None => whole("shape matched"),
            Validator::Iban => iban(value),
            Validator::Card => card(value),
            Validator::Nir => nir(value).then_some(Valid {
                len: value.len(),
                note: "NIR structure and key valid",
            }),
            Validator::Siren => {
                let digits = digits_of(value);
                (digits.len() == 9 && luhn(&digits) && !all_same(&digits))
                    .then(|| whole("SIREN Luhn checksum valid"))?
            }
            Validator::Siret => siret(value).then(|| whole("SIRET checksum valid"))?,
            Validator::Phone => phone(value).then(|| whole("telephone number structure"))?,
            Validator::Jwt => (jwt(value) && !placeholder(value, false))
                .then(|| whole("JWT header decodes to JSON with alg"))?,
            Validator::AwsKey => (!value.ends_with("EXAMPLE") && !placeholder(value, true))
                .then(|| whole("AWS access key id shape"))?,
            Validator::Password | Validator::StrongPassword => {
                // Punctuation that ends the sentence is not the password's.
                let value = value.trim_end_matches([',', ';', '.', ')']);
                let strong = self == Validator::StrongPassword;
                password(value, strong).then_some(Valid {
                    len: value.len(),
                    note: "value given after a password hotword",
                })
            }
            Validator::Entropy => {
                high_entropy(value).then(|| whole("high-entropy value assigned to a key name"))?
            }
            Validator::PrivateKey => private_key(value).then(|| whole("private key block"))?,
            Validator::Cni => cni(value).then(|| whole("identity card number shape"))?,
            Validator::Token => {
                (!placeholder(value, true)).then(|| whole("token prefix and shape"))?
            }
            Validator::EncodedSecret => {
                encoded_secret(value).then(|| whole("encoded secret prefix and shape"))?
            }
            Validator::MatrixToken => {
                matrix_token(value).then(|| whole("Matrix token shape and CRC-32 valid"))?
            }
            Validator::PuttyKey => {
                putty_key(value).then(|| whole("PuTTY key file with private lines"))?
            }
            Validator::UrlCredentials => url_credentials(value)
                .then(|| whole("password written in a URL or connection string"))?,
            Validator::OneTimeCode => {
                one_time_code(value).then(|| whole("one-time code after a verification word"))?
            }
            Validator::Email => (!value.contains("://")).then(|| whole("e-mail address shape"))?,
        }
    }
}

fn digits_of(value: &str) -> Vec<u8> {
    value
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect()
}

fn all_same(digits: &[u8]) -> bool {
    digits.windows(2).all(|w| w[0] == w[1])
}

/// The Luhn (mod 10) checksum over decimal digits (0–9 values).
pub fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// IBAN lengths of the SEPA countries (EPC409-09), and of the French
/// overseas territories that keep their own codes.
fn iban_length(country: &str) -> Option<usize> {
    Some(match country {
        "NO" => 15,
        "BE" => 16,
        "DK" | "FI" | "FO" | "GL" | "NL" => 18,
        "SI" => 19,
        "AT" | "EE" | "LT" | "LU" => 20,
        "CH" | "HR" | "LI" | "LV" => 21,
        "BG" | "DE" | "GB" | "IE" | "VA" => 22,
        "GI" => 23,
        "AD" | "CZ" | "ES" | "RO" | "SE" | "SK" => 24,
        "PT" => 25,
        "IS" => 26,
        "FR" | "GR" | "IT" | "MC" | "SM" | "GF" | "GP" | "MQ" | "RE" | "PF" | "TF" | "YT"
        | "NC" | "PM" | "WF" | "BL" | "MF" => 27,
        "CY" | "HU" | "PL" => 28,
        "MT" => 31,
        _ => return None,
    })
}

fn iban(value: &str) -> Option<Valid> {
    let country = value.get(..2)?.to_ascii_uppercase();
    let length = iban_length(&country)?;
    // Take the first `length` letters and digits, across spaces.
    let mut chars = Vec::with_capacity(length);
    let mut end = 0;
    for (i, c) in value.char_indices() {
        if c.is_ascii_alphanumeric() {
            chars.push(c as u8);
            end = i + 1;
            if chars.len() == length {
                break;
            }
        } else if !matches!(c, ' ' | '\u{A0}') {
            return None;
        }
    }
    if chars.len() != length || !chars[2..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    // Capitals as printed, or all in lower case as people type them
    // ("fr76 3000 …"), or a capital that opens a sentence; never a mix.
    let lower = chars.iter().filter(|c| c.is_ascii_lowercase()).count();
    let upper = chars.iter().filter(|c| c.is_ascii_uppercase()).count();
    if lower > 0 && upper > 0 && !(upper == 1 && chars[0].is_ascii_uppercase()) {
        return None;
    }
    // A lower-case IBAN typed in groups keeps the groups of four.
    if lower > 0 && value[..end].contains(' ') {
        let groups: Vec<&str> = value[..end].split(' ').collect();
        let (last, full) = groups.split_last().expect("split yields one group");
        if full.iter().any(|g| g.len() != 4) || last.is_empty() || last.len() > 4 {
            return None;
        }
    }
    let chars: Vec<u8> = chars.iter().map(u8::to_ascii_uppercase).collect();
    // ISO 7064 mod 97-10: the first four characters move to the end, letters
    // become 10…35, and the number must leave 1 modulo 97.
    let mut remainder: u32 = 0;
    for &c in chars[4..].iter().chain(&chars[..4]) {
        let value = if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c - b'A') + 10
        };
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    (remainder == 1).then_some(Valid {
        len: end,
        note: "IBAN mod-97 check digits valid",
    })
}

/// The issuer of a card number from its prefix and length.
fn card_issuer(digits: &[u8]) -> Option<&'static str> {
    let prefix = |n: usize| {
        digits[..n]
            .iter()
            .fold(0u32, |acc, &d| acc * 10 + u32::from(d))
    };
    let len = digits.len();
    let (p1, p2, p3, p4) = (prefix(1), prefix(2), prefix(3), prefix(4));
    Some(match () {
        _ if p1 == 4 && matches!(len, 13 | 16 | 19) => "Visa",
        _ if ((51..=55).contains(&p2) || (2221..=2720).contains(&p4)) && len == 16 => "Mastercard",
        _ if matches!(p2, 34 | 37) && len == 15 => "American Express",
        _ if (p4 == 6011 || (644..=649).contains(&p3) || p2 == 65) && (16..=19).contains(&len) => {
            "Discover"
        }
        _ if (3528..=3589).contains(&p4) && (16..=19).contains(&len) => "JCB",
        _ if ((300..=305).contains(&p3) || p2 == 36 || p2 == 38 || p2 == 39)
            && (14..=19).contains(&len) =>
        {
            "Diners Club"
        }
        _ if p2 == 62 && (16..=19).contains(&len) => "UnionPay",
        _ if (matches!(p2, 50 | 56 | 57 | 58 | 63 | 67)) && (13..=19).contains(&len) => "Maestro",
        _ => return None,
    })
}

fn card(value: &str) -> Option<Valid> {
    // The separator, if any, must be the same throughout ("4970 1012 …").
    let separators: Vec<char> = value.chars().filter(|c| !c.is_ascii_digit()).collect();
    if separators.windows(2).any(|w| w[0] != w[1]) {
        return None;
    }
    // Try the whole match, then without its trailing groups.
    let mut ends: Vec<usize> = value
        .char_indices()
        .filter(|&(_, c)| !c.is_ascii_digit())
        .map(|(i, _)| i)
        .collect();
    ends.push(value.len());
    for &end in ends.iter().rev() {
        let digits = digits_of(&value[..end]);
        if !(13..=19).contains(&digits.len()) || all_same(&digits) || !luhn(&digits) {
            continue;
        }
        if let Some(issuer) = card_issuer(&digits) {
            let note = match issuer {
                "Visa" => "Luhn checksum valid, Visa number",
                "Mastercard" => "Luhn checksum valid, Mastercard number",
                "American Express" => "Luhn checksum valid, American Express number",
                "Discover" => "Luhn checksum valid, Discover number",
                "JCB" => "Luhn checksum valid, JCB number",
                "Diners Club" => "Luhn checksum valid, Diners Club number",
                "UnionPay" => "Luhn checksum valid, UnionPay number",
                _ => "Luhn checksum valid, Maestro number",
            };
            return Some(Valid { len: end, note });
        }
    }
    None
}

/// French NIR: sex, year, month (01–12, 20, 30–42, 50), department (01–95,
/// 2A, 2B, 97x and 98x overseas, 99 abroad), commune, order, and the key:
/// 97 − (the first 13 digits mod 97), with 2A read as 19 and 2B as 18.
fn nir(value: &str) -> bool {
    let chars: Vec<u8> = value
        .bytes()
        .filter(|b| !matches!(b, b' ' | b'.' | b'-'))
        .collect();
    if chars.len() != 15 || value.contains("\u{A0}") {
        return false;
    }
    let digit = |i: usize| chars[i].is_ascii_digit();
    let number = |range: std::ops::Range<usize>| {
        chars[range].iter().try_fold(0u64, |acc, &b| {
            b.is_ascii_digit().then(|| acc * 10 + u64::from(b - b'0'))
        })
    };
    if !matches!(chars[0], b'1' | b'2' | b'3' | b'4' | b'7' | b'8') || !(1..5).all(digit) {
        return false;
    }
    let Some(month) = number(3..5) else {
        return false;
    };
    if !(matches!(month, 1..=12 | 20 | 50) || (30..=42).contains(&month)) {
        return false;
    }
    let department = &chars[5..7];
    let corsica = match department {
        b"2A" | b"2a" => Some(19),
        b"2B" | b"2b" => Some(18),
        _ => None,
    };
    if corsica.is_none() {
        match number(5..7) {
            Some(1..=95 | 97 | 98 | 99) => {}
            _ => return false,
        }
    }
    if !(7..15).all(digit) {
        return false;
    }
    // The 13 digits as a number, with Corsica's letters replaced.
    let mut n: u64 = 0;
    for (i, &b) in chars[..13].iter().enumerate() {
        if (5..7).contains(&i) && corsica.is_some() {
            continue;
        }
        n = n * 10 + u64::from(b - b'0');
        if i == 4
            && let Some(code) = corsica
        {
            n = n * 100 + code;
        }
    }
    let key = number(13..15).expect("digits checked");
    key == 97 - n % 97
}

fn siret(value: &str) -> bool {
    let digits = digits_of(value);
    if digits.len() != 14 || all_same(&digits) {
        return false;
    }
    // La Poste's establishments share SIREN 356 000 000; their SIRETs do not
    // pass Luhn but have a digit sum that is a multiple of 5.
    let la_poste = digits[..9] == [3, 5, 6, 0, 0, 0, 0, 0, 0];
    luhn(&digits) || (la_poste && digits.iter().map(|&d| u32::from(d)).sum::<u32>() % 5 == 0)
}

fn phone(value: &str) -> bool {
    let digits = digits_of(value);
    // "0123456789" is the digits in order, not a number to call.
    if digits.windows(2).all(|w| w[1] == w[0] + 1) {
        return false;
    }
    let national = value.replace("(0)", "");
    let national_digits = digits_of(&national);
    if let Some(rest) = value
        .strip_prefix("+33")
        .or_else(|| value.strip_prefix("0033"))
    {
        let rest_digits = digits_of(&rest.replace("(0)", ""));
        return rest_digits.len() == 9 && rest_digits[0] != 0;
    }
    if value.starts_with('+') {
        return (8..=15).contains(&national_digits.len());
    }
    // "01 02 03 04 05": pairs counting up, what examples write.
    let pairs: Vec<u8> = digits
        .chunks(2)
        .map(|p| p[0] * 10 + p.get(1).copied().unwrap_or(0))
        .collect();
    let counting = pairs.windows(2).all(|w| w[1] == w[0] + 1);
    // "01 00 00 00 00": a prefix and zeros.
    digits.len() == 10 && digits[0] == 0 && digits[1] != 0 && !all_same(&digits[2..]) && !counting
}

/// Decodes base64 in either alphabet (RFC 4648 §4 and §5: JWT parts, `data:`
/// URIs), padding and white space skipped; `None` on another character.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for b in text.bytes() {
        let value = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            b'=' | b' ' | b'\t' | b'\r' | b'\n' => continue,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

fn jwt(value: &str) -> bool {
    let mut parts = value.split('.');
    let (Some(header), Some(_payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    if signature.is_empty() || header.len() > 4096 {
        return false;
    }
    let Some(decoded) = base64_decode(header) else {
        return false;
    };
    matches!(
        serde_json::from_slice::<serde_json::Value>(&decoded),
        Ok(serde_json::Value::Object(map)) if map.get("alg").is_some_and(|alg| alg.is_string())
    )
}

// Token shapes ---------------------------------------------------------------

/// Words that documentation writes inside a token-shaped placeholder.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "sample",
    "dummy",
    "placeholder",
    "redacted",
    "changeme",
    "yourtoken",
    "your_token",
    "yourkey",
    "your_key",
    "your_api",
    "insert",
    "replace",
];

/// Whether a token-shaped value is a placeholder: a run of `x` or `*`
/// (`ghp_xxxx…`, `AKIAXXXX…`), an ellipsis, a run of one character or an
/// ascending sequence (`abcdefgh`, `12345678`), or a word documentation
/// uses ("EXAMPLE"). `random` says the value is drawn from a uniform
/// alphabet: a run of six identical characters is then no accident, while
/// base64 of binary data holds long runs of `A` (zero bytes).
pub fn placeholder(value: &str, random: bool) -> bool {
    let bytes = value.as_bytes();
    if value.contains("...") || value.contains('…') {
        return true;
    }
    let mut x_run = 0;
    let mut star_run = 0;
    let mut same_run = 1;
    let mut ascending_run = 1;
    for (i, &b) in bytes.iter().enumerate() {
        x_run = if matches!(b, b'x' | b'X') {
            x_run + 1
        } else {
            0
        };
        star_run = if matches!(b, b'*' | b'#') {
            star_run + 1
        } else {
            0
        };
        if i > 0 {
            let previous = bytes[i - 1];
            same_run = if b == previous { same_run + 1 } else { 1 };
            ascending_run = if b.is_ascii_alphanumeric() && b == previous.wrapping_add(1) {
                ascending_run + 1
            } else {
                1
            };
        }
        // Four x in a row in 36 random characters happen once in some 30,000
        // tokens; in a key body of 1,600 base64 characters, once in some 600
        // keys: there, eight.
        let x_limit = if random { 4 } else { 8 };
        if x_run >= x_limit || star_run >= 3 || ascending_run >= 8 || (random && same_run >= 6) {
            return true;
        }
    }
    PLACEHOLDER_WORDS.iter().any(|word| {
        bytes
            .windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word.as_bytes()))
    })
}

/// Keys that vendors publish for their local emulators, so that examples
/// work everywhere (Azurite, the Azure storage emulator, documents this
/// one): no secret at all.
const PUBLISHED_KEYS: &[&str] =
    &["Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="];

fn encoded_secret(value: &str) -> bool {
    !placeholder(value, false) && !PUBLISHED_KEYS.iter().any(|key| value.ends_with(key))
}

/// CRC-32 (ISO-HDLC, zlib's) of `bytes`.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(bytes);
    crc.sum()
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `n` in base 62, six digits, most significant first (Synapse's
/// `base62_encode(crc, minwidth=6)`); `reversed` writes the least
/// significant first, as the authentication service does, padded on the
/// left all the same.
fn base62_crc(mut n: u32, reversed: bool) -> [u8; 6] {
    let mut digits = Vec::with_capacity(6);
    while n > 0 {
        digits.push(BASE62[(n % 62) as usize]);
        n /= 62;
    }
    if !reversed {
        digits.reverse();
    }
    let mut out = [b'0'; 6];
    // A CRC-32 needs at most six base-62 digits (62^6 > 2^32).
    let pad = 6 - digits.len();
    out[pad..].copy_from_slice(&digits);
    out
}

fn matrix_token(value: &str) -> bool {
    let Some((base, crc)) = value.rsplit_once('_') else {
        return false;
    };
    if crc.len() != 6 || placeholder(base, true) {
        return false;
    }
    // Synapse (`syt_`, `syr_`) and the authentication service (`mct_`,
    // `mcr_`) write the CRC of everything before the last `_` in their own
    // digit order.
    let synapse = value.starts_with("syt_") || value.starts_with("syr_");
    base62_crc(crc32(base.as_bytes()), !synapse) == crc.as_bytes()
}

fn putty_key(value: &str) -> bool {
    let Some((_, private)) = value.rsplit_once("Private-Lines:") else {
        return false;
    };
    let body = private
        .trim_start_matches(|c: char| c.is_ascii_digit() || c.is_whitespace())
        .trim_end();
    body.len() >= 16 && !placeholder(value, false)
}

/// Passwords that documentation writes in a URL.
const URL_PLACEHOLDERS: &[&str] = &[
    "pass",
    "password",
    "passwd",
    "pwd",
    "pw",
    "mdp",
    "motdepasse",
    "mot_de_passe",
    "secret",
    "changeme",
    "mysecretpassword",
    "yourpassword",
    "your_password",
    "your-password",
    "mypassword",
    "my_password",
    "db_password",
    "dbpassword",
    "placeholder",
    "redacted",
    "hidden",
    "masked",
    "token",
];

/// Host names that documentation writes: the names reserved for it
/// (RFC 2606: `example.com`, `*.example`, `*.test`, `*.invalid`) and words
/// that stand for a host.
fn documentation_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    labels.iter().any(|l| matches!(*l, "example" | "exemple"))
        || matches!(labels.last(), Some(&("test" | "invalid")))
        || matches!(
            host.as_str(),
            "host"
                | "hostname"
                | "myhost"
                | "yourhost"
                | "proxyhost"
                | "server"
                | "domain"
                | "serveur"
        )
}

/// Credentials that examples write: `foo:bar`, `abc:xyz`, `guest:guest`,
/// `proxyuser:proxypass`, a user named `user`.
fn example_password(user: &str, password: &str, lower: &str) -> bool {
    password.chars().count() <= 3
        || password.eq_ignore_ascii_case(user)
        || matches!(
            user.to_ascii_lowercase().as_str(),
            "user" | "username" | "utilisateur" | "login" | "someone" | "youruser" | "your_user"
        )
        || matches!(
            lower,
            "foo" | "bar" | "baz" | "qux" | "test" | "demo" | "example" | "exemple"
        )
        || (lower.bytes().all(|b| b.is_ascii_alphabetic())
            && ["pass", "pwd", "secret", "mdp", "motdepasse"]
                .iter()
                .any(|word| lower.contains(word)))
}

fn url_credentials(value: &str) -> bool {
    let Some((_, rest)) = value.split_once("://") else {
        return false;
    };
    let Some((userinfo, host)) = rest.rsplit_once('@') else {
        return false;
    };
    let Some((user, password)) = userinfo.split_once(':') else {
        return false;
    };
    let lower = password.to_ascii_lowercase();
    if documentation_host(host) || example_password(user, password, &lower) {
        return false;
    }
    let first = password.chars().next().unwrap_or('*');
    !(password.is_empty()
        // A port: `http://host:8080@…` is a host and a port, not a password.
        || (password.len() <= 5 && password.bytes().all(|b| b.is_ascii_digit()))
        // Variables and templates: `${DB_PASSWORD}`, `$PGPASS`, `{{pw}}`,
        // `<password>`, `%s`, `[password]`.
        || matches!(first, '$' | '{' | '<' | '[' | '(')
        // `%s` is a template; `%40dmin` is an escaped character.
        || (first == '%'
            && !password
                .as_bytes()
                .get(1..3)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)))
        || password.chars().all(|c| c == first)
        || !password.chars().any(char::is_alphanumeric)
        || URL_PLACEHOLDERS.contains(&lower.as_str())
        || placeholder(password, false))
}

fn one_time_code(value: &str) -> bool {
    let digits = digits_of(value);
    if !(6..=8).contains(&digits.len()) || all_same(&digits) {
        return false;
    }
    // "123456", "654321": what an example writes, not a drawn code.
    let step = |up: bool| {
        digits.windows(2).all(|w| {
            if up {
                w[1] == (w[0] + 1) % 10
            } else {
                w[0] == (w[1] + 1) % 10
            }
        })
    };
    if step(true) || step(false) {
        return false;
    }
    // A compact date (20261201) is a date.
    if digits.len() == 8 {
        let number = |range: std::ops::Range<usize>| {
            digits[range]
                .iter()
                .fold(0u32, |acc, &d| acc * 10 + u32::from(d))
        };
        let (year, month, day) = (number(0..4), number(4..6), number(6..8));
        if (1900..=2099).contains(&year) && (1..=12).contains(&month) && (1..=31).contains(&day) {
            return false;
        }
    }
    true
}

/// Words that follow a password hotword without being a password.
const NOT_PASSWORDS: &[&str] = &[
    "oublié",
    "oublie",
    "perdu",
    "expiré",
    "expire",
    "changé",
    "change",
    "modifié",
    "reset",
    "requis",
    "required",
    "incorrect",
    "invalide",
    "invalid",
    "wrong",
    "forgotten",
    "forgot",
    "expired",
    "changed",
    "dans",
    "sur",
    "pour",
    "the",
    "your",
    "votre",
    "ton",
    "mon",
    "le",
    "la",
    "les",
    "un",
    "une",
    "same",
    "même",
    "sent",
    "envoyé",
    "protected",
    "protégé",
    "vide",
    "empty",
    "none",
    "null",
    "aucun",
    "identique",
    "fourni",
    "provided",
];

fn password(value: &str, strong: bool) -> bool {
    let value =
        value.trim_matches(|c: char| matches!(c, '"' | '\'' | '«' | '»' | '`' | ',' | '.' | ';'));
    let length = value.chars().count();
    if !(4..=128).contains(&length) {
        return false;
    }
    let lower = value.to_lowercase();
    if NOT_PASSWORDS.contains(&lower.as_str()) {
        return false;
    }
    // Placeholders: "****", "xxxx", "<password>", "${PASSWORD}", "...".
    let first = value.chars().next().expect("not empty");
    if value.chars().all(|c| c == first)
        || value.starts_with('<')
        || value.starts_with("${")
        || value.starts_with("{{")
        || !value.chars().any(char::is_alphanumeric)
    {
        return false;
    }
    if strong {
        let digit = value.chars().any(|c| c.is_ascii_digit());
        let symbol = value.chars().any(|c| !c.is_alphanumeric());
        let mixed =
            value.chars().skip(1).any(char::is_uppercase) && value.chars().any(char::is_lowercase);
        return digit || symbol || mixed;
    }
    true
}

/// Shannon entropy in bits per character.
pub fn entropy(value: &str) -> f64 {
    let mut counts = [0u32; 256];
    for b in value.bytes() {
        counts[b as usize] += 1;
    }
    let length = value.len() as f64;
    counts
        .iter()
        .filter(|&&n| n > 0)
        .map(|&n| {
            let p = f64::from(n) / length;
            -p * p.log2()
        })
        .sum()
}

fn high_entropy(value: &str) -> bool {
    value.len() >= 16
        && value.bytes().any(|b| b.is_ascii_digit())
        && value.bytes().any(|b| b.is_ascii_alphabetic())
        && entropy(value) >= 3.5
}

fn private_key(value: &str) -> bool {
    // The armour lines (`-----BEGIN … PRIVATE KEY-----`) are matched by the
    // regex; what stands between them is the body, even when a chat client
    // joined the lines with spaces. Header lines (`Proc-Type: 4,ENCRYPTED`)
    // are skipped. The body counts up to a placeholder: documentation
    // writes the first characters of every key of a kind (`MIIEvQIBADAN…`)
    // then `...`; a truncated paste holds at least one whole line.
    let mut body = 0;
    for (i, part) in value.split("-----").enumerate() {
        if i % 2 == 1 {
            continue;
        }
        for line in part.lines().filter(|line| !line.contains(':')) {
            for word in line.split_whitespace() {
                if placeholder(word, false) {
                    return body >= 40;
                }
                body += word
                    .bytes()
                    .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
                    .count();
            }
        }
    }
    body >= 40
}

fn cni(value: &str) -> bool {
    let digits = value.bytes().filter(u8::is_ascii_digit).count();
    let letters = value.bytes().filter(u8::is_ascii_uppercase).count();
    match value.len() {
        12 => digits == 12 && !all_same(&digits_of(value)),
        9 => digits >= 1 && letters >= 1 && digits + letters == 9,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid(validator: Validator, value: &str) -> bool {
        validator.check(value).is_some()
    }

    #[test]
    fn iban_check_digits() {
        assert!(valid(Validator::Iban, "FR76 3000 6000 0112 3456 7890 189"));
        assert!(valid(Validator::Iban, "FR7630006000011234567890189"));
        assert!(valid(Validator::Iban, "DE89 3704 0044 0532 0130 00"));
        assert!(valid(Validator::Iban, "GB82 WEST 1234 5698 7654 32"));
        assert!(!valid(Validator::Iban, "FR76 3000 6000 0112 3456 7890 188"));
        assert!(!valid(Validator::Iban, "XX76 3000 6000 0112 3456 7890 189"));
        // A following group is not part of the IBAN.
        let v = Validator::Iban
            .check("DE89 3704 0044 0532 0130 00 1234")
            .unwrap();
        assert_eq!(v.len, "DE89 3704 0044 0532 0130 00".len());
    }

    #[test]
    fn card_numbers() {
        assert!(valid(Validator::Card, "4970 1012 3456 7893"));
        assert!(valid(Validator::Card, "4111111111111111"));
        assert!(valid(Validator::Card, "5555-5555-5555-4444"));
        assert!(valid(Validator::Card, "3782 822463 10005"));
        assert!(!valid(Validator::Card, "4111 1111 1111 1112"), "Luhn");
        assert!(
            !valid(Validator::Card, "1234 5678 9012 3452"),
            "no issuer starts with 1"
        );
        assert!(
            !valid(Validator::Card, "4111 1111-1111 1111"),
            "mixed separators"
        );
        assert!(!valid(Validator::Card, "0000 0000 0000 0000"));
    }

    #[test]
    fn nir_keys() {
        assert!(valid(Validator::Nir, "1 85 05 78 006 084 91"));
        assert!(valid(Validator::Nir, "185057800608491"));
        assert!(valid(Validator::Nir, "2 06 12 75 111 005 64"));
        assert!(!valid(Validator::Nir, "1 85 05 78 006 084 92"), "wrong key");
        assert!(!valid(Validator::Nir, "1 85 13 78 006 084 91"), "month 13");
        assert!(!valid(Validator::Nir, "5 85 05 78 006 084 91"), "sex 5");
        // Corsica: 2A counts as 19 in the key.
        let base: u64 = 1_850_519_006_084;
        let key = 97 - base % 97;
        assert!(valid(
            Validator::Nir,
            &format!("1 85 05 2A 006 084 {key:02}")
        ));
        assert!(!valid(
            Validator::Nir,
            &format!("1 85 05 2B 006 084 {key:02}")
        ));
    }

    #[test]
    fn siren_and_siret() {
        assert!(valid(Validator::Siren, "732 829 320"));
        assert!(!valid(Validator::Siren, "732 829 321"));
        assert!(valid(Validator::Siret, "732 829 320 00074"));
        assert!(!valid(Validator::Siret, "732 829 320 00075"));
        assert!(
            valid(Validator::Siret, "356 000 000 00048"),
            "La Poste's head office passes Luhn"
        );
        assert!(
            valid(Validator::Siret, "356 000 000 00001"),
            "other La Poste sites: digit sum"
        );
        assert!(!valid(Validator::Siret, "356 000 000 00002"));
    }

    #[test]
    fn phones() {
        assert!(valid(Validator::Phone, "06 12 34 56 78"));
        assert!(valid(Validator::Phone, "+33 6 12 34 56 78"));
        assert!(valid(Validator::Phone, "+33 (0)6 12 34 56 78"));
        assert!(valid(Validator::Phone, "0033 6 12 34 56 78"));
        assert!(valid(Validator::Phone, "+44 20 7946 0958"));
        assert!(!valid(Validator::Phone, "+33 6 12 34 56"));
        assert!(!valid(Validator::Phone, "00 00 00 00 00"));
        assert!(!valid(Validator::Phone, "0123456789"));
        assert!(!valid(Validator::Phone, "01 02 03 04 05"));
        assert!(!valid(Validator::Phone, "01 00000000"));
    }

    #[test]
    fn jwts() {
        let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        assert!(valid(Validator::Jwt, token));
        assert!(
            !valid(Validator::Jwt, "eyJub3RhbGciOjF9.eyJzdWIiOiIxIn0.abc"),
            "no alg"
        );
        assert!(
            !valid(Validator::Jwt, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0"),
            "two parts"
        );
    }

    #[test]
    fn passwords() {
        assert!(valid(Validator::Password, "hunter2"));
        assert!(valid(Validator::Password, "soleil"));
        assert!(!valid(Validator::Password, "oublié"));
        assert!(!valid(Validator::Password, "****"));
        assert!(!valid(Validator::Password, "<password>"));
        assert!(valid(Validator::StrongPassword, "Tr0ub4dor&3"));
        assert!(!valid(Validator::StrongPassword, "dans"));
        assert!(!valid(Validator::StrongPassword, "required"));
    }

    #[test]
    fn entropy_and_keys() {
        assert!(valid(
            Validator::Entropy,
            "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
        ));
        assert!(!valid(Validator::Entropy, "aaaaaaaaaaaaaaaaaaaa1"));
        assert!(!valid(Validator::AwsKey, "AKIAIOSFODNN7EXAMPLE"));
        assert!(valid(Validator::AwsKey, "AKIAZ7VRSQ5TJN2PJQ4B"));
    }

    /// A Synapse access token for `localpart`, with its CRC.
    fn synapse_token(localpart: &str, random: &str) -> String {
        let b64 = base64_encode_unpadded(localpart.as_bytes());
        let base = format!("syt_{b64}_{random}");
        let crc = base62_crc(crc32(base.as_bytes()), false);
        format!("{base}_{}", std::str::from_utf8(&crc).unwrap())
    }

    fn base64_encode_unpadded(bytes: &[u8]) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().fold(0u32, |acc, &b| acc << 8 | u32::from(b))
                << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
        }
        out
    }

    #[test]
    fn matrix_tokens_carry_their_crc() {
        // crc32("syt_YWxpY2U_abcdefghijABCDEFGHIJ") checked against Python's
        // zlib.crc32 and Synapse's base62_encode.
        let token = synapse_token("alice", "QwErTyUiOpAsDfGhJkLz");
        assert!(valid(Validator::MatrixToken, &token), "{token}");
        let mut wrong = token.clone();
        wrong.pop();
        wrong.push(if token.ends_with('a') { 'b' } else { 'a' });
        assert!(!valid(Validator::MatrixToken, &wrong));
        // The authentication service writes its digits the other way round.
        let base = "mct_Ab3dEf6hIj9kLm2oPq5sTu8wXy1zBc";
        let crc = base62_crc(crc32(base.as_bytes()), true);
        let token = format!("{base}_{}", std::str::from_utf8(&crc).unwrap());
        assert!(valid(Validator::MatrixToken, &token), "{token}");
        let synapse_order = base62_crc(crc32(base.as_bytes()), false);
        if synapse_order != crc {
            let token = format!("{base}_{}", std::str::from_utf8(&synapse_order).unwrap());
            assert!(!valid(Validator::MatrixToken, &token));
        }
        assert_eq!(&base62_crc(0, false), b"000000");
        assert_eq!(&base62_crc(61, false), b"00000z");
        assert_eq!(&base62_crc(62, true), b"000001");
    }

    #[test]
    fn token_placeholders() {
        for value in [
            "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "AKIAXXXXXXXXXXXXXXXX",
            "npm_abcdefghijklmnopqrstuvwxyz0123456789",
            "sk_live_000000000000000000000000",
            "dckr_pat_YOUR_TOKEN_HERE_REPLACE_ME",
            "glpat-EXAMPLEexampleEXAMPLE",
            "sk-...XXXX",
        ] {
            assert!(!valid(Validator::Token, value), "{value}");
        }
        assert!(!valid(Validator::AwsKey, "AKIAXXXXXXXXXXXXXXXX"));
        assert!(valid(
            Validator::Token,
            "ghp_4Zq8NwT2vKd9RmLp3XbYc7HsJf6GtA1eQo5U"
        ));
        // Base64 of binary data holds runs of A: not a placeholder there.
        assert!(valid(
            Validator::EncodedSecret,
            "AccountKey=AAAAAAAAB3NzaC1yc2EAAAADAQABAAABAQDx7Kp9sL2mQwErTyUiOpAsDfGhJkLzXcVbNm1234QwErTyUiOp=="
        ));
        assert!(!valid(
            Validator::EncodedSecret,
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
        ));
    }

    #[test]
    fn url_passwords() {
        assert!(valid(
            Validator::UrlCredentials,
            "postgres://app:Zq8-Nw2vKd@db.prod.acme.fr"
        ));
        assert!(valid(Validator::UrlCredentials, "redis://:hT4pX9qL@cache"));
        assert!(valid(
            Validator::UrlCredentials,
            "ftp://ops:%40dm1n-42@files"
        ));
        for url in [
            "postgres://user:pass@db",
            "postgres://user:password@db",
            "mysql://root:<password>@db",
            "mongodb://app:${DB_PASSWORD}@db",
            "amqp://guest:****@mq",
            "http://host:8080@evil.example",
            "ftp://bob:xxxxxxxx@files",
            "https://user:@host",
            "postgres://app:%s@db",
            "https://abc:xyz@example.com",
            "http://proxyuser:proxypass@proxyhost",
            "http://foo:bar@myhost",
            "amqp://guest:guest@localhost",
            "postgres://app:Zq8-Nw2vKd@db.example.com",
            "https://user:he%2F%2Fo@pypi.company.com",
        ] {
            assert!(!valid(Validator::UrlCredentials, url), "{url}");
        }
    }

    #[test]
    fn one_time_codes() {
        assert!(valid(Validator::OneTimeCode, "482913"));
        assert!(valid(Validator::OneTimeCode, "482 913"));
        assert!(valid(Validator::OneTimeCode, "90417725"));
        for value in ["123456", "654321", "000000", "20261201", "12345", "901234"] {
            assert!(!valid(Validator::OneTimeCode, value), "{value}");
        }
    }

    #[test]
    fn lower_case_ibans() {
        assert!(valid(Validator::Iban, "fr76 3000 6000 0112 3456 7890 189"));
        assert!(valid(Validator::Iban, "fr7630006000011234567890189"));
        assert!(valid(Validator::Iban, "Fr76 3000 6000 0112 3456 7890 189"));
        assert!(!valid(Validator::Iban, "fr76 3000 6000 0112 3456 7890 188"));
        assert!(!valid(Validator::Iban, "fR76 3000 6000 0112 3456 7890 189"));
        assert!(!valid(Validator::Iban, "fr76 30006 000 0112 3456 7890 189"));
    }

    #[test]
    fn private_key_bodies() {
        let line = "MIIEowIBAAKCAQEAx7Kp9sL2mQwErTyUiOpAsDfGhJkLzXcVbNm4QwErTyUiOpAsDf";
        assert!(valid(
            Validator::PrivateKey,
            &format!("-----BEGIN RSA PRIVATE KEY-----\n{line}")
        ));
        assert!(valid(
            Validator::PrivateKey,
            &format!("-----BEGIN RSA PRIVATE KEY----- {line} {line}")
        ));
        assert!(!valid(
            Validator::PrivateKey,
            "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC...\n-----END PRIVATE KEY-----"
        ));
        assert!(!valid(
            Validator::PrivateKey,
            "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----"
        ));
    }
}
