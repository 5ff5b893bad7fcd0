"""The registry service called directly, as every door calls it: every signed-in user reads parties
and Art. 11 authorities, only admins keep them, and each change names what is wrong."""

from __future__ import annotations

from datetime import date

import pytest

from jit.extensions import db
from jit.models import Authority, AuthorityKind, Party, User
from jit.services import registry
from jit.services.errors import Forbidden, Invalid, NotFound, Unauthenticated
from tests import factories
from tests.service_support import audited

NEW = {"party": "by", "name_en": "  Investigative Committee ", "name_ru": " Следственный комитет ",
       "kind": "central", "listed_on": date(2017, 3, 1)}


@pytest.fixture
def people(app, make_user) -> dict[str, int]:
    return {"admin": make_user(roles=("admin",)).id, "investigator": make_user().id}


def _user(people, name: str) -> User:
    return db.session.get(User, people[name])


def test_admins_keep_the_registry_and_only_admins_are_offered_its_forms(app, people):
    with app.app_context():
        assert registry.require_keeper(_user(people, "admin")).id == people["admin"]
        with pytest.raises(Forbidden):
            registry.require_keeper(_user(people, "investigator"))
        with pytest.raises(Unauthenticated):
            registry.require_keeper(None)
        assert [registry.may_keep(who) for who in (_user(people, "admin"), _user(people, "investigator"), None)] == [
            True, False, False]


def test_any_signed_in_user_reads_the_registry_and_no_one_else(app, people):
    with app.app_context():
        investigator = _user(people, "investigator")
        assert [party.code for party in registry.list_parties(investigator).items] == [
            "AM", "AZ", "BY", "KG", "KZ", "MD", "RU", "TJ", "TM", "UZ"]
        central = factories.create_authority("BY", AuthorityKind.CENTRAL).id
        factories.create_authority("BY", AuthorityKind.COMPETENT)
        factories.create_authority("KZ", AuthorityKind.CENTRAL)
        assert [a.id for a in registry.list_authorities(investigator, party="by", kind=AuthorityKind.CENTRAL)
                .items] == [central]
        assert registry.get_authority(investigator, central).id == central
        with pytest.raises(NotFound):
            registry.get_authority(investigator, 99_999)
        for read in (registry.list_parties, registry.list_authorities, lambda actor: registry.get_authority(
                actor, central)):
            with pytest.raises(Unauthenticated):
                read(None)


def test_only_admins_change_treaty_dates_and_an_argument_left_out_is_left_as_it_was(app, people):
    with app.app_context():
        with pytest.raises(Forbidden):
            registry.update_party(_user(people, "investigator"), "KZ", chisinau_in_force_on=date(2004, 1, 1))
        assert db.session.get(Party, "KZ").chisinau_in_force_on is None
        with pytest.raises(NotFound):
            registry.update_party(_user(people, "admin"), "XX", chisinau_in_force_on=None)
        admin = _user(people, "admin")
        registry.update_party(admin, "kz", chisinau_in_force_on=date(2004, 4, 27),
                              agreement_2015_in_force_on=date(2016, 1, 1))
        registry.update_party(admin, "KZ", agreement_2015_in_force_on=None)
        kz = db.session.get(Party, "KZ")
        assert (kz.chisinau_in_force_on, kz.agreement_2015_in_force_on) == (date(2004, 4, 27), None)
        assert [(outcome, details) for outcome, details in audited("party.update")] == [
            ("denied", {"code": "forbidden"}), ("denied", {"code": "not_found"}),
            ("ok", {"chisinau_in_force_on": "2004-04-27", "agreement_2015_in_force_on": "2016-01-01"}),
            ("ok", {"agreement_2015_in_force_on": None})]


def test_a_new_authority_names_each_wrong_field(app, people):
    with app.app_context():
        admin = _user(people, "admin")
        with pytest.raises(Forbidden):
            registry.create_authority(_user(people, "investigator"), **NEW)
        with pytest.raises(Invalid) as refused:
            registry.create_authority(admin, party="XX", name_en=" ", name_ru="Я" * 301, kind="supreme",
                                      listed_on="2017-03-01")
        assert set(refused.value.fields) == {"party", "name_en", "name_ru", "kind", "listed_on"}
        created = registry.create_authority(admin, **NEW)
        assert (created.party_code, created.name_en, created.name_ru, created.kind, created.delisted_on) == (
            "BY", "Investigative Committee", "Следственный комитет", AuthorityKind.CENTRAL, None)
        assert db.session.query(Authority).count() == 1
        assert audited("authority.create")[-1] == ("ok", {"party": "BY", "kind": "central"})


def test_an_authority_leaves_the_list_only_after_it_joined_it(app, people):
    with app.app_context():
        admin = _user(people, "admin")
        authority_id = registry.create_authority(admin, **NEW).id
        for delisted_on in (date(2017, 3, 1), date(2016, 1, 1)):
            with pytest.raises(Invalid) as refused:
                registry.update_authority(admin, authority_id, delisted_on=delisted_on, name_en=" ")
            assert set(refused.value.fields) == {"delisted_on", "name_en"}
        with pytest.raises(NotFound):
            registry.update_authority(admin, 99_999, name_en="x")
        with pytest.raises(Forbidden):
            registry.update_authority(_user(people, "investigator"), authority_id, delisted_on=date(2020, 1, 1))
        updated = registry.update_authority(admin, authority_id, delisted_on=date(2020, 1, 1), name_ru=" СК РБ ")
        assert (updated.delisted_on, updated.name_ru, updated.name_en) == (
            date(2020, 1, 1), "СК РБ", "Investigative Committee")
        assert registry.update_authority(admin, authority_id, delisted_on=None).delisted_on is None


def test_the_overview_counts_what_is_listed_today_for_admins_only(app, people):
    with app.app_context():
        factories.create_authority("BY", AuthorityKind.CENTRAL)
        factories.create_authority("KZ", listed_on=date(2015, 1, 1), delisted_on=date(2019, 1, 1))
        factories.create_authority("KZ", listed_on=date(2999, 1, 1))
        with pytest.raises(Forbidden):
            registry.overview(_user(people, "investigator"))
        assert registry.overview(_user(people, "admin")) == {
            "parties": 10, "authorities": 1, "users": 2, "users_without_second_factor": 2}
