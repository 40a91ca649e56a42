"""The buyer's ASN profile (/akun/asn) and the public transparency page (/transparansi).

The ASN profile is optional: a city employee declares ASN (with their NIP) or non-ASN, and
their OPD, and sees this month's spending against the programme's minimum. The NIP is shown
to its owner here and to admins, nowhere else. The transparency page shows aggregates only."""
from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from malpro.downloads import file_response
from malpro.forms import show_domain_error
from malpro.services import asn, catalog, mentoring, officers, participation, report_tables, reports
from malpro.services.errors import DomainError
from malpro.shop import bp
from malpro.templating import category_name

PUBLIC_CACHE = "public, max-age=300"


class AsnProfileForm(FlaskForm):
    kind = RadioField(_l("Status kepegawaian"), choices=[
        SelectChoice("asn", _l("ASN (PNS/PPPK, dengan NIP)")),
        SelectChoice("non_asn", _l("Non-ASN (tenaga kontrak/honorer, tanpa NIP)"))],
        validate_choice=False)
    nip = StringField(_l("NIP"), render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 24},
                      description=_l("18 digit, hanya untuk ASN. Hanya Anda dan admin Malpro yang dapat melihatnya."))
    # Named like the service's (and the API's) field, so its errors land on it.
    opd_code = SelectField(_l("Perangkat daerah (OPD)"), validate_choice=False)


def _opd_choices(current=None):
    choices = [SelectChoice("", _("– Pilih OPD –"))] + [SelectChoice(o.code, o.name) for o in asn.active_opds()]
    if current is not None and not current.active:
        # A retired OPD stays visible on the profile that holds it, marked, until changed.
        choices.append(SelectChoice(current.code, _("%(name)s (tidak aktif lagi)", name=current.name)))
    return choices


@bp.app_template_global()
def asn_summary(user) -> dict | None:
    """The account page's ASN section: the profile and this month's progress, or None."""
    profile = asn.profile_of(user.id)
    if profile is None:
        return None
    return {"profile": profile, "progress": participation.month_progress(user.id),
            "kind_label": asn.kind_label(profile.kind)}


@bp.app_template_global()
def officer_summary(user) -> dict | None:
    """The account page's line for an OPD officer (coordinator or mentoring officer)."""
    officer = officers.officer_of(user.id)
    if officer is None:
        return None
    return {"opd": officer.opd, "role": officer.role, "label": officers.role_label(officer.role)}


@bp.route("/akun/asn", methods=["GET", "POST"], endpoint="asn_profile")
@login_required
def asn_profile():
    profile = asn.profile_of(current_user.id)
    form = AsnProfileForm(data={"kind": profile.kind, "nip": profile.nip or "", "opd_code": profile.opd.code}
                          if profile else None)
    form.opd_code.choices = _opd_choices(profile.opd if profile else None)
    status = 200
    if form.validate_on_submit():
        try:
            asn.set_profile(current_user.id, form.kind.data, form.nip.data, form.opd_code.data)
        except DomainError as error:
            show_domain_error(form, error)
            status = error.status
        else:
            flash(_("Profil ASN tersimpan."), "success")
            return redirect(url_for("shop.asn_profile"))
    elif form.is_submitted():
        status = 400
    return render_template("shop/asn_profile.html", form=form, profile=profile,
                           progress=participation.month_progress(current_user.id) if profile else None,
                           kind_label=asn.kind_label), status


@bp.post("/akun/asn/hapus", endpoint="remove_asn_profile")
@login_required
def remove_asn_profile():
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    asn.remove_profile(current_user.id)
    flash(_("Profil ASN dihapus."), "success")
    return redirect(url_for("shop.account"))


# --- Transparency -------------------------------------------------------------------------

def _category_names() -> dict[str, str]:
    return {c.slug: category_name(c) for c in catalog.all_categories()}


def _mentor_rows(figures) -> list[dict]:
    """Per mentoring agency over the page's months; empty while no store has one."""
    period = reports.Period(figures.first, reports.Period.month(figures.last.year, figures.last.month).date_to)
    rows = mentoring.by_mentor(period)
    return rows if any(r["opd_code"] for r in rows) else []


@bp.get("/transparansi", endpoint="transparency")
def transparency():
    figures = reports.transparency()
    response = make_response(render_template("shop/transparency.html", figures=figures,
                                             category_names=_category_names(),
                                             mentors=_mentor_rows(figures)))
    # The same aggregates for everyone: browsers and proxies may keep them a few minutes.
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return response


@bp.get("/transparansi/unduh/<slug>.<ext>", endpoint="transparency_export")
def transparency_export(slug: str, ext: str):
    if ext not in ("csv", "xlsx"):
        abort(404)
    figures = reports.transparency()
    tables = report_tables.transparency_tables(figures, _category_names())
    mentor = report_tables.mentor_table(_mentor_rows(figures))
    tables[mentor.slug] = mentor
    if slug not in tables:
        abort(404)
    table = tables[slug]
    period = reports.Period(figures.first, reports.Period.month(figures.last.year, figures.last.month).date_to)
    content = report_tables.to_xlsx([table]) if ext == "xlsx" else report_tables.to_csv(table)
    return file_response(content, report_tables.filename(slug, period, ext), cache_control=PUBLIC_CACHE)
