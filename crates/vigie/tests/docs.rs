//! The contracts written in `docs/` are the code's: every built-in rule is
//! in docs/taxonomy.md with its name, kind, level and forms, and nothing
//! else is; docs/policy.md's defaults are `Policy::default()` and its keys
//! are the ones a policy file takes; docs/report.md lists every spelling of
//! every enum of the JSON report.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::de::DeserializeOwned;
use vigie::{Confidence, Kind, Limits, Part, Policy, ProblemCode, RuleSet, Status, Verdict};

fn doc(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Whether `line` is a Markdown heading.
fn is_heading(line: &str) -> bool {
    let hashes = line.len() - line.trim_start_matches('#').len();
    hashes > 0 && line[hashes..].starts_with(' ')
}

/// The lines of `text` under the heading `heading` (any level), down to the
/// next heading.
fn section<'a>(text: &'a str, heading: &str) -> Vec<&'a str> {
    let mut lines = text.lines();
    lines
        .by_ref()
        .find(|line| is_heading(line) && line.trim_start_matches('#').trim() == heading)
        .unwrap_or_else(|| panic!("no heading {heading:?}"));
    lines.take_while(|line| !is_heading(line)).collect()
}

/// The cells of each row of the tables among `lines`, header and
/// separator rows left out.
fn rows<'a>(lines: impl IntoIterator<Item = &'a str>) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut header = true;
    for line in lines {
        let line = line.trim();
        if !line.starts_with('|') {
            header = true;
            continue;
        }
        let cells: Vec<String> = line
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect();
        if header {
            header = false; // the header row; the separator follows
            continue;
        }
        if cells
            .iter()
            .all(|c| c.chars().all(|ch| ch == '-' || ch == ':'))
        {
            continue;
        }
        rows.push(cells);
    }
    rows
}

/// The text between backticks in `cell`, when the whole cell is one such.
fn ticked(cell: &str) -> Option<&str> {
    cell.strip_prefix('`')?
        .strip_suffix('`')
        .filter(|s| !s.contains('`'))
}

/// Every spelling serde knows for `T`: the values its "unknown variant"
/// error lists. (The enums are `non_exhaustive`, so this is the way to
/// see them all from outside the crate.)
fn spellings<T: DeserializeOwned + std::fmt::Debug>() -> BTreeSet<String> {
    let error = serde_json::from_str::<T>("\"\\u0000not a variant\"").unwrap_err();
    let message = error.to_string();
    let expected = message
        .split_once("expected")
        .unwrap_or_else(|| panic!("{message}"))
        .1;
    let found: BTreeSet<String> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    assert!(!found.is_empty(), "{message}");
    found
}

/// The forms cell of a marking: each `` `TEXT` `` with the context in
/// brackets after it, `anywhere` when none is.
fn forms_of(cell: &str) -> Vec<(String, String)> {
    let mut forms = Vec::new();
    let mut rest = cell;
    while let Some(open) = rest.find('`') {
        let after = &rest[open + 1..];
        let close = after.find('`').expect("a closing backtick");
        let text = after[..close].to_string();
        rest = after[close + 1..].trim_start();
        let context = match rest.strip_prefix('(') {
            Some(bracketed) => {
                let end = bracketed.find(')').expect("a closing bracket");
                let context = bracketed[..end].to_string();
                rest = &bracketed[end + 1..];
                context
            }
            None => "anywhere".to_string(),
        };
        forms.push((text, context));
    }
    forms
}

#[test]
fn the_taxonomy_lists_every_builtin_rule_as_the_packs_define_it() {
    let text = doc("taxonomy.md");
    let rules = RuleSet::builtin();
    let mut listed = BTreeMap::new();
    for row in rows(text.lines()) {
        let Some(id) = ticked(&row[0]).filter(|id| id.contains('.')) else {
            continue;
        };
        assert_eq!(row.len(), 5, "{id}: rule | name | kind | level | forms");
        let rule = rules
            .rule(id)
            .unwrap_or_else(|| panic!("docs/taxonomy.md lists `{id}`, which no built-in rule has"));
        assert_eq!(row[1], rule.name, "{id}: name");
        assert_eq!(row[2], rule.kind.to_string(), "{id}: kind");
        let level = match (rule.level, rule.kind) {
            (Some(level), _) => level.to_string(),
            (None, Kind::Marking) => "caveat".to_string(),
            (None, _) => "—".to_string(),
        };
        assert_eq!(row[3], level, "{id}: level");
        if rule.kind == Kind::Marking {
            let index = rules.index_of(id).unwrap();
            let forms: Vec<(String, String)> = rules
                .forms()
                .iter()
                .filter(|form| form.rule == index)
                .map(|form| {
                    let context = format!("{:?}", form.context).to_lowercase();
                    (form.text.clone(), context)
                })
                .collect();
            assert_eq!(forms_of(&row[4]), forms, "{id}: forms");
        }
        assert!(
            listed.insert(id.to_string(), ()).is_none(),
            "{id} listed twice"
        );
    }
    let missing: Vec<&str> = rules
        .rules()
        .iter()
        .map(|rule| rule.id.as_str())
        .filter(|id| !listed.contains_key(*id))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/taxonomy.md does not list {missing:?}"
    );
    assert_eq!(listed.len(), rules.rules().len());
}

/// The first ```toml block of `lines`.
fn toml_block(lines: &[&str]) -> String {
    let start = lines
        .iter()
        .position(|l| l.trim() == "```toml")
        .expect("a toml block")
        + 1;
    let end = start
        + lines[start..]
            .iter()
            .position(|l| l.trim() == "```")
            .expect("its end");
    lines[start..end].join("\n")
}

/// The field names of `{value:#?}`, at the top level of the struct.
fn debug_fields(value: &impl std::fmt::Debug) -> Vec<String> {
    format!("{value:#?}")
        .lines()
        .filter_map(|line| line.strip_prefix("    "))
        .filter(|line| !line.starts_with(' '))
        .filter_map(|line| line.split_once(':').map(|(name, _)| name.to_string()))
        .collect()
}

#[test]
fn the_default_policy_written_out_is_policy_default() {
    let text = doc("policy.md");
    let block = toml_block(&section(&text, "The default policy"));
    let written = Policy::from_toml(&block, "docs/policy.md").unwrap();
    assert_eq!(written, Policy::default());
}

#[test]
fn every_policy_key_documented_is_taken_with_the_default_it_states() {
    let text = doc("policy.md");
    let mut keys = BTreeSet::new();
    for heading in ["Keys", "Limits"] {
        for row in rows(section(&text, heading)) {
            let (Some(key), Some(value)) = (ticked(&row[0]), ticked(&row[1])) else {
                continue;
            };
            let toml = match key.split_once('.') {
                Some((table, key)) => format!("[{table}]\n{key} = {value}"),
                None => format!("{key} = {value}"),
            };
            let policy = Policy::from_toml(&toml, "docs/policy.md")
                .unwrap_or_else(|e| panic!("docs/policy.md: `{key}`: {e}"));
            assert_eq!(policy, Policy::default(), "`{key}` defaults to {value}");
            keys.insert(key.to_string());
        }
    }
    // And every key the code has is there: the fields of `Policy` and of
    // `Limits`, tables aside.
    for field in debug_fields(&Policy::default()) {
        let key = match field.as_str() {
            "problems" | "rules" | "scopes" | "limits" => {
                assert!(text.contains(&format!("[{field}")), "[{field}] explained");
                continue;
            }
            "pii" | "secret" | "custom" => format!("kinds.{field}"),
            other => other.to_string(),
        };
        assert!(keys.contains(&key), "docs/policy.md does not list `{key}`");
    }
    for field in debug_fields(&Limits::default()) {
        let key = format!("limits.{field}");
        assert!(keys.contains(&key), "docs/policy.md does not list `{key}`");
    }
}

#[test]
fn every_problem_code_the_policy_page_names_is_a_key_of_problems() {
    let text = doc("policy.md");
    for code in spellings::<ProblemCode>() {
        assert!(
            text.contains(&format!("`{code}`")),
            "docs/policy.md names `{code}`"
        );
        let toml = format!("[problems]\n\"{code}\" = \"warn\"");
        Policy::from_toml(&toml, "docs/policy.md").unwrap_or_else(|e| panic!("{code}: {e}"));
    }
}

/// The spellings listed in the first column of the table under `heading`
/// of docs/report.md equal those serde knows for `T`.
fn listed_as_the_code_spells<T: DeserializeOwned + std::fmt::Debug>(heading: &str) {
    let text = doc("report.md");
    let listed: BTreeSet<String> = rows(section(&text, heading))
        .iter()
        .filter_map(|row| ticked(&row[0]).map(str::to_string))
        .collect();
    assert_eq!(
        listed,
        spellings::<T>(),
        "docs/report.md, table `{heading}`"
    );
}

#[test]
fn the_report_page_lists_every_enum_spelling() {
    listed_as_the_code_spells::<Verdict>("verdict");
    listed_as_the_code_spells::<Status>("status");
    listed_as_the_code_spells::<Kind>("kind");
    listed_as_the_code_spells::<Confidence>("confidence");
    listed_as_the_code_spells::<Part>("part");
    listed_as_the_code_spells::<ProblemCode>("code");
}

#[test]
fn the_report_page_lists_every_key_of_the_json() {
    // A report with every optional key present.
    let mut report = vigie::Scanner::new().scan_text("DIFFUSION RESTREINTE\n\nCompte rendu.");
    report.source = Some("note.txt".into());
    report.problems.push(vigie::Problem {
        code: ProblemCode::Limit,
        message: "m".into(),
    });
    let finding = &mut report.findings[0];
    finding.location.page = Some(1);
    finding.location.path = vec!["note.txt".into()];
    finding.location.pixels = Some(vigie::PixelBox {
        x: 1,
        y: 2,
        width: 3,
        height: 4,
    });
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    let text = doc("report.md");
    let keys_of = |heading: &str| -> BTreeSet<String> {
        rows(section(&text, heading))
            .iter()
            .filter_map(|row| ticked(&row[0]).map(str::to_string))
            .collect()
    };
    let object_keys = |value: &serde_json::Value| -> BTreeSet<String> {
        value.as_object().unwrap().keys().cloned().collect()
    };
    assert_eq!(keys_of("Report"), object_keys(&json));
    assert_eq!(keys_of("Findings"), object_keys(&json["findings"][0]));
    assert_eq!(
        keys_of("Location"),
        object_keys(&json["findings"][0]["location"])
    );
    assert_eq!(keys_of("Problems"), object_keys(&json["problems"][0]));
    for key in ["x", "y", "width", "height"] {
        assert!(json["findings"][0]["location"]["pixels"][key].is_u64());
        assert!(text.contains(&format!("\"{key}\"")), "pixels.{key}");
    }
}
