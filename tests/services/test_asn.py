"""ASN profiles (NIP rules, one NIP per account, active OPDs) and the monthly minimum."""
from datetime import datetime

import pytest
from sqlalchemy import select

from malpro.extensions import db
from malpro.models import AsnProfile, AuditLog, Opd, Order
from malpro.services import asn, participation
from malpro.services.errors import ValidationError
from tests.reference_guard import restore_reference_data  # noqa: F401  (the fixture)

pytestmark = pytest.mark.usefixtures("restore_reference_data")

GOOD_NIP = "198507122010031002"


def _field_error(excinfo, field):
    return excinfo.value.fields[field]


def test_asn_profile_with_valid_nip(make):
    user = make.user()
    profile = asn.set_profile(user.id, "asn", "19850712 201003 1 002", "DISKOMINFO")
    assert (profile.kind, profile.nip, profile.opd.code) == ("asn", GOOD_NIP, "DISKOMINFO")
    assert asn.profile_json(profile) == {"kind": "asn", "nip": GOOD_NIP, "opd_code": "DISKOMINFO",
                                         "status": "unconfirmed", "reason": None}
    assert asn.profile_json(None) is None


@pytest.mark.parametrize("nip, message", [
    ("19850712201003100", "18 digit"),          # 17 digits
    ("1985071220100310021", "18 digit"),        # 19 digits
    ("19851332201003100A", "18 digit"),
    ("198513322010031002", "tanggal lahir"),    # month 13
    ("198502302010031002", "tanggal lahir"),    # 30 February
    ("198507122010131002", "pengangkatan"),     # appointment month 13
    ("198507121980031002", "sebelum tanggal lahir"),
    ("198507122010033002", "jenis kelamin"),    # gender digit 3
    ("198507122010030002", "jenis kelamin"),    # gender digit 0
])
def test_bad_nip_is_refused_on_the_field(make, nip, message):
    user = make.user()
    with pytest.raises(ValidationError) as excinfo:
        asn.set_profile(user.id, "asn", nip, "DISKOMINFO")
    assert message in _field_error(excinfo, "nip")
    assert asn.profile_of(user.id) is None


def test_asn_needs_a_nip(make):
    with pytest.raises(ValidationError) as excinfo:
        asn.set_profile(make.user().id, "asn", "", "DISKOMINFO")
    assert "nip" in excinfo.value.fields


def test_a_nip_claimed_elsewhere_is_accepted_without_saying_so(make):
    """Issue 15 point 12: no answer tells whether a NIP exists; the OPD settles the claim."""
    first, second = make.user(), make.user()
    asn.set_profile(first.id, "asn", GOOD_NIP, "DISKOMINFO")
    claim = asn.set_profile(second.id, "asn", GOOD_NIP, "DINKES")
    assert (claim.nip, claim.status) == (GOOD_NIP, "unconfirmed")
    assert [p.user_id for p in asn.nip_conflicts(asn.opd_by_code("DINKES").id)] == [second.id]
    # The owner may save their own NIP again (and change OPD).
    assert asn.set_profile(first.id, "asn", GOOD_NIP, "DINKES").opd.code == "DINKES"


def test_non_asn_keeps_no_nip_and_frees_the_old_one(make):
    user, other = make.user(), make.user()
    asn.set_profile(user.id, "asn", GOOD_NIP, "DISKOMINFO")
    profile = asn.set_profile(user.id, "non_asn", GOOD_NIP, "DLH")
    assert (profile.kind, profile.nip, profile.opd.code) == ("non_asn", None, "DLH")
    assert asn.set_profile(other.id, "asn", GOOD_NIP, "DLH").nip == GOOD_NIP
    assert db.session.scalar(select(AsnProfile.id).where(AsnProfile.user_id == user.id)) == profile.id


def test_kind_and_opd_are_checked(make):
    user = make.user()
    with pytest.raises(ValidationError) as excinfo:
        asn.set_profile(user.id, "pns", None, "TIDAK-ADA")
    assert set(excinfo.value.fields) == {"kind", "opd_code"}
    retired = db.session.scalar(select(Opd).where(Opd.code == "DLH"))
    retired.active = False
    db.session.commit()
    with pytest.raises(ValidationError) as excinfo:
        asn.set_profile(user.id, "non_asn", None, "DLH")
    assert set(excinfo.value.fields) == {"opd_code"}
    assert "DLH" not in [o.code for o in asn.active_opds()]


def test_remove_profile(make):
    user = make.user()
    asn.set_profile(user.id, "non_asn", None, "DLH")
    asn.remove_profile(user.id)
    assert asn.profile_of(user.id) is None


def test_monthly_minimum_default_setting_and_audit(app, make):
    admin = make.admin()
    assert asn.get_monthly_minimum() == 300_000
    app.config["ASN_MONTHLY_MINIMUM"] = 200_000
    assert asn.get_monthly_minimum() == 200_000
    assert asn.set_monthly_minimum(admin.id, "250000", "Keputusan Wali Kota") == 250_000
    assert asn.get_monthly_minimum() == 250_000
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "setting.asn_minimum"))
    assert entry.actor_id == admin.id
    assert entry.reason == "Rp200.000 → Rp250.000. Keputusan Wali Kota"
    for bad in (0, 999, -5, 100_000_001, "abc", 12.5, True, None):
        with pytest.raises(ValidationError):
            asn.set_monthly_minimum(admin.id, bad)
    assert asn.get_monthly_minimum() == 250_000


def test_month_progress_counts_completed_orders_of_this_month(make):
    buyer = make.user()
    store = make.store()
    now = datetime.utcnow()
    for status, total, completed in (("completed", 120_000, now), ("completed", 100_000, now),
                                     ("pending", 500_000, None), ("completed", 999_000, datetime(2020, 1, 1))):
        db.session.add(Order(code=f"MLP-P-{total}", buyer_id=buyer.id, store_id=store.id, status=status,
                             fulfilment="pickup", subtotal=total, total=total, created_at=now, completed_at=completed))
    db.session.commit()
    progress = participation.month_progress(buyer.id)
    assert (progress["spent"], progress["minimum"], progress["percent"], progress["reached"],
            progress["remaining"]) == (220_000, 300_000, 73, False, 80_000)
