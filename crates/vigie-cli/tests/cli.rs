//! The `vigie` command as a user runs it: exit statuses, formats, errors.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

mod common;
use common::tempdir;

fn vigie(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(args)
        .current_dir(repository())
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("vigie runs");
    let mut input = child.stdin.take().unwrap();
    // vigie may exit before reading (a bad option): a closed pipe is fine.
    let _ = input.write_all(stdin.unwrap_or("").as_bytes());
    drop(input);
    child.wait_with_output().unwrap()
}

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn json_lines(output: &Output) -> Vec<Value> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect()
}

#[test]
fn the_bundled_examples_get_their_expected_verdicts() {
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(repository().join("fixtures/examples-expected.json")).unwrap(),
    )
    .unwrap();
    let output = vigie(&["scan", "--format", "json", "fixtures/examples"], None);
    assert_eq!(output.status.code(), Some(2), "the worst verdict is block");
    let reports = json_lines(&output);
    assert_eq!(reports.len(), expected.as_object().unwrap().len());
    for report in reports {
        let source = report["source"].as_str().unwrap();
        let name = source.rsplit('/').next().unwrap();
        let want = &expected[name];
        assert_eq!(report["verdict"], want["verdict"], "{source}");
        assert_eq!(report["status"], "complete", "{source}");
        let rules: Vec<&str> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["confidence"] != "low")
            .map(|f| f["rule"].as_str().unwrap())
            .collect();
        let want_rules: Vec<&str> = want["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        assert_eq!(rules, want_rules, "{source}");
    }
}

#[test]
fn exit_status_follows_the_worst_verdict() {
    assert_eq!(
        vigie(&["scan"], Some("Bonjour, rien à signaler."))
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        vigie(&["scan", "-"], Some("Dossier ATOMAL à rendre."))
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        vigie(&["scan", "-"], Some("la note est en diffusion restreinte"))
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn json_reports_follow_the_contract() {
    let output = vigie(
        &["scan", "--format", "json"],
        Some("DIFFUSION RESTREINTE\nCompte rendu."),
    );
    let reports = json_lines(&output);
    assert_eq!(reports.len(), 1);
    let report = &reports[0];
    assert_eq!(report["source"], "-");
    assert_eq!(report["verdict"], "block");
    assert_eq!(report["status"], "complete");
    assert_eq!(report["problems"], serde_json::json!([]));
    let finding = &report["findings"][0];
    assert_eq!(finding["rule"], "fr.diffusion-restreinte");
    assert_eq!(finding["kind"], "marking");
    assert_eq!(finding["level"], 2);
    assert_eq!(finding["confidence"], "high");
    assert_eq!(finding["location"]["start"], 0);
    assert_eq!(finding["location"]["end"], 20);
    assert_eq!(finding["excerpt"], "DIFFUSION RESTREINTE");
    assert!(finding["reason"].as_str().unwrap().contains("banner"));
}

#[test]
fn sensitive_data_is_reported_masked() {
    let text = "IBAN : FR76 3000 6000 0112 3456 7890 189\nmdp: Tr0ub4dor&3\n";
    let output = vigie(&["scan", "--format", "json"], Some(text));
    assert_eq!(output.status.code(), Some(2), "a password blocks");
    let stdout = String::from_utf8(output.stdout.clone()).unwrap();
    assert!(!stdout.contains("Tr0ub4dor&3"), "{stdout}");
    assert!(!stdout.contains("3000 6000 0112"), "{stdout}");
    let report = &json_lines(&output)[0];
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["pii.iban", "secret.password"]);
    assert_eq!(
        report["findings"][0]["excerpt"],
        "FR76 **** **** **** **** ***0 189"
    );
    assert_eq!(report["findings"][0]["kind"], "pii");
    assert_eq!(report["findings"][1]["kind"], "secret");
    // Personal data alone warns.
    let warn = vigie(&["scan"], Some("Écris-moi : jean.dupont@example.fr"));
    assert_eq!(warn.status.code(), Some(1));
}

#[test]
fn a_policy_file_and_its_scopes_change_the_verdict() {
    let dir = tempdir("cli");
    let policy = dir.join("policy.toml");
    std::fs::write(&policy, "ceiling = 2\n[scopes.public]\nceiling = 0\n").unwrap();
    let policy = policy.to_str().unwrap();
    let text = Some("DIFFUSION RESTREINTE");
    assert_eq!(
        vigie(&["scan", "--policy", policy], text).status.code(),
        Some(0)
    );
    assert_eq!(
        vigie(&["scan", "--policy", policy, "--scope", "public"], text)
            .status
            .code(),
        Some(2)
    );
    let unknown = vigie(&["scan", "--policy", policy, "--scope", "nowhere"], text);
    assert_eq!(unknown.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no scope `nowhere`"));
}

#[test]
fn errors_exit_3_with_one_line_on_stderr() {
    let dir = tempdir("cli");
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "ceiling = 9\n").unwrap();
    let cases: [&[&str]; 3] = [
        &["scan", "/nonexistent/file.txt"],
        &["scan", "--policy", bad.to_str().unwrap(), "-"],
        &["scan", "--policy", "/nonexistent/policy.toml", "-"],
    ];
    for args in cases {
        let output = vigie(args, Some(""));
        assert_eq!(output.status.code(), Some(3), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.trim().lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("vigie: "), "{stderr}");
    }
    // A usage error has its own status, not 2, which means "block"
    // (clap's own status is 2).
    let usage = vigie(&["scan", "--format", "xml", "-"], Some(""));
    assert_eq!(usage.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&usage.stderr).contains("xml"));
}

#[test]
fn an_unreadable_path_does_not_stop_the_others() {
    let output = vigie(
        &[
            "scan",
            "--format",
            "json",
            "/nonexistent",
            "fixtures/examples/01-clean.txt",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(json_lines(&output).len(), 1);
}

#[test]
fn human_output_is_readable_and_coloured_only_on_request() {
    let plain = vigie(
        &["scan", "fixtures/examples/02-diffusion-restreinte.txt"],
        None,
    );
    let text = String::from_utf8(plain.stdout).unwrap();
    assert!(
        text.starts_with("BLOCK  fixtures/examples/02-diffusion-restreinte.txt"),
        "{text}"
    );
    assert!(text.contains("fr.diffusion-restreinte"));
    assert!(
        !text.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
    let coloured = vigie(
        &[
            "scan",
            "--color",
            "always",
            "fixtures/examples/02-diffusion-restreinte.txt",
        ],
        None,
    );
    assert!(
        String::from_utf8(coloured.stdout)
            .unwrap()
            .contains("\x1b[1;31mBLOCK")
    );
}

#[test]
fn custom_rule_packs_are_used_and_listed() {
    let dir = tempdir("cli");
    let pack = dir.join("acme.toml");
    std::fs::write(
        &pack,
        "pack = \"acme\"\n[[rule]]\nid = \"acme.interne\"\nname = \"ACME Interne\"\nlevel = 2\nforms = [{ text = \"ACME INTERNE\" }]\n",
    )
    .unwrap();
    let pack = pack.to_str().unwrap();
    let scan = vigie(
        &["scan", "--rules", pack, "--format", "json"],
        Some("Document ACME interne."),
    );
    assert_eq!(scan.status.code(), Some(2));
    assert_eq!(json_lines(&scan)[0]["findings"][0]["rule"], "acme.interne");
    let listed = vigie(&["rules", "--rules", pack, "--format", "json"], None);
    let ids: Vec<String> = json_lines(&listed)
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert!(ids.contains(&"acme.interne".to_string()));
    assert!(ids.contains(&"fr.diffusion-restreinte".to_string()));
}

#[test]
fn rules_lists_every_builtin_rule() {
    let output = vigie(&["rules"], None);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    for id in [
        "tlp.clear",
        "fr.diffusion-restreinte",
        "nato.cosmic-top-secret",
        "us.rel-to",
        "uk.official-sensitive",
    ] {
        assert!(text.contains(id), "{id} missing from:\n{text}");
    }
}

#[test]
fn binary_input_fails_closed() {
    let dir = tempdir("cli");
    let blob = dir.join("blob.bin");
    std::fs::write(&blob, b"\x7FELF\x02\x01\x01\0\0\0\0\0\x03\0>\0").unwrap();
    let output = vigie(&["scan", "--format", "json", blob.to_str().unwrap()], None);
    assert_eq!(output.status.code(), Some(2));
    let report = &json_lines(&output)[0];
    assert_eq!(report["status"], "unscannable");
    assert_eq!(report["problems"][0]["code"], "unsupported");
}
#[test]
fn a_file_over_the_size_limit_is_refused_by_its_size_without_being_read() {
    let dir = std::env::temp_dir().join(format!("vigie-cli-sparse-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("huge.pdf");
    let file = std::fs::File::create(&path).unwrap();
    // 600 MB of holes: reading it whole would take 600 MB of memory.
    file.set_len(600 << 20).unwrap();
    drop(file);
    let output = vigie(&["scan", "--format", "json", path.to_str().unwrap()], None);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(output.status.code(), Some(2));
    let reports = json_lines(&output);
    assert_eq!(reports[0]["status"], "unscannable");
    assert_eq!(reports[0]["problems"][0]["code"], "limit");
}
