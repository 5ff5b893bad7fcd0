"""The HTML door: one package per area, each with `routes.py` and (where it has forms) `forms.py`."""

from __future__ import annotations

from functools import partial

from flask import Flask, request
from flask_login import current_user

from jit.services import work
from jit.services.channels import unread_total
from jit.services.notifications import unread_count as unread_notifications
from jit.web.account.routes import bp as account_bp
from jit.web.admin.routes import bp as admin_bp
from jit.web.audit.routes import bp as audit_bp
from jit.web.auth.routes import bp as auth_bp
from jit.web.channels.routes import bp as channels_bp
from jit.web.common import (
    OUTCOME_LABELS,
    ROLE_LABELS,
    actor,
    file_size,
    in_words,
    label_of,
    page_locale,
    short_hash,
)
from jit.web.evidence.routes import bp as evidence_bp
from jit.web.groups.routes import bp as groups_bp
from jit.web.identifiers.routes import bp as identifiers_bp
from jit.web.instructions.routes import bp as instructions_bp
from jit.web.legal.routes import bp as legal_bp
from jit.web.main.routes import bp as main_bp
from jit.web.notifications.routes import bp as notifications_bp
from jit.web.search.routes import bp as search_bp
from jit.web.tasks.routes import bp as tasks_bp


def _navigation_counts() -> dict:
    """The numbers beside "My work", "Groups" (unread messages) and the bell in the navigation, for a signed-in user."""
    if not current_user.is_authenticated:
        return {}
    user = actor()
    return {"work_count": work.count_for_navigation(user), "unread_count": unread_total(user),
            "notification_count": unread_notifications(user)}


# The top menu's sections, by the blueprint (or endpoint) of the page: the current one is marked.
SECTIONS = {"main.home": "home", "main.my_work": "work", "groups": "groups", "instructions": "groups",
            "tasks": "groups", "evidence": "groups", "identifiers": "groups", "channels": "groups",
            "legal.group_compliance": "groups",
            "legal.evaluation": "groups", "legal": "legal", "audit": "audit", "account": "account", "admin": "admin"}


def _navigation_section() -> dict:
    return {"nav_section": SECTIONS.get(request.endpoint or "", SECTIONS.get(request.blueprint or ""))}


def init_web(app: Flask) -> None:
    app.register_blueprint(auth_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(groups_bp)
    app.register_blueprint(instructions_bp)
    app.register_blueprint(tasks_bp)
    app.register_blueprint(evidence_bp)
    app.register_blueprint(identifiers_bp)
    app.register_blueprint(legal_bp)
    app.register_blueprint(channels_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(search_bp)
    app.add_template_global(page_locale, "current_locale")
    app.add_template_filter(partial(label_of, ROLE_LABELS), "role_label")
    app.add_template_global(partial(label_of, OUTCOME_LABELS), "outcome_label")
    app.add_template_filter(in_words, "in_words")
    app.add_template_filter(file_size, "file_size")
    app.add_template_filter(short_hash, "short_hash")
    app.context_processor(_navigation_counts)
    app.context_processor(_navigation_section)
