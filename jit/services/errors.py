"""Errors raised by the service layer; each door maps them to its own form (JSON, page, ack)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    """A refused use case. `code` is the API's snake_case code, `status` its HTTP status."""

    status = 400
    code = "bad_request"
    default_message = _l("The request could not be processed.")
    # A refusal normally undoes everything the use case did; some refusals are themselves
    # a change to keep (a failed sign-in counts towards the lockout).
    keep_changes = False
    # Seconds after which the same request may succeed (sent as Retry-After), where known.
    retry_after: int | None = None

    def __init__(self, message=None, *, fields: dict | None = None, code: str | None = None,
                 keep_changes: bool = False, retry_after: int | None = None):
        self.message = message if message is not None else self.default_message
        self.fields = fields or {}
        self.keep_changes = keep_changes
        self.retry_after = retry_after
        if code:
            self.code = code
        super().__init__(str(self.message))


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"
    default_message = _l("Sign in to continue.")


class InvalidCredentials(Unauthenticated):
    code = "invalid_credentials"
    # One message for an unknown user, a wrong password and a disabled account: nothing to probe.
    default_message = _l("Wrong username or password.")


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    default_message = _l("You are not allowed to do this.")


class NotFound(DomainError):
    """Also raised for objects that exist but that the caller may not know about."""

    status = 404
    code = "not_found"
    default_message = _l("Not found.")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = _l("The record was changed meanwhile or is in a state that does not allow this.")


class Inapplicable(Conflict):
    """A Conflict with the object's state that no condition can lift now (a closed group, a deleted
    message, an item already sealed): the API answers it like any 409; pages do not offer the action."""


class TooLarge(DomainError):
    status = 413
    code = "too_large"
    default_message = _l("The upload is larger than allowed.")


class IncompleteUpload(DomainError):
    """The upload ended before all its declared bytes arrived (the sender went away): nothing kept."""

    status = 400
    code = "incomplete_upload"
    default_message = _l("The upload was cut off before all of the file arrived; nothing was kept. Send it again.")


class Invalid(DomainError):
    status = 422
    code = "invalid"
    default_message = _l("Some fields are not valid.")


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
    default_message = _l("Too many attempts. Try again later.")


# --- signing in and sessions ------------------------------------------------------------


class SecondFactorRequired(DomainError):
    """The platform requires a second factor and this account has none yet."""

    status = 403
    code = "otp_enrolment_required"
    default_message = _l("Set up a second factor (authenticator app) before going on.")


class PasswordChangeRequired(DomainError):
    """An admin reset this account's password: it must choose its own before anything else."""

    status = 403
    code = "password_change_required"
    default_message = _l("Choose a new password before going on.")


class OtpRequired(DomainError):
    status = 401
    code = "otp_required"
    default_message = _l("Enter the code from your authenticator app.")


class SignInThrottled(RateLimited):
    default_message = _l("Too many failed sign-ins for this username from here. Try again later.")


class SessionEnded(Unauthenticated):
    """The session was ended (signed out, revoked) or never existed."""

    default_message = _l("Your session has ended. Sign in again.")


class SessionExpired(Unauthenticated):
    default_message = _l("Your session has expired. Sign in again.")


# What each door tells the user for an HTTP error that did not come from a DomainError.
_HTTP_ERRORS = {
    400: ("bad_request", _l("The request could not be read.")),
    401: ("unauthenticated", Unauthenticated.default_message),
    403: ("forbidden", Forbidden.default_message),
    404: ("not_found", _l("Not found.")),
    405: ("method_not_allowed", _l("This method is not allowed here.")),
    409: ("conflict", Conflict.default_message),
    # An upload over its limit, or any other body over JIT_MAX_JSON_BYTES.
    413: ("too_large", _l("The request is larger than allowed.")),
    415: ("unsupported_media_type", _l("This content type is not accepted here.")),
    422: ("invalid", Invalid.default_message),
    429: ("rate_limited", _l("Too many attempts. Try again later.")),
}
_INTERNAL = ("internal_error", _l("Internal error. Quote request id %(request_id)s when reporting it."))


def describe_http_status(status: int, request_id: str = "-") -> tuple[str, str]:
    """The error code and the user's-language message for an HTTP status."""
    if status >= 500:
        code, message = _INTERNAL
        return code, str(message) % {"request_id": request_id}
    code, message = _HTTP_ERRORS.get(status, ("error", _l("The request could not be processed.")))
    return code, str(message)
