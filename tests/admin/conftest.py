"""Fixtures of the admin pages' tests."""
import pytest

from tests.factories import PASSWORD


@pytest.fixture
def admin_client(client, make):
    """The test client signed in as an admin (`client.admin`)."""
    admin = make.admin(email="admin@example.com")
    client.post("/auth/login", data={"email": admin.email, "password": PASSWORD})
    client.admin = admin
    return client
