"""The seller area: the dashboard home shows the store's status and what to do next."""
from flask import render_template
from flask_login import current_user

from malpro.seller import bp


@bp.get("/")
def dashboard():
    return render_template("seller/dashboard.html", store=current_user.store)
