"""Accounts at the service layer."""

from __future__ import annotations

import pytest

from jit.extensions import db
from jit.models import User
from jit.services import accounts
from jit.services.errors import Conflict, Invalid
from tests import factories


def test_password_is_stored_as_an_argon2id_hash(app_context):
    info = factories.create_user(password="a long secret phrase")
    user = db.session.get(User, info.id)
    assert user.password_hash.startswith("$argon2id$")
    assert "a long secret phrase" not in user.password_hash


def test_create_user_names_every_invalid_field(app_context):
    admin = db.session.get(User, factories.create_user(roles=("admin",)).id)
    with pytest.raises(Invalid) as refused:
        accounts.create_user(admin, username="x", full_name=" ", password="short", roles=["chief"],
                          time_zone="Mars/Base")
    assert set(refused.value.fields) == {"username", "full_name", "password", "roles", "time_zone"}


def test_create_user_refuses_unknown_authority(app_context):
    admin = db.session.get(User, factories.create_user(roles=("admin",)).id)
    with pytest.raises(Invalid) as refused:
        accounts.create_user(admin, username="someone", full_name="Someone", password=factories.PASSWORD,
                          roles=["investigator"], authority_id=999)
    assert set(refused.value.fields) == {"authority_id"}


def test_duplicate_username_is_a_conflict(app_context):
    factories.create_user(username="i.petrov")
    with pytest.raises(Conflict):
        factories.create_user(username="i.petrov")


def test_locale_must_be_supported(app_context):
    user = db.session.get(User, factories.create_user().id)
    assert accounts.set_locale(user, "en").locale == "en"
    with pytest.raises(Invalid) as refused:
        accounts.set_locale(user, "de")
    assert "locale" in refused.value.fields
