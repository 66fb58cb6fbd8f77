"""python -m vigie: the `vigie` command, through the Python package.

    python -m vigie scan [--policy FILE] [--scope NAME] [--rules PACK]... [--format human|json] [PATH ... | -]
    python -m vigie rules [--rules PACK]... [--format human|json]

Exit status: 0 all allowed, 1 worst verdict warn, 2 worst verdict block,
3 error (unreadable path, bad policy), as the Rust command.
"""

import argparse
import json
import os
import stat
import sys
import unicodedata

from . import Scanner, VigieError

EXIT = {"allow": 0, "warn": 1, "block": 2}
ERROR = 3


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        # argparse exits 2 on usage errors, which would read as "block".
        self.print_usage(sys.stderr)
        print(f"vigie: {message}", file=sys.stderr)
        sys.exit(ERROR)


def _files(paths):
    """The paths to scan, as the Rust command walks them: directories
    depth first in name order, links and special files inside a tree
    skipped (and named on standard error)."""
    for path in paths or ["-"]:
        if path != "-" and os.path.isdir(path):
            yield from _walk(path)
        else:
            yield path


def _walk(directory):
    try:
        names = sorted(os.listdir(directory))
    except OSError as error:
        yield _Unreadable(directory, error)
        return
    for name in names:
        path = os.path.join(directory, name)
        try:
            mode = os.lstat(path).st_mode
        except OSError as error:
            yield _Unreadable(path, error)
            continue
        if stat.S_ISLNK(mode):
            print(f"vigie: skipped {_escape(path)}: symbolic link, not followed", file=sys.stderr)
        elif stat.S_ISDIR(mode):
            yield from _walk(path)
        elif stat.S_ISREG(mode):
            yield path
        else:
            print(f"vigie: skipped {_escape(path)}: not a regular file; not opened", file=sys.stderr)


class _Unreadable:
    """An entry of a tree that could not be listed or looked at."""

    def __init__(self, path, error):
        self.path, self.error = path, error


#: Characters written as escapes besides control characters: those that
#: break or reorder lines (line and paragraph separators, bidirectional
#: controls), as the Rust command does.
_LINE_BREAKERS = {0x061C, 0x200E, 0x200F, 0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
_SHORT_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(text):
    """`text` safe to print on a terminal, escaped as the Rust command
    escapes it (`\\n`, `\\u{1b}`), so that a file name or an excerpt
    cannot forge output lines or colours."""
    def one(c):
        if unicodedata.category(c) == "Cc" or ord(c) in _LINE_BREAKERS:
            return _SHORT_ESCAPES.get(c, f"\\u{{{ord(c):x}}}")
        return c
    return "".join(one(c) for c in text)


def _human(report):
    """The report as the Rust command writes it without colours."""
    word = {"allow": "ALLOW", "warn": "WARN ", "block": "BLOCK"}[report.verdict]
    status = "" if report.status == "complete" else f"  [{report.status}]"
    count = len(report.findings)
    summary = "no finding" if count == 0 else "1 finding" if count == 1 else f"{count} findings"
    lines = [f"{word}  {_escape(report.source or '-')}{status}  {summary}"]
    for f in report.findings:
        level = f"level {f.level}" if f.level is not None else ("caveat " if f.kind == "marking" else f"{f.kind:<7}")
        location = f.location
        place = f"bytes {location['start']}..{location['end']}"
        if location["part"] != "body":
            place = f"{location['part']}, {place}"
        if "page" in location:
            place = f"page {location['page']}, {place}"
        # The path is worth showing inside a container, not when it is the
        # input itself.
        path = location.get("path", [])
        if len(path) > 1 or (path and path[0] != report.source):
            place = f"{_escape('/'.join(path))}, {place}"
        lines.append(f"    {f.confidence:<6}  {level}  {f.rule:<24}  \"{_escape(f.excerpt)}\"  "
                     f"({place}; {_escape(f.reason)})")
    for p in report.problems:
        lines.append(f"    problem {p['code']}:  {_escape(p['message'])}")
    return "\n".join(lines)


def _rule_line(rule, format):
    """One rule as the Rust command lists it."""
    if format == "json":
        # Keys in name order, compact.
        return json.dumps(rule, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    level = (str(rule["level"]) if rule["level"] is not None
             else "caveat" if rule["kind"] == "marking" else "-")
    forms = f"  [{', '.join(rule['forms'])}]" if rule["forms"] else ""
    return f"{rule['id']:<26} {rule['kind']:<7} {level:<7} {rule['name']}{forms}"


def main(argv=None):
    parser = _Parser(prog="python -m vigie", description="Finds protective markings in messages and files.")
    commands = parser.add_subparsers(dest="command", required=True)
    scan = commands.add_parser("scan", help="scan files, directories or standard input")
    scan.add_argument("--policy")
    scan.add_argument("--scope")
    scan.add_argument("--rules", action="append")
    scan.add_argument("--format", choices=["human", "json"], default="human")
    scan.add_argument("paths", nargs="*")
    rules = commands.add_parser("rules", help="list the rules")
    rules.add_argument("--rules", action="append")
    rules.add_argument("--format", choices=["human", "json"], default="human")
    args = parser.parse_args(argv)

    try:
        scanner = Scanner(policy=getattr(args, "policy", None), rules=args.rules)
    except (VigieError, OSError) as error:
        print(f"vigie: {error}", file=sys.stderr)
        return ERROR
    if args.command == "rules":
        for rule in scanner.rules():
            print(_rule_line(rule, args.format))
        return 0
    if args.scope and args.scope not in scanner.scopes():
        print(f"vigie: the policy has no scope `{args.scope}`", file=sys.stderr)
        return ERROR
    worst, failed = 0, False
    for path in _files(args.paths):
        if isinstance(path, _Unreadable):
            print(f"vigie: cannot read {_escape(path.path)}: {path.error.strerror or path.error}", file=sys.stderr)
            failed = True
            continue
        try:
            if path == "-":
                # Read as the Rust command reads it: within the policy's
                # limits, named "-" in locations and as the source.
                report = scanner.scan_stream(sys.stdin.buffer, "-", args.scope).with_source("-")
            else:
                report = scanner.scan_file(path, args.scope)
        except (VigieError, OSError) as error:
            print(f"vigie: {error}", file=sys.stderr)
            failed = True
            continue
        if args.format == "json":
            # The core's serialiser, so that the bytes are the Rust command's.
            sys.stdout.flush()
            sys.stdout.buffer.write(report.to_json().encode() + b"\n")
            sys.stdout.buffer.flush()
        else:
            print(_human(report))
        worst = max(worst, EXIT[report.verdict])
    return ERROR if failed else worst


def _run():
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`python -m vigie scan … | head`): nothing to
        # say, and nothing more to write (exit 3, as the Rust command).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = ERROR
    return status


if __name__ == "__main__":
    sys.exit(_run())
