"""The Python API as a caller uses it: results, types, errors, threads and
asyncio. The scanning itself is tested in Rust; these tests check that the
binding carries it over faithfully."""

import asyncio
import json
import pathlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import vigie

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture(scope="module")
def scanner():
    return vigie.Scanner()


def test_a_marked_message_is_blocked_with_its_finding(scanner):
    report = scanner.scan_text("DIFFUSION RESTREINTE\n\nCompte rendu de la réunion.")
    assert report.verdict == "block"
    assert report.status == "complete"
    assert report.problems == []
    [finding] = report.findings
    assert finding.rule == "fr.diffusion-restreinte"
    assert finding.kind == "marking"
    assert finding.level == 2
    assert finding.confidence == "high"
    assert "banner" in finding.reason
    assert finding.location == {"part": "body", "start": 0, "end": 20}
    assert finding.excerpt == "DIFFUSION RESTREINTE"


def test_ordinary_words_are_allowed(scanner):
    report = scanner.scan_text("Le secret de la réussite, c'est le secrétariat. Secret Santa on Friday!")
    assert report.verdict == "allow"
    assert report.findings == []


def test_reports_serialise_to_the_json_contract(scanner):
    report = scanner.scan_text("Mention : DR\nCompte rendu.")
    as_dict = report.to_dict()
    assert as_dict == json.loads(report.to_json())
    assert as_dict["verdict"] == "block"
    assert as_dict["findings"][0]["rule"] == "fr.diffusion-restreinte"
    assert set(as_dict) >= {"verdict", "status", "findings", "problems"}


def test_sensitive_values_never_appear_in_full(scanner):
    report = scanner.scan_text("IBAN : FR76 3000 6000 0112 3456 7890 189\nmdp: Tr0ub4dor&3")
    assert [f.kind for f in report.findings] == ["pii", "secret"]
    assert "Tr0ub4dor&3" not in report.to_json()
    assert "3000 6000 0112" not in report.to_json()
    assert report.findings[0].excerpt == "FR76 **** **** **** **** ***0 189"


def test_attachments_are_read_by_content(scanner):
    data = (FIXTURES / "documents" / "header-only.docx").read_bytes()
    report = scanner.scan_bytes(data, "note.docx")
    assert report.verdict == "block"
    assert report.findings[0].location["part"] == "header"
    assert report.findings[0].location["path"] == ["note.docx"]
    nested = scanner.scan_file(FIXTURES / "documents" / "dossier.zip")
    assert nested.findings[0].location["path"][-1] == "note.docx"
    assert nested.source.endswith("dossier.zip")


def test_unreadable_content_fails_closed(scanner):
    report = scanner.scan_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x03\x00>\x00")
    assert report.status == "unscannable"
    assert report.verdict == "block"
    assert report.problems[0]["code"] == "unsupported"


def test_policies_come_as_dict_toml_or_path(tmp_path):
    text = "DIFFUSION RESTREINTE"
    assert vigie.Scanner(policy={"ceiling": 2}).scan_text(text).verdict == "allow"
    assert vigie.Scanner(policy="ceiling = 2").scan_text(text).verdict == "allow"
    path = tmp_path / "policy.toml"
    path.write_text("ceiling = 0\n[kinds]\npii = \"allow\"\n")
    assert vigie.Scanner(policy=path).scan_text("TLP:GREEN").verdict == "block"
    assert vigie.Scanner(policy=str(path)).scan_text("jean@example.fr").verdict == "allow"


def test_scopes_apply_their_ceiling():
    scanner = vigie.Scanner(policy={"scopes": {"!dr:example.org": {"ceiling": 2}}})
    text = "DIFFUSION RESTREINTE"
    assert scanner.scopes() == ["!dr:example.org"]
    assert scanner.scan_text(text).verdict == "block"
    assert scanner.scan_text(text, scope="!dr:example.org").verdict == "allow"
    assert scanner.scan_bytes(text.encode(), None, "!dr:example.org").verdict == "allow"
    assert asyncio.run(scanner.scan_text_async(text, "!dr:example.org")).verdict == "allow"


def test_an_unknown_scope_is_an_error_not_the_default_policy():
    scanner = vigie.Scanner(policy={"scopes": {"!dr:example.org": {"ceiling": 2}}})
    text = "DIFFUSION RESTREINTE"
    for scan in (
        lambda: scanner.scan_text(text, "!DR:example.org"),
        lambda: scanner.scan_bytes(text.encode(), None, "!dr:example.com"),
        lambda: scanner.scan_file(FIXTURES / "documents" / "clean.pdf", "dr"),
        lambda: asyncio.run(scanner.scan_text_async(text, "level-2")),
    ):
        with pytest.raises(vigie.PolicyError, match="the policy has no scope"):
            scan()
    assert scanner.scan_text(text, scope=None).verdict == "block"


def test_scan_many_refuses_a_single_message_or_attachment(scanner):
    # Iterating "DIFFUSION RESTREINTE" would scan "D", "I", "F", ...: each
    # allowed, and the marking with them.
    for single in ("DIFFUSION RESTREINTE", b"DIFFUSION RESTREINTE", bytearray(b"SECRET"), memoryview(b"SECRET")):
        with pytest.raises(TypeError, match="not a single"):
            scanner.scan_many(single)


def test_attachments_may_be_bytearrays_and_memoryviews(scanner):
    import array

    data = (FIXTURES / "documents" / "banner.pdf").read_bytes()
    expected = scanner.scan_bytes(data).to_dict()
    assert expected["verdict"] == "block"
    assert scanner.scan_bytes(bytearray(data)).to_dict() == expected
    assert scanner.scan_bytes(memoryview(data)).to_dict() == expected
    # A slice is the bytes it shows; a strided view its elements in order.
    padded = b"xxxx" + data + b"yyyy"
    assert scanner.scan_bytes(memoryview(padded)[4:-4]).to_dict() == expected
    assert scanner.scan_bytes(memoryview(b"SxEyCzRwEvTu")[::2]).verdict == "block"
    # Wider items are read as their raw bytes.
    assert scanner.scan_bytes(array.array("B", b"TLP:RED")).verdict == "block"
    assert scanner.scan_bytes(memoryview(array.array("H", [0x4c54, 0x3a50, 0x4552, 0x0a44]))).verdict == "block"
    reports = scanner.scan_many(["bonjour", bytearray(b"TLP:RED"), memoryview(b"SECRET"), b"rien"])
    assert [r.verdict for r in reports] == ["allow", "block", "block", "allow"]
    for wrong in ("text", 42, [1, 2, 3], None):
        with pytest.raises(TypeError, match="must be bytes, bytearray or memoryview"):
            scanner.scan_bytes(wrong)


def test_custom_rule_packs_are_used(tmp_path):
    pack = 'pack = "acme"\n[[rule]]\nid = "acme.interne"\nname = "ACME Interne"\nlevel = 2\nforms = [{ text = "ACME INTERNE" }]\n'
    scanner = vigie.Scanner(rules=pack)
    assert scanner.scan_text("Document ACME interne.").findings[0].rule == "acme.interne"
    path = tmp_path / "acme.toml"
    path.write_text(pack)
    assert any(rule["id"] == "acme.interne" for rule in vigie.Scanner(rules=[path]).rules())


@pytest.mark.parametrize(
    "policy, message",
    [
        ({"ceiling": 9}, "ceiling must be between 0 and 5"),
        ({"celing": 1}, "unknown field"),
        ("ceiling = ", "invalid"),
    ],
)
def test_invalid_policies_raise_policy_error(policy, message):
    with pytest.raises(vigie.PolicyError, match=message):
        vigie.Scanner(policy=policy)


def test_errors_form_a_hierarchy(tmp_path):
    assert issubclass(vigie.PolicyError, vigie.VigieError)
    assert issubclass(vigie.RulesError, vigie.VigieError)
    assert issubclass(vigie.ScanIOError, vigie.VigieError)
    with pytest.raises(vigie.RulesError, match="dotted lower-case"):
        vigie.Scanner(rules='pack = "x"\n[[rule]]\nid = "Bad"\nname = "n"\nforms = [{ text = "A" }]\n')
    with pytest.raises(vigie.ScanIOError, match="cannot read"):
        vigie.Scanner().scan_file(tmp_path / "missing.pdf")


def test_wrong_types_raise_type_error(scanner):
    with pytest.raises(TypeError):
        scanner.scan_text(b"bytes are not a message")
    with pytest.raises(TypeError):
        scanner.scan_bytes("text is not bytes")
    with pytest.raises(TypeError, match="str .messages. and bytes"):
        scanner.scan_many(["ok", 3])
    with pytest.raises(TypeError, match="policy must be"):
        vigie.Scanner(policy=42)


def test_scan_many_keeps_the_order(scanner):
    items = ["bonjour", "SECRET", b"TLP:RED", "rien", (FIXTURES / "documents" / "clean.docx").read_bytes()] * 20
    reports = scanner.scan_many(items)
    assert [r.verdict for r in reports] == ["allow", "block", "block", "allow", "allow"] * 20
    assert scanner.scan_many([]) == []
    assert [r.verdict for r in scanner.scan_many(iter(["SECRET"]))] == ["block"]


def test_one_scanner_serves_many_threads(scanner):
    texts = [f"Message {i} : " + ("DIFFUSION RESTREINTE" if i % 3 == 0 else "rien à signaler") for i in range(300)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        verdicts = list(pool.map(lambda t: scanner.scan_text(t).verdict, texts))
    assert verdicts == ["block" if i % 3 == 0 else "allow" for i in range(300)]


@pytest.mark.parametrize("scan", ["scan_text", "scan_bytes"])
def test_scans_release_the_gil(scanner, scan):
    # While one thread scans a large text, another keeps running Python code.
    big = "rien à signaler. " * 400_000
    if scan == "scan_bytes":
        big = big.encode()
    ticks = 0
    done = threading.Event()

    def count():
        nonlocal ticks
        while not done.is_set():
            ticks += 1

    counter = threading.Thread(target=count)
    counter.start()
    getattr(scanner, scan)(big)
    done.set()
    counter.join()
    assert ticks > 1000


def test_asyncio_helpers_run_scans_off_the_event_loop(scanner):
    async def main():
        return await asyncio.gather(
            scanner.scan_text_async("SECRET"),
            scanner.scan_bytes_async(b"bonjour"),
            scanner.scan_file_async(FIXTURES / "documents" / "footer-only.docx"),
        )

    reports = asyncio.run(main())
    assert [r.verdict for r in reports] == ["block", "allow", "block"]


def test_every_class_has_a_readable_repr(scanner):
    report = scanner.scan_text("TLP:RED")
    assert repr(scanner).startswith("<vigie.Scanner:")
    assert repr(report) == "<vigie.Report verdict=block status=complete findings=1 problems=0>"
    assert repr(report.findings[0]) == '<vigie.Finding tlp.red high "TLP:RED">'


def test_the_package_ships_its_types():
    package = pathlib.Path(vigie.__file__).parent
    assert (package / "py.typed").exists()
    assert (package / "_vigie.pyi").exists()
    assert vigie.__version__


def test_streams_are_read_as_the_command_reads_standard_input(scanner, tmp_path):
    import io

    data = (FIXTURES / "documents" / "banner.pdf").read_bytes()
    expected = scanner.scan_bytes(data, "banner.pdf").to_dict()
    assert scanner.scan_stream(io.BytesIO(data), "banner.pdf").to_dict() == expected
    with open(FIXTURES / "documents" / "banner.pdf", "rb") as file:
        assert scanner.scan_stream(file, "banner.pdf").to_dict() == expected
    # Past max_input_bytes, the stream is not read to its end.
    small = vigie.Scanner(policy={"limits": {"max_input_bytes": 100_000}})
    stream = io.BytesIO(b"%PDF-1.7\n" + b"x" * 1_000_000)
    report = small.scan_stream(stream)
    assert report.status == "unscannable" and report.problems[0]["code"] == "limit"
    assert stream.tell() < 200_000
    with pytest.raises(TypeError, match="binary"):
        scanner.scan_stream(io.StringIO("SECRET"))

    class Broken(io.RawIOBase):
        def readable(self):
            return True

        def read(self, size=-1):
            raise ValueError("the upload was cut")

    with pytest.raises(ValueError, match="the upload was cut"):
        scanner.scan_stream(Broken())
    with pytest.raises(vigie.PolicyError):
        scanner.scan_stream(io.BytesIO(b""), scope="nowhere")


def test_with_source_names_the_input(scanner):
    report = scanner.scan_text("TLP:RED")
    named = report.with_source("-")
    assert named.source == "-" and report.source is None
    assert named.to_dict() == dict(report.to_dict(), source="-")


def test_bytes_are_scanned_in_place_not_copied():
    # Peak memory of a fresh process: scanning 128 MiB of bytes must not add
    # another 128 MiB (it did while the bytes were copied before the scan).
    import subprocess
    import sys

    code = """
import resource, vigie
scanner = vigie.Scanner()
data = b"\\\\x00" * (128 << 20)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
assert scanner.scan_bytes(data).status == "unscannable"
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) < 32, f"peak memory grew by {result.stdout.strip()} MiB"
