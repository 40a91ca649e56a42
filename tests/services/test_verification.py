"""Store applications and admin decisions (services.verification), without a client."""
import pytest
from sqlalchemy import func, select

from malpro.extensions import db
from malpro.models import AuditLog, Notification, Store, StoreDecision, StoreDocument
from malpro.services import verification
from malpro.services.documents import document_path
from malpro.services.errors import ConflictError, NotFoundError, ValidationError
from tests.helpers import PDF_BYTES, FakeUpload, png_bytes

APPLICATION = {
    "name": "Keripik Tempe Bu Sri", "nib": "1234 5678 90123", "phone": "0812-3456-7890",
    "address": "Jl. Raya Langsep No. 12", "kecamatan": "Sukun", "kelurahan": "Pisang Candi",
    "description": "Keripik tempe renyah.", "delivery": True, "pickup": True, "delivery_fee": 8000,
}


def _apply(user, **changes):
    return verification.apply_for_store(user.id, {**APPLICATION, **changes},
                                        files=[FakeUpload(PDF_BYTES, "nib.pdf")])


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _uploaded_files(app):
    folder = document_path("x").parent
    return sorted(p.name for p in folder.glob("*")) if folder.exists() else []


def test_apply_creates_pending_store_with_document_and_history(app, make):
    user = make.user()
    store = _apply(user)
    assert store.status == "pending"
    assert store.nib == "1234567890123" and store.phone == "6281234567890"
    assert store.slug == "keripik-tempe-bu-sri"
    assert store.offers_delivery and store.offers_pickup and store.delivery_fee == 8000
    [doc] = store.documents
    assert doc.content_type == "application/pdf" and doc.filename == "nib.pdf" and doc.size == len(PDF_BYTES)
    assert document_path(doc.stored_name).read_bytes() == PDF_BYTES
    assert "static" not in str(document_path(doc.stored_name))
    [decision] = store.decisions
    assert (decision.from_status, decision.to_status, decision.actor_id) == (None, "pending", user.id)


@pytest.mark.parametrize("changes,field", [
    ({"nib": "123456789012"}, "nib"),
    ({"nib": "12345678901234"}, "nib"),
    ({"phone": "021-555-1234"}, "phone"),
    ({"kecamatan": "Sukun", "kelurahan": "Kauman"}, "kelurahan"),  # Kauman is in Klojen
    ({"kecamatan": "Batu", "kelurahan": "Sisir"}, "kecamatan"),  # outside Kota Malang
    ({"name": "AB"}, "name"),
    ({"delivery": False, "pickup": False}, "delivery"),
    ({"delivery_fee": -1000}, "delivery_fee"),
])
def test_bad_application_saves_nothing(app, make, changes, field):
    user = make.user()
    with pytest.raises(ValidationError) as error:
        _apply(user, **changes)
    assert field in error.value.fields
    assert _count(Store) == 0 and _count(StoreDocument) == 0
    assert _uploaded_files(app) == []


def test_duplicate_nib_is_a_conflict(app, make):
    _apply(make.user())
    with pytest.raises(ConflictError) as error:
        _apply(make.user(), name="Toko Lain")
    assert "nib" in error.value.fields
    assert _count(Store) == 1


def test_one_store_per_user(app, make):
    user = make.user()
    _apply(user)
    with pytest.raises(ConflictError):
        _apply(user, nib="9999999999999", name="Toko Kedua")
    assert _count(Store) == 1


@pytest.mark.parametrize("upload,message", [
    (FakeUpload(b"<html><script>alert(1)</script></html>", "nib.pdf"), "bukan PDF"),
    (FakeUpload(b"#!/bin/sh\nrm -rf /\n", "nib.png"), "bukan PDF"),
    (FakeUpload(b"%PDF-1.4 but never finished", "nib.pdf"), "bukan PDF"),
    (FakeUpload(b"\x89PNG\r\n\x1a\nnot really a png", "nib.png"), "bukan PDF"),
    (FakeUpload(b"", "nib.pdf"), "kosong"),
    (FakeUpload(b"%PDF-" + b"0" * (5 * 1024 * 1024) + b"%%EOF", "besar.pdf"), "lebih dari 5 MB"),
])
def test_bad_documents_are_refused(app, make, upload, message):
    user = make.user()
    with pytest.raises(ValidationError) as error:
        verification.apply_for_store(user.id, APPLICATION, files=[upload])
    assert message in error.value.fields["documents"]
    assert _count(Store) == 0 and _uploaded_files(app) == []


def test_missing_document_is_refused_on_the_web_path(app, make):
    with pytest.raises(ValidationError) as error:
        verification.apply_for_store(make.user().id, APPLICATION, files=[])
    assert "sertifikat NIB" in error.value.fields["documents"]


def test_images_are_accepted_as_documents(app, make):
    store = verification.apply_for_store(make.user().id, APPLICATION, files=[FakeUpload(png_bytes(), "foto.PNG")])
    assert store.documents[0].content_type == "image/png" and store.documents[0].filename == "foto.png"


def test_verify_records_decision_audit_and_notification(app, make):
    store = _apply(make.user())
    admin = make.admin()
    verification.decide(store.id, admin.id, "verify")
    assert store.status == "verified" and store.verified_at is not None and store.status_reason is None
    last = store.decisions[-1]
    assert (last.from_status, last.to_status, last.actor_id) == ("pending", "verified", admin.id)
    audit = db.session.scalar(select(AuditLog))
    assert (audit.action, audit.target_id, audit.actor_id) == ("store.verify", store.id, admin.id)
    note = db.session.scalar(select(Notification).where(Notification.user_id == store.owner_id))
    assert "diverifikasi" in note.title and note.link == "/seller/"


def test_reject_needs_a_reason_and_keeps_it(app, make):
    store = _apply(make.user())
    admin = make.admin()
    with pytest.raises(ValidationError) as error:
        verification.decide(store.id, admin.id, "reject", "   ")
    assert "reason" in error.value.fields
    assert store.status == "pending" and _count(StoreDecision) == 1 and _count(Notification) == 0
    verification.decide(store.id, admin.id, "reject", "Foto NIB buram.")
    assert store.status == "rejected" and store.status_reason == "Foto NIB buram."
    note = db.session.scalar(select(Notification))
    assert "ditolak" in note.title and "Foto NIB buram." in note.body


@pytest.mark.parametrize("status,decision", [
    ("pending", "suspend"), ("pending", "reinstate"), ("verified", "verify"), ("verified", "reject"),
    ("rejected", "verify"), ("suspended", "verify"), ("suspended", "suspend"),
])
def test_moves_the_status_table_does_not_allow_are_conflicts(app, make, status, decision):
    store = make.store(status=status)
    with pytest.raises(ConflictError):
        verification.decide(store.id, make.admin().id, decision, "alasan")
    db.session.refresh(store)
    assert store.status == status
    assert _count(AuditLog) == 0


def test_unknown_decision_and_store(app, make):
    admin = make.admin()
    with pytest.raises(ValidationError):
        verification.decide(make.store(status="pending").id, admin.id, "approve-all", "x")
    with pytest.raises(NotFoundError):
        verification.decide(99999, admin.id, "verify")


def test_verify_needs_a_document(app, make):
    store = make.store(status="pending")  # factories make no documents
    with pytest.raises(ValidationError, match="dokumen"):
        verification.decide(store.id, make.admin().id, "verify")
    assert store.status == "pending"


def test_suspend_and_reinstate(app, make):
    store = _apply(make.user())
    admin = make.admin()
    verification.decide(store.id, admin.id, "verify")
    verification.decide(store.id, admin.id, "suspend", "Laporan produk palsu.")
    assert store.status == "suspended" and store.status_reason == "Laporan produk palsu."
    verification.decide(store.id, admin.id, "reinstate", "Sudah diklarifikasi.")
    assert store.status == "verified" and store.status_reason is None
    assert [d.to_status for d in store.decisions] == ["pending", "verified", "suspended", "verified"]


def test_editing_a_rejected_application_resubmits_it(app, make):
    user = make.user()
    store = _apply(user)
    verification.decide(store.id, make.admin().id, "reject", "NIB tidak sesuai.")
    verification.update_application(user.id, {**APPLICATION, "nib": "1111122222333"},
                                    files=[FakeUpload(PDF_BYTES, "nib-baru.pdf")])
    assert store.status == "pending" and store.status_reason is None and store.nib == "1111122222333"
    assert len(store.documents) == 2
    assert [(d.from_status, d.to_status) for d in store.decisions][-1] == ("rejected", "pending")


def test_verified_store_cannot_change_nib_or_location(app, make):
    user = make.user()
    store = _apply(user)
    verification.decide(store.id, make.admin().id, "verify")
    with pytest.raises(ValidationError) as error:
        verification.update_application(user.id, {**APPLICATION, "nib": "2222233333444", "kecamatan": "Klojen",
                                                  "kelurahan": "Kauman"})
    assert {"nib", "kecamatan", "kelurahan"} <= set(error.value.fields)
    verification.update_application(user.id, {**APPLICATION, "description": "Baru", "delivery_fee": 5000})
    assert store.status == "verified" and store.description == "Baru" and store.delivery_fee == 5000


def test_document_access_owner_and_admin_only(app, make):
    owner = make.user()
    store = _apply(owner)
    doc = store.documents[0]
    assert verification.document_for(owner, doc.id) is doc
    assert verification.document_for(make.admin(), doc.id) is doc
    other_seller = make.store().owner
    for user in (make.user(), other_seller):
        with pytest.raises(NotFoundError):
            verification.document_for(user, doc.id)


def test_queue_is_oldest_first_with_counts(app, make):
    from datetime import datetime

    newer = make.store(status="pending", submitted_at=datetime(2026, 11, 2))
    older = make.store(status="pending", submitted_at=datetime(2026, 11, 1))
    make.store(status="verified")
    assert [s.id for s in verification.queue("pending")] == [older.id, newer.id]
    assert verification.status_counts() == {"pending": 2, "verified": 1, "rejected": 0, "suspended": 0}


def test_checklist(app):
    items = verification.checklist({**APPLICATION}, has_document=False)
    assert [i["key"] for i in items if not i["done"]] == ["documents"]
    items = verification.checklist({"kecamatan": "Sukun", "kelurahan": "Kauman"}, has_document=True)
    assert {i["key"] for i in items if not i["done"]} == {"name", "nib", "phone", "address", "location", "fulfilment"}
