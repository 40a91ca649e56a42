"""The employees' programme for admins: OPD officers (coordinators and mentoring-agency
officers: assign, remove, audited), onboarding leads from purchases outside Malpro (list,
export, invited/joined marks) and stores' mentoring agencies (set, accept a seller's choice).
Rules: services.officers, services.leads, services.mentoring."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice

from malpro.admin import bp
from malpro.downloads import file_response
from malpro.forms import show_domain_error
from malpro.services import asn, leads, mentoring, officers, report_tables
from malpro.services.errors import DomainError, NotFoundError


@bp.app_template_global()
def mentor_opds():
    """The OPDs a store may name as its mentoring agency (active ones)."""
    return asn.active_opds()


class OfficerForm(FlaskForm):
    email = StringField(_l("Email akun pegawai"), render_kw={"type": "email", "autocomplete": "off"},
                        description=_l("Akun yang sudah terdaftar di Malpro."))
    opd_code = SelectField(_l("OPD"), validate_choice=False)
    role = SelectField(_l("Peran"), validate_choice=False, choices=[
        SelectChoice("coordinator", _l("Koordinator OPD (program belanja pegawai)")),
        SelectChoice("mentor", _l("Petugas pembina UMKM (UMKM binaan)"))])


def _officers_page(form, status=200):
    form.opd_code.choices = [SelectChoice("", _("– Pilih OPD –"))] + [
        SelectChoice(o.code, o.name) for o in asn.active_opds()]
    return render_template("admin/asn_officers.html", form=form, officers=officers.officers(),
                           role_label=officers.role_label, requests=mentoring.pending_requests(),
                           action_form=FlaskForm()), status


@bp.get("/petugas-opd")
def opd_officers():
    return _officers_page(OfficerForm(formdata=None))


@bp.post("/petugas-opd")
def assign_officer():
    form = OfficerForm()
    if form.validate_on_submit():
        try:
            officer = officers.assign(current_user.id, form.email.data, form.opd_code.data, form.role.data)
        except DomainError as error:
            show_domain_error(form, error)
            return _officers_page(form, error.status)
        flash(_("%(name)s kini %(role)s %(opd)s.", name=officer.user.name,
                role=officers.role_label(officer.role).lower(), opd=officer.opd.name), "success")
        return redirect(url_for("admin.opd_officers"))
    return _officers_page(form, 400)


@bp.post("/petugas-opd/<int:officer_id>/cabut")
def remove_officer(officer_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        officers.remove(current_user.id, officer_id, request.form.get("reason"))
    except NotFoundError:
        abort(404)
    flash(_("Peran dicabut."), "success")
    return redirect(url_for("admin.opd_officers"))


@bp.post("/toko/<int:store_id>/pembina")
def set_store_mentor(store_id: int):
    """Set or clear a store's mentoring agency, or accept/refuse the seller's choice."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        action = request.form.get("action")
        if action in ("accept", "refuse"):
            mentoring.decide(current_user.id, store_id, action == "accept")
        else:
            mentoring.set_by_admin(current_user.id, store_id, request.form.get("mentor_opd"))
    except NotFoundError:
        abort(404)
    except DomainError as error:
        flash(" ".join(error.fields.values()) or error.message, "error")
    else:
        flash(_("OPD pembina tersimpan."), "success")
    back = request.form.get("back")
    return redirect(url_for("admin.opd_officers") if back == "petugas" else url_for("admin.store_detail",
                                                                                    store_id=store_id))


# --- Onboarding leads ---------------------------------------------------------------------

@bp.get("/calon-umkm")
def shop_leads():
    status = request.args.get("status") or None
    if status not in (None, "new", "invited", "joined"):
        abort(404)
    return render_template("admin/asn_leads.html", leads=leads.leads(status), status=status,
                           status_label=leads.status_label, form=FlaskForm())


@bp.get("/calon-umkm/unduh.<ext>")
def export_leads(ext: str):
    if ext not in ("csv", "xlsx"):
        abort(404)
    table = report_tables.leads_table(leads.leads(request.args.get("status") or None), leads.status_label)
    content = report_tables.to_xlsx([table]) if ext == "xlsx" else report_tables.to_csv(table)
    return file_response(content, report_tables.filename(table.slug, None, ext))


@bp.post("/calon-umkm/tandai")
def mark_lead():
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        leads.mark(current_user.id, request.form.get("key", ""), request.form.get("status", ""),
                   request.form.get("store"), request.form.get("note"))
    except NotFoundError:
        abort(404)
    except DomainError as error:
        flash(" ".join(error.fields.values()) or error.message, "error")
    else:
        flash(_("Status calon UMKM tersimpan."), "success")
    return redirect(url_for("admin.shop_leads"))
