"""Column types shared by the models."""

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every backend.

    SQLite has no time zone type and hands back naive values; this type stores UTC and always
    returns an aware datetime, so comparisons behave the same on SQLite and PostgreSQL.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC time is required")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_values(kinds) -> list[str]:
    """For `Enum(..., values_callable=enum_values)`: store a member's value ("active"), as the
    migrations declare, not SQLAlchemy's default, its name ("ACTIVE")."""
    return [kind.value for kind in kinds]

def _system_clock() -> datetime:
    return datetime.now(UTC)


# Looked up at every call, so tests can move time by replacing it (no sleeping in tests).
_now = _system_clock


def utcnow() -> datetime:
    return _now()
