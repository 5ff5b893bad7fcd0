"""The registry: parties to the 2015 Agreement and their authorities (DOMAIN.md)."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Date, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jit.extensions import db
from jit.models.types import enum_values


class Party(db.Model):
    """A state, keyed by its ISO 3166 alpha-2 code; treaty dates may be unknown (None)."""

    __tablename__ = "parties"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_ru: Mapped[str] = mapped_column(String(120))
    agreement_2015_in_force_on: Mapped[date | None] = mapped_column(Date)
    chisinau_in_force_on: Mapped[date | None] = mapped_column(Date)

    authorities: Mapped[list[Authority]] = relationship(back_populates="party")

    def name(self, locale: str) -> str:
        return self.name_ru if locale == "ru" else self.name_en

    def __repr__(self) -> str:
        return f"<Party {self.code}>"


class AuthorityKind(enum.StrEnum):
    """Art. 11: central competent authorities decide; competent authorities investigate."""

    CENTRAL = "central"
    COMPETENT = "competent"


class Authority(db.Model):
    """A state body of one party, on that party's Art. 11 list between listed_on and delisted_on."""

    __tablename__ = "authorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    party_code: Mapped[str] = mapped_column(ForeignKey("parties.code"), index=True)
    name_en: Mapped[str] = mapped_column(String(300))
    name_ru: Mapped[str] = mapped_column(String(300))
    kind: Mapped[AuthorityKind] = mapped_column(
        Enum(AuthorityKind, name="authority_kind", values_callable=enum_values)
    )
    listed_on: Mapped[date] = mapped_column(Date)
    delisted_on: Mapped[date | None] = mapped_column(Date)

    party: Mapped[Party] = relationship(back_populates="authorities")

    def name(self, locale: str) -> str:
        return self.name_ru if locale == "ru" else self.name_en

    def is_listed_on(self, day: date) -> bool:
        return self.listed_on <= day and (self.delisted_on is None or day < self.delisted_on)

    def __repr__(self) -> str:
        return f"<Authority {self.id} {self.party_code} {self.kind.value}>"
