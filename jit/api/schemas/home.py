"""Schemas of the caller's overview (jit/api/home.py): the same figures as the home page."""

from __future__ import annotations

import marshmallow as ma

from jit.api.schemas.common import Integer, PersonSchema


class WaitingSchema(ma.Schema):
    instructions = ma.fields.Function(lambda work: len(work.instructions), metadata={
        "type": "integer", "description": "instructions waiting on the caller or their team (as listed by My work)"})
    tasks = ma.fields.Function(lambda work: len(work.tasks), metadata={
        "type": "integer", "description": "open tasks assigned to the caller"})
    overdue_led = ma.fields.Function(lambda work: len(work.late_instructions) + len(work.late_tasks), metadata={
        "type": "integer",
        "description": "overdue instructions and tasks in the groups the caller heads and the teams they lead"})


class OverdueSchema(ma.Schema):
    team_id = ma.fields.Function(lambda overdue: overdue.team.id if overdue.team else None, metadata={
        "type": "integer", "nullable": True,
        "description": "null: the whole group (for its head); else one team the caller leads"})
    party = ma.fields.Function(lambda overdue: overdue.team.party_code if overdue.team else None,
                               metadata={"type": "string", "nullable": True})
    instructions = Integer(metadata={"description": "overdue instructions (addressed to the team): what the group's "
                                                    "instruction page lists with ?overdue=1 (&to_team=)"})
    tasks = Integer(metadata={"description": "overdue tasks (set for the team): what the group's task board lists "
                                             "with ?overdue=1 (&team=)"})


class GroupGlanceSchema(ma.Schema):
    id = Integer(attribute="group.id")
    code = ma.fields.String(attribute="group.code")
    title = ma.fields.String(attribute="group.title")
    status = ma.fields.String(attribute="group.status.value")
    ends_on = ma.fields.Date(attribute="group.ends_on", allow_none=True)
    days_left = Integer(allow_none=True, metadata={"description": "negative once the term ended; null when the "
                                                                  "group has no end date or is closed"})
    term_ending = ma.fields.Boolean(metadata={"description": "within the last 30 days of the term"})
    past_term = Integer(allow_none=True, metadata={"description": "days past the term (null: not past it)"})
    findings = ma.fields.Dict(keys=ma.fields.String(), values=Integer(), metadata={
        "description": "open compliance findings by severity"})
    by_rule = ma.fields.Dict(keys=ma.fields.String(), values=Integer(), metadata={
        "description": "open findings by rule (legal officers and admins; empty for the others)"})
    overdue = ma.fields.List(ma.fields.Nested(OverdueSchema))


class ActivitySchema(ma.Schema):
    group_id = Integer()
    kind = ma.fields.String()
    at = ma.fields.AwareDateTime()
    actor = ma.fields.Nested(PersonSchema, allow_none=True)


class HomeSchema(ma.Schema):
    waiting = ma.fields.Nested(WaitingSchema, attribute="work")
    groups = ma.fields.List(ma.fields.Nested(GroupGlanceSchema))
    activity = ma.fields.List(ma.fields.Nested(ActivitySchema), metadata={
        "description": "the latest events of the caller's groups' timelines, newest first"})
