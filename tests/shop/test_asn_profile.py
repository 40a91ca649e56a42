"""The buyer's ASN profile page (/akun/asn) and its section on the account page."""
from datetime import datetime

import pytest

from malpro.extensions import db
from malpro.models import Order
from malpro.services import asn
from tests.factories import PASSWORD

GOOD_NIP = "198507122010031002"


@pytest.fixture
def buyer_client(client, make):
    buyer = make.user(email="asn@example.com", name="Rina ASN")
    client.post("/auth/login", data={"email": buyer.email, "password": PASSWORD})
    client.buyer = buyer
    return client


def test_anonymous_is_sent_to_login(client):
    response = client.get("/akun/asn")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_form_lists_active_opds(buyer_client):
    body = buyer_client.get("/akun/asn").get_data(as_text=True)
    assert 'type="radio"' in body and 'name="nip"' in body and 'value="DISKOMINFO"' in body
    assert "Profil ASN" in body and "<progress" not in body  # no progress before a profile exists


def test_declare_asn_then_see_it_on_the_account_page(buyer_client):
    response = buyer_client.post("/akun/asn", data={"kind": "asn", "nip": "19850712 201003 1 002",
                                                    "opd_code": "DINKES"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/akun/asn")
    profile = asn.profile_of(buyer_client.buyer.id)
    assert (profile.kind, profile.nip, profile.opd.code) == ("asn", GOOD_NIP, "DINKES")
    account = buyer_client.get("/akun").get_data(as_text=True)
    assert GOOD_NIP in account and "Dinas Kesehatan" in account and "<progress" in account
    assert "Ubah profil ASN" in account


@pytest.mark.parametrize("nip, message", [
    ("19850712201003100", "NIP harus 18 digit"),
    ("198502302010031002", "tanggal lahir yang valid"),
    ("198507122010033002", "jenis kelamin"),
])
def test_bad_nip_shows_the_error_on_the_field(buyer_client, nip, message):
    response = buyer_client.post("/akun/asn", data={"kind": "asn", "nip": nip, "opd_code": "DINKES"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and message in body and 'id="nip-error"' in body
    assert 'aria-invalid="true"' in body
    assert asn.profile_of(buyer_client.buyer.id) is None


def test_a_nip_claimed_elsewhere_is_saved_without_revealing_it(buyer_client, make):
    asn.set_profile(make.user().id, "asn", GOOD_NIP, "DLH")
    response = buyer_client.post("/akun/asn", data={"kind": "asn", "nip": GOOD_NIP, "opd_code": "DINKES"})
    assert response.status_code == 302
    page = buyer_client.get("/akun/asn").get_data(as_text=True)
    assert "sudah dipakai" not in page and "Menunggu konfirmasi OPD" in page
    assert asn.profile_of(buyer_client.buyer.id).status == "unconfirmed"


def test_non_asn_without_nip_and_missing_opd(buyer_client):
    response = buyer_client.post("/akun/asn", data={"kind": "non_asn", "nip": "", "opd_code": ""})
    assert response.status_code == 422 and "Pilih perangkat daerah" in response.get_data(as_text=True)
    assert buyer_client.post("/akun/asn", data={"kind": "non_asn", "opd_code": "DLH"}).status_code == 302
    assert asn.profile_of(buyer_client.buyer.id).nip is None


def test_progress_bar_shows_this_months_spending(buyer_client, make):
    asn.set_profile(buyer_client.buyer.id, "non_asn", None, "DLH")
    store = make.store()
    now = datetime.utcnow()
    db.session.add(Order(code="MLP-ASN-1", buyer_id=buyer_client.buyer.id, store_id=store.id, status="completed",
                         fulfilment="pickup", subtotal=150_000, total=150_000, created_at=now, completed_at=now))
    db.session.commit()
    body = buyer_client.get("/akun/asn").get_data(as_text=True)
    assert '<progress max="300000" value="150000"' in body and "aria-labelledby" in body
    assert "Rp150.000 dari Rp300.000" in body and "kurang Rp150.000" in body


def test_remove_profile(buyer_client):
    asn.set_profile(buyer_client.buyer.id, "asn", GOOD_NIP, "DLH")
    response = buyer_client.post("/akun/asn/hapus")
    assert response.status_code == 302 and asn.profile_of(buyer_client.buyer.id) is None
    assert "Isi profil ASN" in buyer_client.get("/akun").get_data(as_text=True)
