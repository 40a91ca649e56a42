"""Plain builders for test data (CTFd `gen_*` style). Each commits and returns the object."""
import itertools

from werkzeug.security import generate_password_hash

from malpro.extensions import db
from malpro.models import Category, Product, Store, StoreDecision, User
from malpro.services.catalog import category_by_slug

PASSWORD = "rahasia123"
_PASSWORD_HASH = generate_password_hash(PASSWORD)
_counter = itertools.count(1)


class Factories:
    def user(self, email=None, name="Pembeli Uji", is_admin=False, password=None, **fields) -> User:
        n = next(_counter)
        user = User(
            name=name,
            email=(email or f"user{n}@example.com").lower(),
            password_hash=generate_password_hash(password) if password else _PASSWORD_HASH,
            is_admin=is_admin,
            **fields,
        )
        db.session.add(user)
        db.session.commit()
        return user

    def admin(self, email=None, **fields) -> User:
        return self.user(email=email, name="Admin Uji", is_admin=True, **fields)

    def store(self, owner: User | None = None, status="verified", kecamatan="Klojen", kelurahan="Kauman",
              **fields) -> Store:
        n = next(_counter)
        owner = owner or self.user(name=f"Penjual {n}")
        store = Store(
            owner=owner,
            name=fields.pop("name", f"Toko Uji {n}"),
            slug=fields.pop("slug", f"toko-uji-{n}"),
            nib=fields.pop("nib", f"{n:013d}"),
            phone=fields.pop("phone", "6281234567890"),
            address=fields.pop("address", "Jl. Basuki Rahmat No. 1"),
            kecamatan=kecamatan,
            kelurahan=kelurahan,
            status=status,
            **fields,
        )
        db.session.add(store)
        db.session.add(StoreDecision(store=store, actor_id=owner.id, from_status=None, to_status="pending"))
        db.session.commit()
        return store

    def category(self, slug="makanan-minuman") -> Category:
        return category_by_slug(slug)

    def product(self, store: Store | None = None, category="makanan-minuman", **fields) -> Product:
        n = next(_counter)
        store = store or self.store()
        product = Product(
            store=store,
            category=self.category(category),
            name=fields.pop("name", f"Produk Uji {n}"),
            slug=fields.pop("slug", f"produk-uji-{n}"),
            price=fields.pop("price", 15000),
            stock=fields.pop("stock", 10),
            **fields,
        )
        db.session.add(product)
        db.session.commit()
        return product
