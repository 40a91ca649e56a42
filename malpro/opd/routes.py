"""/opd/: the coordinator's programme pages and the mentoring officer's binaan pages.

The OPD in scope is the officer's own; an admin names one with `?opd=CODE`. A coordinator who
names another OPD, or asks for a person or a report of another OPD, gets 404 (nothing tells
them it exists). Views are thin: the rules are in services.asn, outside_purchases,
participation and mentoring."""
from dataclasses import dataclass

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from malpro.downloads import file_response
from malpro.extensions import db
from malpro.models import Opd, OutsidePurchase
from malpro.opd import bp
from malpro.services import asn, mentoring, officers, outside_purchases, participation, periods, report_tables
from malpro.services.errors import DomainError, NotFoundError
from malpro.services.verification import status_label as store_status_label

EXPORT_FORMATS = ("csv", "xlsx")
HISTORY_MONTHS = 6


@dataclass
class Scope:
    opd: Opd
    role: str  # "coordinator", "mentor" or "admin"

    @property
    def args(self) -> dict:
        """Query arguments that keep an admin on the same OPD's pages."""
        return {"opd": self.opd.code} if self.role == "admin" else {}


@bp.before_request
def load_scope():
    """The OPD in scope, or 404 (an account without an OPD role; another OPD's code)."""
    code = request.args.get("opd")
    officer = officers.officer_of(current_user.id)
    if officer is not None:
        if code and code != officer.opd.code:
            abort(404)
        g.scope = Scope(officer.opd, officer.role)
    elif current_user.is_admin and code:
        opd = db.session.scalar(db.select(Opd).where(Opd.code == code))
        if opd is None:
            abort(404)
        g.scope = Scope(opd, "admin")
    else:
        abort(404)


def _needs(*roles):
    if g.scope.role not in roles:
        abort(404)


def _month():
    try:
        return (periods.parse_month(request.args["bulan"]) if request.args.get("bulan")
                else periods.this_month()), None
    except periods.PeriodError as error:
        return periods.this_month(), error.message


def _history(month) -> list:
    first = month.date_from.replace(day=1)
    return [periods.Period.month(m.year, m.month) for m in
            (periods.months_before(first, n) for n in range(1, HISTORY_MONTHS + 1))]


@bp.get("/")
def dashboard():
    if g.scope.role == "mentor":
        return redirect(url_for("opd.binaan"))
    opd = g.scope.opd
    month, error = _month()
    minimum = asn.get_monthly_minimum()
    staff = participation.opd_employees(opd.id, month, minimum=minimum)
    history = [(m, (participation.asn_participation(m, opd_ids=[opd.id], minimum=minimum) or [None])[0])
               for m in _history(month)]
    return render_template(
        "opd/dashboard.html", scope=g.scope, opd=opd, month=month, month_error=error, minimum=minimum,
        staff=staff, figures=participation.employees_summary(staff), history=history,
        waiting=asn.profiles_waiting(opd.id), conflicts=asn.nip_conflicts(opd.id),
        pending=outside_purchases.for_opd(opd.id, "pending"), form=FlaskForm(),
        kind_label=asn.kind_label, status_label=asn.status_label, percent=periods.percent,
        claims_elsewhere=asn.claims_elsewhere)


@bp.post("/pegawai/<int:user_id>/keputusan")
def decide_profile(user_id: int):
    _needs("coordinator", "admin")
    profile = asn.profile_of(user_id)
    if profile is None or profile.opd_id != g.scope.opd.id:
        abort(404)
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        asn.decide_profile(current_user.id, user_id, request.form.get("decision", ""), request.form.get("reason"))
    except NotFoundError:
        abort(404)
    except DomainError as error:
        flash(" ".join(error.fields.values()) or error.message, "error")
    else:
        flash(_("Profil %(name)s dikonfirmasi.", name=profile.user.name) if profile.status == "confirmed"
              else _("Profil %(name)s ditolak.", name=profile.user.name), "success")
    return redirect(url_for("opd.dashboard", **g.scope.args) + "#perlu-tindakan")


@bp.get("/belanja")
def purchases():
    _needs("coordinator", "admin")
    status = request.args.get("status") or None
    if status not in (None, "pending", "approved", "rejected"):
        abort(404)
    return render_template("opd/purchases.html", scope=g.scope, opd=g.scope.opd, status=status,
                           purchases=outside_purchases.for_opd(g.scope.opd.id, status), form=FlaskForm(),
                           status_label=outside_purchases.status_label)


@bp.post("/belanja/<int:purchase_id>/keputusan")
def decide_purchase(purchase_id: int):
    _needs("coordinator", "admin")
    purchase = _purchase_in_scope(purchase_id)
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        outside_purchases.decide(current_user.id, purchase.id, request.form.get("decision", ""),
                                 request.form.get("reason"))
    except NotFoundError:
        abort(404)
    except DomainError as error:
        flash(" ".join(error.fields.values()) or error.message, "error")
    else:
        flash(_("Laporan belanja di %(shop)s disetujui.", shop=purchase.shop_name) if purchase.status == "approved"
              else _("Laporan belanja di %(shop)s ditolak.", shop=purchase.shop_name), "success")
    back = request.form.get("back")
    if back == "belanja":
        return redirect(url_for("opd.purchases", **g.scope.args))
    return redirect(url_for("opd.dashboard", **g.scope.args) + "#perlu-tindakan")


def _purchase_in_scope(purchase_id: int) -> OutsidePurchase:
    purchase = db.session.get(OutsidePurchase, purchase_id)
    profile = asn.profile_of(purchase.user_id) if purchase else None
    if profile is None or profile.opd_id != g.scope.opd.id:
        abort(404)
    return purchase


@bp.get("/unduh.<ext>")
def export(ext: str):
    """The month's staff list with both spending parts, and the previous months' figures."""
    _needs("coordinator", "admin")
    if ext not in EXPORT_FORMATS:
        abort(404)
    month, error = _month()
    if error:
        abort(400)
    opd = g.scope.opd
    minimum = asn.get_monthly_minimum()
    staff = report_tables.opd_employees_table(opd.code, participation.opd_employees(opd.id, month, minimum=minimum),
                                              status_label=asn.status_label)
    months = [month] + _history(month)
    history = report_tables.opd_months_table(
        opd.code, [(m, (participation.asn_participation(m, opd_ids=[opd.id], minimum=minimum) or [None])[0])
                   for m in months])
    if ext == "xlsx":
        return file_response(report_tables.to_xlsx([staff, history]), report_tables.filename(staff.slug, month, ext))
    return file_response(report_tables.to_csv(staff), report_tables.filename(staff.slug, month, ext))


# --- Mentoring agencies (binaan) -------------------------------------------------------------

@bp.get("/binaan")
def binaan():
    _needs("mentor", "admin")
    month, error = _month()
    stores = mentoring.binaan_stores(g.scope.opd.id, month)
    return render_template("opd/binaan.html", scope=g.scope, opd=g.scope.opd, month=month, month_error=error,
                           stores=stores, store_status_label=store_status_label,
                           gmv=sum(s["gmv"] for s in stores), orders=sum(s["orders"] for s in stores))


@bp.get("/binaan/unduh.<ext>")
def export_binaan(ext: str):
    _needs("mentor", "admin")
    if ext not in EXPORT_FORMATS:
        abort(404)
    month, error = _month()
    if error:
        abort(400)
    table = report_tables.binaan_table(g.scope.opd.code, mentoring.binaan_stores(g.scope.opd.id, month),
                                       store_status_label)
    content = report_tables.to_xlsx([table]) if ext == "xlsx" else report_tables.to_csv(table)
    return file_response(content, report_tables.filename(table.slug, month, ext))
