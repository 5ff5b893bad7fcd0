"""Accounts and tokens at the service layer."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from jit.extensions import db
from jit.models import ApiToken, User
from jit.models.types import utcnow
from jit.services import users
from jit.services.errors import Conflict, Invalid, InvalidCredentials
from tests import factories


def test_password_is_stored_as_an_argon2id_hash(app_context):
    info = factories.create_user(password="a long secret phrase")
    user = db.session.get(User, info.id)
    assert user.password_hash.startswith("$argon2id$")
    assert "a long secret phrase" not in user.password_hash


def test_create_user_names_every_invalid_field(app_context):
    admin = db.session.get(User, factories.create_user(roles=("admin",)).id)
    with pytest.raises(Invalid) as refused:
        users.create_user(admin, username="x", full_name=" ", password="short", roles=["chief"],
                          time_zone="Mars/Base")
    assert set(refused.value.fields) == {"username", "full_name", "password", "roles", "time_zone"}


def test_create_user_refuses_unknown_authority(app_context):
    admin = db.session.get(User, factories.create_user(roles=("admin",)).id)
    with pytest.raises(Invalid) as refused:
        users.create_user(admin, username="someone", full_name="Someone", password=factories.PASSWORD,
                          roles=["investigator"], authority_id=999)
    assert set(refused.value.fields) == {"authority_id"}


def test_duplicate_username_is_a_conflict(app_context):
    factories.create_user(username="i.petrov")
    with pytest.raises(Conflict):
        factories.create_user(username="i.petrov")


def test_unknown_user_wrong_password_and_disabled_account_fail_alike(app_context):
    info = factories.create_user()
    disabled = factories.create_user()
    db.session.get(User, disabled.id).active = False
    db.session.commit()
    refusals = []
    for username, password in [("nobody", "whatever-it-is"), (info.username, "wrong password!"),
                               (disabled.username, disabled.password)]:
        with pytest.raises(InvalidCredentials) as refused:
            users.sign_in(username, password)
        refusals.append((refused.value.code, str(refused.value.message)))
    assert len(set(refusals)) == 1


def test_token_is_stored_only_as_its_hash(app_context):
    info = factories.create_user()
    issued = users.issue_token(info.username, info.password)
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash == hashlib.sha256(issued.plain.encode()).hexdigest()
    assert issued.plain not in stored.token_hash
    assert users.token_record(issued.plain).user_id == info.id


def test_expired_and_revoked_tokens_are_refused(app_context):
    info = factories.create_user()
    expired = users.issue_token(info.username, info.password)
    expired.record.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert users.token_record(expired.plain) is None

    revoked = users.issue_token(info.username, info.password)
    user = db.session.get(User, info.id)
    users.revoke_token(user, revoked.plain)
    assert users.token_record(revoked.plain) is None


def test_token_of_a_deactivated_user_is_refused(app_context):
    info = factories.create_user()
    issued = users.issue_token(info.username, info.password)
    db.session.get(User, info.id).active = False
    db.session.commit()
    assert users.token_record(issued.plain) is None


def test_locale_must_be_supported(app_context):
    user = db.session.get(User, factories.create_user().id)
    assert users.set_locale(user, "en").locale == "en"
    with pytest.raises(Invalid) as refused:
        users.set_locale(user, "de")
    assert "locale" in refused.value.fields
