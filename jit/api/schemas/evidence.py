"""Schemas of evidence, its files, consents, chain of custody and the group's evidence ledger
(jit/api/evidence.py); the ledger proofs are in `common`."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload

from jit.api.schemas.common import Integer, PageArgsSchema, PersonSchema, allowed_actions, page_schema, text
from jit.models import CustodyType, EvidenceKind, EvidenceStatus
from jit.services.evidence import RECORDABLE, consent_designee, may_leave_group, verify_item_chain
from jit.services.evidence import TEXT_LIMITS as EVIDENCE_TEXT_LIMITS


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
    allowed_actions = allowed_actions()


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


class ExportArgsSchema(ma.Schema):
    case_id = Integer(load_default=None, metadata={"description": "export only this case's items"})
    item_ids = ma.fields.List(Integer(), load_default=None, metadata={
        "description": "export only these items (repeat the parameter: `item_ids=3&item_ids=5`)"})


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
