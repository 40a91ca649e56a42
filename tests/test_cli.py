"""CLI commands: create-admin and seed-demo."""
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from malpro.extensions import db
from malpro.models import Category, Opd, Product, Store, User


def test_create_admin_with_password(runner):
    result = runner.invoke(args=["create-admin", "Kominfo@Malangkota.go.id", "--password", "adminrahasia",
                                 "--name", "Admin Kominfo"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "kominfo@malangkota.go.id"))
    assert user.is_admin and user.name == "Admin Kominfo"
    assert check_password_hash(user.password_hash, "adminrahasia")


def test_create_admin_prompts_for_password(runner):
    result = runner.invoke(args=["create-admin", "admin2@example.com"], input="adminrahasia\nadminrahasia\n")
    assert result.exit_code == 0, result.output
    assert "Password" in result.output
    assert db.session.scalar(select(User).where(User.email == "admin2@example.com")).is_admin


def test_create_admin_promotes_existing_account(runner, make):
    make.user(email="staf@example.com")
    result = runner.invoke(args=["create-admin", "staf@example.com", "--password", "whatever123"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.email == "staf@example.com")).is_admin


def test_create_admin_rejects_short_password(runner):
    result = runner.invoke(args=["create-admin", "admin3@example.com", "--password", "pendek"])
    assert result.exit_code != 0
    assert "minimal 8 karakter" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_seed_demo_is_idempotent(runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    counts = {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in (User, Store, Product)}
    assert counts["Store"] == 40 and counts["Product"] == 400
    assert db.session.scalar(select(func.count()).select_from(Category)) == 8
    assert db.session.scalar(select(func.count()).select_from(Opd)) == 29
    kecamatan = set(db.session.scalars(select(Store.kecamatan).where(Store.status == "verified")))
    assert len(kecamatan) == 5
    categories = set(db.session.scalars(select(Product.category_id)))
    assert len(categories) == 8
    assert db.session.scalar(select(User).where(User.email == "admin@demo.malpro.id")).is_admin

    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    again = {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in (User, Store, Product)}
    assert again == counts


def test_seeded_demo_accounts_can_log_in(runner, client):
    runner.invoke(args=["seed-demo", "--stores", "8", "--products", "40"])
    for email, password in (("admin@demo.malpro.id", "malpro-admin"), ("penjual@demo.malpro.id", "malpro123"),
                            ("pembeli@demo.malpro.id", "malpro123")):
        response = client.post("/auth/login", data={"email": email, "password": password})
        assert response.status_code == 302, email
        client.post("/auth/logout")
    home = client.get("/").get_data(as_text=True)
    assert "Produk terbaru" in home and "product-card" in home
