"""API tokens at the service layer."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select

from jit.extensions import db
from jit.models import ApiToken, User
from jit.models.types import utcnow
from jit.services import tokens
from tests import factories


def test_token_is_stored_only_as_its_hash(app_context):
    info = factories.create_user()
    issued = tokens.issue_token(info.username, info.password)
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash == hashlib.sha256(issued.plain.encode()).hexdigest()
    assert issued.plain not in stored.token_hash
    assert tokens.token_record(issued.plain).user_id == info.id


def test_expired_and_revoked_tokens_are_refused(app_context):
    info = factories.create_user()
    expired = tokens.issue_token(info.username, info.password)
    expired.record.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert tokens.token_record(expired.plain) is None

    revoked = tokens.issue_token(info.username, info.password)
    user = db.session.get(User, info.id)
    tokens.revoke_token(user, revoked.plain)
    assert tokens.token_record(revoked.plain) is None


def test_token_of_a_deactivated_user_is_refused(app_context):
    info = factories.create_user()
    issued = tokens.issue_token(info.username, info.password)
    db.session.get(User, info.id).active = False
    db.session.commit()
    assert tokens.token_record(issued.plain) is None
