"""vigie finds protective markings ("DIFFUSION RESTREINTE", SECRET, NATO and
EU levels, TLP, sensitivity labels) and sensitive data (IBANs, card numbers,
French social security numbers, credentials) in messages and attachments,
and turns them into a verdict (allow, warn, block) under a policy.

    >>> import vigie
    >>> scanner = vigie.Scanner()
    >>> report = scanner.scan_text("DIFFUSION RESTREINTE\\nCompte rendu.")
    >>> report.verdict
    'block'
    >>> report.findings[0].rule
    'fr.diffusion-restreinte'

The scanning is done in Rust; every scan releases the GIL, so threads scan
in parallel, and one Scanner is safe to share between them.

Errors are VigieError and its subclasses PolicyError, RulesError and
ScanIOError (also an OSError); each carries what went wrong as attributes
(kind, origin, path, line, column, rule, detail). The types of values
(Verdict, Kind, Location, ReportDict, ...) are exported for annotations.
"""

import asyncio
import os
from typing import IO, Iterable, List, Optional, Union

from ._types import (
    BytesLike,
    Confidence,
    ErrorKind,
    FindingDict,
    Kind,
    Location,
    Part,
    PixelBox,
    PolicyLike,
    Problem,
    ProblemCode,
    ReportDict,
    RuleDict,
    RulesLike,
    Status,
    Verdict,
)
from ._vigie import Finding, PolicyError, Report, RulesError, ScanIOError, VigieError, __version__
from ._vigie import Scanner as _Scanner

__all__ = [
    "BytesLike",
    "Confidence",
    "ErrorKind",
    "Finding",
    "FindingDict",
    "Kind",
    "Location",
    "Part",
    "PixelBox",
    "PolicyError",
    "PolicyLike",
    "Problem",
    "ProblemCode",
    "Report",
    "ReportDict",
    "RuleDict",
    "RulesError",
    "RulesLike",
    "ScanIOError",
    "Scanner",
    "Status",
    "Verdict",
    "VigieError",
    "__version__",
]


class Scanner(_Scanner):
    """Scanner(policy=None, rules=None)

    A compiled scanner. Build it once and share it.

    policy: a path to a TOML policy file, a TOML string, or a dict with the
    same keys (see the README); the default policy (ceiling 1) when None.
    rules: a custom rule pack (a path or a TOML string) or a list of them.
    Raises PolicyError or RulesError when they are not valid.

    Every scan takes an optional `scope`, the name of one of the policy's
    scopes (`scopes()` lists them); a name the policy does not define raises
    PolicyError rather than quietly applying the default policy.
    """

    async def scan_text_async(self, text: str, scope: Optional[str] = None) -> Report:
        """scan_text in a worker thread, for asyncio servers."""
        return await asyncio.to_thread(self.scan_text, text, scope)

    async def scan_bytes_async(self, data: BytesLike, filename: Optional[str] = None,
                               scope: Optional[str] = None) -> Report:
        """scan_bytes in a worker thread, for asyncio servers."""
        return await asyncio.to_thread(self.scan_bytes, data, filename, scope)

    async def scan_file_async(self, path: Union[str, "os.PathLike[str]"], scope: Optional[str] = None) -> Report:
        """scan_file in a worker thread, for asyncio servers."""
        return await asyncio.to_thread(self.scan_file, path, scope)

    async def scan_stream_async(self, stream: IO[bytes], filename: Optional[str] = None,
                                scope: Optional[str] = None) -> Report:
        """scan_stream in a worker thread, for asyncio servers."""
        return await asyncio.to_thread(self.scan_stream, stream, filename, scope)

    def scan_many(self, items: Iterable[Union[str, BytesLike]], scope: Optional[str] = None) -> List[Report]:
        """Scans messages (str) and attachments (bytes, bytearray,
        memoryview) in parallel on Rust threads, under `scope` (as for
        scan_text); returns their reports in the same order. A single str or
        bytes raises TypeError (iterating it would scan each character on
        its own): pass a list."""
        return super().scan_many(items, scope)
