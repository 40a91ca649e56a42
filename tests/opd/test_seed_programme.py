"""seed-demo creates a working programme: coordinators, profiles in every state, outside
purchases in every state with photos, leads and mentored stores; running it again adds nothing."""
from sqlalchemy import func, select

from malpro.extensions import db
from malpro.models import AsnProfile, OpdOfficer, OutsidePurchase, Store, User
from malpro.services import asn, leads
from tests.opd.conftest import login


def test_seed_demo_creates_the_programme(app, runner):
    assert runner.invoke(args=["seed-demo", "--stores", "6", "--products", "12"]).exit_code == 0
    counts = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
    before = (counts(OpdOfficer), counts(AsnProfile), counts(OutsidePurchase))
    assert runner.invoke(args=["seed-demo", "--stores", "6", "--products", "12"]).exit_code == 0
    assert (counts(OpdOfficer), counts(AsnProfile), counts(OutsidePurchase)) == before
    programme_profiles = db.session.scalar(select(func.count()).select_from(AsnProfile).join(User, User.id == AsnProfile.user_id).where(
        User.email.like("pegawai.%@demo.malpro.id")))
    # 7 pegawai.<name> (the demo buyer, the 8th, already has the profile seed/accounts.py gives)
    assert (before[0], programme_profiles, before[2]) == (3, 7, 8)

    statuses = set(db.session.scalars(select(AsnProfile.status)))
    assert statuses == {"confirmed", "unconfirmed", "rejected"}
    assert set(db.session.scalars(select(OutsidePurchase.status))) == {"pending", "approved", "rejected"}
    kominfo = asn.opd_by_code("DISKOMINFO")
    assert len(asn.nip_conflicts(kominfo.id)) == 2  # a confirmed claim and a new one on the same NIP
    bu_sri = next(r for r in leads.leads() if r["name"] == "Warung Bu Sri")
    assert (bu_sri["employees"], bu_sri["purchases"]) == (3, 3)
    assert [r["status"] for r in leads.leads("invited")] == ["invited"]
    assert db.session.scalar(select(func.count()).select_from(Store).where(Store.mentor_status == "accepted")) == 4

    coordinator = db.session.scalar(select(User).where(User.email == "koordinator.kominfo@demo.malpro.id"))
    client = login(app, coordinator, "malpro123")
    page = client.get("/opd/").get_data(as_text=True)
    assert "Konflik NIP" in page and "Kedai Kopi Arjuno" in page
    pending = db.session.scalar(select(OutsidePurchase).where(OutsidePurchase.shop_name == "Kedai Kopi Arjuno"))
    assert client.get(f"/akun/belanja-luar/{pending.id}/foto/kecil").status_code == 200
