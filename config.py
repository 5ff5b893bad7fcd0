"""Configuration, read from environment variables (API.md "Operations").

`JIT_CONFIG` picks one of `development`, `production`, `testing`. Each class reads the
environment when it is instantiated, so every app built by the factory sees the environment
of its own moment; keyword arguments override any setting (tests use that).
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent
INSTANCE_DIR = PROJECT_ROOT / "instance"


class ConfigurationError(RuntimeError):
    """The environment does not allow the app to start safely."""


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings shared by every environment."""

    NAME = "base"

    def __init__(self, **overrides):
        env = os.environ
        self.SECRET_KEY = env.get("SECRET_KEY")
        self.SQLALCHEMY_DATABASE_URI = env.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'jit.sqlite3'}"
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.JIT_EVIDENCE_DIR = env.get("JIT_EVIDENCE_DIR") or str(INSTANCE_DIR / "evidence")
        self.SOCKETIO_MESSAGE_QUEUE = env.get("SOCKETIO_MESSAGE_QUEUE") or None
        # The Redis publish/subscribe channel of this deployment's emissions: channels ignore Redis's
        # database number, so deployments (or test runs) sharing one Redis each need their own.
        self.SOCKETIO_CHANNEL = env.get("SOCKETIO_CHANNEL") or "flask-socketio"
        self.JIT_MAX_UPLOAD_BYTES = int(env.get("JIT_MAX_UPLOAD_BYTES") or 4 * 1024**3)
        # A request whose declared length is over the limit is refused (413) before its body is read.
        # This is the limit of the upload endpoints only (jit/uploads.py): every other body (JSON, a
        # page's form) is refused past JIT_MAX_JSON_BYTES, so that nobody can make a process read
        # gigabytes into memory where a few kilobytes are expected.
        self.MAX_CONTENT_LENGTH = self.JIT_MAX_UPLOAD_BYTES + 64 * 1024
        self.JIT_MAX_JSON_BYTES = int(env.get("JIT_MAX_JSON_BYTES") or 1024 * 1024)
        self.JIT_LOGIN_RATE_LIMIT = env.get("JIT_LOGIN_RATE_LIMIT") or "20 per minute"
        # Flask-Limiter keeps its counters where the Socket.IO queue lives, so that several
        # processes share one limit; in-process memory otherwise.
        self.RATELIMIT_STORAGE_URI = self.SOCKETIO_MESSAGE_QUEUE or "memory://"
        self.RATELIMIT_HEADERS_ENABLED = True
        # Redis down: count in this process's memory meanwhile rather than refuse every sign-in.
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        # Channel messages: the longest accepted body, and how many one user may send (counted in
        # the rate-limit store above, so every process shares the count).
        self.JIT_MAX_MESSAGE_CHARS = int(env.get("JIT_MAX_MESSAGE_CHARS") or 4000)
        self.JIT_MESSAGE_RATE_LIMIT = env.get("JIT_MESSAGE_RATE_LIMIT") or "30 per 10 seconds"
        # Custody events (registering, files, moves, checks, consents) one user may record, counted
        # in the same store.
        self.JIT_CUSTODY_RATE_LIMIT = env.get("JIT_CUSTODY_RATE_LIMIT") or "60 per minute"
        # Each process holding sockets says it is alive this often; one silent for three beats is
        # taken for stopped, and its sockets stop counting as present (jit/realtime/liveness.py).
        self.JIT_SOCKET_HEARTBEAT_SECONDS = float(env.get("JIT_SOCKET_HEARTBEAT_SECONDS") or 15)
        self.JIT_TOKEN_LIFETIME = timedelta(hours=12)
        self.JIT_PASSWORD_HASHING = "rfc9106"  # noqa: S105 - argon2id parameter profile, not a secret
        # Sessions end after this long without a request, and after this long in any case.
        self.JIT_SESSION_IDLE_TIMEOUT = timedelta(minutes=int(env.get("JIT_SESSION_IDLE_MINUTES") or 30))
        self.JIT_SESSION_MAX_AGE = timedelta(hours=int(env.get("JIT_SESSION_MAX_HOURS") or 12))
        self.PERMANENT_SESSION_LIFETIME = self.JIT_SESSION_MAX_AGE
        # Sign-in throttling (jit/services/sign_in.py): at most this many failures within the window
        # per username and address, and per username from addresses it has not signed in from
        # successfully within the last JIT_KNOWN_ADDRESS_TRUST.
        self.JIT_SIGN_IN_FAILURE_LIMIT = 5
        self.JIT_SIGN_IN_FAILURE_WINDOW = timedelta(minutes=15)
        self.JIT_KNOWN_ADDRESS_TRUST = timedelta(days=30)
        # How many proxies in front of the app set X-Forwarded-For and X-Forwarded-Proto; their
        # values are believed only that far back (0: the headers are ignored).
        self.JIT_TRUSTED_PROXIES = int(env.get("JIT_TRUSTED_PROXIES") or 0)
        # A second factor for every account; on by default in production.
        self.JIT_REQUIRE_2FA = _env_flag("JIT_REQUIRE_2FA")
        # The key that signs ledger checkpoints lives outside the database on purpose.
        self.JIT_LEDGER_KEY_FILE = env.get("JIT_LEDGER_KEY_FILE") or str(INSTANCE_DIR / "ledger-signing-key.pem")
        # So is the key of the hashes that match identifiers across groups (jit/identifiers).
        self.JIT_IDENTIFIER_KEY_FILE = (env.get("JIT_IDENTIFIER_KEY_FILE")
                                        or str(INSTANCE_DIR / "identifier-match-key"))
        # Notification e-mail (optional): smtp://[user:password@]host[:port][?starttls=1] or smtps://...;
        # unset, notices stay in the inbox. JIT_BASE_URL is the address the mails link to.
        self.JIT_SMTP_URL = env.get("JIT_SMTP_URL") or None
        self.JIT_MAIL_FROM = env.get("JIT_MAIL_FROM") or None
        self.JIT_BASE_URL = (env.get("JIT_BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
        self.JIT_LOCALES = ("ru", "en")
        self.BABEL_DEFAULT_LOCALE = "ru"
        self.BABEL_DEFAULT_TIMEZONE = "UTC"
        self.BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "jit" / "translations")
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.WTF_CSRF_TIME_LIMIT = None
        self.JSON_SORT_KEYS = False
        # flask-smorest: the OpenAPI document is generated from the API code.
        self.API_TITLE = "JIT platform API"
        self.API_VERSION = "v1"
        self.OPENAPI_VERSION = "3.0.3"
        self.OPENAPI_URL_PREFIX = "/api/v1"
        self.OPENAPI_JSON_PATH = "openapi.json"
        self.TESTING = False
        self.DEBUG = False
        self.configure()
        for key, value in overrides.items():
            setattr(self, key, value)

    def configure(self) -> None:
        """Environment-specific adjustments; subclasses override."""

    def validate(self) -> None:
        """Raise ConfigurationError when the settings are unsafe for this environment."""

    @property
    def uses_sqlite(self) -> bool:
        return self.SQLALCHEMY_DATABASE_URI.startswith("sqlite")


def _development_secret_key() -> str:
    """A random key kept under instance/, so development sessions survive a restart."""
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


class DevelopmentConfig(Config):
    NAME = "development"

    def configure(self) -> None:
        self.SECRET_KEY = self.SECRET_KEY or _development_secret_key()


class TestingConfig(Config):
    NAME = "testing"

    def configure(self) -> None:
        self.TESTING = True
        self.JIT_PASSWORD_HASHING = "cheapest"  # noqa: S105 - a parameter profile
        self.SECRET_KEY = self.SECRET_KEY or "testing-only-secret"
        # Tests build many apps in one process; the tests of the heartbeat call a beat themselves.
        self.JIT_SOCKET_HEARTBEAT_SECONDS = 0
        if not os.environ.get("DATABASE_URL"):
            self.SQLALCHEMY_DATABASE_URI = "sqlite://"


class ProductionConfig(Config):
    NAME = "production"

    def configure(self) -> None:
        self.JIT_REQUIRE_2FA = os.environ.get("JIT_REQUIRE_2FA", "1").strip().lower() not in {"0", "false", "no", "off"}
        self.SESSION_COOKIE_SECURE = True
        self.REMEMBER_COOKIE_SECURE = True
        self.PREFERRED_URL_SCHEME = "https"

    def validate(self) -> None:
        problems = []
        if not self.SECRET_KEY:
            problems.append("SECRET_KEY is not set")
        if self.uses_sqlite and not _env_flag("JIT_ALLOW_SQLITE_IN_PRODUCTION"):
            problems.append(
                "DATABASE_URL must name a server database (PostgreSQL); "
                "set JIT_ALLOW_SQLITE_IN_PRODUCTION=1 to run on SQLite anyway"
            )
        if problems:
            raise ConfigurationError("production configuration refused: " + "; ".join(problems))


CONFIGS: dict[str, type[Config]] = {
    cls.NAME: cls for cls in (DevelopmentConfig, TestingConfig, ProductionConfig)
}


def load_config(name: str | None = None, **overrides) -> Config:
    """Build the configuration named by `name`, else by JIT_CONFIG, else development."""
    name = name or os.environ.get("JIT_CONFIG") or "development"
    try:
        cls = CONFIGS[name]
    except KeyError:
        raise ConfigurationError(f"unknown JIT_CONFIG {name!r}; use one of {', '.join(CONFIGS)}") from None
    config = cls(**overrides)
    config.validate()
    return config
