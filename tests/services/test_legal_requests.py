"""The legal-assistance register called directly, as every door calls it: each authority keeps its own,
outgoing requests carry every Art. 7 content and the fitting instrument, progress needs the version
read, statistics by partner party, and a CSV import that takes all rows or none."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from jit.extensions import db
from jit.models import Instrument, LegalRequest, Party, RequestStatus, User
from jit.services import groups, legal_exchange, legal_requests
from jit.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.groups_support import PURPOSE, TITLE, TODAY
from tests.service_support import audited, person

SENT = date(2025, 3, 1)


def _values(cast, **changes) -> dict:
    return {"direction": "outgoing", "kind": "legal_assistance", "requesting_authority_id": cast.ids["ic_by"],
            "requested_party": "KZ", "requested_authority": "МВД Республики Казахстан", "case_number": "20251640012",
            "persons": [{"name": "Иванов И.И.", "citizenship": "BY"}], "confidential": True,
            "substance": "Допросить свидетеля", "sent_on": SENT, "due_on": date(2025, 5, 1), **changes}


def _register(cast, who: str = "by_legal", **changes) -> LegalRequest:
    return legal_requests.create_request(person(cast, who), **_values(cast, **changes))


def _fields(refusal: pytest.ExceptionInfo) -> set[str]:
    return set(refusal.value.fields)


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(LegalRequest))


def test_an_outgoing_request_is_kept_by_its_authority_with_the_instrument_of_the_treaty_dates(cast):
    with cast.app.app_context():
        request = _register(cast)
        assert (request.keeper_authority_id, request.requesting_party, request.instrument, request.status,
                request.version) == (cast.ids["ic_by"], "BY", Instrument.MINSK, RequestStatus.SENT, 1)
        for code in ("BY", "KZ"):
            db.session.get(Party, code).chisinau_in_force_on = date(2004, 4, 27)
        db.session.commit()
        assert _register(cast).instrument == Instrument.CHISINAU
        assert _register(cast, sent_on=date(2004, 4, 1), due_on=None).instrument == Instrument.MINSK
        assert [(outcome, details) for outcome, details in audited("legal_request.create")] == [
            ("ok", {"direction": "outgoing", "instrument": instrument}) for instrument in ("minsk", "chisinau",
                                                                                          "minsk")]


def test_another_instrument_than_the_fitting_one_needs_a_reason(cast):
    with cast.app.app_context():
        with pytest.raises(Invalid) as refused:
            _register(cast, instrument="chisinau")
        assert _fields(refused) == {"instrument_reason"}
        with pytest.raises(Invalid) as unknown:
            _register(cast, instrument="hague")
        assert _fields(unknown) == {"instrument"}
        chosen = _register(cast, instrument="bilateral", instrument_reason=" Договор 1993 г. ")
        assert (chosen.instrument, chosen.instrument_reason) == (Instrument.BILATERAL, "Договор 1993 г.")


def test_an_outgoing_request_lacking_art7_contents_names_each_and_an_incoming_one_is_kept_as_received(cast):
    with cast.app.app_context():
        with pytest.raises(Invalid) as refused:
            _register(cast, requested_authority="", case_number=None, persons=[{"name": " "}], confidential=None,
                      substance="   ")
        assert _fields(refused) == {"requested_authority", "case_number", "persons", "confidential", "substance"}
        incoming = _register(cast, direction="incoming", substance="", persons=[], requesting_authority_id=cast.ids[
            "mvd_kz"], requested_party="BY")
        assert (incoming.status, incoming.keeper_authority_id, incoming.requesting_party) == (
            RequestStatus.RECEIVED, cast.ids["ic_by"], "KZ")
        assert _count() == 1


def test_dates_kinds_and_parties_are_checked_field_by_field(cast):
    with cast.app.app_context():
        with pytest.raises(Invalid) as refused:
            _register(cast, direction="sideways", kind="favour", requested_party="XX", sent_on=None,
                      requesting_authority_id=99_999, persons="Иванов", case_title="Я" * 301)
        assert _fields(refused) == {"direction", "kind", "requested_party", "sent_on", "requesting_authority_id",
                                    "persons", "case_title"}
        with pytest.raises(Invalid) as dates:
            _register(cast, sent_on=TODAY + timedelta(days=1), due_on=TODAY)
        assert _fields(dates) == {"sent_on", "due_on"}
        with pytest.raises(Invalid) as before_sent:
            _register(cast, received_on=SENT - timedelta(days=1), executed_on=SENT - timedelta(days=1))
        assert _fields(before_sent) == {"received_on", "executed_on"}
        assert _register(cast, executed_on=SENT).status == RequestStatus.EXECUTED


def test_each_authority_keeps_and_sees_only_its_own_register(cast, make_user):
    with cast.app.app_context():
        rid = _register(cast).id
        assert legal_requests.get_request(person(cast, "creator"), rid).id == rid
        with pytest.raises(Invalid) as foreign:
            _register(cast, who="kz_head")
        assert _fields(foreign) == {"requesting_authority_id"}
        for who in ("kz_head", "outsider"):
            for request_id in (rid, 99_999):
                with pytest.raises(NotFound):
                    legal_requests.get_request(person(cast, who), request_id)
                with pytest.raises(NotFound):
                    legal_requests.update_request(person(cast, who), request_id, version=1, status="refused")
            assert legal_requests.list_requests(person(cast, who)).items == []
        no_authority = db.session.get(User, make_user().id)  # an investigator of no authority
        with pytest.raises(Forbidden):
            legal_requests.create_request(no_authority, **_values(cast))
        assert db.session.get(LegalRequest, rid).status == RequestStatus.SENT


def test_progress_needs_the_version_read_and_names_each_wrong_field(cast):
    with cast.app.app_context():
        legal = person(cast, "by_legal")
        rid = _register(cast).id
        with pytest.raises(Invalid) as unversioned:
            legal_requests.update_request(legal, rid, version=None, status="executed")
        assert _fields(unversioned) == {"version"}
        with pytest.raises(Invalid) as refused:
            legal_requests.update_request(legal, rid, version=1, status="lost", executed_on=SENT - timedelta(days=1),
                                          sent_on=TODAY)
        assert _fields(refused) == {"status", "executed_on", "sent_on"}
        done = legal_requests.update_request(legal, rid, version=1, status="executed", executed_on=date(2025, 4, 10))
        assert (done.status, done.executed_on, done.version) == (RequestStatus.EXECUTED, date(2025, 4, 10), 2)
        with pytest.raises(Conflict) as stale:
            legal_requests.update_request(legal, rid, version=1, status="refused")
        assert (stale.value.code, stale.value.fields) == ("conflict", {"version": "2"})
        assert audited("legal_request.update")[2] == ("ok", {"fields": "executed_on,status"})


def test_a_request_links_only_a_group_and_a_case_the_caller_sees(cast):
    with cast.app.app_context():
        creator = person(cast, "creator")
        gid = groups.create_group(creator, title=TITLE, purpose=PURPOSE, place_of_activity="Минск").id
        with pytest.raises(Invalid) as hidden:  # a draft without teams is its creator's alone
            _register(cast, group_id=gid)
        assert _fields(hidden) == {"group_id"}
        with pytest.raises(Invalid) as missing:
            _register(cast, who="creator", group_id=gid, case_id=99_999)
        assert _fields(missing) == {"case_id"}
        linked = _register(cast, who="creator", group_id=gid)
        with pytest.raises(Invalid) as relinked:
            legal_requests.update_request(person(cast, "by_legal"), linked.id, version=1, status="in_progress")
        assert _fields(relinked) == {"group_id"}
        assert db.session.get(LegalRequest, linked.id).group_id == gid


def test_statistics_count_rank_and_flag_partner_parties_with_a_group(cast):
    with cast.app.app_context():
        for party in ("KZ", "RU", "RU", "AM"):
            _register(cast, requested_party=party)
        _register(cast, direction="incoming", requesting_authority_id=cast.ids["mvd_kz"], requested_party="BY",
                  sent_on=date(2025, 4, 2), executed_on=date(2025, 4, 12))
        creator = person(cast, "creator")
        gid = groups.create_group(creator, title=TITLE, purpose=PURPOSE, place_of_activity="Минск").id
        groups.add_team(creator, gid, party="BY", authority_id=cast.ids["ic_by"], national_head_id=cast.ids["by_head"])
        groups.add_team(creator, gid, party="KZ", authority_id=cast.ids["mvd_kz"],
                        national_head_id=cast.ids["kz_head"])
        result = legal_requests.statistics(person(cast, "by_legal"), date_from=date(2025, 3, 1),
                                           date_to=date(2025, 4, 30))
        assert (result["total"], result["overdue"], result["monthly"]) == (5, 4, [
            {"month": "2025-03", "count": 4}, {"month": "2025-04", "count": 1}])
        assert [(row["party"], row["count"], row["share"], row["rank"], row["overdue"],
                 row["median_days_to_execution"], row["group_exists"]) for row in result["by_party"]] == [
            ("KZ", 2, 0.4, 1, 1, 10, True), ("RU", 2, 0.4, 1, 2, None, False), ("AM", 1, 0.2, 3, 1, None, False)]
        assert legal_requests.statistics(person(cast, "by_legal"), direction="incoming")["total"] == 1
        with pytest.raises(Invalid) as backwards:
            legal_requests.statistics(person(cast, "by_legal"), date_from=date(2025, 2, 1), date_to=date(2025, 1, 1))
        assert _fields(backwards) == {"to"}


def test_the_list_filters_and_refuses_unknown_values_by_name(cast):
    with cast.app.app_context():
        legal = person(cast, "by_legal")
        overdue = _register(cast).id
        answered = _register(cast, executed_on=date(2025, 4, 1), requested_party="RU").id
        incoming = _register(cast, direction="incoming", requesting_authority_id=cast.ids["mvd_kz"],
                             requested_party="BY").id

        def listed(**filters) -> list[int]:
            return [request.id for request in legal_requests.list_requests(legal, **filters).items]

        assert listed() == [incoming, answered, overdue]
        assert (listed(direction="outgoing"), listed(status="received"), listed(requested_party="ru")) == (
            [answered, overdue], [incoming], [answered])
        assert listed(overdue=True) == [overdue]
        with pytest.raises(Invalid) as refused:
            listed(direction="sideways", status="lost")
        assert _fields(refused) == {"direction", "status"}


def test_an_import_takes_every_row_or_none_and_an_export_re_imports(cast):
    with cast.app.app_context():
        legal = person(cast, "by_legal")
        _register(cast, case_title="=HYPERLINK(\"x\")")
        exported = legal_exchange.export_csv(legal)
        header, row = exported.removeprefix("\ufeff").splitlines()
        assert ',"\'=HYPERLINK(""x"")",' in row  # a formula goes out neutralised
        bad = row.replace("2025-03-01", "2025-13-01")
        with pytest.raises(Invalid) as refused:
            legal_exchange.import_csv(legal, "\n".join([header, row, bad, row.replace(",KZ,", ",XX,")]).encode())
        assert set(refused.value.fields) == {"row 3", "row 4"}
        assert _count() == 1
        for content, why in ((b"\xff\xfe", "not UTF-8"), (b"direction,kind\n", "missing columns"),
                             (header.encode() + b"\n", "no rows")):
            with pytest.raises(Invalid) as unreadable:
                legal_exchange.import_csv(legal, content)
            assert _fields(unreadable) == {"file"}, why
        assert legal_exchange.import_csv(legal, exported.encode()) == 1
        assert [r.case_title for r in db.session.scalars(select(LegalRequest))] == ['=HYPERLINK("x")'] * 2
