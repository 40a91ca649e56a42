"""Account endpoints: registration, tokens (expiry, revocation), /me and the ASN profile."""
from datetime import timedelta

from sqlalchemy import select

from malpro.extensions import db
from malpro.models import ApiToken, User, utcnow
from malpro.services import asn, tokens
from tests.api.conftest import assert_error

NEW_USER = {"name": "Rina Wulandari", "email": "Rina@Example.com", "password": "rahasia123",
            "phone": "0812-3456-7890"}


def test_register_answers_the_user_and_a_working_token(api):
    response = api.post("/auth/register", json=NEW_USER)

    assert response.status_code == 201
    body = response.get_json()
    assert body["user"] == {"id": body["user"]["id"], "name": "Rina Wulandari", "email": "rina@example.com",
                            "phone": "6281234567890", "is_admin": False, "store": None, "asn": None}
    me = api.get("/me", token=body["token"])
    assert me.status_code == 200 and me.get_json()["email"] == "rina@example.com"


def test_register_stores_only_a_hash_of_the_token(api):
    token = api.post("/auth/register", json=NEW_USER).get_json()["token"]

    stored = db.session.scalars(select(ApiToken.token_hash)).all()
    assert len(stored) == 1 and token not in stored[0] and len(stored[0]) == 64


def test_register_ignores_role_fields(api):
    response = api.post("/auth/register", json={**NEW_USER, "is_admin": True, "role": "admin"})

    assert response.status_code == 201
    assert response.get_json()["user"]["is_admin"] is False
    assert db.session.scalar(select(User.is_admin).where(User.email == "rina@example.com")) is False


def test_register_refuses_a_taken_email_with_409(api, make):
    make.user(email="rina@example.com")

    assert_error(api.post("/auth/register", json=NEW_USER), 409, "conflict", fields=["email"])


def test_register_refuses_a_short_password_and_bad_fields_with_422(api):
    response = api.post("/auth/register", json={**NEW_USER, "password": "pendek", "email": "bukan-email",
                                                "phone": "12345"})

    assert_error(response, 422, "validation_error", fields=["password", "email", "phone"])


def test_register_missing_fields_are_422(api):
    assert_error(api.post("/auth/register", json={"name": "Rina"}), 422, "validation_error",
                 fields=["email", "password"])


def test_register_wrong_types_and_unknown_fields_are_400_naming_each(api):
    response = api.post("/auth/register", json={**NEW_USER, "name": 42, "password": ["x"], "nickname": "rin"})

    error = assert_error(response, 400, "bad_request", fields=["name", "password", "nickname"])
    assert "email" not in error["fields"]


def test_malformed_json_and_non_json_bodies_are_400(api):
    broken = api.post("/auth/register", data='{"name": "Rina",', content_type="application/json")
    form = api.post("/auth/register", data={"name": "Rina", "email": "r@example.com"})
    text = api.post("/auth/register", data="halo", content_type="text/plain")
    empty = api.post("/auth/register", content_type="application/json")
    array = api.post("/auth/register", json=[NEW_USER])

    for response in (broken, form, text, empty, array):
        assert_error(response, 400, "bad_request")


def test_a_json_body_over_1_mb_is_413(api):
    response = api.post("/auth/register", json={**NEW_USER, "name": "x" * (1024 * 1024 + 10)})

    assert_error(response, 413, "payload_too_large")


def test_token_answers_token_expiry_and_user(api, make):
    make.user(email="budi@example.com")

    response = api.post("/auth/token", json={"email": "BUDI@example.com", "password": "rahasia123"})

    assert response.status_code == 200
    body = response.get_json()
    assert body["user"]["email"] == "budi@example.com"
    assert body["expires_at"].endswith("+07:00")
    assert api.get("/me", token=body["token"]).status_code == 200


def test_token_expires_after_30_days_by_default(api, make):
    make.user(email="budi@example.com")

    api.post("/auth/token", json={"email": "budi@example.com", "password": "rahasia123"})

    token = db.session.scalar(select(ApiToken))
    assert abs(token.expires_at - (utcnow() + timedelta(days=30))) < timedelta(minutes=1)


def test_wrong_password_and_unknown_email_get_the_same_401(api, make):
    make.user(email="budi@example.com")

    wrong = api.post("/auth/token", json={"email": "budi@example.com", "password": "salah-sekali"})
    unknown = api.post("/auth/token", json={"email": "siapa@example.com", "password": "rahasia123"})

    assert assert_error(wrong, 401, "unauthorized") == assert_error(unknown, 401, "unauthorized")


def test_a_deactivated_account_gets_no_token_and_its_tokens_stop(api, caller, make):
    user = make.user(email="budi@example.com")
    existing = caller(user)
    user.active = False
    db.session.commit()

    assert_error(api.post("/auth/token", json={"email": "budi@example.com", "password": "rahasia123"}),
                 401, "unauthorized")
    assert_error(api.get("/me", token=existing.token), 401, "unauthorized")


def test_token_missing_fields_are_422(api):
    assert_error(api.post("/auth/token", json={"email": "budi@example.com"}), 422, "validation_error",
                 fields=["password"])


def test_delete_token_revokes_only_that_token(api, buyer):
    other = tokens.issue_token(buyer.id)[0]

    response = api.delete("/auth/token", token=buyer.token)

    assert response.status_code == 204 and response.data == b""
    assert_error(api.get("/me", token=buyer.token), 401, "unauthorized")
    assert_error(api.delete("/auth/token", token=buyer.token), 401, "unauthorized")
    assert api.get("/me", token=other).status_code == 200


def test_an_expired_token_is_401(api, buyer):
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == buyer.id))
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    response = api.get("/me", token=buyer.token)

    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_missing_or_malformed_authorization_is_401(api, buyer):
    assert_error(api.get("/me"), 401, "unauthorized")
    assert_error(api.get("/me", token="bukan-token"), 401, "unauthorized")
    assert_error(api.get("/me", headers={"Authorization": f"Basic {buyer.token}"}), 401, "unauthorized")
    assert_error(api.get("/me", headers={"Authorization": "Bearer"}), 401, "unauthorized")


def test_a_browser_session_does_not_authenticate_the_api(api, client, auth, make):
    make.user(email="pembeli@example.com")
    assert auth.login().status_code == 302  # the browser session is live ...

    assert_error(api.get("/me"), 401, "unauthorized")  # ... and means nothing to the API
    assert_error(api.get("/cart"), 401, "unauthorized")


def test_api_answers_set_no_cookies(api, make):
    make.user(email="budi@example.com")

    responses = [api.post("/auth/token", json={"email": "budi@example.com", "password": "rahasia123"}),
                 api.get("/categories"), api.get("/me")]

    for response in responses:
        assert "Set-Cookie" not in response.headers


def test_me_shows_the_store_and_the_asn_profile(api, seller):
    asn.set_profile(seller.id, "asn", "198503152010011002", "DISKOMINFO")

    body = api.get("/me", token=seller.token).get_json()

    assert body["store"] == {"id": seller.user.store.id, "slug": "keripik-bu-sri", "status": "verified"}
    assert body["asn"] == {"kind": "asn", "nip": "198503152010011002", "opd_code": "DISKOMINFO",
                           "status": "unconfirmed", "reason": None}


def test_put_asn_saves_and_replaces_the_profile(api, buyer):
    response = api.put("/me/asn", token=buyer.token,
                       json={"kind": "asn", "nip": "1985 0315 2010 01 1 002", "opd_code": "DISKOMINFO"})

    assert response.status_code == 200
    assert response.get_json() == {"kind": "asn", "nip": "198503152010011002", "opd_code": "DISKOMINFO",
                                   "status": "unconfirmed", "reason": None}
    again = api.put("/me/asn", token=buyer.token, json={"kind": "non_asn", "nip": None, "opd_code": "DISKOMINFO"})
    assert again.get_json() == {"kind": "non_asn", "nip": None, "opd_code": "DISKOMINFO",
                                "status": "unconfirmed", "reason": None}
    assert api.get("/me", token=buyer.token).get_json()["asn"]["kind"] == "non_asn"


def test_put_asn_refuses_bad_values_with_422(api, buyer):
    response = api.put("/me/asn", token=buyer.token, json={"kind": "asn", "nip": "123", "opd_code": "tidak-ada"})

    assert_error(response, 422, "validation_error", fields=["nip", "opd_code"])


def test_put_asn_does_not_reveal_another_accounts_nip(api, buyer, make):
    """Issue 15 point 12: the same answer as for a NIP nobody holds; the OPD settles it."""
    asn.set_profile(make.user().id, "asn", "198503152010011002", "DISKOMINFO")
    fresh = make.user()
    from malpro.services import tokens
    raw, _token = tokens.issue_token(fresh.id)

    taken = api.put("/me/asn", token=buyer.token,
                    json={"kind": "asn", "nip": "198503152010011002", "opd_code": "DISKOMINFO"})
    free = api.put("/me/asn", token=raw, json={"kind": "asn", "nip": "198503152010021002", "opd_code": "DISKOMINFO"})

    assert taken.status_code == free.status_code == 200
    assert taken.get_json()["status"] == free.get_json()["status"] == "unconfirmed"
    assert set(taken.get_json()) == set(free.get_json())


def test_put_asn_needs_a_token_and_well_typed_json(api, buyer):
    assert_error(api.put("/me/asn", json={"kind": "asn"}), 401, "unauthorized")
    assert_error(api.put("/me/asn", token=buyer.token, json={"kind": 1, "opd_code": "DISKOMINFO"}),
                 400, "bad_request", fields=["kind"])
