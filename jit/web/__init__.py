"""The HTML door: one package per area, each with `routes.py` and (where it has forms) `forms.py`."""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from jit.web.account.routes import bp as account_bp
from jit.web.admin.routes import bp as admin_bp
from jit.web.audit.routes import bp as audit_bp
from jit.web.auth.routes import bp as auth_bp
from jit.web.groups.routes import bp as groups_bp
from jit.web.main.routes import bp as main_bp

OUTCOME_LABELS = {"ok": _l("ok"), "denied": _l("denied"), "error": _l("error")}
ROLE_LABELS = {
    "admin": _l("administrator"),
    "legal_officer": _l("legal officer"),
    "investigator": _l("investigator"),
}


def init_web(app: Flask) -> None:
    app.register_blueprint(auth_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(groups_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(admin_bp)
    app.add_template_global(lambda: str(get_locale()), "current_locale")
    app.add_template_filter(lambda role: str(ROLE_LABELS.get(role, role)), "role_label")
    app.add_template_global(lambda outcome: str(OUTCOME_LABELS.get(outcome, outcome)), "outcome_label")
