"""Configuration from the environment (API.md "Operations")."""

from __future__ import annotations

import pytest

from config import ConfigurationError, load_config

POSTGRES = "postgresql+psycopg://jit@db.internal/jit"


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("DATABASE_URL", "SECRET_KEY", "JIT_EVIDENCE_DIR", "SOCKETIO_MESSAGE_QUEUE", "JIT_CONFIG",
                 "JIT_MAX_UPLOAD_BYTES", "JIT_LOGIN_RATE_LIMIT", "JIT_ALLOW_SQLITE_IN_PRODUCTION", "SOCKETIO_CHANNEL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_environment_variables_are_read(clean_env):
    clean_env.setenv("DATABASE_URL", POSTGRES)
    clean_env.setenv("SECRET_KEY", "k" * 40)
    clean_env.setenv("JIT_EVIDENCE_DIR", "/srv/evidence")
    clean_env.setenv("SOCKETIO_MESSAGE_QUEUE", "redis://cache:6379/0")
    clean_env.setenv("SOCKETIO_CHANNEL", "jit-minsk")
    clean_env.setenv("JIT_MAX_UPLOAD_BYTES", "1048576")
    clean_env.setenv("JIT_LOGIN_RATE_LIMIT", "5 per minute")
    clean_env.setenv("JIT_CONFIG", "production")
    config = load_config()
    assert config.NAME == "production"
    assert config.SQLALCHEMY_DATABASE_URI == POSTGRES
    assert config.JIT_EVIDENCE_DIR == "/srv/evidence"
    assert config.SOCKETIO_MESSAGE_QUEUE == "redis://cache:6379/0"
    assert config.RATELIMIT_STORAGE_URI == "redis://cache:6379/0"
    assert config.SOCKETIO_CHANNEL == "jit-minsk"
    assert config.JIT_MAX_UPLOAD_BYTES == 1048576
    assert config.JIT_LOGIN_RATE_LIMIT == "5 per minute"
    assert config.SESSION_COOKIE_SECURE is True


def test_development_defaults_to_embedded_sqlite_and_in_process_sockets(clean_env):
    config = load_config("development")
    assert config.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///")
    assert config.SQLALCHEMY_DATABASE_URI.endswith("instance/jit.sqlite3")
    assert config.SOCKETIO_MESSAGE_QUEUE is None
    assert config.SOCKETIO_CHANNEL == "flask-socketio"  # Flask-SocketIO's own default, as before the setting
    assert config.SECRET_KEY


def test_production_refuses_to_start_without_secret_key(clean_env):
    clean_env.setenv("DATABASE_URL", POSTGRES)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        load_config("production")


def test_production_refuses_sqlite_unless_allowed(clean_env):
    clean_env.setenv("SECRET_KEY", "k" * 40)
    with pytest.raises(ConfigurationError, match="DATABASE_URL"):
        load_config("production")
    clean_env.setenv("JIT_ALLOW_SQLITE_IN_PRODUCTION", "1")
    assert load_config("production").uses_sqlite


def test_unknown_configuration_name(clean_env):
    with pytest.raises(ConfigurationError, match="staging"):
        load_config("staging")
