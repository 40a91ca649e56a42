"""The admin area (city staff): programme overview."""
from flask import render_template
from sqlalchemy import func, select

from malpro.admin import bp
from malpro.extensions import db
from malpro.models import Order, Product, Store, User


@bp.get("/")
def dashboard():
    store_counts = dict(db.session.execute(select(Store.status, func.count()).group_by(Store.status)).all())
    totals = {
        "users": db.session.scalar(select(func.count()).select_from(User)),
        "products": db.session.scalar(select(func.count()).select_from(Product)),
        "orders": db.session.scalar(select(func.count()).select_from(Order)),
    }
    return render_template("admin/dashboard.html", store_counts=store_counts, totals=totals)
