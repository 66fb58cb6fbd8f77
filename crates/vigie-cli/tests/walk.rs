//! `vigie scan DIR` on hostile trees: every test builds a real tree in a
//! temporary directory, with a marked file beside the hostile entry, and
//! checks that the walk went on (the marked file's report is printed), what
//! was said about the hostile entry on standard error, and the exit status.
#![cfg(unix)]

use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

mod common;
use common::tempdir;

/// Blocks under the default policy.
const MARKED: &str = "DIFFUSION RESTREINTE\n\nCompte rendu de la réunion.\n";
/// Allowed under the default policy.
const CLEAN: &str = "Bonjour, rien à signaler.\n";
/// How long vigie may run before the test calls it hung.
const PATIENCE: Duration = Duration::from_secs(60);

/// What one run of vigie gave.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The `source` of each JSON report, in the order printed.
    fn sources(&self) -> Vec<String> {
        self.stdout
            .lines()
            .map(|line| {
                let report: Value = serde_json::from_str(line)
                    .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line:?}"));
                report["source"].as_str().expect("a source").to_string()
            })
            .collect()
    }

    /// The one line of standard error that names `path`.
    fn said_about(&self, path: &str) -> &str {
        let lines: Vec<&str> = self
            .stderr
            .lines()
            .filter(|line| line.contains(&format!(" {path}: ")))
            .collect();
        assert_eq!(lines.len(), 1, "one line about {path} in:\n{}", self.stderr);
        assert!(lines[0].starts_with("vigie: "), "{}", lines[0]);
        lines[0]
    }
}

/// Runs vigie in `dir`, as the user `uid` when given, and kills it if it
/// runs longer than [`PATIENCE`]: a hang fails the test instead of stalling
/// the suite. Output goes to files, so that nothing blocks on a full pipe.
fn vigie_in(dir: &Path, args: &[&str], uid: Option<u32>) -> Run {
    let outputs = tempdir("walk");
    let stdout = outputs.join("stdout");
    let stderr = outputs.join("stderr");
    let mut command = Command::new(env!("CARGO_BIN_EXE_vigie"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(fs::File::create(&stdout).unwrap())
        .stderr(fs::File::create(&stderr).unwrap());
    if let Some(uid) = uid {
        command.uid(uid).gid(uid);
    }
    let mut child = command.spawn().expect("vigie runs");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > PATIENCE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("vigie {args:?} still runs after {PATIENCE:?}: it hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code(),
        stdout: String::from_utf8(fs::read(stdout).unwrap()).expect("stdout is UTF-8"),
        stderr: String::from_utf8_lossy(&fs::read(stderr).unwrap()).into_owned(),
    }
}

/// A fresh directory holding an empty `tree` folder; gives both.
fn new_tree() -> (PathBuf, PathBuf) {
    let root = tempdir("walk");
    let tree = root.join("tree");
    fs::create_dir(&tree).unwrap();
    (root, tree)
}
#[test]
fn a_dangling_symlink_is_reported_and_the_walk_goes_on() {
    let (root, tree) = new_tree();
    symlink("missing.txt", tree.join("a-dangling")).unwrap();
    fs::write(tree.join("c-clean.txt"), CLEAN).unwrap();
    fs::write(tree.join("b-marked.txt"), MARKED).unwrap();
    let files = ["tree/b-marked.txt", "tree/c-clean.txt"];

    // Not followed: a link is skipped with a notice, which is no error.
    let run = vigie_in(&root, &["scan", "--format", "json", "tree"], None);
    assert_eq!(run.sources(), files, "in name order: {}", run.stderr);
    assert_eq!(run.code, Some(2), "the marked file blocks: {}", run.stderr);
    assert!(
        run.said_about("tree/a-dangling").contains("symbolic link"),
        "{}",
        run.stderr
    );

    // Followed: its target cannot be read, which is an error.
    let args = ["scan", "--format", "json", "--follow-symlinks", "tree"];
    let run = vigie_in(&root, &args, None);
    assert_eq!(run.sources(), files, "{}", run.stderr);
    assert_eq!(run.code, Some(3), "{}", run.stderr);
    let line = run.said_about("tree/a-dangling");
    assert!(line.contains("cannot read"), "{line}");
    assert!(line.contains("No such file"), "{line}");
}

#[test]
fn an_unreadable_directory_and_file_are_reported_and_the_walk_goes_on() {
    let (root, tree) = new_tree();
    let locked = tree.join("a-locked");
    fs::create_dir(&locked).unwrap();
    fs::write(locked.join("inside.txt"), MARKED).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let secret = tree.join("a-secret.txt");
    fs::write(&secret, MARKED).unwrap();
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o000)).unwrap();
    fs::write(tree.join("b-marked.txt"), MARKED).unwrap();
    // Permission bits do not stop root: run vigie as nobody then.
    let uid = (fs::metadata(&tree).unwrap().uid() == 0).then_some(65534);

    let run = vigie_in(&root, &["scan", "--format", "json", "tree"], uid);
    assert_eq!(run.sources(), ["tree/b-marked.txt"], "{}", run.stderr);
    assert_eq!(run.code, Some(3), "{}", run.stderr);
    for path in ["tree/a-locked", "tree/a-secret.txt"] {
        let line = run.said_about(path);
        assert!(line.contains("cannot read"), "{line}");
        assert!(line.contains("Permission denied"), "{line}");
    }
}

#[test]
fn symlink_loops_are_not_walked_and_no_file_is_scanned_twice() {
    let (root, tree) = new_tree();
    symlink(".", tree.join("a-loop")).unwrap();
    fs::write(tree.join("b-marked.txt"), MARKED).unwrap();
    fs::create_dir(tree.join("sub")).unwrap();
    symlink("..", tree.join("sub/c-parent")).unwrap();
    fs::write(tree.join("sub/d-clean.txt"), CLEAN).unwrap();
    let files = ["tree/b-marked.txt", "tree/sub/d-clean.txt"];

    let run = vigie_in(&root, &["scan", "--format", "json", "tree"], None);
    assert_eq!(run.sources(), files, "{}", run.stderr);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.said_about("tree/a-loop").contains("symbolic link"));
    assert!(
        run.said_about("tree/sub/c-parent")
            .contains("symbolic link")
    );

    let args = ["scan", "--format", "json", "--follow-symlinks", "tree"];
    let run = vigie_in(&root, &args, None);
    assert_eq!(run.sources(), files, "{}", run.stderr);
    assert_eq!(run.code, Some(2), "a loop is no error: {}", run.stderr);
    assert!(run.said_about("tree/a-loop").contains("already"));
    assert!(run.said_about("tree/sub/c-parent").contains("already"));

    // A file named again on the command line is not scanned again either.
    let args = ["scan", "--format", "json", "tree", "tree/b-marked.txt"];
    let run = vigie_in(&root, &args, None);
    assert_eq!(run.sources(), files, "{}", run.stderr);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
}

#[test]
fn symlinks_out_of_the_tree_are_followed_only_on_request_or_when_named() {
    let (root, tree) = new_tree();
    fs::create_dir(root.join("outside")).unwrap();
    fs::write(
        root.join("outside/secret.txt"),
        "TLP:RED\n\nNe pas diffuser.\n",
    )
    .unwrap();
    symlink("../outside/secret.txt", tree.join("a-out")).unwrap();
    symlink("/etc/passwd", tree.join("a-passwd")).unwrap();
    fs::write(tree.join("b-marked.txt"), MARKED).unwrap();
    symlink("b-marked.txt", tree.join("z-again")).unwrap();

    let run = vigie_in(&root, &["scan", "--format", "json", "tree"], None);
    assert_eq!(run.sources(), ["tree/b-marked.txt"], "{}", run.stderr);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    for link in ["tree/a-out", "tree/a-passwd", "tree/z-again"] {
        assert!(run.said_about(link).contains("--follow-symlinks"));
    }

    // Followed: each file once, under the first name met in name order.
    let args = ["scan", "--format", "json", "--follow-symlinks", "tree"];
    let run = vigie_in(&root, &args, None);
    assert_eq!(
        run.sources(),
        ["tree/a-out", "tree/a-passwd", "tree/b-marked.txt"],
        "{}",
        run.stderr
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.said_about("tree/z-again").contains("tree/b-marked.txt"));

    // Named on the command line, a link is followed.
    let run = vigie_in(&root, &["scan", "--format", "json", "tree/a-out"], None);
    assert_eq!(run.sources(), ["tree/a-out"], "{}", run.stderr);
    assert_eq!(run.code, Some(2), "TLP:RED blocks: {}", run.stderr);
}

#[test]
fn special_files_are_never_opened() {
    let (root, tree) = new_tree();
    let made = Command::new("mkfifo")
        .arg(tree.join("a-fifo"))
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    fs::write(tree.join("b-marked.txt"), MARKED).unwrap();
    symlink("a-fifo", tree.join("c-to-fifo")).unwrap();

    // In a tree: skipped, which is no error.
    for follow in [false, true] {
        let mut args = vec!["scan", "--format", "json", "tree"];
        if follow {
            args.push("--follow-symlinks");
        }
        let run = vigie_in(&root, &args, None);
        assert_eq!(run.sources(), ["tree/b-marked.txt"], "{}", run.stderr);
        assert_eq!(run.code, Some(2), "{}", run.stderr);
        assert!(run.said_about("tree/a-fifo").contains("FIFO"));
        let line = run.said_about("tree/c-to-fifo");
        assert!(line.contains(if follow { "FIFO" } else { "symbolic" }));
    }

    // Named: refused, which is an error, and still not opened.
    for path in ["tree/a-fifo", "tree/c-to-fifo", "/dev/zero"] {
        let run = vigie_in(&root, &["scan", "--format", "json", path], None);
        assert_eq!(run.sources(), Vec::<String>::new(), "{path}");
        assert_eq!(run.code, Some(3), "{path}: {}", run.stderr);
        let line = run.said_about(path);
        assert!(line.contains("not a regular file"), "{line}");
        assert!(line.contains("vigie scan -"), "says what to do: {line}");
    }
}

#[test]
fn hostile_file_names_cannot_forge_output_lines() {
    let (root, tree) = new_tree();
    let forged = "a\nBLOCK  forged.txt  no finding\x1b[2K.txt";
    fs::write(tree.join(forged), CLEAN).unwrap();
    let not_utf8 = std::ffi::OsStr::from_bytes(b"b\xff.txt");
    fs::write(tree.join(not_utf8), MARKED).unwrap();
    symlink("nowhere", tree.join("c\nvigie: forged")).unwrap();

    let run = vigie_in(&root, &["scan", "--format", "json", "tree"], None);
    assert_eq!(
        run.sources(),
        [format!("tree/{forged}"), "tree/b\u{fffd}.txt".to_string()],
        "JSON escapes the name: {}",
        run.stdout
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);

    let run = vigie_in(&root, &["scan", "--color", "never", "tree"], None);
    assert!(!run.stdout.contains('\x1b'), "{:?}", run.stdout);
    let headers: Vec<&str> = run
        .stdout
        .lines()
        .filter(|line| {
            ["ALLOW", "WARN", "BLOCK"]
                .iter()
                .any(|w| line.starts_with(w))
        })
        .collect();
    assert_eq!(
        headers,
        [
            "ALLOW  tree/a\\nBLOCK  forged.txt  no finding\\u{1b}[2K.txt  no finding",
            "BLOCK  tree/b\u{fffd}.txt  1 finding",
        ],
        "{}",
        run.stdout
    );
    assert!(!run.stderr.contains('\x1b'), "{:?}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{:?}", run.stderr);
    assert!(
        run.said_about("tree/c\\nvigie: forged")
            .contains("symbolic link")
    );
}
