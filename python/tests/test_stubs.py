"""The type stubs (_vigie.pyi) say what the compiled module has: stubtest
compares them with the module as built, name by name and signature by
signature."""

import subprocess
import sys


def test_stubs_match_the_compiled_module():
    # No allowlist: every difference is an error.
    command = [sys.executable, "-m", "mypy.stubtest", "vigie._vigie"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


def mypy(tmp_path, source):
    script = tmp_path / "client.py"
    script.write_text(source)
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(script)],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)


def test_a_client_type_checks_against_the_literal_types(tmp_path):
    result = mypy(tmp_path, '''
import vigie

scanner = vigie.Scanner()
report = scanner.scan_text("TLP:RED")
verdict: vigie.Verdict = report.verdict
status: vigie.Status = report.status
codes: list[vigie.ProblemCode] = [p["code"] for p in report.problems]
for finding in report.findings:
    kind: vigie.Kind = finding.kind
    part: vigie.Part = finding.location["part"]
    page = finding.location.get("page")
as_dict: vigie.ReportDict = report.to_dict()
try:
    scanner.scan_file("missing.pdf")
except vigie.ScanIOError as error:
    line: int | None = error.line
    number: int | None = error.errno
''')
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_misspelt_verdict_is_a_type_error(tmp_path):
    result = mypy(tmp_path, '''
import vigie

if vigie.Scanner().scan_text("x").verdict == "blocked":
    pass
verdict: int = vigie.Scanner().scan_text("x").verdict
''')
    assert result.returncode == 1
    expected = "Incompatible types in assignment (expression has type \"Literal['allow', 'warn', 'block']\""
    assert expected in result.stdout, result.stdout
