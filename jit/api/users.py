"""Account administration: /users (admins)."""

from __future__ import annotations

from jit.api.common import actor, links, make_blueprint
from jit.api.errors import ErrorSchema
from jit.api.schemas.common import PageArgsSchema
from jit.api.schemas.users import AccountSchema, PasswordResetSchema, UserCreateSchema, UserPageSchema, UserUpdateSchema
from jit.services import accounts

blp = make_blueprint("api_users", __name__, "Accounts, kept by admins.")
USER_OPERATIONS = ("GET /users/{user_id}", "PATCH /users/{user_id}", "DELETE /users/{user_id}/second-factor")


@blp.route("/users", methods=["GET"])
@blp.doc(**links(*USER_OPERATIONS, status=200, id_at="/items/0/id"))
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, UserPageSchema)
@blp.alt_response(403, schema=ErrorSchema)
def list_users(args):
    return accounts.list_users(actor(), limit=args["limit"], cursor=args["cursor"])


@blp.route("/users", methods=["POST"])
@blp.doc(**links(*USER_OPERATIONS))
@blp.arguments(UserCreateSchema)
@blp.response(201, AccountSchema)
@blp.alt_response(403, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema, description="the username is taken")
@blp.alt_response(422, schema=ErrorSchema, description="a field is refused, e.g. a password that is short or easy to "
                  "guess")
def create_user(body):
    """Create an account."""
    return accounts.create_user(actor(), **body)


@blp.route("/users/<int:user_id>", methods=["GET"])
@blp.response(200, AccountSchema)
@blp.alt_response(404, schema=ErrorSchema)
def get_user(user_id):
    return accounts.get_user(actor(), user_id)


@blp.route("/users/<int:user_id>", methods=["PATCH"])
@blp.arguments(UserUpdateSchema, required=False)
@blp.response(200, AccountSchema)
@blp.alt_response(403, schema=ErrorSchema)
@blp.alt_response(404, schema=ErrorSchema)
def update_user(body, user_id):
    """Change roles, details or the active flag; deactivation ends the user's tokens and sockets."""
    return accounts.update_user(actor(), user_id, **body)


@blp.route("/users/<int:user_id>/second-factor", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(403, schema=ErrorSchema)
@blp.alt_response(404, schema=ErrorSchema)
def reset_second_factor(user_id):
    """Remove a user's second factor (a lost device); they set up a new one at next sign-in."""
    accounts.reset_second_factor(actor(), user_id)


@blp.route("/users/<int:user_id>/password-reset", methods=["POST"])
@blp.response(200, PasswordResetSchema)
@blp.alt_response(403, schema=ErrorSchema)
@blp.alt_response(404, schema=ErrorSchema)
def reset_password(user_id):
    """Give the user a one-time password (in the answer, once). They must change it at their next
    sign-in; until then the API answers 403 password_change_required. Their API tokens are revoked,
    their sessions end and their failed sign-ins are cleared."""
    reset = accounts.reset_password(actor(), user_id)
    return {"user": reset.user, "temporary_password": reset.temporary_password}


@blp.route("/users/<int:user_id>/unlock", methods=["POST"])
@blp.response(204)
@blp.alt_response(403, schema=ErrorSchema)
@blp.alt_response(404, schema=ErrorSchema)
def unlock(user_id):
    """Clear every failed sign-in counted against the account (from every address), so that it can
    sign in at once."""
    accounts.unlock(actor(), user_id)
