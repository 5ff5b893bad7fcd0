"""Per-user limits on what a use case lets one person do in a window (channel messages, custody
events), counted in Flask-Limiter's store, so that every server process shares one count (Redis
when `SOCKETIO_MESSAGE_QUEUE` is set, this process's memory otherwise). Each limit is a setting in
Flask-Limiter notation (`30 per 10 seconds`, `60 per minute`)."""

from __future__ import annotations

import logging

import redis
from flask import current_app
from limits import RateLimitItem, parse

from jit.extensions import limiter
from jit.services.errors import RateLimited

log = logging.getLogger(__name__)


def take(limit: RateLimitItem | str, namespace: str, *identifiers) -> bool:
    """One hit on a shared counter; False when the limit is spent. A store that cannot be reached
    lets the call through: the platform keeps serving without Redis."""
    if isinstance(limit, str):
        limit = parse(limit)
    try:
        return limiter.limiter.hit(limit, namespace, *identifiers)
    except redis.RedisError as error:
        log.warning("rate-limit store unreachable, not limiting: %s", error)
        return True


def require(setting: str, namespace: str, *identifiers, message) -> None:
    """Take one hit of the limit the setting `setting` names, or refuse: 429 `rate_limited`."""
    if not take(current_app.config[setting], namespace, *identifiers):
        raise RateLimited(message)
