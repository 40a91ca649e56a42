"""Sign in, sign up, sign out, change password."""
from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from malpro.auth import bp
from malpro.auth.forms import LoginForm, PasswordChangeForm, RegisterForm
from malpro.extensions import limiter
from malpro.forms import safe_next_url, show_domain_error
from malpro.services import accounts, cart
from malpro.services.errors import DomainError


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _sign_in(user, remember: bool) -> None:
    guest_cart = cart.take_session_cart(session)
    login_user(user, remember=remember)
    if guest_cart:
        cart.merge_guest_cart(user.id, guest_cart)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    next_url = safe_next_url(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("shop.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            form.form_errors.append(_("Email atau kata sandi salah."))
        else:
            _sign_in(user, remember=form.remember.data)
            flash(_("Selamat datang, %(name)s!", name=user.name), "success")
            return redirect(next_url or url_for("shop.home"))
    return render_template("auth/login.html", form=form, next_url=next_url)


@bp.route("/register", methods=["GET", "POST"])
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
        logout_user()
        flash(_("Anda sudah keluar."), "info")
        return redirect(url_for("shop.home"))
    if not current_user.is_authenticated:
        return redirect(url_for("shop.home"))
    return render_template("auth/logout.html")


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current_password.data, form.new_password.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Kata sandi sudah diganti."), "success")
            return redirect(url_for("shop.account"))
    return render_template("auth/password.html", form=form)
