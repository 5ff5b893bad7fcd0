"""Signing in at the service layer."""

from __future__ import annotations

import pytest

from jit.extensions import db
from jit.models import User
from jit.services import sign_in
from jit.services.errors import InvalidCredentials
from tests import factories


def test_unknown_user_wrong_password_and_disabled_account_fail_alike(app_context):
    info = factories.create_user()
    disabled = factories.create_user()
    db.session.get(User, disabled.id).active = False
    db.session.commit()
    refusals = []
    for username, password in [("nobody", "whatever-it-is"), (info.username, "wrong password!"),
                               (disabled.username, disabled.password)]:
        with pytest.raises(InvalidCredentials) as refused:
            sign_in.sign_in(username, password)
        refusals.append((refused.value.code, str(refused.value.message)))
    assert len(set(refusals)) == 1
