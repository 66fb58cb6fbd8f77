//! Turns findings into a verdict.
//!
//! A policy is read from TOML. Every key is optional; the defaults are the
//! default policy of docs/policy.md:
//!
//! ```toml
//! # Highest level the channel is cleared for (0 public … 5 top secret).
//! # Markings above it block.
//! ceiling = 1
//! # Findings below this confidence are reported but never change the verdict.
//! min_confidence = "medium"
//! # Content that could not be read in full (encrypted, over a limit, corrupt).
//! unscannable = "block"
//! # ... or per kind of problem, overriding `unscannable` for that kind.
//! [problems]
//! ocr-unavailable = "warn"
//! # A caveat (SPÉCIAL FRANCE, NOFORN…) found without a level.
//! caveat = "warn"
//!
//! [kinds]        # verdict per kind of non-marking finding
//! pii = "warn"
//! secret = "block"
//! custom = "warn"
//!
//! [rules]        # verdict per rule id, overriding everything above
//! "tlp.clear" = "allow"
//!
//! [limits]
//! max_text_bytes = 67108864        # text scanned per input
//! max_findings = 10000
//! max_input_bytes = 268435456      # attachments larger than this: unscannable
//! max_inflated_bytes = 536870912   # all that archives and streams inflate to
//! max_entry_bytes = 134217728      # one archive entry or stream
//! max_inflation_ratio = 200        # inflated / compressed, per entry
//! max_entries = 10000              # archive entries read
//! max_depth = 5                    # containers inside containers
//! max_milliseconds = 30000         # wall-clock time per scan
//! max_steps = 20000000             # units of parsing work per scan
//! max_image_pixels = 50000000      # largest image OCR may decode
//!
//! # Named scopes (a room, a channel) override any of the keys above.
//! [scopes."!dr-room:example.org"]
//! ceiling = 2
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::Error;
use crate::report::{Confidence, Finding, Kind, Problem, ProblemCode, Verdict};
use crate::rules::MAX_LEVEL;

pub use crate::budget::Limits;

/// What to do with findings. Build one with [`Policy::default`],
/// [`Policy::from_toml`] or [`Policy::from_file`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Highest level the channel is cleared for; markings above it block.
    pub ceiling: u8,
    /// Findings below this confidence never change the verdict.
    pub min_confidence: Confidence,
    /// Verdict when the content could not be read in full.
    pub unscannable: Verdict,
    /// Verdict per kind of problem, overriding `unscannable`.
    pub problems: BTreeMap<ProblemCode, Verdict>,
    /// Verdict for a caveat found without a level.
    pub caveat: Verdict,
    /// Verdict for personal data.
    pub pii: Verdict,
    /// Verdict for secrets.
    pub secret: Verdict,
    /// Verdict for custom findings that are not markings.
    pub custom: Verdict,
    /// Verdict per rule id, overriding the rest.
    pub rules: BTreeMap<String, Verdict>,
    /// Resource limits.
    pub limits: Limits,
    scopes: BTreeMap<String, Overrides>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            ceiling: 1,
            min_confidence: Confidence::Medium,
            unscannable: Verdict::Block,
            problems: BTreeMap::new(),
            caveat: Verdict::Warn,
            pii: Verdict::Warn,
            secret: Verdict::Block,
            custom: Verdict::Warn,
            rules: BTreeMap::new(),
            limits: Limits::default(),
            scopes: BTreeMap::new(),
        }
    }
}

/// The keys of a policy file; every one optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct Overrides {
    ceiling: Option<u8>,
    min_confidence: Option<Confidence>,
    unscannable: Option<Verdict>,
    caveat: Option<Verdict>,
    #[serde(default)]
    kinds: KindOverrides,
    #[serde(default)]
    rules: BTreeMap<String, Verdict>,
    #[serde(default)]
    problems: BTreeMap<ProblemCode, Verdict>,
    #[serde(default)]
    limits: LimitOverrides,
    /// Only at the top level of a file.
    #[serde(default)]
    scopes: BTreeMap<String, Overrides>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct KindOverrides {
    pii: Option<Verdict>,
    secret: Option<Verdict>,
    custom: Option<Verdict>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitOverrides {
    max_text_bytes: Option<usize>,
    max_findings: Option<usize>,
    max_input_bytes: Option<u64>,
    max_inflated_bytes: Option<u64>,
    max_entry_bytes: Option<u64>,
    max_inflation_ratio: Option<u64>,
    max_entries: Option<u64>,
    max_depth: Option<u32>,
    max_milliseconds: Option<u64>,
    max_steps: Option<u64>,
    max_image_pixels: Option<u64>,
}

impl Policy {
    /// Reads a policy from TOML text. `origin` names it in error messages.
    ///
    /// ```
    /// let policy = vigie::Policy::from_toml("ceiling = 2", "<string>").unwrap();
    /// assert_eq!(policy.ceiling, 2);
    /// assert!(vigie::Policy::from_toml("ceiling = 9", "<string>").is_err());
    /// ```
    pub fn from_toml(source: &str, origin: &str) -> Result<Self, Error> {
        let file: Overrides = toml::from_str(source).map_err(|e| {
            let (message, position) = crate::error::toml_error(&e, source);
            Error::Policy {
                origin: origin.to_string(),
                position,
                message,
            }
        })?;
        Self::from_overrides(file, origin)
    }

    /// Reads a policy from JSON text with the same keys as the TOML form
    /// (what the Python binding sends for a policy given as a `dict`).
    ///
    /// ```
    /// let policy = vigie::Policy::from_json(r#"{"ceiling": 2, "kinds": {"pii": "allow"}}"#, "<dict>").unwrap();
    /// assert_eq!(policy.ceiling, 2);
    /// ```
    pub fn from_json(source: &str, origin: &str) -> Result<Self, Error> {
        let file: Overrides = serde_json::from_str(source).map_err(|e| {
            let (message, position) = crate::error::json_error(&e);
            Error::Policy {
                origin: origin.to_string(),
                position,
                message,
            }
        })?;
        Self::from_overrides(file, origin)
    }

    fn from_overrides(mut file: Overrides, origin: &str) -> Result<Self, Error> {
        let invalid = |message: String| Error::Policy {
            origin: origin.to_string(),
            position: None,
            message,
        };
        let scopes = std::mem::take(&mut file.scopes);
        let mut policy = Policy::default();
        policy.apply(&file).map_err(invalid)?;
        for (name, overrides) in &scopes {
            if !overrides.scopes.is_empty() {
                return Err(invalid(format!("scope `{name}`: scopes cannot nest")));
            }
            // Check each scope now, so a typo fails at load time, not when
            // the first message of that room arrives.
            policy
                .clone()
                .apply(overrides)
                .map_err(|m| invalid(format!("scope `{name}`: {m}")))?;
        }
        policy.scopes = scopes;
        Ok(policy)
    }

    /// Reads a policy file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let source = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_toml(&source, &path.display().to_string())
    }

    /// The policy in force for a scope this policy defines; an error naming
    /// the scope otherwise. What the bindings and [`crate::ScanOptions::scope`]
    /// use: an unknown scope is refused, never silently the default.
    ///
    /// ```
    /// let policy = vigie::Policy::from_toml("[scopes.dr-room]\nceiling = 2", "<string>").unwrap();
    /// assert_eq!(policy.scope("dr-room").unwrap().ceiling, 2);
    /// let error = policy.scope("dr-rooom").unwrap_err();
    /// assert_eq!(error.to_string(), "the policy has no scope `dr-rooom`");
    /// ```
    pub fn scope(&self, scope: &str) -> Result<Policy, Error> {
        if self.scopes.contains_key(scope) {
            Ok(self.for_scope(scope))
        } else {
            Err(Error::Scope {
                scope: scope.to_string(),
            })
        }
    }

    /// The policy in force for a named scope: this policy with the scope's
    /// overrides applied. An unknown scope gets this policy unchanged.
    pub fn for_scope(&self, scope: &str) -> Policy {
        let mut policy = self.clone();
        if let Some(overrides) = self.scopes.get(scope) {
            policy
                .apply(overrides)
                .expect("scopes are checked when the policy is read");
        }
        policy
    }

    /// Names of the scopes this policy defines.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scopes.keys().map(String::as_str)
    }

    /// The verdict for one finding, whatever its confidence.
    pub fn verdict_for(&self, finding: &Finding) -> Verdict {
        if let Some(verdict) = self.rules.get(&finding.rule) {
            return *verdict;
        }
        match (finding.kind, finding.level) {
            (Kind::Marking | Kind::Custom, Some(level)) => {
                if level > self.ceiling {
                    Verdict::Block
                } else {
                    Verdict::Allow
                }
            }
            (Kind::Marking, None) => self.caveat,
            (Kind::Pii, _) => self.pii,
            (Kind::Secret, _) => self.secret,
            (Kind::Custom, None) => self.custom,
        }
    }

    /// The verdict for a whole scan: the worst verdict of the findings at or
    /// above `min_confidence` and of the problems (each problem's verdict
    /// from `[problems]`, `unscannable` otherwise).
    pub fn verdict(&self, findings: &[Finding], problems: &[Problem]) -> Verdict {
        let mut verdict = Verdict::Allow;
        for problem in problems {
            verdict = verdict.max(
                *self
                    .problems
                    .get(&problem.code)
                    .unwrap_or(&self.unscannable),
            );
        }
        for finding in findings
            .iter()
            .filter(|f| f.confidence >= self.min_confidence)
        {
            verdict = verdict.max(self.verdict_for(finding));
        }
        verdict
    }

    fn apply(&mut self, o: &Overrides) -> Result<(), String> {
        if let Some(ceiling) = o.ceiling {
            if ceiling > MAX_LEVEL {
                return Err(format!(
                    "ceiling must be between 0 and {MAX_LEVEL}, not {ceiling}"
                ));
            }
            self.ceiling = ceiling;
        }
        if let Some(max_text_bytes) = o.limits.max_text_bytes {
            if max_text_bytes == 0 {
                return Err("limits.max_text_bytes must be at least 1".into());
            }
            self.limits.max_text_bytes = max_text_bytes;
        }
        if let Some(max_findings) = o.limits.max_findings {
            if max_findings == 0 {
                return Err("limits.max_findings must be at least 1".into());
            }
            self.limits.max_findings = max_findings;
        }
        let l = &o.limits;
        for (name, value) in [
            ("max_input_bytes", l.max_input_bytes),
            ("max_inflated_bytes", l.max_inflated_bytes),
            ("max_entry_bytes", l.max_entry_bytes),
            ("max_inflation_ratio", l.max_inflation_ratio),
            ("max_entries", l.max_entries),
            ("max_milliseconds", l.max_milliseconds),
            ("max_depth", l.max_depth.map(u64::from)),
            ("max_steps", l.max_steps),
            ("max_image_pixels", l.max_image_pixels),
        ] {
            if value == Some(0) {
                return Err(format!("limits.{name} must be at least 1"));
            }
        }
        set(&mut self.limits.max_input_bytes, l.max_input_bytes);
        set(&mut self.limits.max_inflated_bytes, l.max_inflated_bytes);
        set(&mut self.limits.max_entry_bytes, l.max_entry_bytes);
        set(&mut self.limits.max_inflation_ratio, l.max_inflation_ratio);
        set(&mut self.limits.max_entries, l.max_entries);
        set(&mut self.limits.max_depth, l.max_depth);
        set(&mut self.limits.max_milliseconds, l.max_milliseconds);
        set(&mut self.limits.max_steps, l.max_steps);
        set(&mut self.limits.max_image_pixels, l.max_image_pixels);
        set(&mut self.min_confidence, o.min_confidence);
        set(&mut self.unscannable, o.unscannable);
        set(&mut self.caveat, o.caveat);
        set(&mut self.pii, o.kinds.pii);
        set(&mut self.secret, o.kinds.secret);
        set(&mut self.custom, o.kinds.custom);
        for (rule, verdict) in &o.rules {
            self.rules.insert(rule.clone(), *verdict);
        }
        for (code, verdict) in &o.problems {
            self.problems.insert(*code, *verdict);
        }
        Ok(())
    }
}

fn set<T: Copy>(field: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *field = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Location, Part};

    fn problem(code: ProblemCode) -> Problem {
        Problem {
            code,
            message: String::new(),
        }
    }

    fn finding(rule: &str, kind: Kind, level: Option<u8>, confidence: Confidence) -> Finding {
        Finding {
            rule: rule.into(),
            kind,
            level,
            confidence,
            reason: String::new(),
            location: Location {
                page: None,
                part: Part::Body,
                path: vec![],
                start: 0,
                end: 1,
                pixels: None,
            },
            excerpt: String::new(),
        }
    }

    #[test]
    fn default_policy_blocks_above_ceiling_one() {
        let policy = Policy::default();
        let dr = finding(
            "fr.diffusion-restreinte",
            Kind::Marking,
            Some(2),
            Confidence::High,
        );
        let green = finding("tlp.green", Kind::Marking, Some(1), Confidence::High);
        assert_eq!(
            policy.verdict(std::slice::from_ref(&green), &[]),
            Verdict::Allow
        );
        assert_eq!(policy.verdict(&[green, dr], &[]), Verdict::Block);
    }

    #[test]
    fn low_confidence_findings_do_not_change_the_verdict() {
        let policy = Policy::default();
        let low = finding("fr.secret", Kind::Marking, Some(4), Confidence::Low);
        assert_eq!(policy.verdict(&[low], &[]), Verdict::Allow);
    }

    #[test]
    fn unscannable_content_blocks_unless_the_policy_says_otherwise() {
        assert_eq!(
            Policy::default().verdict(&[], &[problem(ProblemCode::Limit)]),
            Verdict::Block
        );
        let lenient = Policy::from_toml("unscannable = \"warn\"", "t").unwrap();
        assert_eq!(
            lenient.verdict(&[], &[problem(ProblemCode::Corrupt)]),
            Verdict::Warn
        );
        let images = Policy::from_toml("[problems]\nocr-unavailable = \"allow\"", "t").unwrap();
        assert_eq!(
            images.verdict(&[], &[problem(ProblemCode::OcrUnavailable)]),
            Verdict::Allow
        );
        let both = [
            problem(ProblemCode::OcrUnavailable),
            problem(ProblemCode::Encrypted),
        ];
        assert_eq!(
            images.verdict(&[], &both),
            Verdict::Block,
            "other problems still block"
        );
    }

    #[test]
    fn kinds_caveats_and_rules_follow_the_file() {
        let policy = Policy::from_toml(
            "caveat = \"block\"\n[kinds]\npii = \"allow\"\n[rules]\n\"tlp.red\" = \"warn\"",
            "t",
        )
        .unwrap();
        let caveat = finding("us.noforn", Kind::Marking, None, Confidence::High);
        let pii = finding("pii.email", Kind::Pii, None, Confidence::High);
        let red = finding("tlp.red", Kind::Marking, Some(3), Confidence::High);
        assert_eq!(policy.verdict_for(&caveat), Verdict::Block);
        assert_eq!(policy.verdict_for(&pii), Verdict::Allow);
        assert_eq!(policy.verdict_for(&red), Verdict::Warn);
        let default_secret = finding("secret.jwt", Kind::Secret, None, Confidence::Medium);
        assert_eq!(policy.verdict_for(&default_secret), Verdict::Block);
    }

    #[test]
    fn scopes_override_the_base_policy() {
        let policy = Policy::from_toml("ceiling = 0\n[scopes.dr]\nceiling = 2", "t").unwrap();
        let dr = finding(
            "fr.diffusion-restreinte",
            Kind::Marking,
            Some(2),
            Confidence::High,
        );
        assert_eq!(
            policy.verdict(std::slice::from_ref(&dr), &[]),
            Verdict::Block
        );
        assert_eq!(
            policy
                .for_scope("dr")
                .verdict(std::slice::from_ref(&dr), &[]),
            Verdict::Allow
        );
        assert_eq!(policy.for_scope("unknown").ceiling, 0);
        assert_eq!(policy.scopes().collect::<Vec<_>>(), ["dr"]);
    }

    #[test]
    fn invalid_policies_say_what_is_wrong() {
        let cases = [
            ("ceiling = 6", "ceiling must be between 0 and 5"),
            ("ceiling = \"high\"", "invalid type"),
            ("celing = 1", "unknown field"),
            ("min_confidence = \"sure\"", "unknown variant"),
            ("[kinds]\npii = \"maybe\"", "unknown variant"),
            ("[scopes.a]\nceiling = 7", "scope `a`: ceiling"),
            ("[limits]\nmax_text_bytes = 0", "at least 1"),
            ("[problems]\nsmudged = \"allow\"", "unknown variant"),
            ("ceiling = ", "invalid"),
        ];
        for (source, expected) in cases {
            let error = Policy::from_toml(source, "p.toml").unwrap_err().to_string();
            assert!(error.contains(expected), "{source}: {error}");
            assert!(error.starts_with("invalid policy p.toml"), "{error}");
        }
    }

    #[test]
    fn a_missing_policy_file_is_an_io_error() {
        let error = Policy::from_file("/nonexistent/policy.toml").unwrap_err();
        assert!(matches!(error, Error::Io { .. }), "{error}");
    }
}
