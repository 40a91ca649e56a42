"""Admin endpoints: the verification queue, decisions and the programme summary."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from malpro.extensions import db
from malpro.models import AuditLog, Notification, Order, StoreDocument
from malpro.services import cart, checkout, orders
from tests.api.conftest import assert_error


def _with_document(store) -> None:
    store.documents.append(StoreDocument(filename="nib.pdf", stored_name=f"doc{store.id}.pdf",
                                         content_type="application/pdf", size=100))
    db.session.commit()


@pytest.fixture
def queue(make):
    """A pending application with a document, one without, and a verified store."""
    with_doc = make.store(status="pending", name="Toko Lengkap", slug="toko-lengkap")
    _with_document(with_doc)
    return {"with_doc": with_doc, "without_doc": make.store(status="pending", name="Toko Kurang"),
            "verified": make.store(status="verified", name="Toko Jalan")}


def test_admin_lists_stores_with_their_application_and_documents(api, admin, queue):
    body = api.get("/admin/stores?status=pending", token=admin.token).get_json()

    assert body["total"] == 2 and [s["name"] for s in body["items"]] == ["Toko Lengkap", "Toko Kurang"]
    first = body["items"][0]
    assert first["nib"] and first["phone"] and first["status"] == "pending"
    assert first["owner"]["email"].endswith("@example.com")
    assert first["documents"] == [{"id": first["documents"][0]["id"], "filename": "nib.pdf",
                                   "content_type": "application/pdf", "size": 100,
                                   "url": f"http://localhost/api/v1/documents/{first['documents'][0]['id']}"}]
    assert api.get("/admin/stores", token=admin.token).get_json()["total"] == 3
    assert_error(api.get("/admin/stores?status=aktif", token=admin.token), 400, "bad_request", fields=["status"])


def test_admin_endpoints_are_for_admins_only(api, buyer, seller, queue):
    for who in (buyer, seller):
        assert_error(api.get("/admin/stores", token=who.token), 403, "forbidden")
        assert_error(api.post(f"/admin/stores/{queue['with_doc'].id}/decision", token=who.token,
                              json={"decision": "verify"}), 403, "forbidden")
        assert_error(api.get("/admin/reports/summary?from=2026-11-01&to=2026-11-30", token=who.token), 403,
                     "forbidden")
    assert_error(api.get("/admin/stores"), 401, "unauthorized")


def test_verify_a_store_with_a_document(api, admin, queue):
    response = api.post(f"/admin/stores/{queue['with_doc'].id}/decision", token=admin.token,
                        json={"decision": "verify"})

    body = response.get_json()
    assert response.status_code == 200 and body["status"] == "verified" and body["verified"] is True
    assert body["verified_at"].endswith("+07:00")
    assert db.session.scalar(select(AuditLog.action)) == "store.verify"
    assert db.session.scalar(select(Notification.kind).where(Notification.user_id == queue["with_doc"].owner_id)) \
        == "store.verify"
    assert api.get(f"/stores/{body['slug']}").status_code == 200


def test_verify_without_a_document_is_422(api, admin, queue):
    assert_error(api.post(f"/admin/stores/{queue['without_doc'].id}/decision", token=admin.token,
                          json={"decision": "verify"}), 422, "validation_error")


def test_reject_needs_a_reason_the_seller_sees(api, admin, queue, caller):
    path = f"/admin/stores/{queue['without_doc'].id}/decision"
    assert_error(api.post(path, token=admin.token, json={"decision": "reject"}), 422, "validation_error",
                 fields=["reason"])
    assert_error(api.post(path, token=admin.token, json={"decision": "reject", "reason": "  "}), 422,
                 "validation_error", fields=["reason"])

    response = api.post(path, token=admin.token, json={"decision": "reject", "reason": "NIB tidak terbaca"})

    assert response.get_json()["status"] == "rejected"
    owner = caller(queue["without_doc"].owner)
    assert api.get("/seller/store", token=owner.token).get_json()["status_reason"] == "NIB tidak terbaca"


def test_suspend_and_reinstate(api, admin, queue):
    path = f"/admin/stores/{queue['verified'].id}/decision"

    suspended = api.post(path, token=admin.token, json={"decision": "suspend", "reason": "Laporan pembeli"})
    reinstated = api.post(path, token=admin.token, json={"decision": "reinstate", "reason": "Sudah diperbaiki"})

    assert suspended.get_json()["status"] == "suspended"
    assert suspended.get_json()["status_reason"] == "Laporan pembeli"
    assert reinstated.get_json()["status"] == "verified"


def test_a_move_the_status_table_does_not_allow_is_409(api, admin, queue):
    assert_error(api.post(f"/admin/stores/{queue['with_doc'].id}/decision", token=admin.token,
                          json={"decision": "suspend", "reason": "x"}), 409, "conflict")
    assert_error(api.post(f"/admin/stores/{queue['verified'].id}/decision", token=admin.token,
                          json={"decision": "verify"}), 409, "conflict")


def test_decision_input_errors(api, admin, queue):
    path = f"/admin/stores/{queue['with_doc'].id}/decision"
    assert_error(api.post(path, token=admin.token, json={"decision": "approve"}), 422, "validation_error",
                 fields=["decision"])
    assert_error(api.post(path, token=admin.token, json={}), 422, "validation_error", fields=["decision"])
    assert_error(api.post(path, token=admin.token, json={"decision": True}), 400, "bad_request", fields=["decision"])
    assert_error(api.post("/admin/stores/999999/decision", token=admin.token, json={"decision": "verify"}), 404,
                 "not_found")


def _wib(day: date, hour: int) -> datetime:
    """A stored (naive UTC) time for `hour` o'clock WIB on `day`."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone(timedelta(hours=7))) \
        .astimezone(timezone.utc).replace(tzinfo=None)


def test_summary_counts_completed_orders_of_the_period_in_wib(api, admin, make, caller):
    store = make.store(kecamatan="Sukun", kelurahan="Bandungrejosari")
    product = make.product(store=store, category="kriya", price=20000)
    buyer = caller()

    def order(day: date, hour: int, complete: bool):
        cart.set_quantity(buyer.id, None, product.id, 1)
        [placed] = checkout.place_orders(buyer.id, checkout.new_checkout_key(), {store.id: "pickup"})
        if complete:
            for status in ("confirmed", "ready", "completed"):
                orders.move(placed.code, store.owner_id, "seller", status)
        row = db.session.get(Order, placed.id)
        row.created_at = _wib(day, hour)
        row.completed_at = _wib(day, hour) if complete else None
        db.session.commit()

    order(date(2026, 11, 1), 0, complete=True)  # 00:00 WIB on the first day: inside
    order(date(2026, 11, 30), 23, complete=True)  # 23:00 WIB on the last day: inside
    order(date(2026, 11, 15), 12, complete=False)
    order(date(2026, 12, 1), 0, complete=True)  # the next day: outside

    response = api.get("/admin/reports/summary?from=2026-11-01&to=2026-11-30", token=admin.token)

    body = response.get_json()
    assert response.status_code == 200
    assert body["period"] == {"from": "2026-11-01", "to": "2026-11-30"}
    assert body["orders"]["total"] == 3
    assert body["orders"]["by_status"]["completed"] == 2 and body["orders"]["by_status"]["pending"] == 1
    assert body["gmv"] == 40000
    # What each breakdown counts is the reports service's (docs/reports.md); the API passes it on.
    for breakdown, key, value in (("by_category", "slug", "kriya"), ("by_kecamatan", "kecamatan", "Sukun"),
                                  ("by_fulfilment", "mode", "pickup")):
        assert next(row for row in body[breakdown] if row[key] == value)["gmv"] == 40000
    assert body["asn"]["monthly_minimum"] == 300000


@pytest.mark.parametrize("query, fields", [
    ("", ["from", "to"]), ("from=2026-11-01", ["to"]), ("from=2026-13-01&to=2026-12-01", ["from"]),
    ("from=kemarin&to=2026-11-30", ["from"]), ("from=2026-11-30&to=2026-11-01", ["to"]),
])
def test_summary_refuses_bad_dates_with_400(api, admin, query, fields):
    assert_error(api.get(f"/admin/reports/summary?{query}", token=admin.token), 400, "bad_request", fields=fields)
