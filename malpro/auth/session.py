"""Flask-Login wiring: loading the user and answering anonymous requests by their kind."""
from flask import Flask
from flask_babel import lazy_gettext as _l

from malpro.extensions import db, login_manager
from malpro.models import User


def init_login_manager(app: Flask) -> None:
    from malpro.auth.decorators import deny_anonymous

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Silakan masuk terlebih dahulu.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.unauthorized_handler(deny_anonymous)


@login_manager.user_loader
def load_user(user_id: str):
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    return user if user and user.active else None
