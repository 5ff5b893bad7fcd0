"""Schemas of sign-in with API tokens and of the caller's own account (jit/api/auth.py)."""

from __future__ import annotations

import marshmallow as ma

from jit.api.schemas.common import AuthorityRefSchema, Integer
from jit.services.passwords import MIN_LENGTH as MIN_PASSWORD_LENGTH


class UserSchema(ma.Schema):
    id = Integer()
    username = ma.fields.String()
    full_name = ma.fields.String()
    authority = ma.fields.Nested(AuthorityRefSchema, allow_none=True)
    roles = ma.fields.List(ma.fields.String())
    locale = ma.fields.String(allow_none=True)
    time_zone = ma.fields.String()
    must_change_password = ma.fields.Boolean(metadata={
        "description": "an admin reset the password: every call but POST /me/password, GET /me and "
                       "DELETE /auth/token answers 403 password_change_required until it is changed"})


class TokenRequestSchema(ma.Schema):
    username = ma.fields.String(required=True)
    password = ma.fields.String(required=True, load_only=True)
    otp = ma.fields.String(load_default=None)


class TokenSchema(ma.Schema):
    token = ma.fields.String()
    expires_at = ma.fields.AwareDateTime()
    user = ma.fields.Nested(UserSchema)


class PasswordChangeSchema(ma.Schema):
    current_password = ma.fields.String(required=True, load_only=True)
    new_password = ma.fields.String(required=True, load_only=True, metadata={
        "minLength": MIN_PASSWORD_LENGTH,
        "description": "at least 12 characters, not common, repeated or sequential, not one used here before"})
