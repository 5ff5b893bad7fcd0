"""The register's CSV exchange: export of the caller's register and import of a whole file, every
row checked as a registration is (`legal_requests.prepare`), all rows or none."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from flask_babel import lazy_gettext as _l

from jit.extensions import db
from jit.models import Direction, LegalRequest, User
from jit.services import authz, legal_requests
from jit.services import values as storable
from jit.services.audit import note, use_case
from jit.services.errors import Invalid

# The CSV's columns, in order; an export re-imports as it is.
CSV_COLUMNS = ["direction", "kind", "requesting_authority_id", "requested_party", "requested_authority",
               "case_number", "case_title", "persons", "representatives", "confidential", "substance", "instrument",
               "instrument_reason", "sent_on", "received_on", "due_on", "executed_on", "status"]
# The export is comma-separated (RFC 4180), UTF-8 with a byte-order mark so that Excel reads the
# Cyrillic right; the import also takes files without the mark, and files a spreadsheet saved back
# with semicolons (Excel's list separator in Russian settings).
CSV_DELIMITERS = (",", ";")
# A cell a spreadsheet would take for a formula (OWASP "CSV injection": = + - @, tab, CR) goes out
# with an apostrophe in front, and so does one that starts with an apostrophe: the import takes
# exactly one off whatever starts with one, giving back the text as it was.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def neutralised(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def restored(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


def _cell(request: LegalRequest, column: str) -> str:
    value = getattr(request, column)
    if column == "persons":
        return json.dumps(value, ensure_ascii=False)
    if column == "confidential":
        return "" if value is None else ("yes" if value else "no")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(getattr(value, "value", value))


@use_case("legal_request.export")
def export_csv(actor: User | None, *, direction: str | None = None) -> str:
    """The caller's register as CSV (comma-separated, UTF-8 with a byte-order mark, header row): the
    columns the import reads, each cell safe to open in a spreadsheet (see FORMULA_STARTS)."""
    actor = authz.require_user(actor)
    note(object_type="legal_request", direction=direction)
    stmt = legal_requests.visible_requests(actor)
    if direction:
        problems: dict = {}
        stmt = stmt.where(LegalRequest.direction == legal_requests.choice(Direction, direction, "direction", problems))
        if problems:
            raise Invalid(fields=problems)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for request in db.session.scalars(stmt.order_by(LegalRequest.id).execution_options(yield_per=1000)):
        writer.writerow([neutralised(_cell(request, column)) for column in CSV_COLUMNS])
    return out.getvalue()


def _parse_row(raw: dict) -> tuple[dict, dict]:
    """A CSV row's strings as the values `legal_requests.prepare` takes, and the cells that could not be read."""
    values, problems = {}, {}
    for column in CSV_COLUMNS:
        text = restored((raw.get(column) or "").strip())
        if column in legal_requests.DATE_FIELDS:
            try:
                values[column] = date.fromisoformat(text) if text else None
            except ValueError:
                problems[column] = _l("Not a date (YYYY-MM-DD): %(value)s.", value=text)
        elif column == "requesting_authority_id":
            number = int(text) if text.isascii() and text.isdigit() and len(text) <= 10 else None
            values[column] = number if number is not None and storable.storable_int(number) else None
            if text and values[column] is None:
                problems[column] = _l("Not an authority id: %(value)s.", value=text[:20])
        elif column == "persons":
            try:
                values[column] = json.loads(text) if text else []
            except (ValueError, RecursionError):
                problems[column] = _l("Not a JSON list of persons.")
        elif column == "confidential":
            values[column] = {"yes": True, "true": True, "no": False, "false": False}.get(text.lower())
        else:
            values[column] = text or None
    # What the database cannot hold (a NUL, persons nested without end) is a bad cell like any other.
    problems.update({name.split(".")[0]: why for name, why in storable.refusals(values).items()
                     if name.split(".")[0] not in problems})
    return values, problems


def _row_report(problems: dict) -> str:
    return "; ".join(f"{name}: {why}" for name, why in problems.items())


@use_case("legal_request.import")
def import_csv(actor: User | None, data: bytes) -> int:
    """Register every row of a CSV (the export's columns, comma- or semicolon-separated, with or
    without a byte-order mark), or none: any bad row refuses the whole file with a report naming each
    bad row (`fields`: "row N" → what is wrong)."""
    actor = legal_requests.require_keeper(actor)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(fields={"file": _l("Not UTF-8 text.")}) from None
    header = text.partition("\n")[0]
    delimiter = max(CSV_DELIMITERS, key=header.count)  # the header holds only names and separators
    try:
        # Read whole first: a cell past the csv module's size limit is a refused file, not a 500.
        reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
        raw_rows = list(reader)
    except csv.Error as error:
        raise Invalid(fields={"file": _l("Not a readable CSV file: %(why)s.", why=str(error))}) from None
    missing = [column for column in CSV_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise Invalid(fields={"file": _l("Missing columns: %(columns)s.", columns=", ".join(missing))})
    registry, rows, report = legal_requests.Registry(), [], {}
    for number, raw in enumerate(raw_rows, start=2):  # row 1 is the header
        values, problems = _parse_row(raw)
        fields, invalid = legal_requests.prepare(actor, values, registry)
        problems.update({name: why for name, why in invalid.items() if name not in problems})
        if problems:
            report[f"row {number}"] = _row_report(problems)
        rows.append(fields)
    if report:
        note(rows=len(rows), bad_rows=len(report))
        raise Invalid(_l("%(n)s of %(total)s rows are not valid; nothing was imported.", n=len(report),
                         total=len(rows)), fields=report)
    if not rows:
        raise Invalid(fields={"file": _l("No rows to import.")})
    db.session.add_all(LegalRequest(**fields, created_by_id=actor.id) for fields in rows)
    db.session.flush()
    note(object_type="legal_request", rows=len(rows))
    return len(rows)
