"""The admin area (city staff): programme overview, store verification, admin accounts."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from malpro.admin import bp
from malpro.admin.forms import DecisionForm, NewAdminForm
from malpro.admin.reports import dashboard_page
from malpro.extensions import db
from malpro.forms import show_domain_error
from malpro.htmx import is_htmx, vary_on_htmx
from malpro.models import Store, User
from malpro.services import accounts, verification
from malpro.services.errors import DomainError, NotFoundError


@bp.get("/")
def dashboard():
    """The programme dashboard for a period (admin/reports.py)."""
    return dashboard_page()


@bp.get("/verifikasi")
def verification_queue():
    status = request.args.get("status", "pending")
    if status not in verification.STATUS_LABELS:
        abort(404)
    return render_template("admin/verification_queue.html", status=status, stores=verification.queue(status),
                           counts=verification.status_counts(), status_label=verification.status_label)


@bp.get("/toko/<int:store_id>")
def store_detail(store_id: int):
    store = db.get_or_404(Store, store_id)
    return render_template("admin/store_detail.html", store=store, form=DecisionForm(),
                           status_label=verification.status_label)


@bp.post("/toko/<int:store_id>/keputusan")
def decide_store(store_id: int):
    """Verify, reject, suspend or reinstate. With htmx the decision panel is replaced in
    place; without it the page reloads (PRG), or re-renders with the error."""
    store = db.get_or_404(Store, store_id)
    form = DecisionForm()
    form.validate_on_submit()  # only the CSRF token; the rules are the service's
    try:
        verification.decide(store_id, current_user.id, form.decision.data, form.reason.data)
    except NotFoundError:
        abort(404)
    except DomainError as error:
        show_domain_error(form, error)
        db.session.refresh(store)
        if is_htmx():
            return vary_on_htmx(_decision_panel(store, form, failed_decision=form.decision.data))
        return render_template("admin/store_detail.html", store=store, form=form,
                               failed_decision=form.decision.data,
                               status_label=verification.status_label), error.status
    message = _("Keputusan tersimpan: %(name)s kini %(status)s.", name=store.name,
                status=verification.status_label(store.status))
    if is_htmx():
        flash(message, "success")
        return vary_on_htmx(_decision_panel(store, DecisionForm(formdata=None), flash_oob=True))
    flash(message, "success")
    return redirect(url_for("admin.store_detail", store_id=store_id))


def _decision_panel(store, form, failed_decision=None, flash_oob=False):
    return render_template("admin/partials/_store_decision.html", store=store, form=form,
                           failed_decision=failed_decision, flash_oob=flash_oob,
                           status_label=verification.status_label)


@bp.route("/admin-baru", methods=["GET", "POST"])
def create_admin():
    form = NewAdminForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_admin(form.email.data, form.password.data, form.name.data, created_by=current_user)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("%(email)s sekarang admin Malpro.", email=user.email), "success")
            return redirect(url_for("admin.create_admin"))
    admins = db.session.scalars(select(User).where(User.is_admin.is_(True)).order_by(User.name)).all()
    return render_template("admin/create_admin.html", form=form, admins=admins)
