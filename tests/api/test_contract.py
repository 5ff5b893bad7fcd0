"""The API keeps its own contract: schemathesis, with every check, against the OpenAPI document the
app serves, on both backends, as an ordinary group member and as the administrator.

The app runs on a loopback port (the `live_server` fixture) with the demo story loaded, so the
fuzzer meets real groups, instructions, tasks, evidence and channels, and follows the document's
links from what it creates or lists to what it reads and changes. Every phase runs (examples,
coverage, fuzzing, stateful), with a bounded and derandomized number of examples: the same
requests on every run, so the test cannot flake and a failure can be replayed.
"""

from __future__ import annotations

import time

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events

from jit import demo

# Examples per operation in the fuzzing phase, and scenarios in the stateful one.
MAX_EXAMPLES = 5
# Who fuzzes: an ordinary member of the Belarusian team (an investigator, head of nothing), and the
# administrator. The coverage phase's requests (each parameter's boundaries and violations) come from
# the document alone, so it runs once, as the administrator, who may do the most; the member fuzzes
# and follows the links to the objects a member sees. This keeps the four runs to a few minutes.
CALLERS = {"s.ivanova": {"coverage": {"enabled": False}}, "admin": {}}

# Requests the document cannot call wrong, since what the service checks is not their shape but
# their relation to other data: these operations may refuse a well-formed request with 422.
# (A list operation's `cursor` is opaque: only one the server issued is valid; those are added below.)
SERVICE_RULES = {
    "GET /api/v1/audit": "`before` later than `after`",
    "POST /api/v1/groups": "a term ends after it starts",
    "PATCH /api/v1/groups/{gid}": "a term ends after it starts",
    "POST /api/v1/groups/{gid}/cases": "a party with a team in the group; its investigator in that team",
    "POST /api/v1/groups/{gid}/members": "a team of the group; a person of its authority",
    "POST /api/v1/groups/{gid}/teams": "an authority of the team's party",
    "PATCH /api/v1/compliance/rules/{rule_id}": "only the parameters the rule declares, each of its type; the version",
    "POST /api/v1/groups/{gid}/instructions": "teams and a case of the group",
    "POST /api/v1/legal-requests": "a known party and authority; a case of the group",
    "PATCH /api/v1/legal-requests/{rid}": "a case of the group; dates in order",
    "POST /api/v1/legal-requests/import": "every row by the register's rules",
    "PUT /api/v1/messages/{mid}/link": "an object of the message's group",
    "GET /api/v1/groups/{gid}/ledger/entries": "`end` after `start`, at most 500 entries",
    "POST /api/v1/evidence/{eid}/custody": "`refers_to` an earlier event; a person of the group",
    "POST /api/v1/groups/{gid}/evaluations": "a team of the group",
    "POST /api/v1/users": "a known time zone name",
    "POST /api/v1/authorities": "a party to the Agreement",
    "POST /api/v1/notifications/read": "`ids` or `all: true`",
    "PUT /api/v1/me/notification-preferences": "known kinds; an address when any is mailed; both ends of the quiet "
                                               "hours, apart",
    "PATCH /api/v1/authorities/{authority_id}": "delisted after it was listed",
    "POST /api/v1/groups/{gid}/documents": "a decision's kind with its own fields; dated no later than today",
    "PATCH /api/v1/users/{user_id}": "a known time zone name; an admin keeps their own admin role",
    "POST /api/v1/me/password": "the caller's current password",
    "POST /api/v1/groups/{gid}/identifiers": "a value passing its kind's check; exactly one record of the group",
    "POST /api/v1/groups/{gid}/identifiers/batch": "each value passing its kind's check, on one record of the group",
    "POST /api/v1/identifiers/{identifier_id}/inquiries": "another group holds it; a case of the group",
    "POST /api/v1/inquiries/{inquiry_id}/decision": "a reason to decline",
}


@pytest.fixture
def app(make_app):
    """The demo story, with limits no fuzz reaches: it must get the same answers at any speed (and
    however many wrong current passwords it sends). Limits are raised, not switched off:
    RATELIMIT_ENABLED=False would stay switched off in the shared limiter for every later app."""
    unreachable = "1000000 per second"
    app = make_app(JIT_LOGIN_RATE_LIMIT=unreachable, JIT_MESSAGE_RATE_LIMIT=unreachable,
                   JIT_CUSTODY_RATE_LIMIT=unreachable, JIT_SIGN_IN_FAILURE_LIMIT=1_000_000)
    with app.app_context():
        demo.load_demo()
    return app


def _may_refuse(names: list[str]) -> dict:
    statuses = ["2xx", "401", "403", "404", "409", "422"]
    return {"include-name": names, "checks": {"positive_data_acceptance": {"expected-statuses": statuses}}}


def fuzz_config(base_url: str, token: str, spec: dict, phases: dict) -> SchemathesisConfig:
    paged = [f"{method.upper()} {path}" for path, item in spec["paths"].items() for method, operation in item.items()
             if method != "parameters" and any(p["name"] == "cursor" for p in operation.get("parameters", []))]
    return SchemathesisConfig.from_dict({
        "seed": 13,
        "base-url": base_url,
        "headers": {"Authorization": f"Bearer {token}"},
        "workers": 1,
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
        "checks": {"enabled": True},
        "phases": {"stateful": {"max-steps": 10}, **phases},
        "operations": [_may_refuse(sorted(SERVICE_RULES)), _may_refuse(paged)],
    })


def _storable_text(case) -> bool:
    """NUL (PostgreSQL's text cannot hold it) and lone surrogates (no UTF-8 text can) are refused
    with 422 in any string, which the document cannot declare for every string field without a
    pattern on each: tests/test_crafted_input.py covers those answers, the fuzz leaves them out."""
    return _no_unstorable_characters([case.path_parameters, case.query, case.body])


def _no_unstorable_characters(value) -> bool:
    if isinstance(value, dict):
        return all(_no_unstorable_characters(key) and _no_unstorable_characters(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return all(_no_unstorable_characters(item) for item in value)
    if isinstance(value, str):
        return "\x00" not in value and not any("\ud800" <= char <= "\udfff" for char in value)
    return True


def _failures(event: events.ScenarioFinished) -> list[str]:
    found = []
    for case_id, checks in event.recorder.checks.items():
        for check in checks:
            if check.status != Status.FAILURE:
                continue
            interaction = event.recorder.interactions.get(case_id)
            response = interaction.response if interaction else None
            answer = f"{response.status_code} {response.content[:300]!r}" if response else "no response"
            found.append(f"{event.recorder.label} [{event.phase.value}] {check.name}: "
                         f"{check.failure_info.failure.title}\n  {check.failure_info.code_sample}\n  -> {answer}")
    return found


@pytest.mark.parametrize("username", CALLERS)
def test_the_api_keeps_its_contract(app, live_server, username):
    client = app.test_client()
    answer = client.post("/api/v1/auth/token", json={"username": username, "password": demo.DEMO_PASSWORD})
    spec = client.get("/api/v1/openapi.json").get_json()
    config = fuzz_config(live_server, answer.get_json()["token"], spec, CALLERS[username])
    schema = schemathesis.openapi.from_dict(spec, config=config)
    # Revoking the fuzzer's own token would end its session; tests/api/test_auth_api.py covers it.
    schema = schema.exclude(method="DELETE", path="/api/v1/auth/token")
    schema.hook("filter_case")(lambda _context, case: _storable_text(case))
    problems, cases, started = [], {}, time.monotonic()
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            cases[event.phase.value] = cases.get(event.phase.value, 0) + len(event.recorder.cases)
            problems += _failures(event)
        elif isinstance(event, events.NonFatalError):
            problems.append(f"{event.label} [{event.phase}]: {event.info.title}: {event.value!r}")
        elif isinstance(event, events.FatalError):
            problems.append(f"fatal: {event.exception!r}")
    print(f"\n{username}: {cases} cases in {time.monotonic() - started:.0f} s")
    assert cases.get("stateful", 0) > 0, "the stateful phase followed no link"
    assert not problems, "\n".join(sorted(set(problems)))
