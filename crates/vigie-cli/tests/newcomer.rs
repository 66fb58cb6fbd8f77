//! The `vigie` command as someone who has just built it meets it: bare
//! `vigie`, `--help` of each command, a typo, a path that does not exist,
//! an empty directory, standard input named twice. Each test checks what
//! that person sees: the exit status, standard output and standard error.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

mod common;
use common::tempdir;

const MARKED: &str = "DIFFUSION RESTREINTE\n\nCompte rendu de la réunion.\n";

/// Runs vigie in `dir` with `stdin` as its standard input.
fn vigie_in(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("vigie runs");
    let mut input = child.stdin.take().unwrap();
    // vigie may exit before reading (a usage error): a closed pipe is fine.
    let _ = input.write_all(stdin.as_bytes());
    drop(input);
    child.wait_with_output().unwrap()
}

fn vigie(args: &[&str]) -> Output {
    vigie_in(&std::env::temp_dir(), args, "")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}
#[test]
fn bare_vigie_shows_its_usage_on_stderr_as_a_usage_error() {
    let output = vigie(&[]);
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    assert_eq!(stdout(&output), "", "nothing on standard output");
    let said = stderr(&output);
    assert!(said.contains("Usage: vigie <COMMAND>"), "{said}");
    for command in ["scan", "rules"] {
        assert!(said.contains(command), "names `{command}`: {said}");
    }
}

#[test]
fn a_typo_is_a_usage_error_not_a_block() {
    for args in [
        &["scna"][..],
        &["scan", "--bogus"],
        &["scan", "--format", "xml"],
        &["rules", "extra"],
    ] {
        let output = vigie(args);
        assert_eq!(
            output.status.code(),
            Some(4),
            "{args:?}: {}",
            stderr(&output)
        );
        assert_eq!(stdout(&output), "", "{args:?}");
        assert!(stderr(&output).contains("--help"), "{args:?}");
    }
}

#[test]
fn help_of_every_command_goes_to_stdout_and_succeeds() {
    for args in [
        &["--help"][..],
        &["-h"],
        &["help"],
        &["help", "scan"],
        &["scan", "--help"],
        &["scan", "-h"],
        &["rules", "--help"],
        &["--version"],
    ] {
        let output = vigie(args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr(&output)
        );
        assert_eq!(stderr(&output), "", "{args:?}");
        assert!(!stdout(&output).is_empty(), "{args:?}");
    }
    // The exit statuses are in the help, where a script writer looks.
    let top = stdout(&vigie(&["--help"]));
    assert!(
        top.contains(
            "Exit status: 0 allow, 1 warn, 2 block, 3 error, 4 usage error, 5 nothing to scan"
        ),
        "{top}"
    );
    for args in [&["scan", "--help"][..], &["scan", "-h"]] {
        let scan = stdout(&vigie(args));
        for line in [
            "2  the worst verdict is block",
            "4  a usage error",
            "5  nothing to scan",
        ] {
            assert!(scan.contains(line), "{args:?} says {line:?}: {scan}");
        }
    }
}

#[test]
fn a_path_that_does_not_exist_is_one_line_and_status_3() {
    let output = vigie(&["scan", "no-such-note.pdf"]);
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(stdout(&output), "");
    let said = stderr(&output);
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(
        said.starts_with("vigie: cannot read no-such-note.pdf: No such file or directory"),
        "{said}"
    );
}

#[test]
fn an_empty_directory_is_said_to_be_empty_and_is_not_allowed() {
    let root = tempdir("newcomer");
    std::fs::create_dir(root.join("empty")).unwrap();
    for format in ["human", "json"] {
        let output = vigie_in(&root, &["scan", "--format", format, "empty"], "");
        assert_eq!(
            output.status.code(),
            Some(5),
            "{format}: {}",
            stderr(&output)
        );
        // JSON output is one report per line: no report, no line, which a
        // JSON Lines reader reads as an empty stream.
        assert_eq!(stdout(&output), "", "{format}");
        assert_eq!(
            stderr(&output),
            "vigie: no file to scan in empty\n",
            "{format}"
        );
    }

    // Beside a file that is scanned, the empty directory is still named,
    // and the verdict gives the status.
    std::fs::write(root.join("marked.txt"), MARKED).unwrap();
    let output = vigie_in(
        &root,
        &["scan", "--format", "json", "empty", "marked.txt"],
        "",
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let reports: Vec<Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["source"], "marked.txt");
    assert_eq!(stderr(&output), "vigie: no file to scan in empty\n");

    // With an error besides, the error wins.
    let output = vigie_in(&root, &["scan", "empty", "missing.txt"], "");
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
}

#[cfg(unix)]
#[test]
fn a_directory_of_skipped_entries_says_how_many() {
    let root = tempdir("newcomer");
    let tree = root.join("links");
    std::fs::create_dir_all(tree.join("sub")).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", tree.join("a")).unwrap();
    std::os::unix::fs::symlink("/etc/hosts", tree.join("sub/b")).unwrap();
    let output = vigie_in(&root, &["scan", "links"], "");
    assert_eq!(output.status.code(), Some(5), "{}", stderr(&output));
    let said = stderr(&output);
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(lines.len(), 3, "{said}");
    assert!(
        lines[0].starts_with("vigie: skipped links/a: symbolic link"),
        "{said}"
    );
    assert!(
        lines[1].starts_with("vigie: skipped links/sub/b: symbolic link"),
        "{said}"
    );
    assert_eq!(
        lines[2],
        "vigie: no file to scan in links (2 entries skipped)"
    );
}

#[test]
fn standard_input_named_twice_is_read_once() {
    let output = vigie_in(
        &std::env::temp_dir(),
        &["scan", "--format", "json", "-", "-"],
        MARKED,
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let lines: Vec<String> = stdout(&output).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    let report: Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(report["source"], "-");
    assert_eq!(report["findings"][0]["rule"], "fr.diffusion-restreinte");
    assert_eq!(
        stderr(&output),
        "vigie: skipped -: standard input named again; it was read once\n"
    );
}

#[test]
fn the_readme_example_prints_what_the_readme_says() {
    let readme =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .unwrap();
    let section = readme
        .split_once("## The `vigie` command")
        .unwrap()
        .1
        .split_once("\n## ")
        .unwrap()
        .0;
    // The console example: the command's input, and what it prints.
    let console = section
        .split_once("```console\n")
        .unwrap()
        .1
        .split_once("```")
        .unwrap()
        .0;
    let (command, printed) = console.split_once('\n').unwrap();
    let input = command
        .strip_prefix("$ printf '")
        .and_then(|rest| rest.strip_suffix("' | vigie scan"))
        .unwrap_or_else(|| panic!("{command}"))
        .replace("\\n", "\n");
    let output = vigie_in(&std::env::temp_dir(), &["scan", "--color", "never"], &input);
    assert_eq!(stdout(&output), printed);
    assert_eq!(output.status.code(), Some(2));
    // The JSON example: the same input, in JSON.
    let json = section
        .split_once("```json\n")
        .unwrap()
        .1
        .split_once("```")
        .unwrap()
        .0;
    let output = vigie_in(&std::env::temp_dir(), &["scan", "--format", "json"], &input);
    assert_eq!(stdout(&output), json);
}

/// `vigie scan` with no path on a terminal reads the terminal: it says so,
/// so that it does not look hung. Run under `script`, which gives it a
/// terminal (util-linux; the test is skipped where it is missing).
#[cfg(target_os = "linux")]
#[test]
fn reading_a_terminal_says_how_to_end_the_input() {
    let has = |tool: &str| {
        Command::new(tool)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !has("script") || !has("timeout") {
        eprintln!("skipped: no `script` or `timeout` here");
        return;
    }
    let command = format!("{} scan --color never", env!("CARGO_BIN_EXE_vigie"));
    // The input ends with Ctrl-D, the end of file of a terminal.
    let output = {
        let mut child = Command::new("timeout")
            .args(["60", "script", "-qec", &command, "/dev/null"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = child.stdin.take().unwrap();
        input.write_all(MARKED.as_bytes()).unwrap();
        input.write_all(b"\x04").unwrap();
        drop(input);
        child.wait_with_output().unwrap()
    };
    let seen = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(2), "{seen}");
    assert!(
        seen.contains("vigie: reading standard input until end of file (Ctrl-D)"),
        "{seen}"
    );
    assert!(seen.contains("BLOCK  -  1 finding"), "{seen}");

    // From a pipe, not a word of it.
    let piped = vigie_in(&std::env::temp_dir(), &["scan"], MARKED);
    assert_eq!(stderr(&piped), "");
}
