"""The notification centre: the signed-in user's list, mark one or all as read, the header badge."""
from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from malpro.auth.decorators import role_required
from malpro.forms import safe_next_url
from malpro.htmx import is_htmx, vary_on_htmx
from malpro.services import notifications
from malpro.services.errors import NotFoundError
from malpro.shop import bp

PER_PAGE = 20


@bp.app_context_processor
def notification_helpers():
    # A function, not a number: the query runs only on pages that render the badge.
    # notification_text(n) is (title, body) in the reader's current language.
    return {"notification_unread_count": _current_unread_count, "notification_text": notifications.render}


def _current_unread_count() -> int:
    if not current_user.is_authenticated:
        return 0
    return notifications.unread_count(current_user.id)


# The endpoint keeps the page's name; the function cannot, as it would shadow the service module.
@bp.get("/notifikasi", endpoint="notifications")
@role_required("user")
def notifications_page():
    page = request.args.get("page", 1, type=int)
    return render_template("shop/notifications.html", **_list_context(page))


@bp.post("/notifikasi/<int:notification_id>/baca")
@role_required("user")
def read_notification(notification_id: int):
    try:
        notification = notifications.mark_read(current_user.id, notification_id)
    except NotFoundError:
        abort(404)
    if is_htmx():
        html = (render_template("shop/partials/_notification_item.html", notification=notification)
                + render_template("shop/partials/_notification_badge.html", oob=True))
        return vary_on_htmx(make_response(html))
    target = safe_next_url(notification.link) if request.args.get("go") == "1" else None
    return vary_on_htmx(redirect(target or _list_url()))


@bp.post("/notifikasi/baca-semua")
@role_required("user")
def read_all_notifications():
    changed = notifications.mark_all_read(current_user.id)
    if is_htmx():
        page = request.form.get("page", 1, type=int)
        html = (render_template("shop/partials/_notification_list.html", **_list_context(page))
                + render_template("shop/partials/_notification_badge.html", oob=True))
        return vary_on_htmx(make_response(html))
    if changed:
        flash(_("Semua notifikasi ditandai sudah dibaca."), "success")
    return vary_on_htmx(redirect(_list_url()))


def _list_context(page: int) -> dict:
    page = max(page, 1)
    return {
        "pagination": notifications.list_notifications(current_user.id, page=page, per_page=PER_PAGE),
        "unread": notifications.unread_count(current_user.id),
    }


def _list_url() -> str:
    page = request.form.get("page", type=int)
    return url_for("shop.notifications", page=page if page and page > 1 else None)
