"""The migrations build the schema the models describe, on every backend."""

from __future__ import annotations

import os
import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select, text

from config import PROJECT_ROOT
from jit.extensions import db
from jit.models import Party
from jit.search import index
from tests.conftest import table_names


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        # Each back end's full-text index is made by the migration only (jit/search/index.py).
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_name": lambda name, kind, parent: not index.outside_models(name)})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_cis_parties_are_loaded_with_both_names(app_context):
    parties = {party.code: party for party in db.session.scalars(select(Party))}
    assert sorted(parties) == ["AM", "AZ", "BY", "KG", "KZ", "MD", "RU", "TJ", "TM", "UZ"]
    assert parties["KZ"].name_en == "Republic of Kazakhstan"
    assert parties["KZ"].name_ru == "Республика Казахстан"
    assert parties["RU"].chisinau_in_force_on.isoformat() == "2023-06-28"
    assert all(party.name_en and party.name_ru for party in parties.values())


def _flask(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "JIT_CONFIG": "testing"}
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def test_db_upgrade_command_is_safe_to_run_twice(scratch_database_url):
    first = _flask(scratch_database_url, "db", "upgrade")
    assert first.returncode == 0, first.stderr
    second = _flask(scratch_database_url, "db", "upgrade")
    assert second.returncode == 0, second.stderr
    assert {"parties", "authorities", "users", "user_roles", "api_tokens"} <= table_names(scratch_database_url)
    engine = create_engine(scratch_database_url)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM parties")) == 10
    engine.dispose()


def test_downgrade_to_base_and_back(scratch_database_url):
    assert _flask(scratch_database_url, "db", "upgrade").returncode == 0
    down = _flask(scratch_database_url, "db", "downgrade", "base")
    assert down.returncode == 0, down.stderr
    assert table_names(scratch_database_url) <= {"alembic_version"}
    up = _flask(scratch_database_url, "db", "upgrade")
    assert up.returncode == 0, up.stderr


def test_custody_migration_upgrades_a_database_holding_evidence(scratch_database_url, tmp_path):
    """0012_custody on a database with items, files and a consent: the column is added in place
    (on SQLite a table copy would be refused by the rows referring to it), and the chain still
    verifies after going down to 0009 and up again (the consent is ledgered once)."""
    from flask_migrate import downgrade, upgrade

    from jit import create_app
    from jit.services import evidence as evidence_service
    from tests.conftest import MIGRATIONS_DIR, make_config
    from tests.evidence_support import evidence_group, register, upload
    from tests.groups_support import make_cast

    app = create_app(make_config(scratch_database_url, JIT_EVIDENCE_DIR=str(tmp_path / "evidence")))
    try:
        with app.app_context():
            upgrade(directory=MIGRATIONS_DIR)
        cast = make_cast(app)
        setting = evidence_group(cast)
        eid = register(cast, setting, use_conditions="Только для дела").get_json()["id"]
        assert upload(cast, eid, b"disk image").status_code == 201
        consent = cast.api.post(f"/api/v1/evidence/{eid}/consents", json={"reference": "№ 1", "dated": "2025-11-20"},
                                headers=cast.headers["kz_head"])
        assert consent.status_code == 201, consent.get_json()
        with app.app_context():
            db.session.remove()
            downgrade(directory=MIGRATIONS_DIR, revision="0009_socket_servers")
            upgrade(directory=MIGRATIONS_DIR)
            result = evidence_service.verify_chains(setting["gid"])
            assert (result.ok, result.problem, result.checked) == (True, None, 3)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_subject_migration_fills_existing_instructions_with_their_first_action(scratch_database_url, tmp_path):
    """0013_instruction_subject on a database holding instructions: the column is added in place and
    each instruction's subject becomes its first action, trimmed to the column's 200 characters."""
    from flask_migrate import downgrade, upgrade

    from jit import create_app
    from tests.conftest import MIGRATIONS_DIR, make_config
    from tests.groups_support import activate_with_case, make_cast

    app = create_app(make_config(scratch_database_url, JIT_EVIDENCE_DIR=str(tmp_path / "evidence")))
    try:
        with app.app_context():
            upgrade(directory=MIGRATIONS_DIR)
        cast = make_cast(app)
        group, teams, case_id = activate_with_case(cast)
        long_action = "Допросить свидетеля " * 15
        made = [cast.api.post(f"/api/v1/groups/{group['id']}/instructions", json={
            "from_team_id": teams["BY"], "to_team_id": teams["KZ"], "case_id": case_id, "due_on": "2099-01-01",
            "subject": "Своя тема", "actions": actions, "body": "Прошу"}, headers=cast.headers["by_head"])
            for actions in (["  Осмотр сервера  ", "Выемка"], [long_action])]
        assert [response.status_code for response in made] == [201, 201]
        with app.app_context():
            db.session.remove()
            downgrade(directory=MIGRATIONS_DIR, revision="0012_custody")
            upgrade(directory=MIGRATIONS_DIR)
            subjects = db.session.execute(text("SELECT subject FROM instructions ORDER BY id")).scalars().all()
        assert subjects == ["Осмотр сервера", long_action.strip()[:200]]
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
