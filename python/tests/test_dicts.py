"""Dicts are built from the Rust values, and are exactly the JSON report
contract: the same keys in the same order, the same spellings, the same
keys left out when they do not apply."""

import json
import pathlib

import pytest

import vigie

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "fixtures"
DOCUMENTS = FIXTURES / "documents"


@pytest.fixture(scope="module")
def scanner():
    return vigie.Scanner()


def reports(scanner):
    """Reports with findings, problems, pages, container paths, sources,
    levels and none, every status."""
    yield "marked message", scanner.scan_text("DIFFUSION RESTREINTE\n\nCompte rendu.")
    yield "clean message", scanner.scan_text("bonjour")
    yield "data", scanner.scan_text("IBAN : FR76 3000 6000 0112 3456 7890 189\nmdp: Tr0ub4dor&3\nTLP:AMBER")
    yield "caveat", scanner.scan_text("Dossier ATOMAL à rendre.")
    yield "unscannable", scanner.scan_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x03\x00>\x00")
    for name in ("banner.pdf", "dossier.zip", "header-only.docx", "encrypted.zip", "damaged.zip",
                 "message.eml", "200-pages.pdf", "master-page.odp", "note.rtf"):
        yield name, scanner.scan_file(DOCUMENTS / name)
    yield "named bytes", scanner.scan_bytes((DOCUMENTS / "header-only.docx").read_bytes(), "note.docx")
    yield "with source", scanner.scan_text("SECRET").with_source("-")


def test_dicts_are_the_json_contract(scanner):
    seen = set()
    for name, report in reports(scanner):
        as_dict = report.to_dict()
        from_json = json.loads(report.to_json())
        assert as_dict == from_json, name
        # Same keys in the same order, all the way down.
        assert json.dumps(as_dict, ensure_ascii=False, separators=(",", ":")) == report.to_json(), name
        assert report.problems == from_json["problems"], name
        assert [f.location for f in report.findings] == [f["location"] for f in from_json["findings"]], name
        seen.update(key for finding in from_json["findings"] for key in finding["location"])
        seen.update("problem:" + p["code"] for p in from_json["problems"])
        seen.update("status:" + from_json["status"] for _ in [0])
        seen.update(["source"] if "source" in from_json else [])
    # The reports above did cover what may be left out, and more than one status.
    assert {"page", "path", "source", "status:complete", "status:unscannable"} <= seen, seen
    assert any(key.startswith("problem:") for key in seen)


def test_optional_keys_are_left_out_not_none(scanner):
    [finding] = scanner.scan_text("TLP:RED").findings
    assert finding.location == {"part": "body", "start": 0, "end": 7}
    assert "source" not in scanner.scan_text("TLP:RED").to_dict()
    page = scanner.scan_file(DOCUMENTS / "banner.pdf").findings[0].location
    assert list(page) == ["page", "part", "path", "start", "end"] and page["page"] == 1


def test_each_call_gives_a_new_dict(scanner):
    report = scanner.scan_text("TLP:RED")
    first = report.to_dict()
    first["verdict"] = "allow"
    first["findings"].clear()
    assert report.to_dict()["verdict"] == "block" and report.to_dict()["findings"]
