"""Schemas of groups, their teams, members, documents, transitions and cases (jit/api/groups.py)."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload

from jit.api.schemas.common import AuthorityRefSchema, Integer, PersonSchema, allowed_actions, one_of, page_schema, text
from jit.models import DecisionKind, DocumentKind, GroupStatus, MemberRole
from jit.services.groups import TEXT_LIMITS as GROUP_TEXT_LIMITS
from jit.services.people import PURPOSES


class MemberSchema(ma.Schema):
    user = ma.fields.Nested(PersonSchema)
    role = ma.fields.Enum(MemberRole, by_value=True)
    starts_on = ma.fields.Date()
    ends_on = ma.fields.Date(allow_none=True)


class TeamSchema(ma.Schema):
    id = Integer()
    party = ma.fields.String(attribute="party_code")
    authority = ma.fields.Nested(AuthorityRefSchema)
    national_head = ma.fields.Nested(PersonSchema, allow_none=True)
    members = ma.fields.List(ma.fields.Nested(MemberSchema), attribute="current_members")


class GroupSchema(ma.Schema):
    id = Integer()
    code = ma.fields.String()
    title = ma.fields.String()
    purpose = ma.fields.String()
    place_of_activity = ma.fields.String()
    status = ma.fields.Enum(GroupStatus, by_value=True)
    starts_on = ma.fields.Date(allow_none=True)
    ends_on = ma.fields.Date(allow_none=True)
    head = ma.fields.Nested(PersonSchema, allow_none=True)
    teams = ma.fields.List(ma.fields.Nested(TeamSchema))
    version = Integer()
    allowed_actions = allowed_actions()


class GroupCreateSchema(ma.Schema):
    title = text(GROUP_TEXT_LIMITS["title"], required=True)
    purpose = text(GROUP_TEXT_LIMITS["purpose"], required=True)
    place_of_activity = text(GROUP_TEXT_LIMITS["place_of_activity"], required=True)
    starts_on = ma.fields.Date(load_default=None)
    ends_on = ma.fields.Date(load_default=None)


class GroupUpdateSchema(ma.Schema):
    title = text(GROUP_TEXT_LIMITS["title"])
    purpose = text(GROUP_TEXT_LIMITS["purpose"])
    place_of_activity = text(GROUP_TEXT_LIMITS["place_of_activity"])
    starts_on = ma.fields.Date(allow_none=True)
    ends_on = ma.fields.Date(allow_none=True)
    version = Integer(required=True)


class TeamCreateSchema(ma.Schema):
    party = ma.fields.String(required=True)
    authority_id = Integer(required=True)
    national_head_id = Integer(required=True)


class MemberCreateSchema(ma.Schema):
    user_id = Integer(required=True)
    team_id = Integer(required=True)
    role = ma.fields.String(load_default="member")


class MembershipSchema(MemberSchema):
    team_id = Integer()


class DocumentCreateSchema(ma.Schema):
    kind = one_of(DocumentKind, required=True)
    decision = one_of(DecisionKind, allow_none=True, load_default=None,
                      metadata={"description": "a decision's kind; none for a creation request"})
    party = ma.fields.String(required=True)
    authority_id = Integer(required=True)
    reference = text(required=True)
    dated = ma.fields.Date(required=True)
    signed_by = text(required=True)
    head_id = Integer(allow_none=True, load_default=None)
    new_end = ma.fields.Date(allow_none=True, load_default=None)


class DocumentFileSchema(ma.Schema):
    file = Upload(required=True)


class DocumentSchema(ma.Schema):
    id = Integer()
    kind = ma.fields.Enum(DocumentKind, by_value=True)
    decision = ma.fields.Enum(DecisionKind, by_value=True, allow_none=True)
    party = ma.fields.String(attribute="party_code")
    authority = ma.fields.Nested(AuthorityRefSchema)
    reference = ma.fields.String()
    dated = ma.fields.Date()
    signed_by = ma.fields.String()
    head_id = Integer(allow_none=True)
    new_end = ma.fields.Date(allow_none=True)
    file_name = ma.fields.String(allow_none=True)
    file_sha256 = ma.fields.String(allow_none=True)
    file_size = Integer(allow_none=True, metadata={"format": "int64"})


class TransitionSchema(ma.Schema):
    to = one_of(GroupStatus, required=True)
    reason = ma.fields.String(load_default=None)
    version = Integer(required=True)


class CaseCreateSchema(ma.Schema):
    party = ma.fields.String(required=True)
    number = ma.fields.String(required=True)
    opened_on = ma.fields.Date(required=True)
    articles = ma.fields.String(required=True)
    summary = ma.fields.String(required=True)
    handling_investigator_id = Integer(required=True)


class CaseSchema(ma.Schema):
    id = Integer()
    party = ma.fields.String(attribute="party_code")
    number = ma.fields.String()
    opened_on = ma.fields.Date()
    articles = ma.fields.String()
    summary = ma.fields.String()
    handling_investigator = ma.fields.Nested(PersonSchema)


class CaseListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CaseSchema))


class GroupEventSchema(ma.Schema):
    at = ma.fields.AwareDateTime()
    kind = ma.fields.String()
    actor = ma.fields.Nested(PersonSchema, allow_none=True)
    details = ma.fields.Dict()


class GroupEventListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(GroupEventSchema))


GroupPageSchema = page_schema(GroupSchema, "GroupPage")


class PeopleArgsSchema(ma.Schema):
    purpose = one_of(PURPOSES, required=True, metadata={"description": "the field the person is chosen for"})
    q = ma.fields.String(load_default="", validate=ma.validate.Length(max=200),
                         metadata={"description": "any part of the full name or the username, in any script"})
    channel_id = Integer(load_default=None, metadata={"description": "for `mention`: the channel (default: general)"})


class TeamBriefSchema(ma.Schema):
    id = Integer()
    party = ma.fields.String(attribute="party_code")


class PersonChoiceSchema(ma.Schema):
    """A person the caller may choose; `team` is the team they are in or (purpose `member`) would join."""

    id = Integer(attribute="user.id")
    full_name = ma.fields.String(attribute="user.full_name")
    username = ma.fields.String(attribute="user.username")
    team = ma.fields.Nested(TeamBriefSchema, allow_none=True)
    authority = ma.fields.Nested(AuthorityRefSchema, allow_none=True)


class PeopleSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PersonChoiceSchema))
