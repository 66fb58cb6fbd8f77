"""End to end: a real Synapse homeserver (matrix-synapse from PyPI) on
loopback, with vigie.synapse.VigieModule loaded, driven through its client
API. The server is started by the fixture and stopped after the tests."""

import hashlib
import hmac
import json
import pathlib
import socket
import subprocess
import sys
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


def start_synapse(directory, modules):
    """Starts a Synapse homeserver on loopback in `directory`, with
    `modules`; returns (base URL, process, log file)."""
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
        },
    }]
    base, process, log = start_synapse(directory, modules)
    try:
        yield base, directory
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
    base, _ = synapse
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
    _, directory = synapse
    logs = "".join(path.read_text(errors="replace") for path in directory.glob("*.log"))
    assert "vigie message" in logs and "verdict=block" in logs
    assert "Tr0ub4dor&3" not in logs


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


def vigie_command():
    """The `vigie` command: the Rust binary the test suite built, else the
    Python package's `python -m vigie`, which behaves the same."""
    root = pathlib.Path(__file__).resolve().parents[2]
    for profile in ("release", "debug"):
        binary = root / "target" / profile / "vigie"
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
