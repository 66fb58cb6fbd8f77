//! Rules are data: each pack is a TOML file that names its rules, their
//! levels and the literal forms that write them, with the context each form
//! needs. The built-in packs under `packs/` are embedded in the crate; custom
//! packs in the same format are added with
//! [`ScannerBuilder::rule_pack`](crate::ScannerBuilder::rule_pack).
//!
//! A pack looks like this:
//!
//! ```toml
//! pack = "acme"
//! hotwords = ["sensibilité"]
//!
//! [[rule]]
//! id = "acme.interne"
//! name = "ACME — Interne"
//! level = 2
//! forms = [{ text = "ACME INTERNE" }, { text = "INTERNE", context = "banner" }]
//! ```
//!
//! Rules for sensitive data (`kind = "pii"` or `"secret"`) have `patterns`
//! instead of `forms`; see [`pattern`].

pub mod pattern;

use std::collections::HashSet;

use serde::Deserialize;

use crate::error::Error;
use crate::normalize::{Normalized, OTHER_LETTER};
use crate::report::Kind;
use pattern::{Gate, GateName, Mask, Pattern, PatternEntry};

/// The built-in packs, in the order their rules are listed. When one literal
/// belongs to several schemes ("SECRET"), this order is also the last resort
/// for choosing one (see `qualify::choose_scheme`).
const BUILTIN_PACKS: &[(&str, &str)] = &[
    ("fr.toml", include_str!("packs/fr.toml")),
    ("eu.toml", include_str!("packs/eu.toml")),
    ("nato.toml", include_str!("packs/nato.toml")),
    ("uk.toml", include_str!("packs/uk.toml")),
    ("us.toml", include_str!("packs/us.toml")),
    ("tlp.toml", include_str!("packs/tlp.toml")),
    ("pii.toml", include_str!("packs/pii.toml")),
    ("secrets.toml", include_str!("packs/secrets.toml")),
];

/// Highest level of the scale (5: top secret).
pub const MAX_LEVEL: u8 = 5;

/// One rule: what a finding reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Public identifier such as `fr.diffusion-restreinte`.
    pub id: String,
    /// Human name such as "Diffusion Restreinte".
    pub name: String,
    /// What the rule finds.
    pub kind: Kind,
    /// Level on the common scale (0 public … 5 top secret); `None` for a
    /// caveat such as `us.noforn`, which qualifies a level but has none.
    pub level: Option<u8>,
    /// How excerpts of its findings are masked.
    pub mask: Mask,
    /// Characters kept by [`Mask::KeepPrefix`].
    pub mask_keep: usize,
    /// Data rules: words that, near a match, raise its confidence (matching
    /// form).
    pub context: Vec<Vec<u8>>,
    /// Data rules: words that, near a match, mean it is something else.
    pub exclude: Vec<Vec<u8>>,
}

impl Rule {
    /// The scheme: the part of the id before the first dot (`fr`, `nato`…).
    pub fn scheme(&self) -> &str {
        self.id.split('.').next().unwrap_or_default()
    }

    /// Whether this is a caveat: a marking with no level of its own.
    pub fn is_caveat(&self) -> bool {
        self.kind == Kind::Marking && self.level.is_none()
    }
}

/// Where a literal form counts as a marking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FormContext {
    /// Anywhere, in any case: multi-word forms that are never ordinary phrases.
    Anywhere,
    /// Only as a banner or after a hotword: ordinary words otherwise.
    Banner,
    /// Only right after a hotword ("Mention : DR").
    Hotword,
    /// Only inside CAPCO `//` syntax ("SECRET//REL TO USA, FVEY").
    Capco,
    /// A multi-word marking that is also an ordinary phrase (the idiom
    /// "secret défense", "the EU restricted imports", "official, sensitive
    /// matters"): a marking as a banner, after a hotword, in a document
    /// said to be classified at that level, or written in capitals; in
    /// running text otherwise, reported for audit only.
    Phrase,
    /// An abbreviation of a marking ("Diff. Restr.", "Conf. Déf."): a
    /// marking anywhere unless written in lower case in running text, where
    /// it may be something else ("la conf. déf. du routeur") and is
    /// reported for audit only.
    Abbreviation,
}

/// One written form of a rule, compiled for the matcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// Index of the rule in [`RuleSet::rules`].
    pub rule: usize,
    /// The form as written in the pack.
    pub text: String,
    /// The form's matching form (see [`crate::normalize`]).
    pub literal: Vec<u8>,
    /// Where it counts.
    pub context: FormContext,
    /// A canonical writing that earns high confidence wherever it stands
    /// (`TLP:RED`).
    pub exact: Option<String>,
    /// Added to the finding's reason (why this form maps to this rule).
    pub note: Option<String>,
}

/// All rules a scanner knows, their forms and their hotwords.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
    forms: Vec<Form>,
    patterns: Vec<Pattern>,
    hotwords: Vec<Vec<u8>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    pack: String,
    #[serde(default)]
    hotwords: Vec<String>,
    #[serde(default, rename = "rule")]
    rules: Vec<RuleEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleEntry {
    id: String,
    name: String,
    #[serde(default = "default_kind")]
    kind: Kind,
    level: Option<u8>,
    #[serde(default)]
    forms: Vec<FormEntry>,
    #[serde(default)]
    patterns: Vec<PatternEntry>,
    #[serde(default)]
    context: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    mask: Option<Mask>,
    mask_keep: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FormEntry {
    text: String,
    #[serde(default = "default_context")]
    context: FormContext,
    exact: Option<String>,
    note: Option<String>,
}

fn default_kind() -> Kind {
    Kind::Marking
}

fn default_context() -> FormContext {
    FormContext::Anywhere
}

impl RuleSet {
    /// The built-in packs: every rule of docs/taxonomy.md.
    pub fn builtin() -> Self {
        let mut set = RuleSet::default();
        for (name, source) in BUILTIN_PACKS {
            set.add_pack(name, source)
                .unwrap_or_else(|error| panic!("built-in pack {name} is invalid: {error}"));
        }
        set
    }

    /// Adds the rules of one pack. `origin` names the pack in error messages
    /// (a file path, or a short label). The whole pack is parsed, validated
    /// and compiled before anything is committed, so that a bad pack leaves
    /// the set as it was.
    pub fn add_pack(&mut self, origin: &str, source: &str) -> Result<(), Error> {
        let pack = parse_pack(origin, source)?;
        let compiled = self.compile_pack(origin, &pack)?;
        self.commit(pack, compiled);
        Ok(())
    }

    /// Validates and compiles every rule of `pack`, then its hotwords: the
    /// first error, in pack order.
    fn compile_pack(&self, origin: &str, pack: &PackFile) -> Result<CompiledPack, Error> {
        let invalid = |message: String| pack_error(origin, None, message);
        if pack.pack.trim().is_empty() {
            return Err(invalid("`pack` must name the pack".into()));
        }
        let mut known: HashSet<&str> = self.rules.iter().map(|r| r.id.as_str()).collect();
        let mut rules = Vec::with_capacity(pack.rules.len());
        for entry in &pack.rules {
            validate_id(&entry.id).map_err(invalid)?;
            let invalid_rule = |message: String| pack_error(origin, Some(&entry.id), message);
            if !known.insert(&entry.id) {
                return Err(invalid_rule("defined twice".into()));
            }
            validate_rule(entry).map_err(invalid_rule)?;
            rules.push(compile_rule(entry).map_err(invalid_rule)?);
        }
        let hotwords = pack
            .hotwords
            .iter()
            .map(|hotword| literal_of(hotword).map_err(|m| invalid(format!("hotword: {m}"))))
            .collect::<Result<_, _>>()?;
        Ok(CompiledPack { rules, hotwords })
    }

    /// Adds a validated, compiled pack to the set.
    fn commit(&mut self, pack: PackFile, compiled: CompiledPack) {
        for (entry, rule) in pack.rules.into_iter().zip(compiled.rules) {
            let index = self.rules.len();
            for pattern in rule.patterns {
                self.patterns.push(Pattern {
                    rule: index,
                    ..pattern
                });
            }
            for (form, literal) in entry.forms.into_iter().zip(rule.literals) {
                self.forms.push(Form {
                    rule: index,
                    literal,
                    text: form.text,
                    context: form.context,
                    exact: form.exact,
                    note: form.note,
                });
            }
            let default_mask = if entry.kind == Kind::Marking {
                Mask::None
            } else {
                Mask::Ends
            };
            self.rules.push(Rule {
                id: entry.id,
                name: entry.name,
                kind: entry.kind,
                level: entry.level,
                mask: entry.mask.unwrap_or(default_mask),
                mask_keep: entry.mask_keep.unwrap_or(4),
                context: rule.context,
                exclude: rule.exclude,
            });
        }
        for hotword in compiled.hotwords {
            if !self.hotwords.contains(&hotword) {
                self.hotwords.push(hotword);
            }
        }
    }

    /// Every rule, in pack order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Every form of every rule.
    pub fn forms(&self) -> &[Form] {
        &self.forms
    }

    /// Every pattern of every data rule.
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// Hotwords of all packs, in matching form.
    pub fn hotwords(&self) -> &[Vec<u8>] {
        &self.hotwords
    }

    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|rule| rule.id == id)
    }

    /// Index in [`RuleSet::rules`] of the rule with this id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.rules.iter().position(|rule| rule.id == id)
    }
}

/// A pack's text parsed, not yet validated; a TOML error says where.
fn parse_pack(origin: &str, source: &str) -> Result<PackFile, Error> {
    toml::from_str(source).map_err(|e| {
        let (message, position) = crate::error::toml_error(&e, source);
        Error::RulePack {
            origin: origin.to_string(),
            position,
            rule: None,
            message,
        }
    })
}

/// The error of a pack that is not valid (at `rule`, when one is at fault).
fn pack_error(origin: &str, rule: Option<&str>, message: String) -> Error {
    Error::RulePack {
        origin: origin.to_string(),
        position: None,
        rule: rule.map(str::to_string),
        message,
    }
}

/// A pack's rules compiled for the matcher and the data finder, in pack
/// order, and its hotwords in matching form.
struct CompiledPack {
    rules: Vec<CompiledRule>,
    hotwords: Vec<Vec<u8>>,
}

/// What one rule entry compiles to.
struct CompiledRule {
    /// The matching form of each of its forms, in order.
    literals: Vec<Vec<u8>>,
    context: Vec<Vec<u8>>,
    exclude: Vec<Vec<u8>>,
    /// Its patterns, their rule index not yet set.
    patterns: Vec<Pattern>,
}

/// Checks what a rule entry must hold whatever it compiles to: its level,
/// forms or patterns (not both, not neither), and the ones its kind needs.
fn validate_rule(entry: &RuleEntry) -> Result<(), String> {
    if entry.level.is_some_and(|level| level > MAX_LEVEL) {
        return Err(format!("level must be between 0 and {MAX_LEVEL}"));
    }
    match (entry.forms.is_empty(), entry.patterns.is_empty()) {
        (true, true) => return Err("has no form and no pattern".into()),
        (false, false) => return Err("a rule has forms or patterns, not both".into()),
        _ => {}
    }
    if entry.kind == Kind::Marking && entry.forms.is_empty() {
        return Err("a marking needs forms".into());
    }
    if matches!(entry.kind, Kind::Pii | Kind::Secret) && entry.patterns.is_empty() {
        return Err("personal data and secrets need patterns".into());
    }
    Ok(())
}

/// Compiles a validated rule entry: the matching forms of its forms, its
/// context and exclusion words, and its patterns with their gates.
fn compile_rule(entry: &RuleEntry) -> Result<CompiledRule, String> {
    let literals = entry
        .forms
        .iter()
        .map(|form| literal_of(&form.text))
        .collect::<Result<_, _>>()?;
    let context = literals_of(&entry.context)?;
    let exclude = literals_of(&entry.exclude)?;
    let patterns = entry
        .patterns
        .iter()
        .map(|p| compile_pattern(p, &context))
        .collect::<Result<_, _>>()?;
    Ok(CompiledRule {
        literals,
        context,
        exclude,
        patterns,
    })
}

/// Compiles one pattern of a rule whose context words are `context`.
fn compile_pattern(p: &PatternEntry, context: &[Vec<u8>]) -> Result<Pattern, String> {
    let regex = pattern::compile(&p.regex)?;
    let gate = match p.gate {
        GateName::Digits => match p.min_digits {
            Some(n) if n >= 1 => Gate::Digits(n),
            _ => return Err("gate \"digits\" needs min_digits of at least 1".into()),
        },
        GateName::AtSign => Gate::AtSign,
        GateName::Keywords if p.keywords.is_empty() => {
            return Err("gate \"keywords\" needs keywords".into());
        }
        GateName::Keywords => Gate::Keywords(literals_of(&p.keywords)?),
        GateName::Context if context.is_empty() => {
            return Err("gate \"context\" needs context words".into());
        }
        GateName::Context => Gate::Keywords(context.to_vec()),
    };
    let window = p.window.unwrap_or(pattern::DEFAULT_WINDOW);
    if window == 0 || window > pattern::MAX_WINDOW {
        return Err(format!(
            "window must be between 1 and {}",
            pattern::MAX_WINDOW
        ));
    }
    Ok(Pattern {
        rule: usize::MAX, // set when the rule is committed
        regex,
        gate,
        validator: p.validate,
        confidence: p.confidence,
        window,
        needs: p.needs.chars().collect(),
    })
}

/// Rule ids are lower-case dotted names: `scheme.name[.more]`.
fn validate_id(id: &str) -> Result<(), String> {
    let valid_piece = |piece: &str| {
        !piece.is_empty()
            && piece
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    let pieces: Vec<&str> = id.split('.').collect();
    if pieces.len() >= 2 && pieces.iter().all(|piece| valid_piece(piece)) {
        Ok(())
    } else {
        Err(format!(
            "rule id `{id}` must be dotted lower-case words such as `acme.internal`"
        ))
    }
}

fn literals_of(words: &[String]) -> Result<Vec<Vec<u8>>, String> {
    words.iter().map(|word| literal_of(word)).collect()
}

/// The matching form of a written form; an error when it has nothing to
/// match.
fn literal_of(text: &str) -> Result<Vec<u8>, String> {
    let literal = Normalized::new(text).as_bytes().to_vec();
    if literal.is_empty() {
        return Err(format!("form `{text}` has no letter or digit"));
    }
    if literal.contains(&OTHER_LETTER) {
        return Err(format!(
            "form `{text}` holds letters without a Latin reading, which the matcher cannot see"
        ));
    }
    Ok(literal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_packs_hold_every_rule_of_the_taxonomy() {
        let set = RuleSet::builtin();
        let expected = [
            ("tlp.clear", Some(0)),
            ("fr.non-protege", Some(0)),
            ("tlp.green", Some(1)),
            ("nato.unclassified", Some(1)),
            ("uk.official", Some(1)),
            ("fr.diffusion-restreinte", Some(2)),
            ("eu.restreint", Some(2)),
            ("nato.restricted", Some(2)),
            ("uk.official-sensitive", Some(2)),
            ("us.cui", Some(2)),
            ("tlp.amber", Some(2)),
            ("tlp.amber-strict", Some(2)),
            ("fr.confidentiel-defense", Some(3)),
            ("eu.confidentiel", Some(3)),
            ("nato.confidential", Some(3)),
            ("us.confidential", Some(3)),
            ("tlp.red", Some(3)),
            ("fr.secret", Some(4)),
            ("fr.secret-defense", Some(4)),
            ("eu.secret", Some(4)),
            ("nato.secret", Some(4)),
            ("uk.secret", Some(4)),
            ("us.secret", Some(4)),
            ("fr.tres-secret", Some(5)),
            ("fr.tres-secret-defense", Some(5)),
            ("eu.tres-secret", Some(5)),
            ("nato.cosmic-top-secret", Some(5)),
            ("uk.top-secret", Some(5)),
            ("us.top-secret", Some(5)),
            ("fr.special-france", None),
            ("nato.atomal", None),
            ("us.noforn", None),
            ("us.rel-to", None),
            ("us.orcon", None),
        ];
        for (id, level) in expected {
            let rule = set.rule(id).unwrap_or_else(|| panic!("missing rule {id}"));
            assert_eq!(rule.level, level, "{id}");
        }
        let markings = set
            .rules()
            .iter()
            .filter(|r| r.kind == Kind::Marking)
            .count();
        assert_eq!(markings, expected.len());
    }

    #[test]
    fn forms_are_stored_in_matching_form() {
        let set = RuleSet::builtin();
        let form = set
            .forms()
            .iter()
            .find(|f| f.text == "TRÈS SECRET DÉFENSE")
            .unwrap();
        assert_eq!(form.literal, b"tressecretdefense");
    }

    #[test]
    fn a_custom_pack_adds_rules() {
        let mut set = RuleSet::builtin();
        let before = set.rules().len();
        set.add_pack(
            "acme",
            r#"pack = "acme"
               [[rule]]
               id = "acme.interne"
               name = "ACME Interne"
               level = 2
               forms = [{ text = "ACME INTERNE" }]"#,
        )
        .unwrap();
        assert_eq!(set.rules().len(), before + 1);
        assert_eq!(set.rule("acme.interne").unwrap().scheme(), "acme");
    }

    #[test]
    fn bad_packs_are_refused_with_the_reason() {
        let cases = [
            (
                "pack = \"x\"\n[[rule]]\nid = \"Bad Id\"\nname = \"n\"\nforms = [{ text = \"A\" }]",
                "dotted lower-case",
            ),
            (
                "pack = \"x\"\n[[rule]]\nid = \"x.a\"\nname = \"n\"\nlevel = 9\nforms = [{ text = \"A\" }]",
                "level must be",
            ),
            (
                "pack = \"x\"\n[[rule]]\nid = \"x.a\"\nname = \"n\"\nforms = []",
                "has no form",
            ),
            (
                "pack = \"x\"\n[[rule]]\nid = \"x.a\"\nname = \"n\"\nforms = [{ text = \"--\" }]",
                "no letter or digit",
            ),
            (
                "pack = \"x\"\n[[rule]]\nid = \"fr.secret\"\nname = \"n\"\nforms = [{ text = \"A\" }]",
                "defined twice",
            ),
            (
                "pack = \"x\"\n[[rule]]\nid = \"x.a\"\nname = \"n\"\nforms = [{ text = \"A\", context = \"nowhere\" }]",
                "unknown variant",
            ),
            ("pack = \"x\"\nbogus = 1", "unknown field"),
        ];
        for (source, expected) in cases {
            let mut set = RuleSet::builtin();
            let before = set.rules().len();
            let error = set.add_pack("test.toml", source).unwrap_err().to_string();
            assert!(error.contains(expected), "{error}");
            assert!(error.contains("test.toml"), "{error}");
            assert_eq!(set.rules().len(), before, "a bad pack changed the set");
        }
    }
}
