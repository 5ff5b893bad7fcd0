"""GET /healthz: is the database reachable, and the message queue when one is configured."""

from __future__ import annotations

import redis
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from jit.extensions import db

bp = Blueprint("health", __name__)


def _database_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        db.session.rollback()
        return False


def _queue_state() -> str:
    url = current_app.config["SOCKETIO_MESSAGE_QUEUE"]
    if not url:
        return "in-process"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        return "ok"
    except redis.RedisError:
        return "unreachable"


@bp.route("/healthz")
def healthz():
    database = "ok" if _database_ok() else "unreachable"
    queue = _queue_state()
    healthy = database == "ok" and queue != "unreachable"
    return jsonify({"status": "ok" if healthy else "degraded", "database": database, "message_queue": queue}), (
        200 if healthy else 503
    )
