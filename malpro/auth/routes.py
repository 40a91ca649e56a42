"""Sign in, sign up, sign out (here or everywhere), change password, forgotten password."""
from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from malpro.auth import bp
from malpro.auth.forms import ForgotPasswordForm, LoginForm, PasswordChangeForm, RegisterForm, ResetPasswordForm
from malpro.auth.session import current_session_id, sign_in, sign_out
from malpro.auth.throttle import (
    mark_failed_sign_in,
    password_reset_limits,
    register_limits,
    retry_after_seconds,
    sign_in_limits,
)
from malpro.forms import safe_next_url, show_domain_error
from malpro.services import accounts, cart, password_reset, sessions
from malpro.services.errors import DomainError

RESET_SESSION_KEY = "password_reset_token"


def _sign_in(user, remember: bool) -> None:
    guest_cart = cart.take_session_cart(session)
    sign_in(user, remember=remember)
    if guest_cart:
        cart.merge_guest_cart(user.id, guest_cart)


def _home_of(user) -> str:
    """Where a sign-in lands without a page to go back to: sellers at their dashboard, admins
    at theirs, buyers on the home page."""
    if user.store is not None:
        return url_for("seller.dashboard")
    if user.is_admin:
        return url_for("admin.dashboard")
    return url_for("shop.home")


def _after_sign_in(user, next_url: str | None) -> str:
    # The home page as `next` is no page to go back to (the header's "Masuk" link from /).
    return next_url if next_url and next_url != url_for("shop.home") else _home_of(user)


@bp.errorhandler(429)
def too_many_attempts(error):
    """A refused attempt shows its own form again with the wait, in the page's language."""
    seconds = retry_after_seconds()
    message = _("Terlalu banyak percobaan. Coba lagi dalam %(seconds)d detik.", seconds=seconds)
    forms = {"auth.login": (LoginForm, "auth/login.html"), "auth.register": (RegisterForm, "auth/register.html"),
             "auth.forgot_password": (ForgotPasswordForm, "auth/forgot_password.html")}
    form_class, template = forms.get(request.endpoint, (None, None))
    if form_class is None:
        page = render_template("errors/error.html", status=429, message=message)
    else:
        form = form_class()
        form.form_errors.append(message)
        page = render_template(template, form=form, next_url=safe_next_url(request.values.get("next")),
                               mail=password_reset.mail_configured(),
                               support_whatsapp=password_reset.support_whatsapp_url())
    return page, 429, {"Retry-After": str(seconds)}


@bp.route("/login", methods=["GET", "POST"])
@sign_in_limits
def login():
    next_url = safe_next_url(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(_after_sign_in(current_user, next_url))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            mark_failed_sign_in()
            form.form_errors.append(_("Email atau kata sandi salah."))
        else:
            _sign_in(user, remember=form.remember.data)
            flash(_("Selamat datang, %(name)s!", name=user.name), "success")
            return redirect(_after_sign_in(user, next_url))
    return render_template("auth/login.html", form=form, next_url=next_url)


@bp.route("/register", methods=["GET", "POST"])
@register_limits
def register():
    next_url = safe_next_url(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("shop.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register_user(form.name.data, form.email.data, form.password.data, form.phone.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            _sign_in(user, remember=False)
            flash(_("Akun Anda sudah dibuat. Selamat berbelanja produk lokal Malang!"), "success")
            return redirect(next_url or url_for("shop.home"))
    return render_template("auth/register.html", form=form, next_url=next_url)


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    # GET shows a confirmation button; only a POST (with its CSRF token) signs out,
    # so a link on another site cannot sign the user out.
    if request.method == "POST":
        sign_out()
        flash(_("Anda sudah keluar."), "info")
        return redirect(url_for("shop.home"))
    if not current_user.is_authenticated:
        return redirect(url_for("shop.home"))
    return render_template("auth/logout.html")


@bp.post("/keluar-semua")
@login_required
def logout_everywhere():
    """"Keluar dari semua perangkat": every browser and app signed in to the account, this one too."""
    sessions.sign_out_everywhere(current_user.id)
    sign_out()
    flash(_("Anda sudah keluar dari semua perangkat."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/sesi/<kind>/<int:item_id>/akhiri")
@login_required
def end_device_session(kind: str, item_id: int):
    """End one device in the list on /akun (a browser's session or an app's token)."""
    if kind not in ("web", "app") or item_id > 2**62:
        abort(404)
    if kind == "web" and item_id == current_session_id():
        return logout()
    if not sessions.end_for_user(current_user.id, kind, item_id):
        abort(404)
    flash(_("Perangkat itu sudah dikeluarkan dari akun Anda."), "success")
    return redirect(url_for("shop.account") + "#sessions-section-title")


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current_password.data, form.new_password.data,
                                     keep_session_id=current_session_id())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Kata sandi sudah diganti. Perangkat lain yang masuk dengan akun ini sudah dikeluarkan."),
                  "success")
            return redirect(url_for("shop.account"))
    return render_template("auth/password.html", form=form)


# --- Forgotten password -------------------------------------------------------------------

@bp.route("/lupa-sandi", methods=["GET", "POST"])
@password_reset_limits
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        password_reset.request_reset(form.email.data)
        # The same answer whether or not the address has an account.
        return render_template("auth/forgot_password_sent.html", email=form.email.data,
                               mail=password_reset.mail_configured())
    return render_template("auth/forgot_password.html", form=form, mail=password_reset.mail_configured(),
                           support_whatsapp=password_reset.support_whatsapp_url())


@bp.get("/lupa-sandi/<token>")
def reset_password(token: str):
    """The link from the email or WhatsApp. The secret moves into the session and the browser
    goes on to a URL without it, so it is not left in the history or sent on as a Referer."""
    session[RESET_SESSION_KEY] = token[:password_reset.TOKEN_MAX]
    return redirect(url_for("auth.set_new_password"))


@bp.route("/lupa-sandi/atur", methods=["GET", "POST"])
def set_new_password():
    token = session.get(RESET_SESSION_KEY)
    user = password_reset.user_for_link(token) if token else None
    if user is None:
        session.pop(RESET_SESSION_KEY, None)
        return render_template("auth/reset_invalid.html"), 410 if token else 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            password_reset.reset_password(token, form.password.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            session.pop(RESET_SESSION_KEY, None)
            if current_user.is_authenticated:
                sign_out()  # whoever was signed in in this browser: the new password signs in anew
            flash(_("Kata sandi baru sudah disimpan, dan akun ini sudah keluar dari semua perangkat. "
                    "Silakan masuk dengan kata sandi baru."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, user=user), 200 if not form.errors else 422


@bp.app_template_global()
def login_devices() -> list[sessions.Device]:
    """Where the signed-in account is signed in (the list on /akun)."""
    return sessions.devices(current_user.id, current_session_id()) if current_user.is_authenticated else []
