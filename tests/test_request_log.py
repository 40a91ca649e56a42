"""One JSON log line per request, with a request id and no personal data."""
import json
import logging

import pytest

from malpro import create_app


def _lines(caplog) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "malpro.request"]


@pytest.fixture
def request_log(caplog):
    caplog.set_level(logging.INFO, logger="malpro.request")
    return caplog


def test_a_request_id_is_generated_and_echoed(client, request_log):
    response = client.get("/")
    rid = response.headers["X-Request-ID"]
    assert len(rid) == 32
    [line] = _lines(request_log)
    assert line["request_id"] == rid
    assert client.get("/").headers["X-Request-ID"] != rid


def test_a_sane_incoming_request_id_is_kept(client, request_log):
    rid = "f3b5a2c1d4e6478b9a0c1d2e3f4a5b6c"
    response = client.get("/healthz", headers={"X-Request-ID": rid})
    assert response.headers["X-Request-ID"] == rid
    assert _lines(request_log)[0]["request_id"] == rid


@pytest.mark.parametrize("bad", ["short", "x" * 200, "abc def ghi jkl", 'abcdefgh"}{"status":1',
                                 "abcdefgh\\u000aforged"])
def test_an_insane_incoming_request_id_is_replaced(client, request_log, bad):
    response = client.get("/", headers={"X-Request-ID": bad})
    assert response.headers["X-Request-ID"] != bad
    assert len(response.headers["X-Request-ID"]) == 32


def test_the_line_has_the_request_facts_and_the_user_id(client, make, auth, request_log):
    user = make.user(email="budi.santoso@example.com", name="Budi Santoso", phone="6281234567890")
    auth.login(email=user.email)
    request_log.clear()
    response = client.get("/cari?q=rahasia+budi&page=2")
    assert response.status_code == 200
    [line] = _lines(request_log)
    assert line["event"] == "request"
    assert line["method"] == "GET"
    assert line["path"] == "/cari"
    assert line["route"] == "/cari"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["user_id"] == user.id
    assert "ip" not in line


def test_no_personal_data_in_the_log(client, make, request_log):
    make.user(email="siti.aminah@example.com", name="Siti Aminah")
    response = client.post("/auth/login?next=/akun%3Fnama%3DSiti",
                           data={"email": "siti.aminah@example.com", "password": "rahasia123"})
    assert response.status_code == 302
    client.post("/auth/register", data={"name": "Joko Widodo", "email": "joko@example.com",
                                        "password": "rahasia123", "phone": "081298765432"})
    text = "\n".join(r.getMessage() for r in request_log.records if r.name == "malpro.request")
    for secret in ("siti", "Siti", "aminah", "rahasia123", "Joko", "joko@", "081298765432", "6281298765432",
                   "nama", "next", "127.0.0.1"):
        assert secret not in text
    assert [line["path"] for line in _lines(request_log)] == ["/auth/login", "/auth/register"]


def test_api_token_user_is_logged_by_id(client, make, request_log):
    user = make.user(email="api.user@example.com")
    token = client.post("/api/v1/auth/token", json={"email": user.email, "password": "rahasia123"})
    assert token.status_code in (200, 201), token.json
    request_log.clear()
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {token.json['token']}"})
    [line] = _lines(request_log)
    assert line["user_id"] == user.id
    assert token.json["token"] not in request_log.text


def test_errors_are_logged_with_their_status(client, request_log):
    client.get("/tidak-ada")
    assert _lines(request_log)[0]["status"] == 404


def test_ip_only_when_configured(config, request_log):
    config["REQUEST_LOG_IP"] = True
    app = create_app(config)
    app.test_client().get("/healthz", environ_base={"REMOTE_ADDR": "203.0.113.5"})
    assert _lines(request_log)[0]["ip"] == "203.0.113.5"


def test_request_log_can_be_switched_off(config, request_log):
    config["REQUEST_LOG"] = False
    app = create_app(config)
    response = app.test_client().get("/healthz")
    assert "X-Request-ID" not in response.headers
    assert _lines(request_log) == []
