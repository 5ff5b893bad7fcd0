"""Marshmallow schemas of the API's bodies; the OpenAPI document is built from them."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_smorest.fields import Upload

from jit.models import (
    AuthorityKind,
    DecisionKind,
    DocumentKind,
    GroupStatus,
    InstructionStatus,
    MemberRole,
    RevisionAction,
    Role,
)
from jit.services.accounts import FULL_NAME_MAX_LENGTH
from jit.services.evidence import TEXT_LIMITS as EVIDENCE_TEXT_LIMITS
from jit.services.groups import TEXT_LIMITS as GROUP_TEXT_LIMITS
from jit.services.instructions import BODY_LIMIT as INSTRUCTION_BODY_LIMIT
from jit.services.pagination import DEFAULT_LIMIT, MAX_LIMIT
from jit.services.passwords import MIN_LENGTH as MIN_PASSWORD_LENGTH
from jit.services.registry import NAME_MAX_LENGTH as AUTHORITY_NAME_LIMIT


class Integer(ma.fields.Integer):
    """A whole number: a JSON number with a fraction (2.5, 1e-42) is refused, where marshmallow's
    Integer would truncate it to a value nobody sent. Digits in a query string still parse."""

    def _validated(self, value):
        if isinstance(value, float):
            raise self.make_error("invalid")
        return super()._validated(value)


# What the services accept, declared in the OpenAPI document (the services enforce it, on every door).
SOMETHING_WRITTEN = r"\S"  # text must hold more than spaces


def text(limit: int | None = None, **kwargs) -> ma.fields.String:
    """A text field the service requires to say something, in at most `limit` characters."""
    metadata = {"minLength": 1, "pattern": SOMETHING_WRITTEN, **kwargs.pop("metadata", {})}
    if limit is not None:
        metadata["maxLength"] = limit
    return ma.fields.String(metadata=metadata, **kwargs)


def one_of(values, **kwargs) -> ma.fields.String:
    """A string the service accepts only from `values` (checked there, with its own message)."""
    metadata = {"enum": [str(value) for value in values], **kwargs.pop("metadata", {})}
    return ma.fields.String(metadata=metadata, **kwargs)


class PageArgsSchema(ma.Schema):
    limit = Integer(
        load_default=DEFAULT_LIMIT,
        validate=ma.validate.Range(min=1, max=MAX_LIMIT, error=_l("Must be between {min} and {max}.")),
    )
    cursor = ma.fields.String(load_default=None)


def _localized_name(obj) -> str:
    return obj.name(str(get_locale() or "en"))


class AuthorityRefSchema(ma.Schema):
    id = Integer()
    name = ma.fields.Function(_localized_name)
    party = ma.fields.String(attribute="party_code")


class UserSchema(ma.Schema):
    id = Integer()
    username = ma.fields.String()
    full_name = ma.fields.String()
    authority = ma.fields.Nested(AuthorityRefSchema, allow_none=True)
    roles = ma.fields.List(ma.fields.String())
    locale = ma.fields.String(allow_none=True)
    time_zone = ma.fields.String()
    must_change_password = ma.fields.Boolean(metadata={
        "description": "an admin reset the password: every call but POST /me/password, GET /me and "
                       "DELETE /auth/token answers 403 password_change_required until it is changed"})


class TokenRequestSchema(ma.Schema):
    username = ma.fields.String(required=True)
    password = ma.fields.String(required=True, load_only=True)
    otp = ma.fields.String(load_default=None)


class TokenSchema(ma.Schema):
    token = ma.fields.String()
    expires_at = ma.fields.AwareDateTime()
    user = ma.fields.Nested(UserSchema)


class PartySchema(ma.Schema):
    code = ma.fields.String()
    name_en = ma.fields.String()
    name_ru = ma.fields.String()
    agreement_2015_in_force_on = ma.fields.Date(allow_none=True)
    chisinau_in_force_on = ma.fields.Date(allow_none=True)


class AuthoritySchema(ma.Schema):
    id = Integer()
    party = ma.fields.String(attribute="party_code")
    name_en = ma.fields.String()
    name_ru = ma.fields.String()
    kind = ma.fields.Enum(AuthorityKind, by_value=True)
    listed_on = ma.fields.Date()
    delisted_on = ma.fields.Date(allow_none=True)


class AuthorityFilterSchema(PageArgsSchema):
    party = ma.fields.String(load_default=None)
    kind = ma.fields.Enum(AuthorityKind, by_value=True, load_default=None)


def page_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """`{items: [...], next_cursor}` around `item_schema`."""
    return ma.Schema.from_dict(
        {"items": ma.fields.List(ma.fields.Nested(item_schema)), "next_cursor": ma.fields.String(allow_none=True)},
        name=name,
    )




class PartyUpdateSchema(ma.Schema):
    agreement_2015_in_force_on = ma.fields.Date(allow_none=True)
    chisinau_in_force_on = ma.fields.Date(allow_none=True)


class AuthorityCreateSchema(ma.Schema):
    party = ma.fields.String(required=True)
    name_en = text(AUTHORITY_NAME_LIMIT, required=True)
    name_ru = text(AUTHORITY_NAME_LIMIT, required=True)
    kind = ma.fields.Enum(AuthorityKind, by_value=True, required=True)
    listed_on = ma.fields.Date(required=True)


class AuthorityUpdateSchema(ma.Schema):
    delisted_on = ma.fields.Date(allow_none=True)
    name_en = text(AUTHORITY_NAME_LIMIT)
    name_ru = text(AUTHORITY_NAME_LIMIT)


ROLE_VALUES = [role.value for role in Role]


class AccountSchema(UserSchema):
    """A user as an admin sees it."""

    active = ma.fields.Boolean()
    second_factor = ma.fields.Boolean(attribute="has_second_factor")
    password_changed_at = ma.fields.AwareDateTime(allow_none=True)
    created_at = ma.fields.AwareDateTime()


class PasswordChangeSchema(ma.Schema):
    current_password = ma.fields.String(required=True, load_only=True)
    new_password = ma.fields.String(required=True, load_only=True, metadata={
        "minLength": MIN_PASSWORD_LENGTH,
        "description": "at least 12 characters, not common, repeated or sequential, not one used here before"})


class PasswordResetSchema(ma.Schema):
    user = ma.fields.Nested(AccountSchema)
    temporary_password = ma.fields.String(metadata={
        "description": "shown once; the user must replace it at their next sign-in"})


class UserCreateSchema(ma.Schema):
    username = ma.fields.String(required=True)
    full_name = text(FULL_NAME_MAX_LENGTH, required=True)
    password = ma.fields.String(required=True, load_only=True, metadata={"minLength": MIN_PASSWORD_LENGTH})
    authority_id = Integer(allow_none=True, load_default=None)
    roles = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(ROLE_VALUES)), required=True,
                           metadata={"minItems": 1})
    time_zone = ma.fields.String(load_default="UTC")


class UserUpdateSchema(ma.Schema):
    full_name = text(FULL_NAME_MAX_LENGTH)
    active = ma.fields.Boolean()
    roles = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(ROLE_VALUES)), metadata={"minItems": 1})
    time_zone = ma.fields.String()
    authority_id = Integer()


class AuditEventSchema(ma.Schema):
    id = Integer()
    leaf_index = Integer()
    occurred_at = ma.fields.AwareDateTime()
    time_zone = ma.fields.String()
    user_id = Integer(allow_none=True)
    username = ma.fields.String(allow_none=True)
    operation = ma.fields.String()
    object_type = ma.fields.String(allow_none=True)
    object_id = ma.fields.String(allow_none=True)
    group_id = Integer(allow_none=True)
    outcome = ma.fields.String()
    source_address = ma.fields.String(allow_none=True)
    request_id = ma.fields.String(allow_none=True)
    details = ma.fields.Dict()
    leaf_hash = ma.fields.String()


class AuditFilterSchema(PageArgsSchema):
    user_id = Integer(load_default=None)
    group_id = Integer(load_default=None)
    operation = ma.fields.String(load_default=None)
    after = ma.fields.AwareDateTime(load_default=None)
    before = ma.fields.AwareDateTime(load_default=None)


class CheckpointSchema(ma.Schema):
    ledger = ma.fields.String()
    tree_size = Integer()
    root_hash = ma.fields.String()
    signed_at = ma.fields.String()
    signature = ma.fields.String()
    public_key = ma.fields.String()


class InclusionArgsSchema(ma.Schema):
    leaf_index = Integer(required=True, validate=ma.validate.Range(min=0))
    tree_size = Integer(required=True, validate=ma.validate.Range(min=1))


class InclusionProofSchema(ma.Schema):
    leaf_index = Integer()
    tree_size = Integer()
    leaf_hash = ma.fields.String()
    path = ma.fields.List(ma.fields.String())


class ConsistencyArgsSchema(ma.Schema):
    first = Integer(required=True, validate=ma.validate.Range(min=0))
    second = Integer(required=True, validate=ma.validate.Range(min=0))


class ConsistencyProofSchema(ma.Schema):
    first = Integer()
    second = Integer()
    path = ma.fields.List(ma.fields.String())


UserPageSchema = page_schema(AccountSchema, "UserPage")
AuditPageSchema = page_schema(AuditEventSchema, "AuditPage")
PartyPageSchema = page_schema(PartySchema, "PartyPage")
AuthorityPageSchema = page_schema(AuthoritySchema, "AuthorityPage")


# --- groups --------------------------------------------------------------------------------

class PersonSchema(ma.Schema):
    id = Integer()
    username = ma.fields.String()
    full_name = ma.fields.String()


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


# --- instructions --------------------------------------------------------------------------

class InstructionCreateSchema(ma.Schema):
    from_team_id = Integer(required=True)
    to_team_id = Integer(required=True)
    case_id = Integer(required=True)
    actions = ma.fields.List(ma.fields.String(), required=True)
    due_on = ma.fields.Date(required=True)
    body = text(INSTRUCTION_BODY_LIMIT, required=True)
    needs_sanction = ma.fields.Boolean(load_default=False, metadata={
        "description": "the requesting party's law asks for a sanction: sending then needs a certified one"})


class InstructionDocumentSchema(ma.Schema):
    id = Integer()
    title = ma.fields.String()
    certified = ma.fields.Boolean()
    is_sanction = ma.fields.Boolean()
    file_name = ma.fields.String()
    file_sha256 = ma.fields.String()
    file_size = Integer(metadata={"format": "int64"})


class InstructionResultSchema(ma.Schema):
    id = Integer()
    text = ma.fields.String()
    file_name = ma.fields.String(allow_none=True)
    file_sha256 = ma.fields.String(allow_none=True)
    file_size = Integer(allow_none=True, metadata={"format": "int64"})
    added_at = ma.fields.AwareDateTime()


class InstructionEventSchema(ma.Schema):
    at = ma.fields.AwareDateTime()
    kind = ma.fields.String()
    actor = ma.fields.Nested(PersonSchema, allow_none=True)
    details = ma.fields.Dict()


class TeamRefSchema(ma.Schema):
    id = Integer()
    party = ma.fields.String(attribute="party_code")
    national_head = ma.fields.Nested(PersonSchema, allow_none=True)


class InstructionSchema(ma.Schema):
    id = Integer()
    group_id = Integer()
    status = ma.fields.Enum(InstructionStatus, by_value=True)
    from_team = ma.fields.Nested(TeamRefSchema)
    to_team = ma.fields.Nested(TeamRefSchema)
    case_id = Integer()
    actions = ma.fields.List(ma.fields.String())
    due_on = ma.fields.Date()
    body = ma.fields.String()
    needs_sanction = ma.fields.Boolean()
    refusal_reason = ma.fields.String(allow_none=True)
    documents = ma.fields.List(ma.fields.Nested(InstructionDocumentSchema))
    results = ma.fields.List(ma.fields.Nested(InstructionResultSchema))
    history = ma.fields.List(ma.fields.Nested(InstructionEventSchema))
    version = Integer()


class InstructionFilterSchema(PageArgsSchema):
    status = ma.fields.Enum(InstructionStatus, by_value=True, load_default=None)


class InstructionDocumentFormSchema(ma.Schema):
    file = Upload(required=True)
    title = text(required=True)
    certified = ma.fields.Boolean(load_default=False)
    is_sanction = ma.fields.Boolean(load_default=False)


class InstructionResultFormSchema(ma.Schema):
    text = text(required=True)
    file = Upload(load_default=None)


class InstructionTransitionSchema(ma.Schema):
    to = one_of(InstructionStatus, required=True)
    reason = ma.fields.String(load_default=None, metadata={"description": "required to refuse"})
    version = Integer(required=True)


InstructionPageSchema = page_schema(InstructionSchema, "InstructionPage")


# --- tasks ---------------------------------------------------------------------------------
# Imported here rather than at the top so that this area's schemas stay one block.
from jit.models import TaskPriority, TaskStatus  # noqa: E402
from jit.services.tasks import COMMENT_LIMIT as TASK_COMMENT_LIMIT  # noqa: E402
from jit.services.tasks import TITLE_LIMIT as TASK_TITLE_LIMIT  # noqa: E402
from jit.services.tasks import is_unassigned  # noqa: E402


class TaskFilterSchema(PageArgsSchema):
    status = ma.fields.String(load_default=None, metadata={"enum": [s.value for s in TaskStatus]})
    team_id = Integer(load_default=None)
    assignee_id = Integer(load_default=None)
    case_id = Integer(load_default=None)
    overdue = ma.fields.Boolean(load_default=False, metadata={"description": "due before today and not finished"})


class TaskCreateSchema(ma.Schema):
    title = text(TASK_TITLE_LIMIT, required=True)
    description = ma.fields.String(load_default="")
    assignee_ids = ma.fields.List(Integer(), load_default=list)
    due_on = ma.fields.Date(allow_none=True, load_default=None)
    priority = ma.fields.String(load_default="normal", metadata={"enum": [p.value for p in TaskPriority]})
    instruction_id = Integer(allow_none=True, load_default=None)
    case_id = Integer(allow_none=True, load_default=None)
    allow_past_due = ma.fields.Boolean(load_default=False)


class TaskUpdateSchema(ma.Schema):
    status = ma.fields.String(metadata={"enum": [s.value for s in TaskStatus]})
    title = ma.fields.String()
    description = ma.fields.String()
    assignee_ids = ma.fields.List(Integer())
    due_on = ma.fields.Date()
    priority = ma.fields.String(metadata={"enum": [p.value for p in TaskPriority]})
    blocked_reason = ma.fields.String(metadata={"description": "required when the status becomes blocked"})
    allow_past_due = ma.fields.Boolean()
    version = Integer(required=True)


class TaskCommentSchema(ma.Schema):
    id = Integer()
    author = ma.fields.Nested(PersonSchema)
    body = ma.fields.String()
    created_at = ma.fields.AwareDateTime()


class TaskCommentCreateSchema(ma.Schema):
    body = text(TASK_COMMENT_LIMIT, required=True)


class TaskChangeSchema(ma.Schema):
    at = ma.fields.AwareDateTime()
    actor = ma.fields.Nested(PersonSchema, allow_none=True)
    field = ma.fields.String(metadata={"description": "the changed field, or `created`"})
    old = ma.fields.Dict(metadata={"description": "{field: value before}"})
    new = ma.fields.Dict(metadata={"description": "{field: value after}; all initial values for `created`"})


class TaskSummarySchema(ma.Schema):
    id = Integer()
    group_id = Integer()
    team_id = Integer(allow_none=True)
    title = ma.fields.String()
    description = ma.fields.String()
    status = ma.fields.Enum(TaskStatus, by_value=True)
    blocked_reason = ma.fields.String(allow_none=True)
    assignees = ma.fields.List(ma.fields.Nested(PersonSchema))
    unassigned = ma.fields.Function(is_unassigned, metadata={
        "description": "none of the assignees is still a current member of the group"})
    due_on = ma.fields.Date(allow_none=True)
    priority = ma.fields.Enum(TaskPriority, by_value=True)
    instruction_id = Integer(allow_none=True)
    case_id = Integer(allow_none=True)
    created_by = ma.fields.Nested(PersonSchema)
    created_at = ma.fields.AwareDateTime()
    version = Integer()


class TaskSchema(TaskSummarySchema):
    comments = ma.fields.List(ma.fields.Nested(TaskCommentSchema))
    history = ma.fields.List(ma.fields.Nested(TaskChangeSchema))


TaskPageSchema = page_schema(TaskSummarySchema, "TaskPage")


# --- evidence ------------------------------------------------------------------------------
from jit.models import CustodyType, EvidenceKind, EvidenceStatus  # noqa: E402
from jit.services.evidence import RECORDABLE, consent_designee, may_leave_group, verify_item_chain  # noqa: E402


class EvidenceFileSchema(ma.Schema):
    id = Integer()
    name = ma.fields.String()
    size = Integer(metadata={"format": "int64"})
    sha256 = ma.fields.String()
    uploaded_by = ma.fields.Nested(PersonSchema)
    uploaded_at = ma.fields.AwareDateTime()


class ConsentSchema(ma.Schema):
    id = Integer()
    party = ma.fields.String(attribute="party_code")
    reference = ma.fields.String()
    dated = ma.fields.Date()
    scope = ma.fields.String()
    recorded_by = ma.fields.Nested(PersonSchema)
    recorded_at = ma.fields.AwareDateTime()


class ConsentCreateSchema(ma.Schema):
    reference = ma.fields.String(required=True)
    dated = ma.fields.Date(required=True)
    scope = ma.fields.String(load_default="")


class EvidenceItemSchema(ma.Schema):
    id = Integer()
    group_id = Integer()
    number = ma.fields.String()
    case_id = Integer()
    kind = ma.fields.Enum(EvidenceKind, by_value=True)
    title = ma.fields.String()
    description = ma.fields.String()
    obtained_by = ma.fields.Nested(PersonSchema)
    obtained_at = ma.fields.AwareDateTime()
    obtained_place = ma.fields.String()
    obtained_under = ma.fields.String()
    party = ma.fields.String(attribute="party_code", metadata={"description": "the originating party"})
    team_id = Integer(metadata={"description": "the originating national team"})
    use_conditions = ma.fields.String(allow_none=True)
    may_leave_group = ma.fields.Function(may_leave_group, metadata={
        "description": "AGR-USE: no use conditions, or the originating party's consent is on file"})
    status = ma.fields.Enum(EvidenceStatus, by_value=True)
    custodian = ma.fields.Nested(PersonSchema, allow_none=True, metadata={
        "description": "derived from the custody events; null while the item is outside the group"})
    files = ma.fields.List(ma.fields.Nested(EvidenceFileSchema))
    consents = ma.fields.List(ma.fields.Nested(ConsentSchema))
    consent_designee = ma.fields.Function(
        lambda item: PersonSchema().dump(designee) if (designee := consent_designee(item)) else None,
        allow_none=True, metadata={"description": "the member of the originating team its national head designated "
                                                  "to record the party's consent too (AGR-USE); null: the head only"})
    created_at = ma.fields.AwareDateTime()


class ChainSchema(ma.Schema):
    verified = ma.fields.Boolean(metadata={
        "description": "every event matches its ledger leaf, the chain adds up, and every field shown of the item, "
                       "its events, files and consents is the one the group's ledger holds"})
    problem = ma.fields.String(allow_none=True, metadata={"description": "what does not verify, naming the field"})


class EvidenceItemDetailSchema(EvidenceItemSchema):
    chain = ma.fields.Function(
        lambda item: ChainSchema().dump({"verified": (problem := verify_item_chain(item)) is None,
                                         "problem": problem}),
        metadata={"type": "object", "description": "the item's chain of custody, checked now against the ledger: "
                  "`verified` (bool) and, when not, `problem` naming the field that differs"})


class ConsentDesigneeSchema(ma.Schema):
    user_id = Integer(required=True, allow_none=True, validate=ma.validate.Range(min=1, max=2**31 - 1),
                                metadata={"description": "a current member of the originating team; null: nobody"})


class EvidenceCreateSchema(ma.Schema):
    case_id = Integer(required=True)
    title = text(EVIDENCE_TEXT_LIMITS["title"], required=True)
    description = ma.fields.String(load_default="", metadata={"maxLength": EVIDENCE_TEXT_LIMITS["description"]})
    kind = ma.fields.String(required=True, metadata={"enum": [k.value for k in EvidenceKind]})
    obtained_at = ma.fields.AwareDateTime(required=True)
    obtained_place = text(EVIDENCE_TEXT_LIMITS["obtained_place"], required=True)
    obtained_under = text(EVIDENCE_TEXT_LIMITS["obtained_under"], required=True,
                          metadata={"description": "protocol or decision reference"})
    use_conditions = ma.fields.String(allow_none=True, load_default=None)


class EvidenceFilterSchema(PageArgsSchema):
    case_id = Integer(load_default=None)
    party = ma.fields.String(load_default=None)
    kind = ma.fields.String(load_default=None, metadata={"enum": [k.value for k in EvidenceKind]})
    custodian_id = Integer(load_default=None)


class EvidenceFileFormSchema(ma.Schema):
    place = ma.fields.String(load_default="")
    note = ma.fields.String(load_default="")


class EvidenceFileUploadSchema(EvidenceFileFormSchema):
    file = Upload(required=True)


class RawFileArgsSchema(EvidenceFileFormSchema):
    # What is left of the name once folders and unprintable characters are taken off must not be empty.
    name = text(required=True, metadata={"description": "the file's name (never used as a path)",
                                         "pattern": r"[^\s/\\.\x00-\x1f\x7f-\x9f]"})


class CustodyEventSchema(ma.Schema):
    seq = Integer()
    type = ma.fields.String(metadata={"enum": [t.value for t in CustodyType]})
    actor = ma.fields.Nested(PersonSchema)
    from_ = ma.fields.Nested(PersonSchema, allow_none=True, attribute="from_user", data_key="from")
    to = ma.fields.Nested(PersonSchema, allow_none=True, attribute="to_user")
    to_external = ma.fields.String(allow_none=True)
    at = ma.fields.AwareDateTime()
    time_zone = ma.fields.String()
    place = ma.fields.String()
    note = ma.fields.String()
    sha256s = ma.fields.List(ma.fields.String())
    refers_to = Integer(allow_none=True)
    instruction_id = Integer(allow_none=True)
    verified = ma.fields.Function(lambda event: event.entry.get("verified"), allow_none=True)
    leaf_index = Integer()
    leaf_hash = ma.fields.String()


class CustodyCreateSchema(ma.Schema):
    type = ma.fields.String(required=True, metadata={"enum": sorted(t.value for t in RECORDABLE)})
    to_user_id = Integer(allow_none=True, load_default=None)
    to_external = ma.fields.String(allow_none=True, load_default=None, metadata={
        "description": "a holder outside the group (a court, an expert body), instead of to_user_id"})
    place = ma.fields.String(load_default="")
    note = ma.fields.String(load_default="")
    refers_to = Integer(allow_none=True, load_default=None)
    instruction_id = Integer(allow_none=True, load_default=None)


class VerifyFilesSchema(ma.Schema):
    place = ma.fields.String(load_default="")
    note = ma.fields.String(load_default="")


class CustodyListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CustodyEventSchema))


class EvidenceVerificationSchema(ma.Schema):
    ok = ma.fields.Boolean()
    checked = Integer(metadata={"description": "ledger entries checked"})
    files_checked = Integer()
    problem = ma.fields.String(allow_none=True)
    first_broken_index = Integer(allow_none=True)


class LedgerEntriesArgsSchema(ma.Schema):
    start = Integer(load_default=0, validate=ma.validate.Range(min=0))
    end = Integer(load_default=None, validate=ma.validate.Range(min=0))


class LedgerEntrySchema(ma.Schema):
    leaf_index = Integer()
    entry = ma.fields.Dict()


class LedgerEntriesSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(LedgerEntrySchema))


EvidencePageSchema = page_schema(EvidenceItemSchema, "EvidencePage")


# --- channels ------------------------------------------------------------------------------
from jit.services.channels import CLIENT_ID_LIMIT  # noqa: E402
from jit.services.channels import NAME_LIMIT as CHANNEL_NAME_LIMIT  # noqa: E402

TIME = {"format": "date-time"}


class ChannelSchema(ma.Schema):
    id = Integer()
    name = ma.fields.String()
    kind = ma.fields.String(metadata={"enum": ["general", "team", "custom"]})
    team_id = Integer(allow_none=True)
    last_seq = Integer(metadata={"description": "the sequence number of the channel's latest message"})
    last_read_seq = Integer(metadata={"description": "how far the caller has read"})
    unread = Integer(metadata={"description": "others' messages after the caller's read position"})


class ChannelListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ChannelSchema))


class ChannelCreateSchema(ma.Schema):
    name = text(CHANNEL_NAME_LIMIT, required=True)
    member_ids = ma.fields.List(Integer(), load_default=list)


class ChannelMemberCreateSchema(ma.Schema):
    user_id = Integer(required=True)


class PersonListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PersonSchema))


class LinkSchema(ma.Schema):
    type = ma.fields.String(metadata={"enum": ["task", "instruction", "evidence_item"]})
    id = Integer()


class MessageSchema(ma.Schema):
    """Dumped from `channels.message_payload`, the same shape the sockets send."""

    id = Integer()
    channel_id = Integer()
    seq = Integer(metadata={"description": "the message's number in its channel, from 1, no gaps"})
    author = ma.fields.Nested(PersonSchema)
    body = ma.fields.String(allow_none=True, metadata={"description": "null once deleted"})
    created_at = ma.fields.String(metadata=TIME)
    edited_at = ma.fields.String(allow_none=True, metadata=TIME)
    deleted = ma.fields.Boolean()
    link = ma.fields.Nested(LinkSchema, allow_none=True)


MessagePageSchema = page_schema(MessageSchema, "MessagePage")


class MessageFilterSchema(PageArgsSchema):
    after_seq = Integer(load_default=None, validate=ma.validate.Range(min=0), metadata={
        "description": "only messages after this number, oldest first; without it, newest first"})


class MessageCreateSchema(ma.Schema):
    body = text(required=True, metadata={"description": "at most JIT_MAX_MESSAGE_CHARS characters"})
    client_msg_id = ma.fields.String(load_default=None, validate=ma.validate.Length(max=CLIENT_ID_LIMIT), metadata={
        "description": "the client's id for this message: a repeated send returns the first message"})


class MessageEditSchema(ma.Schema):
    body = text(required=True, metadata={"description": "at most JIT_MAX_MESSAGE_CHARS characters"})


class MessageRevisionSchema(ma.Schema):
    action = ma.fields.Enum(RevisionAction, by_value=True)
    previous_body = ma.fields.String()
    edited_by = ma.fields.Nested(PersonSchema)
    at = ma.fields.AwareDateTime()


class MessageHistorySchema(ma.Schema):
    message = ma.fields.Nested(MessageSchema)
    items = ma.fields.List(ma.fields.Nested(MessageRevisionSchema))


class MessageTaskSchema(ma.Schema):
    assignee_ids = ma.fields.List(Integer(), required=True)
    title = ma.fields.String(load_default=None, metadata={"description": "default: the message's first line"})
    due_on = ma.fields.Date(allow_none=True, load_default=None)
    priority = ma.fields.String(load_default="normal", metadata={"enum": [p.value for p in TaskPriority]})


class MessageLinkSchema(ma.Schema):
    type = ma.fields.String(required=True, metadata={"enum": ["task", "instruction", "evidence_item"]})
    id = Integer(required=True)


class ReadMarkSchema(ma.Schema):
    seq = Integer(required=True, validate=ma.validate.Range(min=0))


class ReadPositionSchema(ma.Schema):
    user = ma.fields.Nested(PersonSchema)
    last_read_seq = Integer()


class ReadPositionListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ReadPositionSchema))
