"""Language choice: the account's language, else the session's, else Bahasa Indonesia.
Outside a request (CLI, emails sent from services) the default language is used."""
from flask import current_app, has_request_context, session
from flask_login import current_user


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if has_request_context():
        if current_user and current_user.is_authenticated and current_user.locale in languages:
            return current_user.locale
        if session.get("lang") in languages:
            return session["lang"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]
