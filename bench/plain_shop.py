"""The second yardstick of `make bench-catalog` (issue 18): a plain Flask + Flask-SQLAlchemy +
Jinja shop's product page on the same database, written the way a tutorial would (ORM objects,
lazy relationships, one template, no caching, no session, no security headers). Malpro's
product page must be at least as fast. Served with the same gunicorn settings, in its own
processes; the database comes from DATABASE_URL like Malpro's."""
import os
from datetime import datetime

from flask import Flask, abort, render_template
from jinja2 import DictLoader
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Store(db.Model):
    __tablename__ = "stores"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    slug: Mapped[str]
    kecamatan: Mapped[str]
    address: Mapped[str]


class Product(db.Model):
    __tablename__ = "products"
    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    category_id: Mapped[int]
    name: Mapped[str]
    description: Mapped[str]
    price: Mapped[int]
    stock: Mapped[int | None]
    unit: Mapped[str]
    cover_path: Mapped[str | None]
    is_active: Mapped[bool]
    created_at: Mapped[datetime]
    store: Mapped[Store] = relationship()
    images: Mapped[list["ProductImage"]] = relationship(order_by="ProductImage.position")


class ProductImage(db.Model):
    __tablename__ = "product_images"
    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    position: Mapped[int]
    large_path: Mapped[str]


PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ product.name }} – Toko</title><link rel="stylesheet" href="/static/app.css"></head>
<body><header><a href="/">Toko</a><form action="/cari"><input name="q"><button>Cari</button></form></header>
<main><h1>{{ product.name }}</h1>
{% for image in product.images %}<img src="/media/{{ image.large_path }}" alt="{{ product.name }}" width="600" height="600">{% endfor %}
<p class="price">Rp{{ "{:,}".format(product.price).replace(",", ".") }} / {{ product.unit }}</p>
<p>{{ "Stok habis" if product.stock == 0 else "Tersedia" }}</p>
<form method="post" action="/keranjang"><input type="hidden" name="product_id" value="{{ product.id }}">
<input type="number" name="quantity" value="1" min="1"><button>+ Keranjang</button></form>
<section><h2>Deskripsi</h2><p>{{ product.description }}</p></section>
<section><h2>{{ product.store.name }}</h2><p>{{ product.store.address }}, Kec. {{ product.store.kecamatan }}</p></section>
<section><h2>Produk serupa</h2><ul>{% for other in related %}
<li><a href="/produk/{{ other.id }}"><img src="/media/{{ other.cover_path }}" alt="" width="200" height="200">{{ other.name }}</a>
Rp{{ "{:,}".format(other.price).replace(",", ".") }} – {{ other.store.name }}</li>{% endfor %}</ul></section>
</main><footer>Toko UMKM</footer></body></html>"""

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
# As templates/product.html would be: compiled once, then cached by Jinja.
app.jinja_loader = DictLoader({"product.html": PAGE})
db.init_app(app)


@app.get("/produk/<int:product_id>")
def product(product_id: int):
    item = db.session.get(Product, product_id)
    if item is None or not item.is_active:
        abort(404)
    related = db.session.scalars(
        select(Product).where(Product.category_id == item.category_id, Product.id != item.id, Product.is_active)
        .order_by(Product.created_at.desc()).limit(6)).all()  # newest: the (category, created_at) index
    return render_template("product.html", product=item, related=related)


@app.get("/")
def ready():
    return "ok"
