"""How long a compliance check takes on a big group: 10,000 tasks and 2,000 instructions (issue 8 asks
for under a second). Builds the group in a scratch SQLite database by bulk insert, then times
`jit.compliance.engine.check_group`. Run: .venv/bin/python bench/compliance.py"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade
from sqlalchemy import insert

from config import PROJECT_ROOT, TestingConfig
from jit import create_app, demo
from jit.compliance import engine
from jit.extensions import db
from jit.models import Instruction, InstructionDocument, InstructionStatus, JointGroup, Task, TaskAssignment
from jit.models.types import utcnow

TASKS, INSTRUCTIONS = 10_000, 2_000


def main() -> None:
    folder = tempfile.mkdtemp(prefix="jit-bench-")
    app = create_app(TestingConfig(SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/bench.sqlite3",
                                   JIT_LEDGER_KEY_FILE=f"{folder}/key.pem", JIT_EVIDENCE_DIR=f"{folder}/files"))
    with app.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
        demo.load_demo()
        group = db.session.get(JointGroup, 1)
        template = group.cases[0]
        by, kz = sorted(group.teams, key=lambda team: team.party_code)
        member = by.current_members[0].user_id
        today = utcnow().date()
        first = db.session.execute(insert(Instruction).returning(Instruction.id), [
            {"group_id": group.id, "from_team_id": by.id, "to_team_id": kz.id, "case_id": template.id,
             "actions": ["Допрос"], "body": "Прошу", "due_on": today + timedelta(days=i % 60 - 20),
             "status": InstructionStatus.IN_PROGRESS, "created_by_id": member, "version": 1}
            for i in range(INSTRUCTIONS)]).scalars().all()
        db.session.execute(insert(InstructionDocument), [
            {"instruction_id": iid, "title": "Постановление", "certified": True, "is_sanction": False,
             "file_name": "p.pdf", "file_sha256": "0" * 64, "file_size": 1, "added_by_id": member} for iid in first])
        task_ids = db.session.execute(insert(Task).returning(Task.id), [
            {"group_id": group.id, "title": f"Задача {i}", "description": "", "case_id": template.id,
             "instruction_id": first[i % len(first)] if i % 3 == 0 else None, "created_by_id": member,
             "version": 1} for i in range(TASKS)]).scalars().all()
        db.session.execute(insert(TaskAssignment), [{"task_id": tid, "user_id": member} for tid in task_ids])
        db.session.commit()
        group = db.session.get(JointGroup, group.id)
        timings = []
        for _ in range(3):
            db.session.expire_all()
            started = time.perf_counter()
            findings = engine.check_group(db.session.get(JointGroup, group.id), today)
            timings.append(time.perf_counter() - started)
        print(f"compliance check of a group with {TASKS} tasks and {INSTRUCTIONS} instructions (SQLite): "
              f"best {min(timings):.3f} s, worst {max(timings):.3f} s, {len(findings)} findings")


if __name__ == "__main__":
    main()
