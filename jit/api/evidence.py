"""Evidence, its chain of custody and the group's evidence ledger (API.md "Evidence and custody")."""

from __future__ import annotations

import json

from flask import request, send_file

from jit.api.common import actor, answered, links, make_blueprint
from jit.api.errors import TOO_LARGE, ErrorSchema
from jit.api.schemas.common import (
    CheckpointSchema,
    ConsistencyArgsSchema,
    ConsistencyProofSchema,
    InclusionArgsSchema,
    InclusionProofSchema,
)
from jit.api.schemas.evidence import (
    ConsentCreateSchema,
    ConsentDesigneeSchema,
    ConsentSchema,
    CustodyCreateSchema,
    CustodyEventSchema,
    CustodyListSchema,
    EvidenceCreateSchema,
    EvidenceFileSchema,
    EvidenceFileUploadSchema,
    EvidenceFilterSchema,
    EvidenceItemDetailSchema,
    EvidenceItemSchema,
    EvidencePageSchema,
    EvidenceVerificationSchema,
    ExportArgsSchema,
    LedgerEntriesArgsSchema,
    LedgerEntriesSchema,
    RawFileArgsSchema,
    VerifyFilesSchema,
)
from jit.services import evidence
from jit.storage import digest_header
from jit.uploads import accepts_upload

blp = make_blueprint("api_evidence", __name__, "Evidence items, their files and chain of custody, and each "
                     "group's tamper-evident evidence ledger.")
NOT_FOUND = {"schema": ErrorSchema, "description": "no such item or group, or not one the caller may know of"}
PROOF_NOT_FOUND = {"schema": ErrorSchema, "description": "no such group (or not one the caller may know of), or no "
                   "such proof: a tree larger than the ledger, a leaf outside its tree, a first tree larger than "
                   "the second (`fields` says which)"}
AGR_USE = {"schema": ErrorSchema, "description": "a state that forbids it, or refused under rule AGR-USE"}
WITHHELD_HEADER = "X-Withheld-Items"
EVIDENCE_OPERATIONS = ("GET /evidence/{eid}", "POST /evidence/{eid}/files", "POST /evidence/{eid}/files/raw",
                       "GET /evidence/{eid}/custody", "POST /evidence/{eid}/custody", "POST /evidence/{eid}/verify",
                       "POST /evidence/{eid}/consents")


@blp.route("/groups/<int:gid>/evidence", methods=["GET"])
@blp.doc(**links(*EVIDENCE_OPERATIONS, status=200, id_at="/items/0/id"))
@blp.arguments(EvidenceFilterSchema, location="query")
@blp.response(200, EvidencePageSchema)
@blp.alt_response(404, **NOT_FOUND)
def list_items(args, gid):
    """The group's evidence register, filtered by case, originating party, kind or custodian."""
    return evidence.list_items(actor(), gid, **args)


@blp.route("/groups/<int:gid>/evidence", methods=["POST"])
@blp.doc(**links(*EVIDENCE_OPERATIONS))
@blp.arguments(EvidenceCreateSchema)
@blp.response(201, EvidenceItemSchema)
@blp.alt_response(403, schema=ErrorSchema, description="only members of a national team of the group")
@blp.alt_response(404, **NOT_FOUND)
def register(body, gid):
    """Register an item the caller's team obtained; the caller becomes its first custodian."""
    return evidence.register(actor(), gid, **body)


@blp.route("/evidence/<int:eid>", methods=["GET"])
@blp.response(200, EvidenceItemDetailSchema)
@blp.alt_response(404, **NOT_FOUND)
def get_item(eid):
    """The item, with its chain of custody checked now against the group's ledger (`chain`)."""
    return answered(evidence.get_item(actor(), eid), evidence.allowed_actions)


@blp.route("/evidence/<int:eid>/files", methods=["POST"])
@accepts_upload
@blp.arguments(EvidenceFileUploadSchema, location="multipart")
@blp.response(201, EvidenceFileSchema)
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(413, **TOO_LARGE)
def attach_file(form, eid):
    """Multipart `file`, streamed into the store while hashed; recorded as a `file_attached` event."""
    upload = form["file"]
    return evidence.attach_file(actor(), eid, filename=upload.filename, stream=upload.stream,
                                place=form["place"], note_text=form["note"])


@blp.route("/evidence/<int:eid>/files/raw", methods=["POST"])
@accepts_upload
@blp.arguments(RawFileArgsSchema, location="query")
@blp.response(201, EvidenceFileSchema)
@blp.alt_response(400, schema=ErrorSchema, description="`incomplete_upload`: the body ended before its declared "
                  "length; nothing is kept")
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(413, **TOO_LARGE)
def attach_raw_file(args, eid):
    """The body is the file itself (any content type), named by `name`: no multipart to parse, for
    scripts moving large disk images. A body that ends before its `Content-Length` (the client went
    away) is refused with `incomplete_upload` and nothing is kept."""
    return evidence.attach_file(actor(), eid, filename=args["name"], stream=request.stream, place=args["place"],
                                note_text=args["note"], declared_size=request.content_length)


@blp.route("/evidence/<int:eid>/files/<int:fid>", methods=["GET"])
@blp.response(200, description="the file's bytes, with a `Digest: sha-256=<base64>` header")
@blp.alt_response(404, **NOT_FOUND)
def download(eid, fid):
    evidence_file, stream = evidence.file_content(actor(), eid, fid)
    response = send_file(stream, download_name=evidence_file.name, as_attachment=True)
    response.headers["Digest"] = digest_header(evidence_file.sha256)
    return response


@blp.route("/evidence/<int:eid>/custody", methods=["GET"])
@blp.response(200, CustodyListSchema)
@blp.alt_response(404, **NOT_FOUND)
def custody(eid):
    """The item's chain of custody, oldest first."""
    return {"items": evidence.custody(actor(), eid)}


@blp.route("/evidence/<int:eid>/custody", methods=["POST"])
@blp.arguments(CustodyCreateSchema)
@blp.response(201, CustodyEventSchema)
@blp.alt_response(403, schema=ErrorSchema, description="a move of the item by someone not its custodian or "
                  "the group head, or a write by an observer")
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(409, **AGR_USE)
@blp.alt_response(429, schema=ErrorSchema, description="more custody events than JIT_CUSTODY_RATE_LIMIT")
def record_event(body, eid):
    """Append an event to the item's chain; events are never edited or deleted (a `correction` refers
    to an earlier `seq`)."""
    return evidence.record_event(actor(), eid, event_type=body["type"], place=body["place"], note_text=body["note"],
                                 to_user_id=body["to_user_id"], to_external=body["to_external"],
                                 refers_to=body["refers_to"], instruction_id=body["instruction_id"])


@blp.route("/evidence/<int:eid>/verify", methods=["POST"])
@blp.arguments(VerifyFilesSchema, required=False)
@blp.response(201, CustodyEventSchema)
@blp.alt_response(404, **NOT_FOUND)
def verify_files(body, eid):
    """Re-hash the item's files now; the result is recorded as a `hash_verified` event (`verified`)."""
    return evidence.verify_files(actor(), eid, place=body["place"], note_text=body["note"])


@blp.route("/evidence/<int:eid>/consents", methods=["POST"])
@blp.arguments(ConsentCreateSchema)
@blp.response(201, ConsentSchema)
@blp.alt_response(403, schema=ErrorSchema, description="only the originating team's national head, or the member "
                  "they designated for the item, records its party's consent")
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(409, schema=ErrorSchema, description="no use conditions, or a state that forbids it")
@blp.alt_response(429, schema=ErrorSchema, description="more custody events than JIT_CUSTODY_RATE_LIMIT")
def record_consent(body, eid):
    """The originating party's consent to use the item beyond its use conditions (AGR-USE), recorded as
    a `consent_recorded` event of the item's chain, so that the group's ledger holds it."""
    return evidence.record_consent(actor(), eid, **body)


@blp.route("/evidence/<int:eid>/consent-designee", methods=["PUT"])
@blp.arguments(ConsentDesigneeSchema)
@blp.response(200, EvidenceItemSchema)
@blp.alt_response(403, schema=ErrorSchema, description="only the national head of the originating team")
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(409, schema=ErrorSchema, description="no use conditions, or a state that forbids it")
def designate_consent_recorder(body, eid):
    """The originating team's national head designates the member of that team who may also record
    its party's consent to the item (`user_id: null`: the head only). Audited."""
    return evidence.designate_consent_recorder(actor(), eid, user_id=body["user_id"])


@blp.route("/groups/<int:gid>/evidence/verification", methods=["GET"])
@blp.response(200, EvidenceVerificationSchema)
@blp.alt_response(404, **NOT_FOUND)
def verification(gid):
    """Recompute the group's evidence ledger, every chain and every stored file's hash now."""
    return evidence.verify_group(actor(), gid)


@blp.route("/groups/<int:gid>/evidence/export", methods=["GET"])
@blp.arguments(ExportArgsSchema, location="query")
@blp.response(200, description="application/zip: the items, their files, every custody event with its "
              "inclusion proof (the events of items not exported by their hash only), the signed checkpoint, its "
              "public key and `verify_bundle.py`", headers={"X-Withheld-Items": {
                  "description": "a JSON list of the numbers of the items withheld under AGR-USE (their reasons "
                  "are in the bundle's `withheld.json` and report)", "schema": {"type": "string"}}})
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(409, **AGR_USE)
def export(args, gid):
    """The group's evidence, or one case's (`case_id`) or the chosen items' (`item_ids`), as a bundle anyone
    can check without the platform (`python3 verify_bundle.py`). An item with use conditions and without
    its originating party's consent (AGR-USE) is withheld and named; refused only when every chosen item is."""
    made = evidence.export_bundle(actor(), gid, **args)
    response = send_file(made.bundle, mimetype="application/zip", as_attachment=True, download_name=made.name)
    response.headers[WITHHELD_HEADER] = json.dumps(made.withheld)
    return response


@blp.route("/groups/<int:gid>/ledger/checkpoint", methods=["GET"])
@blp.response(200, CheckpointSchema)
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(409, schema=ErrorSchema, description="nothing recorded in the group's ledger yet")
def checkpoint(gid):
    """The signed head of ledger `evidence/<gid>` (API.md "Ledger format")."""
    return evidence.checkpoint(actor(), gid)


@blp.route("/groups/<int:gid>/ledger/entries", methods=["GET"])
@blp.arguments(LedgerEntriesArgsSchema, location="query")
@blp.response(200, LedgerEntriesSchema)
@blp.alt_response(404, **NOT_FOUND)
def ledger_entries(args, gid):
    """The exact entries the tree is built from, leaves start ≤ i < end (at most 500 at a time)."""
    return {"items": evidence.entries(actor(), gid, args["start"], args["end"])}


@blp.route("/groups/<int:gid>/ledger/inclusion", methods=["GET"])
@blp.arguments(InclusionArgsSchema, location="query")
@blp.response(200, InclusionProofSchema)
@blp.alt_response(404, **PROOF_NOT_FOUND)
def inclusion(args, gid):
    return evidence.inclusion(actor(), gid, args["leaf_index"], args["tree_size"])


@blp.route("/groups/<int:gid>/ledger/consistency", methods=["GET"])
@blp.arguments(ConsistencyArgsSchema, location="query")
@blp.response(200, ConsistencyProofSchema)
@blp.alt_response(404, **PROOF_NOT_FOUND)
def consistency(args, gid):
    return evidence.consistency(actor(), gid, args["first"], args["second"])
