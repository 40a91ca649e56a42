"""Fixtures of the employees' programme: two OPDs, each with a coordinator and staff."""
import io
from dataclasses import dataclass

import pytest
from flask import g
from flask.testing import FlaskClient

from malpro.models import User
from malpro.services import asn, officers, outside_purchases, reports
from tests.factories import PASSWORD
from tests.helpers import png_bytes

NIP_A = "198507122010031002"
NIP_B = "199001012015032001"


def photo(name="struk.png"):
    return (io.BytesIO(png_bytes((120, 90))), name)


class Upload:
    """A FileStorage-like photo for calling the service directly."""

    def __init__(self):
        self.stream = io.BytesIO(png_bytes((120, 90)))
        self.filename = "struk.png"


class UserClient(FlaskClient):
    """A test client for one user among several. The tests keep one app context (and so one
    `g`) across requests: forget the previous request's signed-in user before each one."""

    def open(self, *args, **kwargs):
        for name in ("_login_user", "scope"):
            g.pop(name, None)
        return super().open(*args, **kwargs)


def login(app, user: User, password: str = PASSWORD):
    app.test_client_class = UserClient
    client = app.test_client()
    response = client.post("/auth/login", data={"email": user.email, "password": password})
    assert response.status_code == 302
    client.user = user
    return client


def report(user_id: int, shop_name="Warung Bu Sri", amount=50_000, day=None, kelurahan="Kauman",
           kecamatan="Klojen"):
    return outside_purchases.report(
        user_id, purchase_date=day or reports.wib_today(), shop_name=shop_name, kecamatan=kecamatan,
        kelurahan=kelurahan, amount=amount, description="Keripik tempe", photo=Upload())


@dataclass
class Programme:
    admin: User
    coordinator_a: User
    coordinator_b: User
    staff_a: User
    staff_b: User


@pytest.fixture
def programme(make) -> Programme:
    """DISKOMINFO (A) and DINKES (B): a coordinator each and one employee each (unconfirmed)."""
    admin = make.admin(email="admin.program@example.com")
    coordinator_a = make.user(name="Koordinator Kominfo", email="koord.kominfo@example.com")
    coordinator_b = make.user(name="Koordinator Dinkes", email="koord.dinkes@example.com")
    staff_a = make.user(name="Andi Kominfo", email="andi@example.com")
    staff_b = make.user(name="Bunga Dinkes", email="bunga@example.com")
    officers.assign(admin.id, coordinator_a.email, "DISKOMINFO")
    officers.assign(admin.id, coordinator_b.email, "DINKES")
    asn.set_profile(staff_a.id, "asn", NIP_A, "DISKOMINFO")
    asn.set_profile(staff_b.id, "asn", NIP_B, "DINKES")
    return Programme(admin, coordinator_a, coordinator_b, staff_a, staff_b)
