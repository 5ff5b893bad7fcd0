"""Accounts, their platform-wide roles, and API tokens."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Enum, ForeignKey, Index, Integer, String
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jit.extensions import db
from jit.models.registry import Authority
from jit.models.types import UTCDateTime, enum_values, utcnow


class Role(enum.StrEnum):
    """Platform-wide roles; what a user may do inside a group comes from membership."""

    ADMIN = "admin"
    LEGAL_OFFICER = "legal_officer"
    INVESTIGATOR = "investigator"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("authorities.id"), index=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set by an admin's password reset: the account may do nothing but choose a new password.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Second factor (TOTP, RFC 6238): the shared secret once enrolment is confirmed.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)  # refuses a code used twice
    # The secret being set up, kept here (not in the readable cookie) until a code confirms it.
    totp_pending_secret: Mapped[str | None] = mapped_column(String(64))

    authority: Mapped[Authority | None] = relationship()
    recovery_codes: Mapped[list[RecoveryCode]] = relationship(back_populates="user", cascade="all, delete-orphan")
    previous_passwords: Mapped[list[PreviousPassword]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="PreviousPassword.id.desc()"
    )
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> list[str]:
        return sorted(row.role.value for row in self.role_rows)

    def has_role(self, role: Role) -> bool:
        return any(row.role == role for row in self.role_rows)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def has_second_factor(self) -> bool:
        return self.totp_enabled_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(
        Enum(Role, name="platform_role", values_callable=enum_values),
        primary_key=True,
    )

    user: Mapped[User] = relationship(back_populates="role_rows")


class RecoveryCode(db.Model):
    """A one-time code that stands in for the second factor; only its hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="recovery_codes")


class UserSession(db.Model):
    """A browser session, kept on the server so that it can be ended for every copy of its cookie.
    The cookie holds a random key; only its SHA-256 is stored."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # the last activity
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # signed_out, idle, expired, revoked (all of an account's sessions ended), deactivated
    end_reason: Mapped[str | None] = mapped_column(String(16))

    user: Mapped[User] = relationship()


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored, the plain value is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def is_valid_at(self, moment: datetime) -> bool:
        return self.revoked_at is None and moment < self.expires_at


class PreviousPassword(db.Model):
    """The hash of a password the account used before, so that a new one cannot repeat it."""

    __tablename__ = "previous_passwords"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    retired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="previous_passwords")


class SignInFailure(db.Model):
    """A failed sign-in (password or code), counted per username and per (username, address)
    whether or not the username exists (jit/services/sign_in.py, "Throttling sign-in")."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (Index("ix_sign_in_failures_username_key_failed_at", "username_key", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username_key: Mapped[str] = mapped_column(String(64))  # SHA-256 of the username as typed
    source_address: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class KnownSignInAddress(db.Model):
    """An address the account last signed in from successfully, and when: failures from other
    addresses cannot throttle the account there."""

    __tablename__ = "known_sign_in_addresses"

    username_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    source_address: Mapped[str] = mapped_column(String(64), primary_key=True)
    signed_in_at: Mapped[datetime] = mapped_column(UTCDateTime)
