"""vigie as a Synapse module: refuses events, new rooms and uploaded media
that carry a marking above the room's ceiling, or a secret, under a vigie
policy.

In homeserver.yaml:

    modules:
      - module: vigie.synapse.VigieModule
        config:
          # A vigie policy: a mapping with the keys of a policy file, or the
          # path of a TOML policy file. Default: the default policy (ceiling 1).
          policy:
            ceiling: 1
          # Rooms cleared above the default ceiling, by room id.
          rooms:
            "!dr-room:example.org": 2
          # A room state event (state key "") whose content {"level": N}
          # sets the room's ceiling; rooms listed above take precedence.
          # Only server administrators may send it, in a room or in the
          # initial_state of a new room.
          room_state_event: fr.gouv.vigie.clearance
          # Largest upload read (bytes); larger uploads are refused.
          max_media_bytes: 104857600
          # Uploads are scanned in this many worker processes, so that a
          # crash of the scanning code costs one worker and one refused
          # upload, never the homeserver. 0 scans them in a thread of the
          # homeserver's own process instead. Default 2.
          media_workers: 2
          # Longest scan of one upload, in seconds: a worker still busy
          # past it is killed (and replaced) and the upload refused.
          # Default 60.
          media_worker_timeout: 60
          # Uploads that may wait for a busy worker; more are refused at
          # once. Default 32.
          media_queue: 32
          # Address space of each worker (bytes, RLIMIT_AS): a scan that
          # needs more kills its worker and its upload is refused. Leave
          # room for the interpreter (~35 MB idle) and a few copies of the
          # largest upload. Default: no limit (here 2 GiB).
          media_worker_memory: 2147483648

What is scanned:

- Every event a local client sends (messages, edits, stickers, polls,
  reactions, redaction reasons, state events such as names and topics,
  custom event types), through `check_event_for_spam`: every string of
  the content, each alone and all of them joined one per line with the
  keys and the event's type and state key (a marking split across fields).
  Strings
  that are HTML (`formatted_body`, any string beside
  `"format": "org.matrix.custom.html"`, `text/html` entries of extensible
  events' `m.text` blocks, `m.html`, and any string that looks like markup)
  are also read as HTML, each as its own page. Content deeper than
  MAX_CONTENT_DEPTH, with more than MAX_CONTENT_VALUES values,
  MAX_CONTENT_BYTES bytes of strings or MAX_HTML_PARTS HTML strings is
  refused unread.
- Membership events of local users (display names, per room or propagated
  from a profile change), through the third-party rule
  `check_event_allowed`, which is the only callback that can refuse them.
  Synapse offers no callback that can refuse the profile change itself:
  the global display name is stored, but it reaches no room and is hidden
  from user directory searches (`check_username_for_spam`).
- New rooms, through `user_may_create_room`: the whole createRoom request
  (name, topic, initial_state contents, ...) under the ceiling the new room
  will have; the clearance state event in initial_state is refused from
  anyone but a server administrator. (Synapse does not call it for
  administrators, who are trusted with their rooms.)
- Room aliases, through `user_may_create_room_alias`, under the default
  ceiling.
- Uploads, through `check_media_file_for_spam`, by content.

Synapse answers a refused upload with 400 M_UNKNOWN whatever the module
returns; a refused event or room gets 403 M_FORBIDDEN with the rule ids and
levels (never the content) in the error's `vigie` field (a refused
membership event gets a bare 403 M_FORBIDDEN).

Server-side scanning sees only unencrypted rooms and unencrypted media: in
encrypted rooms, messages and files reach the server as ciphertext. Synapse
offers modules no callback for presence status messages, to-device messages
or account data: they are not scanned.
"""

import io
import logging
import re
from collections.abc import Mapping
from typing import Any, Dict, Iterable, List, Optional, Tuple, Union

from synapse.module_api import NOT_SPAM, ModuleApi, make_deferred_yieldable
from synapse.module_api.errors import Codes, ConfigError

import vigie
from vigie._media_pool import WorkerPool

logger = logging.getLogger(__name__)

Decision = Union[str, Codes, Tuple[Codes, Dict[str, Any]]]
MAX_LEVEL = 5

#: Limits of the walk through an event's content (or a createRoom request):
#: nesting depth, number of values (keys, strings, numbers, containers...)
#: and bytes of strings. Content over any of them is refused unread. Synapse
#: caps an event at 64 KiB; a createRoom request may be larger.
MAX_CONTENT_DEPTH = 32
MAX_CONTENT_VALUES = 50_000
MAX_CONTENT_BYTES = 1 << 20
#: Strings read as HTML are scanned one by one (each as its own page): at
#: most this many per event or request.
MAX_HTML_PARTS = 64

HTML_FORMAT = "org.matrix.custom.html"
#: Keys whose string value is HTML (plain and MSC1767 extensible events).
HTML_KEYS = frozenset({"formatted_body", "m.html", "org.matrix.msc1767.html"})
#: A tag, a comment or a character reference: text a client may render as HTML.
LOOKS_LIKE_HTML = re.compile(r"<[A-Za-z!/]|&#?[A-Za-z0-9]+;")


class ContentOverLimit(Exception):
    """The content is too deep or too large to be read in full."""


class Texts:
    """The strings of some content: all of them (`plain`, keys included,
    in document order), the values alone (`values`: what a client shows as
    text), and those that are HTML (`html`)."""

    def __init__(self) -> None:
        self.plain: List[str] = []
        self.values: List[str] = []
        self.html: List[str] = []


def collect_texts(content: Any, extra: Iterable[str] = ()) -> Texts:
    """Every string in `content` (a JSON value: mappings, lists or tuples,
    strings, numbers), keys included, in document order, then the `extra` strings;
    HTML strings (see the module's docstring) are listed in `html` too.
    Raises ContentOverLimit beyond the MAX_CONTENT_* limits."""
    texts = Texts()
    values = 0
    size = 0

    def add(text: str, html: bool, value: bool = True) -> None:
        nonlocal size
        size += len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
        if size > MAX_CONTENT_BYTES:
            raise ContentOverLimit(f"over {MAX_CONTENT_BYTES} bytes of text")
        texts.plain.append(text)
        if value:
            texts.values.append(text)
        if html or (("<" in text or "&" in text) and LOOKS_LIKE_HTML.search(text)):
            if len(texts.html) == MAX_HTML_PARTS:
                raise ContentOverLimit(f"over {MAX_HTML_PARTS} HTML strings")
            texts.html.append(text)

    # An explicit stack (value, depth, is it HTML, is it a key), so that
    # depth costs no Python recursion; reversed pushes keep document order.
    stack: List[Tuple[Any, int, bool, bool]] = [(content, 0, False, False)]
    while stack:
        value, depth, html, is_key = stack.pop()
        values += 1
        if values > MAX_CONTENT_VALUES:
            raise ContentOverLimit(f"over {MAX_CONTENT_VALUES} values")
        if isinstance(value, str):
            add(value, html, not is_key)
        elif isinstance(value, Mapping):  # a dict, or Synapse's frozen event content
            if depth >= MAX_CONTENT_DEPTH:
                raise ContentOverLimit(f"nested deeper than {MAX_CONTENT_DEPTH}")
            html_object = value.get("format") == HTML_FORMAT or value.get("mimetype") == "text/html"
            children = []
            for key, child in value.items():
                key_text = str(key)
                # The key, then its value.
                children.append((key_text, depth + 1, False, True))
                child_html = key_text in HTML_KEYS or (html_object and key_text in ("body", "formatted_body"))
                children.append((child, depth + 1, child_html, False))
            stack.extend(reversed(children))
        elif isinstance(value, (list, tuple)):  # frozen content holds tuples
            if depth >= MAX_CONTENT_DEPTH:
                raise ContentOverLimit(f"nested deeper than {MAX_CONTENT_DEPTH}")
            stack.extend((child, depth + 1, html, False) for child in reversed(value))
        # Numbers, booleans and null carry no text.
    for text in extra:
        add(text, False, False)
    return texts


class VigieConfig:
    """The parsed module configuration."""

    def __init__(self, scanner: vigie.Scanner, policy: Dict[str, Any], rooms: Dict[str, int],
                 room_state_event: Optional[str], max_media_bytes: int, media_workers: int = 2,
                 media_worker_timeout: float = 60.0, media_queue: int = 32,
                 media_worker_memory: Optional[int] = None):
        self.scanner = scanner
        #: The policy the scanner was built with, as a mapping (scopes
        #: included), for the media workers to build theirs.
        self.policy = policy
        self.rooms = rooms
        self.room_state_event = room_state_event
        self.max_media_bytes = max_media_bytes
        self.media_workers = media_workers
        self.media_worker_timeout = media_worker_timeout
        self.media_queue = media_queue
        self.media_worker_memory = media_worker_memory

    def __repr__(self) -> str:
        return (f"<VigieConfig rooms={len(self.rooms)} room_state_event={self.room_state_event!r} "
                f"media_workers={self.media_workers}>")


class _TooLarge(Exception):
    pass


def _positive_int(config: Dict[str, Any], key: str, default: int, minimum: int) -> int:
    value = config.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ConfigError(f"vigie: {key} must be an integer of at least {minimum}")
    return value


class VigieModule:
    """The Synapse module. Synapse builds it with the result of parse_config
    and its ModuleApi."""

    def __init__(self, config: VigieConfig, api: ModuleApi):
        self._config = config
        self._api = api
        self._pool: Optional[WorkerPool] = None
        self._slots = None
        self._media_in_flight = 0
        if config.media_workers:
            from twisted.internet.defer import DeferredSemaphore

            self._pool = WorkerPool(config.policy, config.media_workers, config.media_worker_timeout,
                                    config.max_media_bytes, config.media_worker_memory)
            # At most one upload per worker leaves the reactor for a thread:
            # the others wait here without holding one of Synapse's threads.
            self._slots = DeferredSemaphore(config.media_workers)
        api.register_spam_checker_callbacks(
            check_event_for_spam=self.check_event_for_spam,
            user_may_send_state_event=self.user_may_send_state_event,
            user_may_create_room=self.user_may_create_room,
            user_may_create_room_alias=self.user_may_create_room_alias,
            check_username_for_spam=self.check_username_for_spam,
            check_media_file_for_spam=self.check_media_file_for_spam,
        )
        api.register_third_party_rules_callbacks(check_event_allowed=self.check_event_allowed)

    @staticmethod
    def parse_config(config: Dict[str, Any]) -> VigieConfig:
        """Validates the module's configuration; raises ConfigError."""
        if not isinstance(config, dict):
            raise ConfigError("vigie: the module config must be a mapping")
        known = {"policy", "rooms", "room_state_event", "max_media_bytes", "media_workers",
                 "media_worker_timeout", "media_queue", "media_worker_memory"}
        unknown = set(config) - known
        if unknown:
            raise ConfigError(f"vigie: unknown config keys: {', '.join(sorted(unknown))}")
        policy = config.get("policy") or {}
        if isinstance(policy, str):
            try:
                import tomllib
            except ImportError as error:  # Python < 3.11
                raise ConfigError("vigie: give the policy as a mapping (reading TOML needs Python 3.11)") from error
            try:
                with open(policy, "rb") as f:
                    policy = tomllib.load(f)
            except (OSError, tomllib.TOMLDecodeError) as error:
                raise ConfigError(f"vigie: cannot read the policy {policy}: {error}") from error
        if not isinstance(policy, dict):
            raise ConfigError("vigie: policy must be a mapping or the path of a TOML file")
        rooms = config.get("rooms") or {}
        if not isinstance(rooms, dict) or not all(
            isinstance(room, str) and isinstance(level, int) and 0 <= level <= MAX_LEVEL for room, level in rooms.items()
        ):
            raise ConfigError("vigie: rooms must map room ids to ceilings from 0 to 5")
        state_event = config.get("room_state_event")
        if state_event is not None and not isinstance(state_event, str):
            raise ConfigError("vigie: room_state_event must be an event type")
        max_media = config.get("max_media_bytes", 100 << 20)
        if not isinstance(max_media, int) or max_media < 1:
            raise ConfigError("vigie: max_media_bytes must be a positive integer")
        workers = _positive_int(config, "media_workers", 2, 0)
        queue = _positive_int(config, "media_queue", 32, 0)
        memory = config.get("media_worker_memory")
        if memory is not None and (not isinstance(memory, int) or isinstance(memory, bool) or memory < 64 << 20):
            raise ConfigError("vigie: media_worker_memory must be a number of bytes, at least 67108864 (64 MiB)")
        timeout = config.get("media_worker_timeout", 60)
        if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or not 0 < timeout <= 3600:
            raise ConfigError("vigie: media_worker_timeout must be a number of seconds, above 0 and at most 3600")
        # One scope per configured room and one per level, for rooms whose
        # state event names their level.
        policy = dict(policy)
        scopes = dict(policy.get("scopes") or {})
        for room, level in rooms.items():
            scopes[room] = {**scopes.get(room, {}), "ceiling": level}
        for level in range(MAX_LEVEL + 1):
            scopes[f"level-{level}"] = {"ceiling": level}
        policy["scopes"] = scopes
        try:
            scanner = vigie.Scanner(policy=policy)
        except vigie.VigieError as error:
            raise ConfigError(f"vigie: {error}") from error
        return VigieConfig(scanner, policy, rooms, state_event, max_media, workers, float(timeout), queue, memory)

    async def _scope(self, room_id: str) -> Optional[str]:
        """The policy scope of a room: its own, its state event's level, or
        none (the default ceiling); level 0 when its state cannot be read."""
        if room_id in self._config.rooms:
            return room_id
        if self._config.room_state_event:
            key = (self._config.room_state_event, "")
            try:
                state = await self._api.get_room_state(room_id, [key])
            except Exception:  # noqa: BLE001 - a room being created may have no state yet
                return "level-0"  # unknown: the strictest ceiling
            event = state.get(key)
            level = event.content.get("level") if event is not None else None
            if isinstance(level, int) and not isinstance(level, bool) and 0 <= level <= MAX_LEVEL:
                return f"level-{level}"
        return None

    def _decide(self, reports: List[Union[vigie.Report, Dict[str, Any]]], what: str) -> Decision:
        """NOT_SPAM, or FORBIDDEN with the rules and levels that block; one
        audit line either way (never the content). `reports` are Reports or
        report dicts (the JSON report contract, from a media worker)."""
        verdicts = set()
        findings = []  # (rule, level) of the medium and high findings
        problems = set()
        for report in reports:
            if isinstance(report, dict):
                verdicts.add(report["verdict"])
                findings += [(f["rule"], f.get("level")) for f in report["findings"] if f["confidence"] != "low"]
                problems.update(p["code"] for p in report["problems"])
            else:
                verdicts.add(report.verdict)
                findings += [(f.rule, f.level) for f in report.findings if f.confidence != "low"]
                if report.status != "complete":  # a complete report has no problems
                    problems.update(p["code"] for p in report.problems)
        worst = "block" if "block" in verdicts else "warn" if "warn" in verdicts else "allow"
        rules = sorted({rule for rule, _ in findings})
        problems = sorted(problems)
        logger.info("vigie %s verdict=%s rules=%s problems=%s", what, worst, ",".join(rules) or "-",
                    ",".join(problems) or "-")
        if worst != "block":
            return NOT_SPAM
        levels = sorted({level for _, level in findings if level is not None})
        return Codes.FORBIDDEN, {"vigie": {"rules": rules, "levels": levels, "problems": problems}}

    def _scan_content(self, content: Any, scope: Optional[str], what: str, extra: Iterable[str] = ()) -> Decision:
        """Scans every string of `content` (and `extra`) under `scope`:
        each as the text it is (a body is read as a message body), all of
        them as one text, one per line (a marking split across fields), and
        the HTML ones each as an HTML page. Content over the walk's limits
        is refused unread."""
        try:
            texts = collect_texts(content, extra)
        except ContentOverLimit as error:
            logger.info("vigie %s verdict=block problems=limit (content %s)", what, error)
            return Codes.FORBIDDEN, {"vigie": {"rules": [], "levels": [], "problems": ["limit"]}}
        scanner = self._config.scanner
        # Each value alone, when there is more than one (keys, the event's
        # type and state key are not text a client shows: in the joined
        # text only).
        reports = scanner.scan_many(texts.values, scope) if len(texts.values) > 1 else []
        reports.append(scanner.scan_text("\n".join(texts.plain), scope))
        for html in texts.html:
            # One page per fragment, as a client renders each: joined, an
            # open comment in one would hide the next.
            page = f"<html><body>{html}</body></html>".encode("utf-8", "surrogatepass")
            reports.append(scanner.scan_bytes(page, "content.html", scope))
        return self._decide(reports, what)

    async def _refuse_clearance_from(self, user_id: str) -> bool:
        return not await self._api.is_user_admin(user_id)

    async def check_event_for_spam(self, event) -> Decision:
        """Scans every event a local client sends but membership events:
        every string of its content, and its type and state key."""
        what = f"event room={event.room_id} sender={event.sender} type={event.type} event={event.event_id}"
        if (event.type == self._config.room_state_event and event.is_state()
                and await self._refuse_clearance_from(event.sender)):
            logger.info("vigie %s verdict=block (clearance set by a non-admin)", what)
            return Codes.FORBIDDEN, {"vigie": {"reason": "only server administrators set a room's clearance"}}
        extra = [event.type] + ([event.state_key] if event.is_state() else [])
        scope = await self._scope(event.room_id)
        return self._scan_content(event.content, scope, what, extra)

    async def user_may_send_state_event(self, user_id: str, room_id: str, event_type: str, state_key: str,
                                        content: Dict[str, Any]) -> Decision:
        """Refuses the clearance state event from anyone but a server
        administrator. (Synapse calls this only for non-administrators;
        the content itself is scanned by check_event_for_spam, or for
        membership events by check_event_allowed.)"""
        if event_type == self._config.room_state_event and await self._refuse_clearance_from(user_id):
            # A room's clearance is the server's to set, not its members'.
            logger.info("vigie state room=%s sender=%s type=%s verdict=block (clearance set by a non-admin)",
                        room_id, user_id, event_type)
            return Codes.FORBIDDEN, {"vigie": {"reason": "only server administrators set a room's clearance"}}
        return NOT_SPAM

    async def user_may_create_room(self, user_id: str, room_config: Dict[str, Any]) -> Decision:
        """Refuses a new room whose initial_state holds the clearance event
        (unless a server administrator creates it), and scans the whole
        createRoom request (name, topic, initial_state contents, ...) under
        the ceiling the room will have."""
        what = f"createRoom sender={user_id}"
        initial_state = room_config.get("initial_state")
        if not isinstance(initial_state, list):
            initial_state = []
        level = None
        if self._config.room_state_event:
            clearances = [e for e in initial_state
                          if isinstance(e, dict) and e.get("type") == self._config.room_state_event]
            if clearances and await self._refuse_clearance_from(user_id):
                logger.info("vigie %s verdict=block (clearance set by a non-admin)", what)
                return Codes.FORBIDDEN, {"vigie": {"reason": "only server administrators set a room's clearance"}}
            for event in clearances:
                content = event.get("content")
                value = content.get("level") if isinstance(content, dict) and event.get("state_key", "") == "" else None
                if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_LEVEL:
                    level = value
        return self._scan_content(room_config, None if level is None else f"level-{level}", what)

    async def user_may_create_room_alias(self, user_id: str, room_alias) -> Decision:
        """Refuses a room alias whose name carries a marking or a secret
        under the default ceiling (an alias names no room yet): as written,
        and with its separators (-, _, .) read as spaces."""
        name = room_alias.localpart
        spaced = re.sub(r"[-_.]+", " ", name)
        return self._scan_content([name, spaced], None, f"alias sender={user_id} alias={room_alias}")

    async def check_event_allowed(self, event, state) -> Tuple[bool, Optional[dict]]:
        """Third-party rule: refuses membership events of local users whose
        content (display name, reason, ...) carries a marking above the
        room's ceiling. The only hook that sees membership events; other
        events are left to check_event_for_spam, and events from other
        servers pass."""
        if event.type != "m.room.member" or not self._api.is_mine(event.sender):
            return True, None
        what = f"member room={event.room_id} sender={event.sender} event={event.event_id}"
        scope = await self._scope(event.room_id)
        return self._scan_content(event.content, scope, what) == NOT_SPAM, None

    async def check_username_for_spam(self, user_profile, requester_id: str) -> bool:
        """Hides from user directory searches a user whose display name
        carries a marking or a secret under the default ceiling (Synapse
        has no callback that refuses a profile change)."""
        name = user_profile.get("display_name")
        if not isinstance(name, str) or not name:
            return False
        # A filter on search results, not a decision on what is sent: not
        # logged (a search would log a line per user found).
        return self._config.scanner.scan_text(name).verdict == "block"

    async def check_media_file_for_spam(self, file_wrapper, file_info) -> Decision:
        """Scans an upload, in a worker process (media_workers) or off the
        reactor thread. Synapse gives no file name or type: the content
        decides. Any failure of the scan refuses the upload."""
        buffer = io.BytesIO()
        limit = self._config.max_media_bytes

        def collect(chunk: bytes) -> None:
            if buffer.tell() + len(chunk) > limit:
                raise _TooLarge()
            buffer.write(chunk)

        media = getattr(file_info, "file_id", "?")
        what = f"media media={media}"
        try:
            await file_wrapper.write_chunks_to(collect)
        except _TooLarge:
            logger.info("vigie %s verdict=block problems=limit (over %d bytes)", what, limit)
            return Codes.FORBIDDEN
        data = buffer.getvalue()
        del buffer
        if self._pool is None:
            report = await self._api.defer_to_thread(self._config.scanner.scan_bytes, data, None, None)
        else:
            if self._media_in_flight >= self._config.media_workers + self._config.media_queue:
                logger.info("vigie %s verdict=block (all %d workers busy and %d uploads waiting)", what,
                            self._config.media_workers, self._config.media_queue)
                return Codes.FORBIDDEN
            self._media_in_flight += 1
            try:
                await make_deferred_yieldable(self._slots.acquire())
                try:
                    report = await self._api.defer_to_thread(self._pool.scan, data)
                finally:
                    self._slots.release()
            except Exception as error:  # noqa: BLE001 - whatever went wrong, the upload was not scanned
                logger.warning("vigie %s verdict=block (scan failed: %s)", what, type(error).__name__)
                return Codes.FORBIDDEN
            finally:
                self._media_in_flight -= 1
        decision = self._decide([report], what)
        return NOT_SPAM if decision == NOT_SPAM else Codes.FORBIDDEN
