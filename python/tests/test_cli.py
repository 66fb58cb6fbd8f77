"""python -m vigie behaves like the Rust command: formats and exit statuses."""

import json
import pathlib
import subprocess
import sys

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
