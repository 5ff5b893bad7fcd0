"""Issue 15, item 4: every operation the platform records, and every detail it notes, has words for
the audit page; a new `use_case("...")` without a label fails here before it reaches the trail."""

from __future__ import annotations

import ast
from pathlib import Path

from jit.services import operations

SOURCE = Path(__file__).resolve().parents[2] / "jit"
# Arguments of `note`/`record_event` that are columns of the event, not details.
COLUMNS = {"actor", "outcome", "object_type", "object_id", "group_id"}


def _calls(*names: str):
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                called = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if called in names:
                    yield node


def _recorded_operations() -> tuple[set[str], list[str]]:
    """The literal operation names written in jit/, and the leading parts of computed ones."""
    names, prefixes = set(), []
    for call in _calls("use_case", "record_event"):
        first = call.args[0] if call.args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            names.add(first.value)
        elif isinstance(first, ast.JoinedStr):
            prefixes.append(first.values[0].value)
    return names, prefixes


def test_every_operation_the_platform_records_has_a_label():
    names, prefixes = _recorded_operations()
    assert len(names) > 100  # the scan really found the use cases
    assert sorted(names - set(operations.OPERATIONS)) == []
    assert prefixes == [operations.REQUEST_PREFIX]  # only the door's "http.<endpoint>" is computed


def test_no_label_stands_for_an_operation_nobody_records():
    names, _ = _recorded_operations()
    assert sorted(set(operations.OPERATIONS) - names) == []


def test_every_detail_noted_has_a_label():
    keys = {keyword.arg for call in _calls("note", "record_event") for keyword in call.keywords
            if keyword.arg and keyword.arg not in COLUMNS}
    # Details the audit wrapper and the door add themselves (jit/services/audit.py, jit/session.py).
    keys |= {"code", "path", "method", "status"}
    assert sorted(keys - set(operations.DETAILS)) == []


def test_a_request_no_use_case_recorded_is_named_by_its_address(app_context):
    assert operations.label("http.api_auth.me", {"method": "GET", "path": "/api/v1/me"}) == "Request to GET /api/v1/me"
    assert operations.label("socket.connect") == "Connecting to live updates"
