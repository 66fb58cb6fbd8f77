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

/// The text around a value, for the validators that read it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Around<'a> {
    /// The match before the value: a hotword or key name, qualifying words,
    /// the separator, a pair's user name.
    pub key: &'a str,
    /// The rest of the value's line (a bounded part of it).
    pub after: &'a str,
    /// Some text before the match, across lines.
    pub before: &'a str,
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
        self.check_in(value, &Around::default())
    }

    /// Checks `value` knowing the text around it. Only the credential
    /// validators look at it: source code, placeholders, prose and
    /// documentation examples are told apart by their context.
    pub fn check_in(self, value: &str, around: &Around) -> Option<Valid> {
        let (key, after) = (around.key, around.after);
        if matches!(
            self,
            Validator::Password | Validator::StrongPassword | Validator::Entropy
        ) && example(around.before)
        {
            return None;
        }
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
                credential(value, key, after, self == Validator::StrongPassword)
            }
            Validator::Entropy => (high_entropy(value)
                && !token_prefix(value)
                && !placeholder_run(value)
                && !code_expression(value, after))
            .then(|| whole("high-entropy value assigned to a key name"))?,
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

pub use crate::base64::decode as base64_decode;

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

/// Words that follow a password hotword without being a password: states
/// ("oublié", "required"), the first word of an instruction ("voir le
/// coffre-fort", "see vault", "le même que d'habitude", "ask Paul").
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
    // Instructions and pointers to where the password is.
    "see",
    "voir",
    "cf",
    "ask",
    "demander",
    "demande",
    "demandez",
    "comme",
    "idem",
    "like",
    "as",
    "via",
    "par",
    "in",
    "on",
    "at",
    "en",
    "au",
    "aux",
    "chez",
    "call",
    "appelle",
    "appeler",
    "contact",
    "contacter",
    "check",
    "vérifier",
    "below",
    "above",
    "ci-dessous",
    "ci-dessus",
    "ci-joint",
    "attached",
    "separately",
    "séparément",
    "later",
    "bientôt",
    "soon",
    "usual",
    "habituel",
    "habituelle",
    "pareil",
    "celui",
    "celle",
    "here",
    "ici",
    "this",
    "that",
    "ce",
    "cet",
    "cette",
    "ça",
    "of",
    "de",
    "du",
    "des",
    "is",
    "was",
    "est",
    "sera",
    "will",
    "must",
    "should",
    "doit",
    "peut",
    "can",
    "may",
    "set",
    "défini",
    "valide",
    "valid",
    "correct",
    "ok",
    "faux",
    "bon",
    "mauvais",
    "unknown",
    "inconnu",
    "inchangé",
    "unchanged",
    "stored",
    "stocké",
];

/// Values that stand where a password would, in templates, documentation,
/// configuration examples and type annotations.
const PLACEHOLDERS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "changeit",
    "changez-moi",
    "achanger",
    "à_changer",
    "password",
    "passwd",
    "pass",
    "pwd",
    "mdp",
    "motdepasse",
    "mot_de_passe",
    "passphrase",
    "secret",
    "secrets",
    "redacted",
    "masqué",
    "masque",
    "masked",
    "caché",
    "hidden",
    "removed",
    "supprimé",
    "censuré",
    "censored",
    "omitted",
    "omis",
    "example",
    "exemple",
    "sample",
    "dummy",
    "fake",
    "placeholder",
    "foo",
    "bar",
    "foobar",
    "baz",
    "qux",
    "tbd",
    "todo",
    "tba",
    "n/a",
    "nil",
    "undefined",
    "true",
    "false",
    "yes",
    "no",
    "oui",
    "non",
    "value",
    "valeur",
    "string",
    "str",
    "text",
    "texte",
    "secretstr",
    "bytes",
    "optional",
    "obligatoire",
    "facultatif",
    "default",
    "défaut",
    "defaut",
    "xxx",
    "input",
    "hash",
    "hashed",
    "encrypted",
    "chiffré",
    "something",
    "whatever",
    "anything",
    "added",
    "deprecated",
    "fixed",
    "updated",
    "new",
];

/// Words that, before the value, say the line is about passwords in
/// general (a policy, a form, a reset) and not giving one. Matched at the
/// start of a word of the key.
const ABOUT_PASSWORDS: &[&str] = &[
    "reset",
    "oubli",
    "policy",
    "policies",
    "politique",
    "règle",
    "regle",
    "rule",
    "requirement",
    "exigence",
    "complexit",
    "longueur",
    "length",
    "expir",
    "manager",
    "gestionnaire",
    "field",
    "champ",
    "hint",
    "indice",
    "strength",
    "robustesse",
    "recover",
    "récupér",
    "recuper",
    "réinitialis",
    "reinitialis",
    "salt",
    "prompt",
    "dialog",
    "saisi",
    "protect",
    "protég",
    "format",
    "minimum",
    "maximum",
    "caract",
    "character",
    "generat",
    "génér",
    "history",
    "historique",
    "encrypt",
    "chiffr",
    "hash",
    "min",
    "max",
    "must",
    "doit",
    "should",
    "devra",
    "requires",
    "exige",
    "contient",
    "contain",
];

/// Words that, right after a value, make it a quantity in a sentence
/// ("12 caractères", "8-16 characters").
const UNITS: &[&str] = &[
    "caractères",
    "caracteres",
    "characters",
    "chars",
    "chiffres",
    "digits",
    "lettres",
    "letters",
    "signes",
    "symboles",
    "symbols",
    "minimum",
    "maximum",
    "min",
    "max",
    "mois",
    "jours",
    "days",
    "months",
    "ans",
    "years",
    "fois",
    "times",
    "tentatives",
    "attempts",
    "essais",
    "tries",
    "bits",
    "octets",
    "bytes",
];

/// Roots of dotted paths in source code (`args.password`, `process.env.X`).
const CODE_ROOTS: &[&str] = &[
    "self",
    "this",
    "args",
    "opts",
    "options",
    "config",
    "cfg",
    "conf",
    "settings",
    "env",
    "environ",
    "process",
    "os",
    "request",
    "req",
    "params",
    "body",
    "form",
    "data",
    "user",
    "ctx",
    "context",
    "input",
    "props",
    "state",
    "creds",
    "credentials",
    "auth",
    "db",
    "app",
];

/// Parts of key names and values that name a secret (`DB_PASSWORD`).
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "motdepasse",
    "secret",
    "token",
    "apikey",
    "changeme",
    "passphrase",
];

const QUOTES: &[char] = &['"', '\'', '«', '»', '`', '“', '”'];

/// How a password value was given, read from the end of its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Given {
    /// After a separator (`:`, `=`, `→`), or quoted: the value is whatever
    /// stands there.
    Assigned,
    /// After a verb ("est", "is"): the value must look like a password.
    Sentence,
    /// After the hotword and spaces only: it must look much like one.
    Bare,
}

/// A password candidate in its context: `key` is the match before the value
/// (hotword, qualifying words, separator), `after` the rest of the line.
fn credential(raw: &str, key: &str, after: &str, strong: bool) -> Option<Valid> {
    let quoted = raw.starts_with(QUOTES);
    let value = if quoted {
        raw
    } else {
        // Punctuation that ends the sentence is not the password's, nor an
        // HTML entity after it (`correct.&quot;`).
        let value = raw.trim_end_matches([',', ';', '.', ')']);
        match value.rfind('&') {
            Some(at)
                if at > 0
                    && (["quot", "amp", "lt", "gt", "apos", "nbsp"]
                        .contains(&&value[at + 1..])
                        || value[at + 1..].strip_prefix('#').is_some_and(|n| {
                            !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric())
                        })) =>
            {
                value[..at].trim_end_matches([',', ';', '.', ')'])
            }
            _ => value,
        }
    };
    let inner = value.trim_matches(QUOTES).trim();
    if code_expression(raw, after)
        || (quoted && code_expression(inner, ""))
        || trailing_object_identifier(raw, after)
    {
        return None;
    }
    // "password reset:", "Password requirements:": a label, not a value.
    if !quoted && inner.ends_with([':', '：']) {
        return None;
    }
    let key_end = key.trim_end();
    let key_lower = key.to_lowercase();
    // A pair names the user first ("user X pass Y", "login: X password: Y").
    let lead = ["identifiant", "credentials", "login", "user", "utilisateur"]
        .iter()
        .any(|lead| key_lower.starts_with(lead));
    let pair = lead
        && match pair_user(&key_lower) {
            // "identifiants : X": the value alone, no user name before it.
            None => false,
            Some(user) if NOT_USERS.contains(&user) => return None,
            Some(_) => true,
        };
    let ends_with_word = key_end.ends_with(|c: char| c.is_alphanumeric());
    let verb = ends_with_word
        && ["est", "is", "was", "était", "c'est", "c’est", "sera"]
            .iter()
            .any(|v| key_end.to_lowercase().ends_with(v));
    let given = if quoted || key_end.is_empty() {
        Given::Assigned
    } else if ends_with_word {
        // "user X pass Y" with no separator: the value must look like one.
        if verb || pair {
            Given::Sentence
        } else {
            Given::Bare
        }
    } else if key_end.ends_with(['-', '–', '—']) && !key_end.ends_with("->") {
        // A dash is also punctuation in a sentence ("again - sorry").
        Given::Sentence
    } else {
        Given::Assigned
    };
    // Quoted right after words ("the passphrase "enter again" prompt"): the
    // words must qualify the password, not make a sentence of it.
    let quoted_in_sentence = quoted && ends_with_word && !pair && !verb;
    let words_only = inner
        .chars()
        .all(|c| c.is_alphabetic() || c == ' ' || c == '\'' || c == '’');
    if quoted_in_sentence && (sentence_words(key) || (words_only && prose("x", after))) {
        return None;
    }
    let ok = password(inner, strong || given == Given::Sentence)
        && (given != Given::Bare || bare_password(inner, key))
        && !password_placeholder(inner, key)
        && (pair || !about_passwords(key))
        && (quoted || !prose(inner, after));
    ok.then_some(Valid {
        len: value.len(),
        note: "value given after a password hotword",
    })
}

/// Words that do not name a user in "user X pass Y" ("username and
/// password separated by…", "login style password requests").
const NOT_USERS: &[&str] = &[
    "and", "or", "et", "ou", "the", "le", "la", "les", "your", "votre", "ton", "name", "nom",
    "with", "avec", "is", "est", "to", "of", "for", "pour", "an", "a", "un", "une", "no", "not",
    "empty", "vide", "style", "field", "champ", "&", "+", "and/or", "et/ou",
];

/// The word after a pair's lead (its user name), if there is one.
fn pair_user(key: &str) -> Option<&str> {
    let rest = key
        .trim_start_matches(|c: char| c.is_alphanumeric())
        .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '=' | '：'));
    let user = rest
        .split(|c: char| c.is_whitespace() || matches!(c, '/' | ',' | ';' | '|'))
        .next()
        .unwrap_or("");
    (!user.is_empty()).then_some(user)
}

/// Conjunctions and verbs among the words between a hotword and a quoted
/// value: a sentence ("pwd and "readlink -e ."").
fn sentence_words(key: &str) -> bool {
    const WORDS: &[&str] = &[
        "and", "or", "et", "ou", "is", "are", "was", "were", "be", "been", "will", "est", "sont",
        "sera", "as", "comme", "in", "dans", "to", "than", "que", "with", "avec", "by", "par",
        "from", "if", "si", "then", "prompt", "shows",
    ];
    key.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .skip(1)
        .any(|word| WORDS.contains(&word.to_lowercase().as_str()))
}

/// A value without the punctuation that may end its sentence.
fn core(value: &str) -> &str {
    value.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '"', '\'', '»', '”'])
}

fn password(value: &str, strong: bool) -> bool {
    let value =
        value.trim_matches(|c: char| matches!(c, '"' | '\'' | '«' | '»' | '`' | ',' | '.' | ';'));
    let length = value.chars().count();
    if !(4..=128).contains(&length) {
        return false;
    }
    let lower = value.to_lowercase();
    let first_word = lower.split_whitespace().next().unwrap_or("");
    if NOT_PASSWORDS.contains(&lower.as_str()) || NOT_PASSWORDS.contains(&first_word) {
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
        // Punctuation ending a sentence does not make a word a password.
        let value = core(value);
        let digit = value.chars().any(|c| c.is_ascii_digit());
        let symbol = value.chars().any(|c| !c.is_alphanumeric());
        let mixed =
            value.chars().skip(1).any(char::is_uppercase) && value.chars().any(char::is_lowercase);
        return digit || symbol || mixed;
    }
    true
}

/// A value right after the hotword, with nothing between: only a string
/// that no sentence would hold there (letters with digits or symbols, six
/// characters at least; a code's digits).
fn bare_password(value: &str, key: &str) -> bool {
    let length = value.chars().count();
    let letters = value.chars().any(char::is_alphabetic);
    let digits = value.chars().any(|c| c.is_ascii_digit());
    let code = key.to_lowercase().contains("code");
    if code && value.bytes().all(|b| b.is_ascii_digit()) {
        return (4..=12).contains(&length);
    }
    let value = core(value);
    let symbols = value.chars().any(|c| !c.is_alphanumeric());
    let mixed = value.chars().any(char::is_uppercase) && value.chars().any(char::is_lowercase);
    length >= 6 && letters && (digits || (symbols && mixed)) && !value.contains(' ')
}

/// Whether `value` holds `run` filler characters in a row (`x`, `X`, `*`, `•`).
fn filler_run(value: &str, run: usize) -> bool {
    let mut length = 0;
    for c in value.chars() {
        length = if matches!(c, 'x' | 'X' | '*' | '•' | '●') {
            length + 1
        } else {
            0
        };
        if length >= run {
            return true;
        }
    }
    false
}

/// Templates, examples, pointers: what stands where a password would.
fn password_placeholder(value: &str, key: &str) -> bool {
    let lower = value.to_lowercase();
    if PLACEHOLDERS.contains(&lower.as_str()) {
        return true;
    }
    // "xxxx-xxxx", "••••••", "***": made only of filler characters.
    if value.chars().all(|c| {
        matches!(
            c,
            'x' | 'X' | '*' | '•' | '●' | '·' | '.' | '_' | '-' | '#' | '?' | ' '
        )
    }) {
        return true;
    }
    // A token shape filled in with filler ("pypi-AgEI…XXXXXXXX",
    // "ghp_xxxxxxxx…"): eight filler characters in a row are no password.
    if filler_run(value, 8) {
        return true;
    }
    // Templates and markup: "(masqué)", "[REDACTED]", "%(password)s",
    // "{password}", "$(cat file)", a YAML tag ("!vault") or alias ("*pw").
    let mut chars = value.chars();
    let (first, second) = (chars.next(), chars.next());
    if matches!(first, Some('(' | '[' | '{' | '<' | '>'))
        || (value.contains('<') && value.contains('>'))
        || ["&#", "&lt;", "&gt;", "&quot;", "&amp;"]
            .iter()
            .any(|entity| value.starts_with(entity))
        || value.starts_with("%(")
        || value.starts_with("%s")
        || value.starts_with("$(")
        || (matches!(first, Some('!' | '*' | '&' | ':' | '@'))
            && value[1..].chars().all(|c| c.is_alphanumeric() || c == '_')
            && second.is_some_and(char::is_alphabetic)
            && !value.chars().any(|c| c.is_ascii_digit()))
    {
        return true;
    }
    // A variable reference: "$DB_PASSWORD", "$pass", "%DB_PASS%".
    if (first == Some('$') && identifier(&value[1..]))
        || (first == Some('%') && value.ends_with('%') && value.len() > 2)
    {
        return true;
    }
    // A link, a path or an address is where the password is, or a user name.
    if value.contains("://")
        || ((value.starts_with('/') || value.starts_with("~/") || value.starts_with("./"))
            && value[1..].contains(|c: char| c.is_alphabetic()))
        || email_like(value)
    {
        return true;
    }
    let alnum: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
    // The key's own name ("DB_PASSWORD=DB_PASSWORD", `password => 'password'`,
    // "your_password_here"): a secret word and no digit.
    if SECRET_WORDS.iter().any(|w| alnum.contains(w)) && !alnum.chars().any(|c| c.is_ascii_digit())
    {
        return true;
    }
    let key_alnum: String = key
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    alnum.len() >= 3 && key_alnum.contains(&alnum)
}

fn email_like(value: &str) -> bool {
    value.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.rsplit_once('.').is_some_and(|(host, tld)| {
                !host.is_empty() && tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic())
            })
    })
}

/// Whether the key says the line is about passwords, not giving one.
fn about_passwords(key: &str) -> bool {
    key.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .any(|word| {
            let word = word.to_lowercase();
            ABOUT_PASSWORDS.iter().any(|stem| word.starts_with(stem))
        })
}

/// A plain word followed by more words is a sentence ("Password: provides
/// the ability to…"), and a number followed by a unit is a rule ("12
/// caractères").
fn prose(value: &str, after: &str) -> bool {
    let words: Vec<&str> = after
        .split(['(', ',', ';', '.', '!', '?', ':'])
        .next()
        .unwrap_or("")
        .split_whitespace()
        .take(2)
        .collect();
    if let Some(first) = after.split_whitespace().next() {
        let first = first
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        if UNITS.contains(&first.as_str()) {
            return true;
        }
    }
    let plain = value
        .chars()
        .all(|c| c.is_alphabetic() || c == '-' || c == '\'' || c == '’');
    plain && !words.is_empty()
}

/// `a_b`, `camelCase`: an identifier of source code.
fn identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `args.password`, `c->pwd`, `Foo::BAR`: identifiers joined by accessors.
fn identifier_path(text: &str) -> Option<Vec<&str>> {
    let parts: Vec<&str> = text
        .split(['.', ':', '-', '>'])
        .filter(|p| !p.is_empty())
        .collect();
    let joined = text
        .split("->")
        .all(|part| part.split("::").all(|part| part.split('.').all(identifier)));
    joined.then_some(parts)
}

/// Source code where a value would stand: a call or an index
/// (`g_strdup(s);`, `getpass()`, `$_POST['pwd'];`, `os.getenv(`), a
/// variable (`pwd;`, `args.password`, `process.env.DB_PASSWORD`), a type
/// annotation (`password: str = …`).
fn code_expression(raw: &str, after: &str) -> bool {
    // A call right after a name the value's characters stopped at.
    if (after.starts_with('(') || after.starts_with('[')) && identifier_path(raw).is_some() {
        return true;
    }
    let after = after.trim_start();
    if after.starts_with('=') && !after.starts_with("==") {
        return true;
    }
    let body = raw.trim_start_matches(['$', '@', '&', '*']);
    // A call or an index on a name, closed by the value's end or later on
    // the line (`f(a, b)` is cut at its space).
    if let Some(open) = body.find(['(', '[']) {
        let callee = &body[..open];
        let last = raw.trim_end_matches([';', ',']).chars().last();
        if !callee.is_empty()
            && identifier_path(callee).is_some()
            && (matches!(last, Some(')' | ']' | '(' | '[')) || after.contains([')', ']']))
        {
            return true;
        }
    }
    // A constant: `GNUTLS_E_DECRYPTION_FAILED`, `PASSWORD_DEFAULT`.
    let name = raw.trim_end_matches([',', ';', '.']);
    if name.contains('_')
        && identifier(name)
        && !name.chars().any(|c| c.is_ascii_lowercase())
        && name.chars().any(|c| c.is_ascii_uppercase())
    {
        return true;
    }
    // A statement's end after a name: `pwd;`, `this.pwd;`.
    if raw
        .strip_suffix(';')
        .is_some_and(|name| identifier_path(name.trim_start_matches('$')).is_some())
    {
        return true;
    }
    // A dotted path from a known root, or through a secret's name.
    identifier_path(raw.trim_end_matches([',', ';'])).is_some_and(|parts| {
        let lower: Vec<String> = parts.iter().map(|p| p.to_lowercase()).collect();
        parts.len() >= 2
            && (CODE_ROOTS.contains(&lower[0].as_str())
                || lower.iter().any(|p| {
                    SECRET_WORDS.iter().any(|w| p.contains(w)) || p.contains("pass") || p == "pwd"
                }))
    })
}

/// A bare name ending an object literal's line (`password: hashed,`): a
/// variable, where JSON would have quoted a string.
fn trailing_object_identifier(raw: &str, after: &str) -> bool {
    after.trim().is_empty()
        && raw
            .strip_suffix(',')
            .is_some_and(|name| identifier(name) && !name.chars().any(|c| c.is_ascii_digit()))
}

/// Whether the text before a value introduces an example ("For example,
/// for a user named `user` and password `he//o`…", "par exemple"):
/// documentation, not a leak.
fn example(before: &str) -> bool {
    const WORDS: &[&[u8]] = &[b"example", b"exemple", b"e.g.", b"for instance"];
    let bytes = before.as_bytes();
    // A word of prose: not `example.org` nor `exemple-app`.
    let joined = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'@' | b'/');
    WORDS.iter().any(|word| {
        (0..bytes.len().saturating_sub(word.len() - 1)).any(|at| {
            bytes[at..at + word.len()].eq_ignore_ascii_case(word)
                && (at == 0 || !joined(bytes[at - 1]))
                && (word.ends_with(b".") || bytes.get(at + word.len()).is_none_or(|&b| !joined(b)))
        })
    })
}

/// A value that starts like a token whose own rule knows its exact shape
/// (`ghp_`, `glpat-`, `xoxb-`, `AIza`, `eyJ`, `AKIA`): that rule judges it,
/// and a value too short for it is a truncated or made-up one.
fn token_prefix(value: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "ghp_",
        "gho_",
        "ghu_",
        "ghs_",
        "ghr_",
        "github_pat_",
        "glpat-",
        "gldt-",
        "glptt-",
        "glrt-",
        "glsoat-",
        "xoxa-",
        "xoxb-",
        "xoxp-",
        "xoxo-",
        "xoxs-",
        "xoxr-",
        "AIza",
        "eyJ",
        "AKIA",
        "ASIA",
    ];
    PREFIXES.iter().any(|p| value.starts_with(p))
}

/// A run of filler characters inside a value (`sk-xxxxxxxxxxxx`): a template.
fn placeholder_run(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes
        .windows(6)
        .any(|w| (w.iter().all(|&b| b == b'x' || b == b'X')) || w.iter().all(|&b| b == b'*'))
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
    fn passwords_in_their_context() {
        let found = |value: &str, key: &str, after: &str| {
            let around = Around {
                key,
                after,
                before: "",
            };
            Validator::Password.check_in(value, &around).is_some()
        };
        // Given after a separator, quoted, in a pair, or alone if it looks
        // like one.
        assert!(found("Soleil42!", "mot de passe provisoire : ", ""));
        assert!(found("\"hunter2\"", "password = ", ")"));
        assert!(found("Violette42", "user jdupont pass ", ""));
        assert!(found("violette", "login: jdupont password: ", ""));
        assert!(!found("separated", "username and password ", " by a colon"));
        let example = Around {
            key: "password: ",
            after: "",
            before: "For example, with the user jdupont:\n",
        };
        assert!(
            Validator::Password
                .check_in("Violette42", &example)
                .is_none()
        );
        assert!(found("Xk9#pq2w", "mdp ", " pour demain"));
        assert!(!found("violette", "mdp ", ""));
        assert!(found("4821", "code PIN ", ""));
        // Placeholders and instructions.
        for value in [
            "(masqué)",
            "${DB_PASSWORD}",
            "changeme",
            "your_password",
            "$(cat",
            "!vault",
        ] {
            assert!(!found(value, "password: ", ""), "{value}");
        }
        assert!(!found("DB_PASSWORD", "DB_PASSWORD=", ""));
        assert!(!found("dans", "mot de passe : ", " le coffre-fort"));
        // Prose.
        assert!(!found("provides", "Password: ", " the ability to"));
        assert!(!found("8-16", "Password: ", " characters"));
        assert!(!found("click", "password reset: ", " here"));
        // Source code.
        for (value, after) in [
            ("g_strdup(s);", ""),
            ("getpass()", ""),
            ("$_POST[", "'pwd'];"),
            ("args.password", ""),
            ("pwd;", ""),
            ("str", " = Field(...)"),
            ("hashed,", ""),
        ] {
            assert!(!found(value, "password = ", after), "{value}");
        }
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
