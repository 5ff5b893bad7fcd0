"""The group scope module: a leaf among the services (so the services that use it form no import
cycle with the group service), and its helpers: the member set, the version check, today."""

from __future__ import annotations

import ast
import subprocess
import sys
from datetime import timedelta
from types import SimpleNamespace

import pytest

from config import PROJECT_ROOT
from jit.extensions import db
from jit.models import JointGroup, MemberRole, Membership
from jit.models import types as model_types
from jit.services import scope
from jit.services.errors import Conflict, Invalid
from tests.groups_support import activate

ALLOWED = {"jit.services.authz", "jit.services.audit", "jit.services.errors", "jit.services.pagination"}


def _imported_services(path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module == "jit.services":
            names |= {f"jit.services.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return {name for name in names if name.startswith("jit.services.")}


def test_scope_imports_no_other_service():
    imported = _imported_services(PROJECT_ROOT / "jit" / "services" / "scope.py")
    assert imported, "the import walk found nothing"
    assert imported <= ALLOWED


@pytest.mark.parametrize("module", ["tasks", "channels", "evidence", "instructions", "groups"])
def test_each_service_imports_first_in_a_fresh_interpreter(module):
    # `from … import` of a module still half-initialised is what an import cycle breaks.
    code = f"from jit.services.{module} import __name__ as loaded; import jit.services.groups; print(loaded)"
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"jit.services.{module}"


@pytest.mark.parametrize("module", ["tasks", "channels", "evidence", "instructions", "evaluations", "compliance"])
def test_the_group_users_need_only_the_scope(module):
    package = PROJECT_ROOT / "jit" / "services" / module
    for path in sorted(package.glob("*.py")) if package.is_dir() else [package.with_suffix(".py")]:
        assert "jit.services.groups" not in _imported_services(path), path


def test_the_member_set_is_the_current_members_of_every_team(cast):
    gid = activate(cast)["id"]
    with cast.app.app_context():
        group = db.session.get(JointGroup, gid)
        members = scope.current_members(group)
        assert set(members) == {cast.ids["by_head"], cast.ids["kz_head"]}
        assert all(isinstance(m, Membership) and m.role == MemberRole.NATIONAL_HEAD for m in members.values())
        members[cast.ids["kz_head"]].ends_on = scope.today()
        db.session.flush()
        db.session.expire(group)
        assert set(scope.current_members(group)) == {cast.ids["by_head"]}
        assert scope.audience(group) == {cast.ids["by_head"], cast.ids["creator"]}
        db.session.rollback()


def test_the_version_check():
    record = SimpleNamespace(version=3)
    scope.check_version(record, 3, "task")
    with pytest.raises(Invalid) as missing:
        scope.check_version(record, None, "task")
    assert list(missing.value.fields) == ["version"]
    with pytest.raises(Conflict) as stale:
        scope.check_version(record, 2, "task")
    assert stale.value.fields == {"version": "3"}
    assert "The task was changed meanwhile (now version 3)" in str(stale.value.message)


def test_today_is_the_platforms_date(monkeypatch):
    moment = model_types.utcnow() + timedelta(days=40)
    monkeypatch.setattr(model_types, "_now", lambda: moment)
    assert scope.today() == moment.date()
