"""Programme reports for admins: the dashboard (its body, called by routes.dashboard), ASN
participation per OPD and for one OPD, the monthly minimum, and every table as CSV or XLSX.

Every figure comes from services.reports; the tables from services.report_tables. The period
is in the query string (`bulan`, `hari`, or `dari` + `sampai`), so every view is a shareable
link and works without JavaScript; with htmx the figures are swapped in place."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from malpro.admin import bp
from malpro.downloads import file_response
from malpro.forms import show_domain_error
from malpro.htmx import is_htmx, vary_on_htmx
from malpro.services import asn, catalog, participation, report_tables, reports
from malpro.services.errors import DomainError
from malpro.services.orders import STATUS_LABELS
from malpro.templating import category_name

EXPORT_FORMATS = ("csv", "xlsx")


class MinimumForm(FlaskForm):
    amount = IntegerField(_l("Belanja minimum per bulan (Rp)"), validators=[
        InputRequired(_l("Isi jumlah rupiah.")),
        NumberRange(1_000, asn.MINIMUM_MAX, _l("Isi bilangan bulat rupiah antara 1.000 dan 100.000.000."))],
        render_kw={"inputmode": "numeric", "min": 1000, "step": 1000})
    reason = StringField(_l("Dasar perubahan (opsional)"),
                         validators=[Optional(), Length(max=500, message=_l("Maksimal 500 karakter."))],
                         description=_l("Misalnya nomor surat edaran; tercatat di log audit."))


def _period():
    """The requested period, or this month with the reason the request's one was refused."""
    try:
        return reports.period_from_args(request.args), None
    except reports.PeriodError as error:
        return reports.this_month(), error.message


def _category_names() -> dict[str, str]:
    return {c.slug: category_name(c) for c in catalog.all_categories()}


# --- Dashboard ----------------------------------------------------------------------------

def dashboard_page():
    period, error = _period()
    dashboard = reports.dashboard(period)
    names = _category_names()
    context = {"period": period, "period_error": error, "dash": dashboard, "summary": dashboard.summary,
               "category_names": names, "status_labels": STATUS_LABELS, "period_args": reports.period_args(period),
               "fulfilment_label": report_tables.fulfilment_label, "shortcuts": _shortcuts()}
    if is_htmx():
        return vary_on_htmx(render_template("admin/partials/_report_figures.html", **context))
    return vary_on_htmx(render_template("admin/dashboard.html", **context))


def _shortcuts() -> list[tuple[str, dict]]:
    today = reports.wib_today()
    last_month = reports.months_before(today.replace(day=1), 1)
    return [(_("Hari ini"), {"hari": today.isoformat()}),
            (_("Bulan ini"), {"bulan": f"{today.year:04d}-{today.month:02d}"}),
            (_("Bulan lalu"), {"bulan": f"{last_month.year:04d}-{last_month.month:02d}"}),
            (_("Tahun ini"), {"dari": f"{today.year:04d}-01-01", "sampai": today.isoformat()})]


@bp.get("/laporan/unduh/<slug>.<ext>")
def export_report(slug: str, ext: str):
    """One dashboard table (CSV or XLSX), or every table as one workbook (ringkasan.xlsx)."""
    if ext not in EXPORT_FORMATS:
        abort(404)
    period, error = _period()
    if error:
        abort(400)
    tables = report_tables.dashboard_tables(reports.dashboard(period), _category_names())
    if slug not in tables:
        abort(404)
    if ext == "xlsx":
        chosen = list(tables.values()) if slug == "ringkasan" else [tables[slug]]
        return file_response(report_tables.to_xlsx(chosen), report_tables.filename(slug, period, ext))
    return file_response(report_tables.to_csv(tables[slug]), report_tables.filename(slug, period, ext))


# --- ASN participation --------------------------------------------------------------------

SORT_DEFAULT = ("share", True)


def _month():
    """The report month (`bulan`), this month by default."""
    try:
        return (reports.parse_month(request.args["bulan"]) if request.args.get("bulan")
                else reports.this_month()), None
    except reports.PeriodError as error:
        return reports.this_month(), error.message


def _sort():
    sort = request.args.get("urut")
    if sort not in reports.PARTICIPATION_SORTS:
        return SORT_DEFAULT
    return sort, request.args.get("arah", "naik") == "turun"


@bp.get("/asn")
def asn_participation():
    month, error = _month()
    sort, descending = _sort()
    minimum = asn.get_monthly_minimum()
    rows = reports.asn_participation(month, sort, descending, minimum=minimum)
    form = MinimumForm(formdata=None, amount=minimum)
    return render_template("admin/asn_participation.html", month=month, month_error=error, rows=rows,
                           totals=reports.asn_totals(rows), minimum=minimum, sort=sort, descending=descending,
                           form=form, percent=reports.percent)


@bp.post("/asn/minimum")
def asn_minimum():
    form = MinimumForm()
    if form.validate_on_submit():
        try:
            amount = asn.set_monthly_minimum(current_user.id, form.amount.data, form.reason.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            from malpro.formatting import rupiah

            flash(_("Belanja minimum ASN kini %(amount)s per bulan.", amount=rupiah(amount)), "success")
            return redirect(url_for("admin.asn_participation"))
    month = reports.this_month()
    minimum = asn.get_monthly_minimum()
    rows = reports.asn_participation(month, *SORT_DEFAULT, minimum=minimum)
    return render_template("admin/asn_participation.html", month=month, month_error=None, rows=rows,
                           totals=reports.asn_totals(rows), minimum=minimum, sort=SORT_DEFAULT[0],
                           descending=SORT_DEFAULT[1], form=form, percent=reports.percent), 422


@bp.get("/asn/<code>")
def asn_opd(code: str):
    opd = _opd_or_404(code)
    month, error = _month()
    minimum = asn.get_monthly_minimum()
    employees = reports.opd_employees(opd.id, month, minimum=minimum)
    return render_template("admin/asn_opd.html", opd=opd, month=month, month_error=error, employees=employees,
                           minimum=minimum, kind_label=asn.kind_label, status_label=asn.status_label,
                           figures=participation.employees_summary(employees))


@bp.get("/asn/unduh.<ext>")
def export_participation(ext: str):
    if ext not in EXPORT_FORMATS:
        abort(404)
    month, error = _month()
    if error:
        abort(400)
    sort, descending = _sort()
    minimum = asn.get_monthly_minimum()
    table = report_tables.participation_table(reports.asn_participation(month, sort, descending, minimum=minimum),
                                              minimum)
    content = report_tables.to_xlsx([table]) if ext == "xlsx" else report_tables.to_csv(table)
    return file_response(content, report_tables.filename(table.slug, month, ext))


@bp.get("/asn/<code>/unduh.<ext>")
def export_opd(code: str, ext: str):
    if ext not in EXPORT_FORMATS:
        abort(404)
    opd = _opd_or_404(code)
    month, error = _month()
    if error:
        abort(400)
    table = report_tables.opd_employees_table(opd.code, reports.opd_employees(opd.id, month))
    content = report_tables.to_xlsx([table]) if ext == "xlsx" else report_tables.to_csv(table)
    return file_response(content, report_tables.filename(table.slug, month, ext))


def _opd_or_404(code: str):
    try:
        return asn.opd_by_code(code)
    except DomainError:
        abort(404)
