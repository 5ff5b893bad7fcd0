"""The JIT platform: `create_app` builds one Flask application."""

from __future__ import annotations

import logging

from flask import Flask, g, request
from sqlalchemy import event
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.middleware.proxy_fix import ProxyFix

from config import INSTANCE_DIR, PROJECT_ROOT, Config, load_config
from jit import inputs, uploads
from jit.extensions import babel, csrf, db, limiter, login_manager, migrate, socketio

log = logging.getLogger(__name__)

# No inline script or style anywhere: every script is a file under /static.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def create_app(config_name_or_object: str | Config | None = None) -> Flask:
    config = config_name_or_object if isinstance(config_name_or_object, Config) else load_config(config_name_or_object)
    app = Flask(
        __name__,
        static_folder=str(PROJECT_ROOT / "static"),
        template_folder=str(PROJECT_ROOT / "templates"),
        instance_path=str(INSTANCE_DIR),
    )
    app.config.from_object(config)
    # First: the size check on the body runs before every other request hook, and the
    # blueprints' rules take the converters in place when they are registered.
    uploads.init_app(app)
    inputs.init_app(app)
    # A process killed mid-upload leaves its temporary file behind; safe with other processes running.
    uploads.remove_upload_leftovers(app)
    app.json.ensure_ascii = False  # Cyrillic stays readable in API bodies

    from jit import session as jit_session

    db.init_app(app)
    if config.uses_sqlite:
        with app.app_context():
            event.listen(db.engine, "connect", _sqlite_pragmas)
            event.listen(db.engine, "begin", _sqlite_begin_immediate)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=jit_session.select_locale, timezone_selector=jit_session.select_time_zone)
    limiter.init_app(app)

    # Socket handlers register on import, and must be in place before init_app.
    import jit.realtime.handlers

    # The search index follows every write from here on (session events).
    import jit.search.sync  # noqa: F401

    queue_url = app.config["SOCKETIO_MESSAGE_QUEUE"]
    # SocketIO keeps its options between init_app calls: without a queue, reset the client
    # manager, so that a queue set up for an earlier app of this process does not leak in.
    socketio.init_app(app, message_queue=queue_url,
                      **({"channel": app.config["SOCKETIO_CHANNEL"]} if queue_url else {"client_manager": None}))

    from jit.api import init_api
    from jit.cli import jit_cli
    from jit.health import bp as health_bp
    from jit.web import init_web

    init_api(app)
    init_web(app)
    app.register_blueprint(health_bp)
    app.cli.add_command(jit_cli)
    _register_request_hooks(app)
    jit_session.init_app(app)
    _register_error_handlers(app)
    trusted_proxies = app.config["JIT_TRUSTED_PROXIES"]
    if trusted_proxies:
        # Outermost, so that pages, the API, sockets, the rate limiter and the audit all see the
        # client's address. Each proxy appends the address it was called from, so the N-th entry
        # from the right is the client as the outermost trusted proxy saw it; whatever stands
        # further left was written by the client and is ignored.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted_proxies, x_proto=trusted_proxies)
    return app


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """SQLite checks foreign keys only when asked, and waits for a busy writer only if told to."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    # Write-ahead logging: readers never wait for the writer, and a durable commit (still fsynced,
    # synchronous=FULL) costs a fraction of the rollback journal's (bench/ledger.py).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()
    dbapi_connection.isolation_level = None  # transactions are begun by _sqlite_begin_immediate


def _sqlite_begin_immediate(connection) -> None:
    """Every request appends to the audit ledger, so every transaction writes: taking the write
    lock at the start serialises them instead of letting two deadlock on upgrading a read lock."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _register_request_hooks(app: Flask) -> None:
    @app.after_request
    def add_headers(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.endpoint != "static":  # pages and API answers may hold what only their reader may see
            response.headers["Cache-Control"] = "no-store"
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


def _register_error_handlers(app: Flask) -> None:
    """Errors answer in the format of the door they came through: JSON under /api/, a page elsewhere."""
    from flask_babel import lazy_gettext as _l
    from flask_wtf.csrf import CSRFError

    from jit.api import errors as api_errors
    from jit.services.errors import DomainError
    from jit.session import is_api_request
    from jit.web import errors as web_errors

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        g.refusal_code = error.code  # for the audit of a refusal no use case recorded (CSRF)
        return api_errors.from_domain_error(error) if is_api_request() else web_errors.from_domain_error(error)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        stale = _l("The form has expired or came from another site. Reload the page and try again.")
        return domain_error(DomainError(stale, code="csrf_failed"))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if is_api_request():
            return api_errors.from_http_exception(error)
        if error.code and error.code < 400:
            return error
        return web_errors.render_error_page(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        log.exception("unhandled error, request id %s", g.get("request_id"))
        return http_error(InternalServerError())
