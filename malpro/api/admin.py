"""Admin endpoints: store verification and the programme summary (an admin's token)."""
from flask import g, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from malpro.api import bp
from malpro.api.auth import token_required
from malpro.api.inputs import BadRequestError, choice_arg, json_body, paginated
from malpro.api.serializers import store_for_admin
from malpro.models import STORE_STATUSES, Store
from malpro.services import asn, reports, verification


@bp.get("/admin/stores")
@token_required("admin")
def admin_list_stores():
    """Applications oldest first, the order an admin works through them."""
    status = choice_arg("status", STORE_STATUSES)
    query = (select(Store).options(selectinload(Store.documents), selectinload(Store.owner))
             .order_by(Store.submitted_at.asc(), Store.id.asc()))
    if status:
        query = query.where(Store.status == status)
    return jsonify(paginated(query, store_for_admin))


@bp.post("/admin/stores/<int:store_id>/decision")
@token_required("admin")
def admin_decide(store_id: int):
    body = json_body({"decision": str, "reason": (str, type(None))}, required=("decision",))
    store = verification.decide(store_id, g.api_user_id, body["decision"], body.get("reason"))
    return jsonify(store_for_admin(store))


@bp.post("/admin/asn/profiles/<int:user_id>/decision")
@token_required("admin")
def admin_decide_asn_profile(user_id: int):
    """Confirm or reject (reason required) an employee's profile; only confirmed ones count."""
    body = json_body({"decision": str, "reason": (str, type(None))}, required=("decision",))
    profile = asn.decide_profile(g.api_user_id, user_id, body["decision"], body.get("reason"))
    return jsonify({"user_id": user_id, **asn.profile_json(profile)})


@bp.get("/admin/reports/summary")
@token_required("admin")
def admin_summary():
    """Both days inclusive, in WIB. A missing or malformed date, or a period the reports
    refuse (end before start, too long), is 400."""
    days, problems = {}, {}
    for name in ("from", "to"):
        try:
            days[name] = reports.parse_day(request.args.get(name))
        except reports.PeriodError as error:
            problems[name] = error.message
    if problems:
        raise BadRequestError(_("Periode laporan tidak valid."), fields=problems)
    try:
        return jsonify(reports.summary(days["from"], days["to"]))
    except reports.PeriodError as error:
        raise BadRequestError(error.message, fields={"to": error.message}) from None
