"""End to end: a real Synapse homeserver (matrix-synapse from PyPI) on
loopback, with vigie.synapse.VigieModule loaded, driven through its client
API. The server is started by the fixture and stopped after the tests."""

import fcntl
import hashlib
import hmac
import json
import pathlib
import signal
import socket
import struct
import subprocess
import sys
import termios
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import os

import pytest
import yaml

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "fixtures"
SHARED_SECRET = "vigie-test-registration-secret"
CLEARANCE = "fr.gouv.vigie.clearance"
WORKER_TIMEOUT = 5


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, base, token=None):
        self.base, self.token = base, token

    def request(self, method, path, body=None, data=None, content_type="application/json"):
        headers = {"Content-Type": content_type}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        payload = data if data is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(self.base + path, data=payload, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def send(self, room, body, **extra):
        return self.request("PUT", f"/_matrix/client/v3/rooms/{urllib.parse.quote(room)}/send/m.room.message/{uuid.uuid4().hex}",
                            {"msgtype": "m.text", "body": body, **extra})

    def upload(self, data, content_type):
        return self.request("POST", "/_matrix/media/v3/upload", data=data, content_type=content_type)


def start_synapse(directory, modules, extra=None):
    """Starts a Synapse homeserver on loopback in `directory`, with
    `modules` (and `extra` settings); returns (base URL, process, log file)."""
    config_path = directory / "homeserver.yaml"
    subprocess.run([sys.executable, "-m", "synapse.app.homeserver", "--server-name", "localhost", "--config-path",
                    str(config_path), "--generate-config", "--report-stats=no"], cwd=directory, check=True,
                   capture_output=True, timeout=120)
    port = free_port()
    config = yaml.safe_load(config_path.read_text())
    relaxed = {"per_second": 1000, "burst_count": 1000}
    config.update({
        "listeners": [{"port": port, "bind_addresses": ["127.0.0.1"], "type": "http", "tls": False,
                       "x_forwarded": False, "resources": [{"names": ["client", "media"], "compress": False}]}],
        "database": {"name": "sqlite3", "args": {"database": str(directory / "homeserver.db")}},
        "media_store_path": str(directory / "media"),
        "registration_shared_secret": SHARED_SECRET,
        "bcrypt_rounds": 4,
        "enable_authenticated_media": False,
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "rc_message": relaxed,
        "rc_registration": relaxed,
        "rc_login": {"address": relaxed, "account": relaxed, "failed_attempts": relaxed},
        "rc_joins": {"local": relaxed, "remote": relaxed},
        "rc_media_create": relaxed,
        "modules": modules,
        **(extra or {}),
    })
    config_path.write_text(yaml.safe_dump(config))
    log = open(directory / "stdout.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "synapse.app.homeserver", "-c", str(config_path)],
                               cwd=directory, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + "/_matrix/client/versions", process, directory / "stdout.log")
    return base, process, log


def wait_until_up(url, process, log_path, seconds=120):
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"{url} did not come up:\n" + pathlib.Path(log_path).read_text()[-4000:])
            time.sleep(0.5)


def stop(process, log):
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(scope="module")
def synapse(tmp_path_factory):
    directory = tmp_path_factory.mktemp("synapse")
    modules = [{
        "module": "vigie.synapse.VigieModule",
        "config": {
            # Pictures pass until OCR is deployed; everything else fails closed.
            "policy": {"ceiling": 1, "problems": {"ocr-unavailable": "allow"}},
            "room_state_event": CLEARANCE,
            # Uploads are scanned in the default two worker processes; a
            # short timeout for the test of a hung worker.
            "media_worker_timeout": WORKER_TIMEOUT,
        },
    }]
    base, process, log = start_synapse(directory, modules, {"user_directory": {"search_all_users": True}})
    try:
        yield base, directory, process
    finally:
        stop(process, log)


def register(base, name, admin=False):
    client = Client(base)
    status, body = client.request("GET", "/_synapse/admin/v1/register")
    assert status == 200, body
    nonce = body["nonce"]
    password = "password-" + name
    mac = hmac.new(SHARED_SECRET.encode(), digestmod=hashlib.sha1)
    mac.update(b"\x00".join([nonce.encode(), name.encode(), password.encode(), b"admin" if admin else b"notadmin"]))
    status, body = client.request("POST", "/_synapse/admin/v1/register", {
        "nonce": nonce, "username": name, "password": password, "admin": admin, "mac": mac.hexdigest()})
    assert status == 200, body
    return Client(base, body["access_token"])


@pytest.fixture(scope="module")
def users(synapse):
    base, _, _ = synapse
    return register(base, "alice"), register(base, "officer", admin=True)


@pytest.fixture(scope="module")
def room(users):
    alice, _ = users
    status, body = alice.request("POST", "/_matrix/client/v3/createRoom", {"preset": "private_chat", "name": "Réunion"})
    assert status == 200, body
    return body["room_id"]


def test_a_clean_message_is_accepted(users, room):
    alice, _ = users
    status, body = alice.send(room, "Bonjour, la réunion est confirmée jeudi.")
    assert status == 200, body


def test_a_marked_message_is_refused_with_the_rule_not_the_content(users, room):
    alice, _ = users
    status, body = alice.send(room, "DIFFUSION RESTREINTE\nCompte rendu de la réunion.")
    assert status == 403, body
    assert body["errcode"] == "M_FORBIDDEN"
    assert body["vigie"]["rules"] == ["fr.diffusion-restreinte"]
    assert body["vigie"]["levels"] == [2]
    assert "DIFFUSION RESTREINTE" not in json.dumps(body)


def test_a_marking_in_formatted_html_is_refused(users, room):
    alice, _ = users
    status, body = alice.send(room, "voir la note", format="org.matrix.custom.html",
                              formatted_body="<p><b>DIFFUSION</b> RESTREINTE</p>")
    assert status == 403, body


def test_a_credential_is_refused_and_never_echoed(users, room, synapse):
    alice, _ = users
    status, body = alice.send(room, "Pour le serveur : mot de passe : Tr0ub4dor&3")
    assert status == 403, body
    assert body["errcode"] == "M_FORBIDDEN"
    assert body["vigie"]["rules"] == ["secret.password"]
    _, directory, _ = synapse

    def logs():
        return "".join(path.read_text(errors="replace") for path in directory.glob("*.log"))

    # Synapse flushes its log buffer every few seconds.
    wait_for(lambda: "secret.password" in logs())
    assert "vigie event" in logs() and "verdict=block" in logs()
    assert "Tr0ub4dor&3" not in logs()


def test_uploads_are_scanned_by_content(users):
    alice, _ = users
    status, body = alice.upload((FIXTURES / "documents" / "banner.pdf").read_bytes(), "application/octet-stream")
    assert status == 400, body
    assert body["errcode"] == "M_UNKNOWN"
    status, body = alice.upload((FIXTURES / "documents" / "clean.pdf").read_bytes(), "application/pdf")
    assert status == 200, body
    status, body = alice.upload((FIXTURES / "documents" / "pixel.png").read_bytes(), "image/png")
    assert status == 200, body


def test_a_room_cleared_for_level_2_accepts_diffusion_restreinte(users):
    alice, officer = users
    status, body = officer.request("POST", "/_matrix/client/v3/createRoom", {
        "preset": "private_chat", "name": "Cellule DR",
        "initial_state": [{"type": CLEARANCE, "state_key": "", "content": {"level": 2}}]})
    assert status == 200, body
    cleared = body["room_id"]
    status, body = officer.send(cleared, "DIFFUSION RESTREINTE\nCompte rendu de la réunion.")
    assert status == 200, body
    status, body = officer.send(cleared, "SECRET DÉFENSE : plan de 2019.")
    assert status == 403, body


def test_members_cannot_clear_their_own_room(users, room):
    alice, _ = users
    status, body = alice.request("PUT", f"/_matrix/client/v3/rooms/{urllib.parse.quote(room)}/state/{CLEARANCE}/",
                                 {"level": 5})
    assert status == 403, body


def test_a_room_name_with_a_marking_is_refused(users, room):
    alice, _ = users
    path = f"/_matrix/client/v3/rooms/{urllib.parse.quote(room)}/state/m.room.name/"
    status, body = alice.request("PUT", path, {"name": "Réunion — DIFFUSION RESTREINTE"})
    assert status == 403, body
    status, body = alice.request("PUT", path, {"name": "Réunion de jeudi"})
    assert status == 200, body


# --- Bypasses: everything a client can put in front of other users is read.


def create_room(client, **config):
    return client.request("POST", "/_matrix/client/v3/createRoom", {"preset": "private_chat", **config})


def send_event(client, room, event_type, content):
    return client.request("PUT", f"/_matrix/client/v3/rooms/{urllib.parse.quote(room)}/send/{event_type}/"
                                 f"{uuid.uuid4().hex}", content)


def put_state(client, room, event_type, content, state_key=""):
    return client.request("PUT", f"/_matrix/client/v3/rooms/{urllib.parse.quote(room)}/state/{event_type}/"
                                 f"{urllib.parse.quote(state_key)}", content)


def test_a_member_cannot_clear_a_new_room_in_its_initial_state(users):
    alice, _ = users
    status, body = create_room(alice, name="Cellule", initial_state=[
        {"type": CLEARANCE, "state_key": "", "content": {"level": 5}}])
    assert status == 403, body
    assert body["errcode"] == "M_FORBIDDEN"
    assert "administrators" in body["vigie"]["reason"]


@pytest.mark.parametrize("config", [
    {"name": "Cellule DIFFUSION RESTREINTE"},
    {"topic": "Ordre du jour — TRÈS SECRET DÉFENSE"},
    {"initial_state": [{"type": "m.room.topic", "state_key": "", "content": {"topic": "TLP:RED"}}]},
    {"initial_state": [{"type": "org.example.note", "state_key": "", "content": {"text": "NATO SECRET"}}]},
    {"creation_content": {"org.example.label": "CONFIDENTIEL DÉFENSE"}},
], ids=["name", "topic", "initial-topic", "initial-custom-state", "creation-content"])
def test_a_new_room_with_a_marking_in_its_request_is_refused(users, config):
    alice, _ = users
    status, body = create_room(alice, **config)
    assert status == 403, body
    assert body["errcode"] == "M_FORBIDDEN"
    assert body["vigie"]["rules"], body


def test_a_new_room_with_clean_name_and_topic_is_created(users):
    alice, _ = users
    status, body = create_room(alice, name="Équipe projet", topic="Points hebdomadaires", initial_state=[
        {"type": "org.example.note", "state_key": "", "content": {"text": "Rien de sensible"}}])
    assert status == 200, body


@pytest.mark.parametrize("alias, status", [("cellule-diffusion-restreinte", 403), ("TLP_RED", 403),
                                           ("cellule-projet", 200)])
def test_a_room_alias_with_a_marking_is_refused(users, room, alias, status):
    alice, _ = users
    answer, body = alice.request("PUT", f"/_matrix/client/v3/directory/room/{urllib.parse.quote(f'#{alias}:localhost')}",
                                 {"room_id": room})
    assert answer == status, body


def test_an_admin_clears_a_new_room_for_its_level_only(users):
    _, officer = users
    status, body = create_room(officer, name="Cellule DR", initial_state=[
        {"type": CLEARANCE, "state_key": "", "content": {"level": 2}}])
    assert status == 200, body
    room = body["room_id"]
    assert send_event(officer, room, "m.room.message", {"msgtype": "m.text", "body": "DIFFUSION RESTREINTE"})[0] == 200
    assert send_event(officer, room, "m.room.message", {"msgtype": "m.text", "body": "TRÈS SECRET"})[0] == 403


MARKED = "DIFFUSION RESTREINTE\nCompte rendu de la réunion."
CLEAN = "Compte rendu de la réunion de jeudi."


def edit(original, text):
    return {"msgtype": "m.text", "body": "* modifié",
            "m.new_content": {"msgtype": "m.text", "body": text},
            "m.relates_to": {"rel_type": "m.replace", "event_id": original}}


def html_edit(original, html):
    return {"msgtype": "m.text", "body": "* modifié",
            "m.new_content": {"msgtype": "m.text", "body": "modifié", "format": "org.matrix.custom.html",
                              "formatted_body": html},
            "m.relates_to": {"rel_type": "m.replace", "event_id": original}}


def sticker(text):
    return {"body": text, "url": "mxc://localhost/AbCdEfGhIjKlMnOpQrStUvWx", "info": {"mimetype": "image/png"}}


def poll(question, answer):
    return {"org.matrix.msc3381.poll.start": {
        "question": {"org.matrix.msc1767.text": question},
        "kind": "org.matrix.msc3381.poll.disclosed", "max_selections": 1,
        "answers": [{"id": "a", "org.matrix.msc1767.text": "Oui"}, {"id": "b", "org.matrix.msc1767.text": answer}]},
        "org.matrix.msc1767.text": question}


def extensible(html):
    return {"m.text": [{"mimetype": "text/html", "body": html}, {"body": "voir la version HTML"}]}


# (event type, marked content, clean content); `{original}` is an event id
# of the room, for relations.
EVENTS = {
    "edit": ("m.room.message", lambda e: edit(e, MARKED), lambda e: edit(e, CLEAN)),
    "html-edit": ("m.room.message", lambda e: html_edit(e, "<p><b>DIFFUSION</b> RESTREINTE</p>"),
                  lambda e: html_edit(e, "<p><b>Compte rendu</b> de jeudi</p>")),
    "sticker": ("m.sticker", lambda e: sticker("TRÈS SECRET DÉFENSE"), lambda e: sticker("chat qui dort")),
    "poll": ("org.matrix.msc3381.poll.start", lambda e: poll("On vote ?", "NATO SECRET"),
             lambda e: poll("On vote ?", "Non")),
    "reaction": ("m.reaction", lambda e: {"m.relates_to": {"rel_type": "m.annotation", "event_id": e, "key": "TLP:RED"}},
                 lambda e: {"m.relates_to": {"rel_type": "m.annotation", "event_id": e, "key": "👍"}}),
    "custom-type": ("org.example.memo", lambda e: {"org.example": {"notes": ["ok", "CONFIDENTIEL DÉFENSE"]}},
                    lambda e: {"org.example": {"notes": ["ok", "à relire"]}}),
    "custom-key": ("org.example.memo", lambda e: {"DIFFUSION RESTREINTE": True}, lambda e: {"relu": True}),
    "extensible-html": ("org.example.text", lambda e: extensible("<b>DIFFUSION</b>&nbsp;<i>RESTREINTE</i>"),
                        lambda e: extensible("<b>Bonjour</b> à tous")),
    "html-in-custom-key": ("org.example.card", lambda e: {"org.example.html": "DIFFUSION&#32;RESTREINTE"},
                           lambda e: {"org.example.html": "Bonjour&#32;à tous"}),
}


@pytest.mark.parametrize("kind", sorted(EVENTS))
def test_every_string_of_every_event_is_read(users, room, kind):
    alice, _ = users
    status, body = alice.send(room, "Message d'origine.")
    assert status == 200, body
    original = body["event_id"]
    event_type, marked, clean = EVENTS[kind]
    status, body = send_event(alice, room, event_type, marked(original))
    assert status == 403, body
    assert body["errcode"] == "M_FORBIDDEN"
    status, body = send_event(alice, room, event_type, clean(original))
    assert status == 200, body


# (event type, state key, marked content, clean content)
STATES = {
    "topic-block": ("m.room.topic", "", {"topic": "Points", "m.topic": {"m.text": [
        {"mimetype": "text/html", "body": "<b>TRÈS SECRET</b> DÉFENSE"}, {"body": "Points"}]}},
        {"topic": "Points", "m.topic": {"m.text": [{"mimetype": "text/html", "body": "<b>Points</b>"}]}}),
    "custom-state": ("org.example.board", "", {"pinned": [{"title": "NATO SECRET"}]}, {"pinned": [{"title": "Menu"}]}),
    "custom-state-key": ("org.example.board", "TLP:RED", {"x": 1}, {"x": 1}),
    "avatar-name": ("m.room.avatar", "", {"url": "mxc://localhost/abc", "info": {"name": "SECRET DÉFENSE"}},
                    {"url": "mxc://localhost/abc"}),
}


@pytest.mark.parametrize("kind", sorted(STATES))
def test_every_string_of_every_state_event_is_read(users, room, kind):
    alice, _ = users
    event_type, state_key, marked, clean = STATES[kind]
    status, body = put_state(alice, room, event_type, marked, state_key)
    assert status == 403, body
    clean_key = "" if kind == "custom-state-key" else state_key
    status, body = put_state(alice, room, event_type, clean, clean_key)
    assert status == 200, body


def test_content_beyond_the_walk_limits_is_refused_unread(users, room):
    alice, _ = users
    deep = "bonjour"
    for _ in range(40):
        deep = {"x": deep}
    status, body = send_event(alice, room, "org.example.deep", {"deep": deep})
    assert status == 403, body
    assert body["vigie"]["problems"] == ["limit"]


def member_state(client, room, user_id):
    return client.request("GET", f"/_matrix/client/v3/rooms/{urllib.parse.quote(room)}/state/m.room.member/"
                                 f"{urllib.parse.quote(user_id)}")


def test_a_marked_display_name_reaches_no_room_and_no_directory_search(synapse, users, room):
    alice, officer = users
    dora = register(synapse[0], "dora")
    dora_id = "@dora:localhost"
    quoted = urllib.parse.quote(room)
    assert alice.request("POST", f"/_matrix/client/v3/rooms/{quoted}/invite", {"user_id": dora_id})[0] == 200
    status, body = dora.request("POST", f"/_matrix/client/v3/join/{quoted}", {})
    assert status == 200, body
    # A display name for this room only: refused.
    status, body = put_state(dora, room, "m.room.member", {"membership": "join", "displayname": "DIFFUSION RESTREINTE"},
                             dora_id)
    assert status == 403, body
    assert body["errcode"] == "M_FORBIDDEN"
    # The global display name: Synapse lets no module refuse it, but the
    # membership events that would carry it into rooms are refused. A
    # profile change reaches rooms in the background: a clean one first,
    # to see it arrive.
    path = f"/_matrix/client/v3/profile/{urllib.parse.quote(dora_id)}/displayname"
    assert dora.request("PUT", path, {"displayname": "Dora Martin"})[0] == 200
    wait_for(lambda: member_state(alice, room, dora_id)[1].get("displayname") == "Dora Martin")
    status, body = dora.request("PUT", path, {"displayname": "Dora TRÈS SECRET DÉFENSE"})
    assert status == 200, body
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        status, body = member_state(alice, room, dora_id)
        assert status == 200 and body.get("displayname") == "Dora Martin", body
        time.sleep(0.1)
    # The user directory does not list the name.
    status, body = officer.request("POST", "/_matrix/client/v3/user_directory/search", {"search_term": "dora"})
    assert status == 200, body
    assert [r for r in body["results"] if r["user_id"] == dora_id] == [], body
    # A clean name again: in the room and in the directory.
    assert dora.request("PUT", path, {"displayname": "Dora M."})[0] == 200
    wait_for(lambda: member_state(alice, room, dora_id)[1].get("displayname") == "Dora M.")
    wait_for(lambda: [r.get("display_name") for r in officer.request(
        "POST", "/_matrix/client/v3/user_directory/search", {"search_term": "dora"})[1].get("results", [])
        if r["user_id"] == dora_id] == ["Dora M."])


def wait_for(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


# --- Uploads are scanned in worker processes.


def media_workers(process):
    """The pids of the homeserver's media workers (its child processes
    running vigie._media_pool)."""
    pids = []
    for task in pathlib.Path(f"/proc/{process.pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                command = pathlib.Path(f"/proc/{child}/cmdline").read_bytes()
            except FileNotFoundError:
                continue
            if b"vigie._media_pool" in command:
                pids.append(int(child))
    return sorted(pids)


def pending_input(pid):
    """Bytes written to a worker's standard input and not read yet."""
    with open(f"/proc/{pid}/fd/0", "rb", buffering=0) as pipe:
        count = fcntl.ioctl(pipe.fileno(), termios.FIONREAD, struct.pack("i", 0))
    return struct.unpack("i", count)[0]


def warm_workers(alice, process, count=2):
    """Uploads until `count` workers run (they start on first use)."""
    clean = (FIXTURES / "documents" / "clean.pdf").read_bytes()
    for _ in range(10):
        if len(media_workers(process)) >= count:
            return media_workers(process)
        threads = [threading.Thread(target=alice.upload, args=(clean, "application/pdf")) for _ in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    raise AssertionError(f"{count} media workers did not start: {media_workers(process)}")


def upload_in_background(client, data):
    result = {}

    def run():
        started = time.monotonic()
        result["status"], result["body"] = client.upload(data, "application/pdf")
        result["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def test_a_worker_killed_mid_scan_refuses_that_upload_and_the_next_is_served(synapse, users):
    alice, _ = users
    _, _, process = synapse
    workers = warm_workers(alice, process)
    clean = (FIXTURES / "documents" / "clean.pdf").read_bytes()
    # Freeze the workers, hand one an upload, and kill that one while the
    # upload waits in its input.
    for pid in workers:
        os.kill(pid, signal.SIGSTOP)
    try:
        thread, result = upload_in_background(alice, clean)
        deadline = time.monotonic() + WORKER_TIMEOUT - 1
        busy = []
        while not busy:
            assert time.monotonic() < deadline, "no worker received the upload"
            busy = [pid for pid in workers if pending_input(pid) > 0]
            time.sleep(0.01)
        os.kill(busy[0], signal.SIGKILL)
    finally:
        for pid in workers:
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
    thread.join()
    # A clean file, refused: it was not scanned. Refused at once, not at
    # the timeout.
    assert result["status"] == 400, result
    assert result["seconds"] < WORKER_TIMEOUT, result
    status, body = alice.upload(clean, "application/pdf")
    assert status == 200, body
    now = media_workers(process)
    assert busy[0] not in now and len(now) == 2, (workers, now)
    # The replacement scans as the others do.
    status, body = alice.upload((FIXTURES / "documents" / "banner.pdf").read_bytes(), "application/pdf")
    assert status == 400, body


def test_a_hung_worker_is_killed_at_the_timeout_and_the_next_upload_is_served(synapse, users):
    alice, _ = users
    _, _, process = synapse
    workers = warm_workers(alice, process)
    clean = (FIXTURES / "documents" / "clean.pdf").read_bytes()
    for pid in workers:
        os.kill(pid, signal.SIGSTOP)
    try:
        thread, result = upload_in_background(alice, clean)
        thread.join()
    finally:
        for pid in workers:
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
    assert result["status"] == 400, result
    assert WORKER_TIMEOUT - 1 < result["seconds"] < WORKER_TIMEOUT + 20, result
    now = media_workers(process)
    assert len(set(workers) - set(now)) == 1 and len(now) == 2, (workers, now)
    status, body = alice.upload(clean, "application/pdf")
    assert status == 200, body


def vigie_command():
    """The `vigie` command: the Rust binary the test suite built, else the
    Python package's `python -m vigie`, which behaves the same."""
    root = pathlib.Path(__file__).resolve().parents[2]
    for profile in ("release", "debug"):
        binary = root / os.environ.get("CARGO_TARGET_DIR", "target") / profile / "vigie"
        if binary.exists():
            return [str(binary)]
    return [sys.executable, "-m", "vigie"]


def test_the_content_scanner_runs_vigie_scan_on_each_file(tmp_path):
    """Element's matrix-content-scanner, configured with `vigie scan` as its
    script, in front of a Synapse without the module (so that anything can be
    uploaded)."""
    homeserver = tmp_path / "synapse"
    homeserver.mkdir()
    base, synapse_process, synapse_log = start_synapse(homeserver, [])
    scanner_process = None
    try:
        alice = register(base, "carol")
        uploads = {}
        for name in ("banner.pdf", "clean.pdf"):
            status, body = alice.upload((FIXTURES / "documents" / name).read_bytes(), "application/pdf")
            assert status == 200, body
            uploads[name] = body["content_uri"][len("mxc://"):]
        # The script: `vigie scan FILE`, whose exit status is 0 only for allow.
        script = tmp_path / "vigie-scan.sh"
        command = " ".join(f'"{part}"' for part in vigie_command())
        script.write_text(f'#!/bin/sh\nexec {command} scan "$1" > /dev/null\n')
        script.chmod(0o755)
        port = free_port()
        (tmp_path / "temp").mkdir()
        config = {
            "web": {"host": "127.0.0.1", "port": port},
            "scan": {"script": str(script), "temp_directory": str(tmp_path / "temp")},
            "download": {"base_homeserver_url": base},
            "crypto": {"pickle_path": str(tmp_path / "pickle"), "pickle_key": "vigie-test-pickle-key"},
        }
        config_path = tmp_path / "mcs.yaml"
        config_path.write_text(yaml.safe_dump(config))
        log_path = tmp_path / "mcs.log"
        scanner_log = open(log_path, "wb")
        scanner_process = subprocess.Popen([sys.executable, "-m", "matrix_content_scanner.mcs", "-c", str(config_path)],
                                           cwd=tmp_path, stdout=scanner_log, stderr=subprocess.STDOUT, env=os.environ)
        proxy = f"http://127.0.0.1:{port}/_matrix/media_proxy/unstable"
        wait_until_up(proxy + "/public_key", scanner_process, log_path)
        client = Client(proxy)
        status, body = client.request("GET", "/scan/" + uploads["banner.pdf"])
        assert body.get("clean") is False, (status, body, log_path.read_text()[-2000:])
        status, body = client.request("GET", "/scan/" + uploads["clean.pdf"])
        assert status == 200 and body.get("clean") is True, (status, body, log_path.read_text()[-2000:])
    finally:
        if scanner_process is not None:
            scanner_process.terminate()
            scanner_process.wait(timeout=30)
        stop(synapse_process, synapse_log)


@pytest.mark.parametrize(
    "config, message",
    [
        ({"policy": {"ceiling": 9}}, "ceiling must be between 0 and 5"),
        ({"rooms": {"!a:example.org": 7}}, "rooms must map room ids"),
        ({"room_state_event": 3}, "room_state_event must be an event type"),
        ({"max_media_bytes": 0}, "max_media_bytes must be a positive integer"),
        ({"celing": 1}, "unknown config keys: celing"),
        ({"policy": "/nonexistent/policy.toml"}, "cannot read the policy"),
        ({"media_workers": -1}, "media_workers must be an integer of at least 0"),
        ({"media_workers": "2"}, "media_workers must be an integer"),
        ({"media_workers": True}, "media_workers must be an integer"),
        ({"media_queue": -1}, "media_queue must be an integer of at least 0"),
        ({"media_worker_timeout": 0}, "media_worker_timeout must be a number of seconds"),
        ({"media_worker_timeout": "60"}, "media_worker_timeout must be a number of seconds"),
        ({"media_worker_timeout": 86400}, "media_worker_timeout must be a number of seconds"),
        ({"media_worker_memory": 1000}, "media_worker_memory must be a number of bytes"),
        ({"media_worker_memory": "2G"}, "media_worker_memory must be a number of bytes"),
    ],
)
def test_bad_module_configs_raise_synapse_config_errors(config, message):
    from synapse.module_api.errors import ConfigError

    from vigie.synapse import VigieModule

    with pytest.raises(ConfigError, match=message):
        VigieModule.parse_config(config)


def test_a_good_module_config_parses(tmp_path):
    from vigie.synapse import VigieModule

    policy = tmp_path / "policy.toml"
    policy.write_text("ceiling = 1\n[kinds]\npii = \"allow\"\n")
    parsed = VigieModule.parse_config({"policy": str(policy), "rooms": {"!dr:example.org": 2}})
    assert parsed.scanner.scan_text("DIFFUSION RESTREINTE", "!dr:example.org").verdict == "allow"
    assert parsed.scanner.scan_text("DIFFUSION RESTREINTE").verdict == "block"
    assert parsed.scanner.scan_text("DIFFUSION RESTREINTE", "level-2").verdict == "allow"
    assert parsed.scanner.scan_text("jean@example.fr").verdict == "allow"


def test_the_worker_pool_settings_parse_with_their_defaults():
    from vigie.synapse import VigieModule

    parsed = VigieModule.parse_config({})
    assert (parsed.media_workers, parsed.media_worker_timeout, parsed.media_queue) == (2, 60.0, 32)
    assert parsed.media_worker_memory is None
    parsed = VigieModule.parse_config({"media_workers": 0, "media_worker_timeout": 2.5, "media_queue": 0,
                                       "media_worker_memory": 1 << 30})
    assert (parsed.media_workers, parsed.media_worker_timeout, parsed.media_queue) == (0, 2.5, 0)
    assert parsed.media_worker_memory == 1 << 30


def test_the_content_walk_reads_every_string_and_stops_at_its_limits():
    from vigie import synapse as module

    texts = module.collect_texts({"body": "a", "m.new_content": {"formatted_body": "<b>b</b>", "list": ["c", 1, None]},
                                  "m.text": [{"mimetype": "text/html", "body": "d"}], "e": "x &amp; y"}, ["type"])
    assert texts.plain == ["body", "a", "m.new_content", "formatted_body", "<b>b</b>", "list", "c", "m.text",
                           "mimetype", "text/html", "body", "d", "e", "x &amp; y", "type"]
    assert texts.values == ["a", "<b>b</b>", "c", "text/html", "d", "x &amp; y"]
    assert texts.html == ["<b>b</b>", "d", "x &amp; y"]
    # Synapse hands the module frozen content: immutabledicts and tuples.
    from synapse.util.frozenutils import freeze

    frozen = module.collect_texts(freeze({"body": "a", "m.new_content": {"formatted_body": "<b>b</b>",
                                                                         "list": ["c", 1, None]}}))
    assert frozen.plain == ["body", "a", "m.new_content", "formatted_body", "<b>b</b>", "list", "c"]
    nested = "x"
    for _ in range(module.MAX_CONTENT_DEPTH):
        nested = [nested]
    assert module.collect_texts(nested).plain == ["x"]
    with pytest.raises(module.ContentOverLimit, match="nested deeper"):
        module.collect_texts([nested])
    with pytest.raises(module.ContentOverLimit, match="values"):
        module.collect_texts([0] * module.MAX_CONTENT_VALUES)
    with pytest.raises(module.ContentOverLimit, match="HTML strings"):
        module.collect_texts({"formatted_body": ["<b>x</b>"] * (module.MAX_HTML_PARTS + 1)})
    with pytest.raises(module.ContentOverLimit, match="bytes"):
        module.collect_texts(["é" * 1000] * (module.MAX_CONTENT_BYTES // 2000 + 1))
