"""The audit trail: /audit and the audit ledger's checkpoint and proofs."""

from __future__ import annotations

from jit.api.common import actor, make_blueprint
from jit.api.errors import ErrorSchema
from jit.api.schemas.audit import AuditFilterSchema, AuditPageSchema
from jit.api.schemas.common import (
    CheckpointSchema,
    ConsistencyArgsSchema,
    ConsistencyProofSchema,
    InclusionArgsSchema,
    InclusionProofSchema,
)
from jit.services import audit

blp = make_blueprint("api_audit", __name__, "Audit events and the tamper-evident audit ledger.")
NO_SUCH_PROOF = {"schema": ErrorSchema, "description": "no such proof: a tree larger than the ledger, a leaf "
                 "outside its tree, or a first tree larger than the second (`fields` says which)"}


@blp.route("/audit", methods=["GET"])
@blp.arguments(AuditFilterSchema, location="query")
@blp.response(200, AuditPageSchema)
@blp.alt_response(401, schema=ErrorSchema)
def list_events(args):
    """Audit events the caller may read, newest first (admins: all; others: their own)."""
    return audit.list_events(actor(), **args)


@blp.route("/audit/ledger/checkpoint", methods=["GET"])
@blp.response(200, CheckpointSchema)
@blp.alt_response(403, schema=ErrorSchema)
def checkpoint():
    """A freshly signed checkpoint of the audit ledger (see API.md "Ledger format")."""
    return audit.checkpoint(actor())


@blp.route("/audit/ledger/inclusion", methods=["GET"])
@blp.arguments(InclusionArgsSchema, location="query")
@blp.response(200, InclusionProofSchema)
@blp.alt_response(403, schema=ErrorSchema)
@blp.alt_response(404, **NO_SUCH_PROOF)
def inclusion(args):
    return audit.inclusion(actor(), args["leaf_index"], args["tree_size"])


@blp.route("/audit/ledger/consistency", methods=["GET"])
@blp.arguments(ConsistencyArgsSchema, location="query")
@blp.response(200, ConsistencyProofSchema)
@blp.alt_response(403, schema=ErrorSchema)
@blp.alt_response(404, **NO_SUCH_PROOF)
def consistency(args):
    return audit.consistency(actor(), args["first"], args["second"])
