"""POST/DELETE /auth/token and GET /me."""

from __future__ import annotations

from flask import current_app

from jit.api.common import actor, bearer_token, make_blueprint
from jit.api.errors import ErrorSchema
from jit.api.schemas.auth import PasswordChangeSchema, TokenRequestSchema, TokenSchema, UserSchema
from jit.extensions import limiter
from jit.services import accounts, tokens
from jit.services.errors import Unauthenticated

blp = make_blueprint("api_auth", __name__, "Sign-in with API tokens, and the caller's own account.")


def login_rate_limit() -> str:
    return current_app.config["JIT_LOGIN_RATE_LIMIT"]


@blp.route("/auth/token", methods=["POST"])
@limiter.limit(login_rate_limit)
@blp.arguments(TokenRequestSchema)
@blp.response(201, TokenSchema)
@blp.alt_response(401, schema=ErrorSchema, description="invalid_credentials or otp_required")
@blp.alt_response(403, schema=ErrorSchema, description="otp_enrolment_required: set up a second factor first")
@blp.alt_response(429, schema=ErrorSchema, description="rate_limited: too many attempts from this address, or too many "
                  "failed sign-ins for this username from here (with Retry-After); unknown usernames alike")
@blp.doc(security=[])
def create_token(body):
    """Exchange a username and password for a bearer token (stored hashed, with an expiry)."""
    issued = tokens.issue_token(body["username"], body["password"], body["otp"])
    return {"token": issued.plain, "expires_at": issued.record.expires_at, "user": issued.record.user}


@blp.route("/auth/token", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(401, schema=ErrorSchema)
def revoke_token():
    """Revoke the token this call is made with; its open sockets are disconnected."""
    presented = bearer_token()
    if presented is None:
        raise Unauthenticated()
    tokens.revoke_token(actor(), presented)


@blp.route("/me", methods=["GET"])
@blp.response(200, UserSchema)
@blp.alt_response(401, schema=ErrorSchema)
def me():
    """The caller's own account."""
    return accounts.current_account(actor())


@blp.route("/me/password", methods=["POST"])
@blp.arguments(PasswordChangeSchema)
@blp.response(204)
@blp.alt_response(401, schema=ErrorSchema)
@blp.alt_response(422, schema=ErrorSchema, description="wrong current_password; new_password too short, easy to "
                  "guess or used before (the field says which)")
@blp.alt_response(429, schema=ErrorSchema, description="rate_limited: too many wrong current passwords")
def change_password(body):
    """Change the caller's own password. Every API token of the account is revoked (this one too:
    sign in again with the new password) and its sessions end."""
    accounts.change_password(actor(), body["current_password"], body["new_password"])
