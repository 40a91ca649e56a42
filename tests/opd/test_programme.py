"""The employees' programme run by the agencies (issue 17): coordinators' scope, confirmed
profiles, NIP conflicts, purchases outside Malpro, leads, reminders, mentoring agencies."""
import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from malpro.extensions import db
from malpro.models import AuditLog, Notification, OpdOfficer, Order, OutsidePurchase, ReminderLog
from malpro.services import asn, leads, mentoring, officers, outside_purchases, participation, reports
from malpro.services.errors import ConflictError, NotFoundError, ValidationError
from tests.opd.conftest import NIP_A, Upload, login, photo, report
from tests.reference_guard import restore_reference_data  # noqa: F401  (the fixture)

pytestmark = pytest.mark.usefixtures("restore_reference_data")


def _notifications(user_id, kind):
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user_id,
                                                              Notification.kind == kind)))


# --- Coordinators and their scope ------------------------------------------------------------

def test_assignment_is_audited_and_one_opd_per_account(programme, make):
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "officer.assign.coordinator",
                                                     AuditLog.target_id == programme.coordinator_a.id))
    assert entry.actor_id == programme.admin.id and "DISKOMINFO" in entry.reason
    with pytest.raises(ConflictError):
        officers.assign(programme.admin.id, programme.coordinator_a.email, "DINKES")
    with pytest.raises(ValidationError) as excinfo:
        officers.assign(programme.admin.id, "tidak.ada@example.com", "TIDAK-ADA")
    assert set(excinfo.value.fields) == {"email", "opd_code"}
    officer = officers.officer_of(programme.coordinator_a.id)
    officers.remove(programme.admin.id, officer.id, "pindah tugas")
    assert officers.officer_of(programme.coordinator_a.id) is None
    assert db.session.scalar(select(AuditLog.reason).where(AuditLog.action == "officer.remove.coordinator")) \
        == "DISKOMINFO: Dinas Komunikasi dan Informatika. pindah tugas"


def test_admin_assigns_and_removes_coordinators_on_the_web(app, programme, make):
    admin = login(app, programme.admin)
    newcomer = make.user(email="baru@example.com")
    assert admin.post("/admin/petugas-opd", data={"email": newcomer.email, "opd_code": "DLH",
                                                  "role": "coordinator"}).status_code == 302
    assert officers.coordinated_opd(newcomer.id).code == "DLH"
    refused = admin.post("/admin/petugas-opd", data={"email": newcomer.email, "opd_code": "DINKES",
                                                     "role": "coordinator"})
    assert refused.status_code == 409 and "sudah menjadi" in refused.get_data(as_text=True)
    page = admin.get("/admin/petugas-opd").get_data(as_text=True)
    assert "Koordinator Kominfo" in page and "baru@example.com" in page
    officer_id = officers.officer_of(newcomer.id).id
    assert admin.post(f"/admin/petugas-opd/{officer_id}/cabut").status_code == 302
    assert db.session.get(OpdOfficer, officer_id) is None


def test_a_coordinator_sees_only_their_own_opd(app, programme):
    """Another OPD's pages, staff, reports and photos: 404, on the web and in the API."""
    purchase_b = report(programme.staff_b.id)
    coordinator = login(app, programme.coordinator_a)

    page = coordinator.get("/opd/")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Andi Kominfo" in body and "Bunga Dinkes" not in body and NIP_A in body

    assert coordinator.get("/opd/?opd=DINKES").status_code == 404
    assert coordinator.get("/opd/unduh.csv?opd=DINKES").status_code == 404
    assert coordinator.get("/opd/belanja?opd=DINKES").status_code == 404
    assert coordinator.post(f"/opd/pegawai/{programme.staff_b.id}/keputusan",
                            data={"decision": "confirm"}).status_code == 404
    assert coordinator.post(f"/opd/belanja/{purchase_b.id}/keputusan",
                            data={"decision": "approve"}).status_code == 404
    for size in ("kecil", "besar"):
        assert coordinator.get(f"/akun/belanja-luar/{purchase_b.id}/foto/{size}").status_code == 404
    assert "Warung Bu Sri" not in coordinator.get("/opd/belanja").get_data(as_text=True)
    csv_text = coordinator.get("/opd/unduh.csv").get_data(as_text=True)
    assert "Andi Kominfo" in csv_text and "Bunga Dinkes" not in csv_text
    # Nothing changed on the other OPD's side.
    assert asn.profile_of(programme.staff_b.id).status == "unconfirmed"
    assert db.session.get(OutsidePurchase, purchase_b.id).status == "pending"
    # The service says the same, for any caller (the API's admin decision uses it).
    with pytest.raises(NotFoundError):
        asn.decide_profile(programme.coordinator_a.id, programme.staff_b.id, "confirm")
    with pytest.raises(NotFoundError):
        outside_purchases.decide(programme.coordinator_a.id, purchase_b.id, "approve")
    # Their own OPD's coordinator, the employee and admins do see the photo.
    for user in (programme.coordinator_b, programme.staff_b, programme.admin):
        response = login(app, user).get(f"/akun/belanja-luar/{purchase_b.id}/foto/besar")
        assert response.status_code == 200 and response.mimetype == "image/webp"
        assert response.headers["Cache-Control"] == "private, no-store"


def test_opd_pages_are_not_for_other_accounts(app, programme, make, client):
    assert client.get("/opd/").status_code == 302  # anonymous: to the login page
    buyer = login(app, make.user())
    assert buyer.get("/opd/").status_code == 404
    assert buyer.get(f"/akun/belanja-luar/{report(programme.staff_a.id).id}/foto/besar").status_code == 404
    admin = login(app, programme.admin)
    assert admin.get("/opd/?opd=DINKES").status_code == 200
    assert admin.get("/opd/?opd=TIDAK-ADA").status_code == 404


# --- Confirmed profiles ----------------------------------------------------------------------

def _completed_order(buyer_id, store, total):
    now = reports.wib_midnight_utc(reports.wib_today()) + timedelta(hours=1)
    db.session.add(Order(code=f"MLP-T-{buyer_id}-{total}", buyer_id=buyer_id, store_id=store.id, status="completed",
                         fulfilment="pickup", subtotal=total, total=total, created_at=now, completed_at=now))
    db.session.commit()


def _row(code):
    return next(r for r in participation.asn_participation(reports.this_month()) if r["opd_code"] == code)


def test_unconfirmed_and_rejected_profiles_do_not_count(app, programme, make):
    _completed_order(programme.staff_a.id, make.store(), 400_000)
    assert (_row("DISKOMINFO")["employees"], _row("DISKOMINFO")["reached_minimum"]) == (0, 0)

    coordinator = login(app, programme.coordinator_a)
    refused = coordinator.post(f"/opd/pegawai/{programme.staff_a.id}/keputusan", data={"decision": "reject"})
    assert refused.status_code == 302 and asn.profile_of(programme.staff_a.id).status == "unconfirmed"
    coordinator.post(f"/opd/pegawai/{programme.staff_a.id}/keputusan",
                     data={"decision": "reject", "reason": "Tidak terdaftar di Kominfo"})
    profile = asn.profile_of(programme.staff_a.id)
    assert (profile.status, profile.reason) == ("rejected", "Tidak terdaftar di Kominfo")
    assert _row("DISKOMINFO")["employees"] == 0
    [told] = _notifications(programme.staff_a.id, "asn_profile")
    assert "ditolak" in told.title and "Tidak terdaftar di Kominfo" in told.body
    employee = login(app, programme.staff_a)
    account = employee.get("/akun").get_data(as_text=True)
    assert "Ditolak OPD" in account and "Tidak terdaftar di Kominfo" in account

    # The employee corrects the profile: unconfirmed again, then confirmed: now it counts.
    assert employee.post("/akun/asn", data={"kind": "asn", "nip": NIP_A, "opd_code": "DINKES"}).status_code == 302
    assert asn.profile_of(programme.staff_a.id).status == "unconfirmed"
    asn.set_profile(programme.staff_a.id, "asn", NIP_A, "DISKOMINFO")
    coordinator.post(f"/opd/pegawai/{programme.staff_a.id}/keputusan", data={"decision": "confirm"})
    assert asn.profile_of(programme.staff_a.id).status == "confirmed"
    assert (_row("DISKOMINFO")["employees"], _row("DISKOMINFO")["reached_minimum"], _row("DISKOMINFO")["spent"]) \
        == (1, 1, 400_000)
    assert "Dikonfirmasi OPD" in employee.get("/akun").get_data(as_text=True)
    # A coordinator does not confirm their own profile.
    asn.set_profile(programme.coordinator_a.id, "non_asn", None, "DISKOMINFO")
    coordinator.post(f"/opd/pegawai/{programme.coordinator_a.id}/keputusan", data={"decision": "confirm"})
    assert asn.profile_of(programme.coordinator_a.id).status == "unconfirmed"
    # Saving the same values again keeps the decision; a change does not.
    asn.set_profile(programme.staff_a.id, "asn", NIP_A, "DISKOMINFO")
    assert asn.profile_of(programme.staff_a.id).status == "confirmed"


def test_a_nip_conflict_is_resolved_by_the_coordinator(app, programme, make):
    impostor = make.user(name="Penyerobot", email="penyerobot@example.com")
    asn.set_profile(impostor.id, "asn", NIP_A, "DISKOMINFO")
    coordinator = login(app, programme.coordinator_a)
    page = coordinator.get("/opd/").get_data(as_text=True)
    assert "Konflik NIP" in page and "Penyerobot" in page

    coordinator.post(f"/opd/pegawai/{programme.staff_a.id}/keputusan", data={"decision": "confirm"})

    assert asn.profile_of(programme.staff_a.id).status == "confirmed"
    loser = asn.profile_of(impostor.id)
    assert loser.status == "rejected" and "akun lain" in loser.reason
    assert any("ditolak" in n.title for n in _notifications(impostor.id, "asn_profile"))
    assert asn.nip_conflicts(asn.opd_by_code("DISKOMINFO").id) == []
    # The real owner can also take the NIP back from an account confirmed before.
    asn.set_profile(impostor.id, "asn", NIP_A, "DISKOMINFO")
    asn.decide_profile(programme.coordinator_a.id, impostor.id, "confirm")
    assert asn.profile_of(programme.staff_a.id).status == "rejected"
    assert db.session.scalar(select(func.count()).select_from(AuditLog)
                             .where(AuditLog.action.in_(("asn.confirm", "asn.reject")))) == 4


# --- Purchases outside Malpro ------------------------------------------------------------------

def test_an_approved_outside_purchase_counts_and_shows_apart_a_rejected_one_does_not(app, programme, make):
    asn.decide_profile(programme.admin.id, programme.staff_a.id, "confirm")
    _completed_order(programme.staff_a.id, make.store(), 100_000)
    employee = login(app, programme.staff_a)
    for shop, amount in (("Warung Bu Sri", 150_000), ("Toko Pak Kumis", 90_000)):
        response = employee.post("/akun/belanja-luar", data={
            "date": reports.wib_today().isoformat(), "shop_name": shop, "kecamatan": "Klojen", "kelurahan": "Kauman",
            "amount": str(amount), "description": "Oleh-oleh", "photo": photo()}, content_type="multipart/form-data")
        assert response.status_code == 302, response.get_data(as_text=True)
    approved, rejected = sorted(db.session.scalars(select(OutsidePurchase)), key=lambda p: p.amount, reverse=True)
    assert approved.status == rejected.status == "pending"
    assert participation.month_progress(programme.staff_a.id)["spent_outside"] == 0

    coordinator = login(app, programme.coordinator_a)
    assert coordinator.post(f"/opd/belanja/{approved.id}/keputusan", data={"decision": "approve"}).status_code == 302
    coordinator.post(f"/opd/belanja/{rejected.id}/keputusan", data={"decision": "reject",
                                                                     "reason": "Struk tidak terbaca"})
    assert (approved.status, rejected.status, rejected.reason) == ("approved", "rejected", "Struk tidak terbaca")
    assert coordinator.post(f"/opd/belanja/{approved.id}/keputusan",
                            data={"decision": "reject", "reason": "x"}).status_code == 302
    assert db.session.get(OutsidePurchase, approved.id).status == "approved"  # decided once

    progress = participation.month_progress(programme.staff_a.id)
    assert (progress["spent_malpro"], progress["spent_outside"], progress["spent"], progress["reached"]) == \
        (100_000, 150_000, 250_000, False)
    row = _row("DISKOMINFO")
    assert (row["spent"], row["spent_outside"]) == (100_000, 150_000)
    account = employee.get("/akun").get_data(as_text=True)
    assert 'id="asn-spent-malpro">Rp100.000' in account and 'id="asn-spent-outside">Rp150.000' in account
    mine = employee.get("/akun/belanja-luar").get_data(as_text=True)
    assert "Struk tidak terbaca" in mine and "Disetujui" in mine
    titles = [n.title for n in _notifications(programme.staff_a.id, "outside_purchase")]
    assert any("disetujui" in t for t in titles) and any("ditolak" in t for t in titles)
    # Exports keep the two parts in their own columns.
    rows = list(csv.reader(io.StringIO(coordinator.get("/opd/unduh.csv").get_data(as_text=True).lstrip("\ufeff"))))
    header, andi = rows[0], rows[1]
    assert andi[header.index("Belanja di Malpro (Rp)")] == "100000"
    assert andi[header.index("Belanja luar Malpro (Rp)")] == "150000"
    admin = login(app, programme.admin)
    rows = list(csv.reader(io.StringIO(admin.get("/admin/asn/unduh.csv").get_data(as_text=True).lstrip("\ufeff"))))
    kominfo = next(r for r in rows if r[0] == "DISKOMINFO")
    assert kominfo[rows[0].index("Belanja di Malpro (Rp)")] == "100000"
    assert kominfo[rows[0].index("Belanja luar Malpro (Rp)")] == "150000"


@pytest.mark.parametrize("change, field", [
    ({"purchase_date": "tomorrow"}, "date"),
    ({"purchase_date": "32 days ago"}, "date"),
    ({"purchase_date": "kemarin"}, "date"),
    ({"amount": 999}, "amount"),
    ({"amount": 5_000_001}, "amount"),
    ({"amount": "abc"}, "amount"),
    ({"kecamatan": "Batu"}, "kecamatan"),
    ({"kelurahan": "Sawojajar"}, "kelurahan"),
    ({"shop_name": " "}, "shop_name"),
    ({"description": ""}, "description"),
    ({"photo": None}, "photo"),
])
def test_bad_outside_purchases_are_refused(programme, change, field):
    today = reports.wib_today()
    values = {"purchase_date": today, "shop_name": "Warung Bu Sri", "kecamatan": "Klojen", "kelurahan": "Kauman",
              "amount": 50_000, "description": "Keripik", "photo": Upload()}
    values.update(change)
    values["purchase_date"] = {"tomorrow": today + timedelta(days=1),
                               "32 days ago": today - timedelta(days=32)}.get(values["purchase_date"],
                                                                              values["purchase_date"])
    with pytest.raises(ValidationError) as excinfo:
        outside_purchases.report(programme.staff_a.id, **values)
    assert field in excinfo.value.fields
    assert db.session.scalar(select(func.count()).select_from(OutsidePurchase)) == 0


def test_the_limits_of_outside_purchases(programme, make):
    today = reports.wib_today()
    assert report(programme.staff_a.id, day=today - timedelta(days=31)).status == "pending"
    for _ in range(9):
        report(programme.staff_a.id)
    with pytest.raises(ConflictError):
        report(programme.staff_a.id)
    assert outside_purchases.pending_count(programme.staff_a.id) == 10
    from malpro.services.errors import ForbiddenError
    with pytest.raises(ForbiddenError):
        report(make.user().id)
    with pytest.raises(ValidationError) as excinfo:
        outside_purchases.report(programme.staff_b.id, purchase_date=today, shop_name="Warung", kecamatan="Klojen",
                                 kelurahan="Kauman", amount=5_000, description="Kopi",
                                 photo=type("Fake", (), {"stream": io.BytesIO(b"not an image"),
                                                         "filename": "x.png"})())
    assert "photo" in excinfo.value.fields


def test_the_web_form_shows_each_error_and_saves_nothing(app, programme):
    employee = login(app, programme.staff_a)
    response = employee.post("/akun/belanja-luar", data={
        "date": (reports.wib_today() + timedelta(days=1)).isoformat(), "shop_name": "Warung", "kecamatan": "Klojen",
        "kelurahan": "Sawojajar", "amount": "500", "description": "Kopi"}, content_type="multipart/form-data")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    for message in ("masa depan", "Rp1.000", "Kelurahan tidak berada", "Lampirkan foto"):
        assert message in body
    assert db.session.scalar(select(func.count()).select_from(OutsidePurchase)) == 0


# --- Onboarding leads ----------------------------------------------------------------------------

def test_the_leads_list_groups_name_variants(app, programme, make):
    asn.set_profile(make.user().id, "non_asn", None, "DISKOMINFO")
    people = [programme.staff_a.id, programme.staff_b.id]
    for user_id, name, amount in ((people[0], "Warung Bu Sri", 50_000), (people[1], "warung  bu sri", 30_000),
                                  (people[1], "WARUNG BU. SRI", 20_000), (people[0], "Toko Pak Kumis", 10_000)):
        purchase = report(user_id, shop_name=name, amount=amount)
        outside_purchases.decide(programme.admin.id, purchase.id, "approve")
    # Same name in another kelurahan: another shop. Pending and rejected reports are no leads.
    other = report(people[0], shop_name="Warung Bu Sri", kelurahan="Sawojajar", kecamatan="Kedungkandang")
    outside_purchases.decide(programme.admin.id, other.id, "approve")
    report(people[0], shop_name="Warung Pending")
    outside_purchases.decide(programme.admin.id, report(people[0], shop_name="Warung Ditolak").id, "reject", "x")
    # A shop already on Malpro is not a lead.
    make.store(name="Toko Pak Kumis", kelurahan="Kauman")

    rows = leads.leads()
    assert [(r["name"], r["kelurahan"], r["employees"], r["purchases"], r["total"]) for r in rows] == [
        ("Warung Bu Sri", "Kauman", 2, 3, 100_000), ("Warung Bu Sri", "Sawojajar", 1, 1, 50_000)]

    admin = login(app, programme.admin)
    page = admin.get("/admin/calon-umkm").get_data(as_text=True)
    assert "Warung Bu Sri" in page and "Warung Pending" not in page and "Warung Ditolak" not in page
    exported = admin.get("/admin/calon-umkm/unduh.csv").get_data(as_text=True)
    assert "Warung Bu Sri" in exported and "100000" in exported
    assert admin.get("/admin/calon-umkm/unduh.xlsx").status_code == 200

    key = rows[0]["key"]
    assert admin.post("/admin/calon-umkm/tandai", data={"key": key, "status": "invited"}).status_code == 302
    assert leads.leads("invited")[0]["key"] == key
    refused = admin.post("/admin/calon-umkm/tandai", data={"key": key, "status": "joined", "store": ""},
                         follow_redirects=True)
    assert "Isi alamat toko" in refused.get_data(as_text=True)
    store = make.store(name="Warung Sri Baru", slug="warung-sri-baru")
    admin.post("/admin/calon-umkm/tandai", data={"key": key, "status": "joined", "store": "/toko/warung-sri-baru"})
    joined = leads.leads("joined")[0]
    assert joined["store"].id == store.id
    assert admin.post("/admin/calon-umkm/tandai", data={"key": "nothing|here", "status": "invited"}).status_code == 404


# --- Reminders -----------------------------------------------------------------------------------

def test_remind_asn_twice_in_a_day_notifies_once(app, programme, make, runner):
    for user in (programme.staff_a, programme.staff_b):
        asn.decide_profile(programme.admin.id, user.id, "confirm")
    programme.staff_b.locale = "en"
    db.session.commit()
    rich = make.user()
    asn.set_profile(rich.id, "non_asn", None, "DISKOMINFO")
    asn.decide_profile(programme.admin.id, rich.id, "confirm")
    _completed_order(rich.id, make.store(), 400_000)
    today = reports.wib_today()

    early = runner.invoke(args=["remind-asn", "--date", today.replace(day=19).isoformat()])
    assert early.exit_code == 0 and "0 pegawai, 0 koordinator" in early.output

    first = runner.invoke(args=["remind-asn", "--date", today.replace(day=25).isoformat()])
    second = runner.invoke(args=["remind-asn", "--date", today.replace(day=25).isoformat()])
    assert "2 pegawai, 2 koordinator" in first.output, first.output
    assert "0 pegawai, 0 koordinator" in second.output
    [andi] = _notifications(programme.staff_a.id, "asn_reminder")
    assert "Kurang Rp300.000" in andi.title and andi.link == "/"
    [bunga] = _notifications(programme.staff_b.id, "asn_reminder")
    assert bunga.title.startswith("Rp300,000 to go") or "300" in bunga.title
    assert bunga.title != andi.title  # in her own language
    assert _notifications(rich.id, "asn_reminder") == []
    [summary] = _notifications(programme.coordinator_a.id, "opd_summary")
    assert "1 dari 2 pegawai" in summary.body and summary.link == "/opd/"
    assert db.session.scalar(select(func.count()).select_from(ReminderLog)) == 4
    assert runner.invoke(args=["remind-asn", "--date", "kemarin"]).exit_code != 0


# --- Mentoring agencies (binaan) -----------------------------------------------------------------

def test_mentoring_agency_officer_sees_its_binaan_stores(app, programme, make):
    officer = make.user(email="pembina@example.com")
    officers.assign(programme.admin.id, officer.email, "DISKOPINDAG", role="mentor")
    mentored = make.store(name="Keripik Binaan")
    other = make.store(name="Toko Lain")
    mentoring.set_by_admin(programme.admin.id, mentored.id, "DISKOPINDAG")
    mentoring.choose_by_seller(other.id, "DISKOPINDAG")
    assert other.mentor_status == "pending"
    _completed_order(make.user().id, mentored, 75_000)

    client = login(app, officer)
    assert client.get("/opd/").status_code == 302
    page = client.get("/opd/binaan").get_data(as_text=True)
    assert "Keripik Binaan" in page and "Toko Lain" not in page and "Rp75.000" in page
    assert "Keripik Binaan" in client.get("/opd/binaan/unduh.csv").get_data(as_text=True)
    assert client.get("/opd/belanja").status_code == 404
    assert login(app, programme.coordinator_a).get("/opd/binaan").status_code == 404

    admin = login(app, programme.admin)
    admin.post(f"/admin/toko/{other.id}/pembina", data={"action": "accept"})
    assert "Toko Lain" in client.get("/opd/binaan").get_data(as_text=True)
    split = {r["opd_code"]: r for r in mentoring.by_mentor(reports.this_month())}
    assert split["DISKOPINDAG"]["gmv"] == 75_000
    assert "Per OPD pembina" in app.test_client().get("/transparansi").get_data(as_text=True)


def test_outside_purchase_date_window_uses_wib_days(programme):
    today = reports.wib_today()
    assert report(programme.staff_a.id, day=today).purchase_date == today
    assert isinstance(today, date)
