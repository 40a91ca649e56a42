"""The employees' programme in the API (issue 17, API.md): GET /me/asn with both spending
parts, purchases outside Malpro, and the admins' profile decision."""
import io

import pytest

from malpro.extensions import db
from malpro.models import OutsidePurchase
from malpro.services import asn, officers, outside_purchases, reports
from tests.api.conftest import assert_error
from tests.helpers import png_bytes
from tests.reference_guard import restore_reference_data  # noqa: F401  (the fixture)

pytestmark = pytest.mark.usefixtures("restore_reference_data")

NIP = "198503152010011002"


def _form(**changes):
    form = {"date": reports.wib_today().isoformat(), "shop_name": "Warung Bu Sri", "kecamatan": "Klojen",
            "kelurahan": "Kauman", "amount": "75000", "description": "Keripik tempe",
            "photo": (io.BytesIO(png_bytes((80, 60))), "struk.png")}
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def test_get_me_asn_shows_the_state_and_both_parts(api, buyer, admin):
    assert_error(api.get("/me/asn", token=buyer.token), 404, "not_found")
    api.put("/me/asn", token=buyer.token, json={"kind": "asn", "nip": NIP, "opd_code": "DISKOMINFO"})
    body = api.get("/me/asn", token=buyer.token).get_json()
    assert (body["status"], body["reason"]) == ("unconfirmed", None)
    assert body["month"] == {"month": reports.this_month().month_value, "minimum": 300_000, "spent_malpro": 0,
                             "spent_outside": 0, "reached": False}

    created = api.post("/me/asn/purchases", token=buyer.token, data=_form(), content_type="multipart/form-data")
    assert created.status_code == 201
    purchase = created.get_json()
    assert (purchase["status"], purchase["amount"], purchase["shop_name"]) == ("pending", 75_000, "Warung Bu Sri")
    photo = api.get(purchase["photo_url"].removeprefix("/api/v1"), token=buyer.token)
    assert photo.status_code == 200 and photo.mimetype == "image/webp"
    assert_error(api.get(purchase["photo_url"].removeprefix("/api/v1"), token=admin.token), 404, "not_found")

    outside_purchases.decide(admin.id, purchase["id"], "approve")
    month = api.get("/me/asn", token=buyer.token).get_json()["month"]
    assert (month["spent_malpro"], month["spent_outside"]) == (0, 75_000)
    listed = api.get("/me/asn/purchases", token=buyer.token).get_json()
    assert listed["total"] == 1 and listed["items"][0]["status"] == "approved"


@pytest.mark.parametrize("changes, field", [
    ({"date": "2020-01-01"}, "date"),
    ({"amount": "999"}, "amount"),
    ({"amount": "5000001"}, "amount"),
    ({"kelurahan": "Sawojajar"}, "kelurahan"),
    ({"kecamatan": "Batu"}, "kecamatan"),
    ({"photo": None}, "photo"),
    ({"shop_name": None}, "shop_name"),
])
def test_bad_purchases_are_refused_with_422(api, buyer, changes, field):
    asn.set_profile(buyer.id, "non_asn", None, "DLH")
    response = api.post("/me/asn/purchases", token=buyer.token, data=_form(**changes),
                        content_type="multipart/form-data")
    assert_error(response, 422, "validation_error", fields=[field])
    assert db.session.query(OutsidePurchase).count() == 0


def test_purchases_need_a_profile_and_at_most_ten_pending(api, buyer):
    assert_error(api.post("/me/asn/purchases", token=buyer.token, data=_form(), content_type="multipart/form-data"),
                 403, "forbidden")
    asn.set_profile(buyer.id, "non_asn", None, "DLH")
    for _ in range(10):
        assert api.post("/me/asn/purchases", token=buyer.token, data=_form(),
                        content_type="multipart/form-data").status_code == 201
    assert_error(api.post("/me/asn/purchases", token=buyer.token, data=_form(), content_type="multipart/form-data"),
                 409, "conflict")


def test_admin_decides_a_profile_through_the_api(api, buyer, admin, make):
    asn.set_profile(buyer.id, "asn", NIP, "DISKOMINFO")
    path = f"/admin/asn/profiles/{buyer.id}/decision"
    assert_error(api.post(path, token=buyer.token, json={"decision": "confirm"}), 403, "forbidden")
    assert_error(api.post(path, token=admin.token, json={"decision": "reject"}), 422, "validation_error",
                 fields=["reason"])
    assert_error(api.post(path, token=admin.token, json={"decision": "maybe"}), 422, "validation_error",
                 fields=["decision"])
    assert_error(api.post("/admin/asn/profiles/999999/decision", token=admin.token, json={"decision": "confirm"}),
                 404, "not_found")
    assert asn.profile_of(buyer.id).status == "unconfirmed"
    rejected = api.post(path, token=admin.token, json={"decision": "reject", "reason": "NIP salah"}).get_json()
    assert (rejected["user_id"], rejected["status"], rejected["reason"]) == (buyer.id, "rejected", "NIP salah")
    assert api.get("/me/asn", token=buyer.token).get_json()["reason"] == "NIP salah"
    confirmed = api.post(path, token=admin.token, json={"decision": "confirm"}).get_json()
    assert (confirmed["status"], confirmed["reason"]) == ("confirmed", None)
    # A coordinator's token is not an admin's: the API has no coordinator door.
    coordinator = make.user(email="koord@example.com")
    officers.assign(admin.id, coordinator.email, "DISKOMINFO")
    from malpro.services import tokens
    raw, _token = tokens.issue_token(coordinator.id)
    assert_error(api.post(path, token=raw, json={"decision": "reject", "reason": "x"}), 403, "forbidden")
