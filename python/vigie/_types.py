"""The types of vigie's values, for annotations (re-exported by `vigie`).

The Literal types list the spellings of the JSON report contract; the
TypedDicts are the dicts `Report.to_dict()`, `Report.problems`,
`Finding.location` and `Scanner.rules()` return. A future version may add
values to Kind, Part, ProblemCode and ErrorKind: code that matches on them
should keep a default case."""

from typing import Any, Dict, List, Literal, Optional, TypedDict, Union
import os

Verdict = Literal["allow", "warn", "block"]
Status = Literal["complete", "partial", "unscannable"]
Kind = Literal["marking", "pii", "secret", "custom"]
Confidence = Literal["low", "medium", "high"]
Part = Literal["body", "header", "footer", "notes", "comment", "metadata", "label", "ocr", "hidden"]
ProblemCode = Literal["encrypted", "limit", "corrupt", "unsupported", "ocr-unavailable"]
#: What an exception's `kind` says; "other" for a kind newer than this binding.
ErrorKind = Literal["policy", "rule-pack", "io", "other"]

#: What an attachment may be given as: its bytes, or any object with the
#: buffer protocol (read as its raw bytes).
BytesLike = Union[bytes, bytearray, memoryview]
#: What `Scanner(policy=...)` takes: a path, a TOML string, a dict, or None.
PolicyLike = Union[str, "os.PathLike[str]", Dict[str, Any], None]
#: What `Scanner(rules=...)` takes: a pack (path or TOML string), a list of them, or None.
RulesLike = Union[str, "os.PathLike[str]", List[Union[str, "os.PathLike[str]"]], None]


class PixelBox(TypedDict):
    """Where in an image the text was read, in pixels from its top left corner."""

    x: int
    y: int
    width: int
    height: int


class _LocationKeys(TypedDict):
    part: Part
    start: int
    end: int


class Location(_LocationKeys, total=False):
    """Where a finding stands; `page`, `path` and `pixels` are there only when known."""

    page: int
    path: List[str]
    pixels: PixelBox


class Problem(TypedDict):
    """Something that kept part of the content from being read."""

    code: ProblemCode
    message: str


class FindingDict(TypedDict):
    """A finding, as in a report's `findings`."""

    rule: str
    kind: Kind
    level: Optional[int]
    confidence: Confidence
    reason: str
    location: Location
    excerpt: str


class _ReportKeys(TypedDict):
    verdict: Verdict
    status: Status
    findings: List[FindingDict]
    problems: List[Problem]


class ReportDict(_ReportKeys, total=False):
    """A report, as `Report.to_dict()` gives it; `source` only when the input was named."""

    source: str


class RuleDict(TypedDict):
    """A rule, as `Scanner.rules()` lists it; `forms` as the pack writes them."""

    id: str
    name: str
    kind: Kind
    level: Optional[int]
    forms: List[str]
