"""The HTML door: one package per area, each with `routes.py` and (where it has forms) `forms.py`."""

from __future__ import annotations

from functools import partial

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from jit.services import work
from jit.services.channels import unread_total
from jit.web.account.routes import bp as account_bp
from jit.web.admin.routes import bp as admin_bp
from jit.web.audit.routes import bp as audit_bp
from jit.web.auth.routes import bp as auth_bp
from jit.web.channels.routes import bp as channels_bp
from jit.web.common import actor, file_size, in_words, label_of, page_locale
from jit.web.evidence.routes import bp as evidence_bp
from jit.web.groups.routes import bp as groups_bp
from jit.web.instructions.routes import bp as instructions_bp
from jit.web.legal.routes import bp as legal_bp
from jit.web.main.routes import bp as main_bp
from jit.web.search.routes import bp as search_bp
from jit.web.tasks.routes import bp as tasks_bp

OUTCOME_LABELS = {"ok": _l("ok"), "denied": _l("denied"), "error": _l("error")}


def _navigation_counts() -> dict:
    """The numbers beside "My work" and "Groups" (unread messages) in the navigation, for a signed-in user."""
    if not current_user.is_authenticated:
        return {}
    user = actor()
    return {"work_count": work.count_for_navigation(user), "unread_count": unread_total(user)}


ROLE_LABELS = {
    "admin": _l("administrator"),
    "legal_officer": _l("legal officer"),
    "investigator": _l("investigator"),
}


def init_web(app: Flask) -> None:
    app.register_blueprint(auth_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(groups_bp)
    app.register_blueprint(instructions_bp)
    app.register_blueprint(tasks_bp)
    app.register_blueprint(evidence_bp)
    app.register_blueprint(legal_bp)
    app.register_blueprint(channels_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(search_bp)
    app.add_template_global(page_locale, "current_locale")
    app.add_template_filter(partial(label_of, ROLE_LABELS), "role_label")
    app.add_template_global(partial(label_of, OUTCOME_LABELS), "outcome_label")
    app.add_template_filter(in_words, "in_words")
    app.add_template_filter(file_size, "file_size")
    app.context_processor(_navigation_counts)
