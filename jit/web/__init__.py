"""The HTML door: one package per area, each with `routes.py` and (where it has forms) `forms.py`."""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from jit.web.auth.routes import bp as auth_bp
from jit.web.main.routes import bp as main_bp

ROLE_LABELS = {
    "admin": _l("administrator"),
    "legal_officer": _l("legal officer"),
    "investigator": _l("investigator"),
}


def init_web(app: Flask) -> None:
    app.register_blueprint(auth_bp)
    app.register_blueprint(main_bp)
    app.add_template_global(lambda: str(get_locale()), "current_locale")
    app.add_template_filter(lambda role: str(ROLE_LABELS.get(role, role)), "role_label")
