"""vigie as a Synapse module: refuses messages, room names and topics, and
uploaded media that carry a marking above the room's ceiling, or a secret,
under a vigie policy.

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
          # Only server administrators may send it.
          room_state_event: fr.gouv.vigie.clearance
          # Largest upload read (bytes); larger uploads are refused.
          max_media_bytes: 104857600

Synapse answers a refused upload with 400 M_UNKNOWN whatever the module
returns; a refused message gets 403 M_FORBIDDEN with the rule ids and
levels (never the content) in the error's `vigie` field.

Server-side scanning sees only unencrypted rooms and unencrypted media: in
encrypted rooms, messages and files reach the server as ciphertext.
"""

import io
import logging
from typing import Any, Dict, Optional, Tuple, Union

from synapse.module_api import NOT_SPAM, ModuleApi
from synapse.module_api.errors import Codes, ConfigError

import vigie

logger = logging.getLogger(__name__)

Decision = Union[str, Codes, Tuple[Codes, Dict[str, Any]]]
MAX_LEVEL = 5


class VigieConfig:
    """The parsed module configuration."""

    def __init__(self, scanner: vigie.Scanner, rooms: Dict[str, int], room_state_event: Optional[str],
                 max_media_bytes: int):
        self.scanner = scanner
        self.rooms = rooms
        self.room_state_event = room_state_event
        self.max_media_bytes = max_media_bytes

    def __repr__(self) -> str:
        return f"<VigieConfig rooms={len(self.rooms)} room_state_event={self.room_state_event!r}>"


class _TooLarge(Exception):
    pass


class VigieModule:
    """The Synapse module. Synapse builds it with the result of parse_config
    and its ModuleApi."""

    def __init__(self, config: VigieConfig, api: ModuleApi):
        self._config = config
        self._api = api
        api.register_spam_checker_callbacks(
            check_event_for_spam=self.check_event_for_spam,
            user_may_send_state_event=self.user_may_send_state_event,
            check_media_file_for_spam=self.check_media_file_for_spam,
        )

    @staticmethod
    def parse_config(config: Dict[str, Any]) -> VigieConfig:
        """Validates the module's configuration; raises ConfigError."""
        if not isinstance(config, dict):
            raise ConfigError("vigie: the module config must be a mapping")
        unknown = set(config) - {"policy", "rooms", "room_state_event", "max_media_bytes"}
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
        return VigieConfig(scanner, rooms, state_event, max_media)

    async def _scope(self, room_id: str) -> Optional[str]:
        """The policy scope of a room: its own, its state event's level, or
        none (the default ceiling)."""
        if room_id in self._config.rooms:
            return room_id
        if self._config.room_state_event:
            key = (self._config.room_state_event, "")
            state = await self._api.get_room_state(room_id, [key])
            event = state.get(key)
            level = event.content.get("level") if event is not None else None
            if isinstance(level, int) and not isinstance(level, bool) and 0 <= level <= MAX_LEVEL:
                return f"level-{level}"
        return None

    def _decide(self, reports, what: str) -> Decision:
        """NOT_SPAM, or FORBIDDEN with the rules and levels that block; one
        audit line either way (never the content)."""
        verdicts = [report.verdict for report in reports]
        worst = "block" if "block" in verdicts else "warn" if "warn" in verdicts else "allow"
        findings = [f for report in reports for f in report.findings if f.confidence != "low"]
        rules = sorted({f.rule for f in findings})
        problems = sorted({p["code"] for report in reports for p in report.problems})
        logger.info("vigie %s verdict=%s rules=%s problems=%s", what, worst, ",".join(rules) or "-",
                    ",".join(problems) or "-")
        if worst != "block":
            return NOT_SPAM
        levels = sorted({f.level for f in findings if f.level is not None})
        return Codes.FORBIDDEN, {"vigie": {"rules": rules, "levels": levels, "problems": problems}}

    async def check_event_for_spam(self, event) -> Decision:
        """Scans the body, formatted body and file name of m.room.message
        events."""
        if event.type != "m.room.message":
            return NOT_SPAM
        content = event.content
        text = "\n".join(value for key in ("body", "filename") if isinstance(value := content.get(key), str))
        scope = await self._scope(event.room_id)
        reports = [self._config.scanner.scan_text(text, scope)]
        html = content.get("formatted_body")
        if isinstance(html, str) and html:
            page = f"<html><body>{html}</body></html>".encode()
            reports.append(self._config.scanner.scan_bytes(page, "formatted_body.html", scope))
        what = f"message room={event.room_id} sender={event.sender} event={event.event_id}"
        return self._decide(reports, what)

    async def user_may_send_state_event(self, user_id: str, room_id: str, event_type: str, state_key: str,
                                        content: Dict[str, Any]) -> Decision:
        """Refuses a room name or topic that carries a marking above the
        room's ceiling."""
        if event_type == self._config.room_state_event and not await self._api.is_user_admin(user_id):
            # A room's clearance is the server's to set, not its members'.
            logger.info("vigie state room=%s sender=%s type=%s verdict=block (clearance set by a non-admin)",
                        room_id, user_id, event_type)
            return Codes.FORBIDDEN, {"vigie": {"reason": "only server administrators set a room's clearance"}}
        field = {"m.room.name": "name", "m.room.topic": "topic"}.get(event_type)
        value = content.get(field) if field else None
        if not isinstance(value, str) or not value:
            return NOT_SPAM
        scope = await self._scope(room_id)
        report = self._config.scanner.scan_text(value, scope)
        return self._decide([report], f"state room={room_id} sender={user_id} type={event_type}")

    async def check_media_file_for_spam(self, file_wrapper, file_info) -> Decision:
        """Scans an upload, off the reactor thread. Synapse gives no file
        name or type: the content decides."""
        buffer = io.BytesIO()
        limit = self._config.max_media_bytes

        def collect(chunk: bytes) -> None:
            if buffer.tell() + len(chunk) > limit:
                raise _TooLarge()
            buffer.write(chunk)

        media = getattr(file_info, "file_id", "?")
        try:
            await file_wrapper.write_chunks_to(collect)
        except _TooLarge:
            logger.info("vigie media media=%s verdict=block problems=limit (over %d bytes)", media, limit)
            return Codes.FORBIDDEN
        report = await self._api.defer_to_thread(self._config.scanner.scan_bytes, buffer.getvalue(), None, None)
        decision = self._decide([report], f"media media={media}")
        return NOT_SPAM if decision == NOT_SPAM else Codes.FORBIDDEN
