"""python -m vigie behaves like the Rust command: formats and exit statuses."""

import json
import os
import pathlib
import subprocess
import sys

import pytest

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "fixtures"


def run(*args, stdin=""):
    return subprocess.run([sys.executable, "-m", "vigie", *args], input=stdin.encode(), capture_output=True, timeout=120)


def test_exit_status_follows_the_worst_verdict():
    assert run("scan", stdin="Bonjour").returncode == 0
    assert run("scan", "-", stdin="Dossier ATOMAL à rendre.").returncode == 1
    assert run("scan", "-", stdin="la note est en diffusion restreinte").returncode == 2


def test_json_output_is_one_report_per_input():
    result = run("scan", "--format", "json", str(FIXTURES / "examples"))
    assert result.returncode == 2
    reports = [json.loads(line) for line in result.stdout.decode().splitlines()]
    expected = json.loads((FIXTURES / "examples-expected.json").read_text())
    assert len(reports) == len(expected)
    for report in reports:
        name = pathlib.Path(report["source"]).name
        assert report["verdict"] == expected[name]["verdict"], name


def test_policy_scopes_apply(tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text("[scopes.dr]\nceiling = 2\n")
    assert run("scan", "--policy", str(policy), "-", stdin="DIFFUSION RESTREINTE").returncode == 2
    assert run("scan", "--policy", str(policy), "--scope", "dr", "-", stdin="DIFFUSION RESTREINTE").returncode == 0
    assert run("scan", "--policy", str(policy), "--scope", "nowhere", "-", stdin="x").returncode == 3


def test_errors_exit_3():
    assert run("scan", "/nonexistent/file.txt").returncode == 3
    assert run("scan", "--policy", "ceiling = 9", "-").returncode == 3
    assert run("scan", "--format", "xml").returncode == 3


def test_rules_lists_the_builtin_rules():
    result = run("rules", "--format", "json")
    ids = [json.loads(line)["id"] for line in result.stdout.decode().splitlines()]
    assert "fr.diffusion-restreinte" in ids and "secret.private-key" in ids
    for format in ("json", "human"):
        ours = run("rules", "--format", format)
        theirs = subprocess.run([str(vigie_binary()), "rules", "--format", format], capture_output=True, timeout=120)
        assert ours.stdout.decode() == theirs.stdout.decode()


def test_a_reader_that_goes_away_is_not_an_error_message():
    # As `python -m vigie scan --format json DIR | head -1`: the reader
    # closes the pipe after one report, while more are to come.
    process = subprocess.Popen([sys.executable, "-m", "vigie", "scan", "--format", "json",
                                str(FIXTURES / "documents")], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert json.loads(process.stdout.readline())["source"]
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(timeout=120) == 3
    assert b"Traceback" not in stderr and b"BrokenPipe" not in stderr, stderr


def vigie_binary():
    """The Rust command built by cargo (scripts/test builds the workspace
    before the Python tests): under CARGO_TARGET_DIR if set, else target/."""
    root = pathlib.Path(__file__).resolve().parents[2]
    targets = [pathlib.Path(os.environ["CARGO_TARGET_DIR"])] if os.environ.get("CARGO_TARGET_DIR") else []
    for target in targets + [root / "target"]:
        for profile in ("debug", "release"):
            binary = target / profile / "vigie"
            if binary.exists():
                return binary
    pytest.fail("the vigie command is not built: run `cargo build -p vigie-cli` first")


@pytest.mark.parametrize("args, stdin", [
    (["-"], "DIFFUSION RESTREINTE\nCompte rendu.\nIBAN : FR76 3000 6000 0112 3456 7890 189\n"),
    ([], "bonjour\n"),
    (["-"], "\x1b[31mTLP:RED\u2028 é \"quoted\" \\ \t tab\n"),
    ([str(FIXTURES / "documents" / name) for name in
      ("banner.pdf", "dossier.zip", "encrypted.zip", "damaged.zip", "message.eml", "header-only.docx")], ""),
    ([str(FIXTURES / "examples")], ""),
])
@pytest.mark.parametrize("format", ["json", "human"])
def test_output_is_the_rust_commands_byte_for_byte(args, stdin, format):
    command = ["scan", "--format", format, *args]
    ours = run(*command, stdin=stdin)
    theirs = subprocess.run([str(vigie_binary()), *command], input=stdin.encode(), capture_output=True, timeout=120,
                            env=dict(os.environ, NO_COLOR="1"))
    assert ours.stdout, ours.stderr
    assert ours.stdout.decode() == theirs.stdout.decode()
    assert ours.returncode == theirs.returncode


def test_trees_are_walked_as_the_rust_command_walks_them(tmp_path):
    # Depth first in name order, a link inside the tree skipped.
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "inner.txt").write_text("TLP:RED")
    (tmp_path / "a.txt").write_text("SECRET")
    (tmp_path / "c.txt").write_text("bonjour")
    (tmp_path / "link.txt").symlink_to(tmp_path / "a.txt")
    command = ["scan", "--format", "json", str(tmp_path)]
    ours = run(*command)
    theirs = subprocess.run([str(vigie_binary()), *command], capture_output=True, timeout=120)
    assert [json.loads(line)["source"] for line in ours.stdout.splitlines()] == [
        str(tmp_path / name) for name in ("a.txt", "b/inner.txt", "c.txt")]
    assert ours.stdout == theirs.stdout
    assert b"link.txt" in ours.stderr


def test_stdin_past_the_input_limit_is_not_read(tmp_path):
    # Read as the Rust command reads it: within max_input_bytes.
    policy = tmp_path / "policy.toml"
    policy.write_text("[limits]\nmax_input_bytes = 100000\n")
    stdin = "%PDF-1.7\n" + "x" * 200_000
    command = ["scan", "--format", "json", "--policy", str(policy), "-"]
    ours = run(*command, stdin=stdin)
    theirs = subprocess.run([str(vigie_binary()), *command], input=stdin.encode(), capture_output=True, timeout=120)
    assert json.loads(ours.stdout)["problems"][0]["code"] == "limit"
    assert ours.stdout == theirs.stdout
