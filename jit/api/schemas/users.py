"""Schemas of account administration (jit/api/users.py)."""

from __future__ import annotations

import marshmallow as ma

from jit.api.schemas.auth import UserSchema
from jit.api.schemas.common import Integer, page_schema, text
from jit.models import Role
from jit.services.accounts import FULL_NAME_MAX_LENGTH
from jit.services.passwords import MIN_LENGTH as MIN_PASSWORD_LENGTH

ROLE_VALUES = [role.value for role in Role]


class AccountSchema(UserSchema):
    """A user as an admin sees it."""

    active = ma.fields.Boolean()
    second_factor = ma.fields.Boolean(attribute="has_second_factor")
    password_changed_at = ma.fields.AwareDateTime(allow_none=True)
    created_at = ma.fields.AwareDateTime()


class PasswordResetSchema(ma.Schema):
    user = ma.fields.Nested(AccountSchema)
    temporary_password = ma.fields.String(metadata={
        "description": "shown once; the user must replace it at their next sign-in"})


class UserCreateSchema(ma.Schema):
    username = ma.fields.String(required=True)
    full_name = text(FULL_NAME_MAX_LENGTH, required=True)
    password = ma.fields.String(required=True, load_only=True, metadata={"minLength": MIN_PASSWORD_LENGTH})
    authority_id = Integer(allow_none=True, load_default=None)
    roles = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(ROLE_VALUES)), required=True,
                           metadata={"minItems": 1})
    time_zone = ma.fields.String(load_default="UTC")


class UserUpdateSchema(ma.Schema):
    full_name = text(FULL_NAME_MAX_LENGTH)
    active = ma.fields.Boolean()
    roles = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(ROLE_VALUES)), metadata={"minItems": 1})
    time_zone = ma.fields.String()
    authority_id = Integer()


UserPageSchema = page_schema(AccountSchema, "UserPage")
