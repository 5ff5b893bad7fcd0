"""Instructions between national teams (API.md "Instructions and tasks")."""

from __future__ import annotations

from flask import send_file

from jit.api.common import actor, answered, links, make_blueprint
from jit.api.errors import TOO_LARGE, ErrorSchema
from jit.api.schemas.instructions import (
    InstructionCreateSchema,
    InstructionDocumentFormSchema,
    InstructionDocumentSchema,
    InstructionEditSchema,
    InstructionFilterSchema,
    InstructionPageSchema,
    InstructionResultFormSchema,
    InstructionResultSchema,
    InstructionSchema,
    InstructionTransitionSchema,
)
from jit.services import instructions
from jit.storage import digest_header
from jit.uploads import accepts_upload

blp = make_blueprint("api_instructions", __name__, "Instructions between the national heads of a group.")
NOT_FOUND = {"schema": ErrorSchema, "description": "no such instruction or group, or not one the caller may know of"}
INSTRUCTION_OPERATIONS = ("GET /instructions/{iid}", "PATCH /instructions/{iid}", "POST /instructions/{iid}/documents",
                          "POST /instructions/{iid}/results", "POST /instructions/{iid}/transitions")


@blp.route("/groups/<int:gid>/instructions", methods=["GET"])
@blp.doc(**links(*INSTRUCTION_OPERATIONS, status=200, id_at="/items/0/id"))
@blp.arguments(InstructionFilterSchema, location="query")
@blp.response(200, InstructionPageSchema)
@blp.alt_response(404, **NOT_FOUND)
def list_instructions(args, gid):
    return instructions.list_instructions(actor(), gid, status=args["status"], limit=args["limit"],
                                          cursor=args["cursor"])


@blp.route("/groups/<int:gid>/instructions", methods=["POST"])
@blp.doc(**links(*INSTRUCTION_OPERATIONS))
@blp.arguments(InstructionCreateSchema)
@blp.response(201, InstructionSchema)
@blp.alt_response(403, schema=ErrorSchema, description="only the national head of from_team")
@blp.alt_response(404, **NOT_FOUND)
def create_instruction(body, gid):
    """Draft an instruction from the caller's team to another team of the group."""
    return instructions.create_instruction(actor(), gid, **body)


@blp.route("/instructions/<int:iid>", methods=["GET"])
@blp.response(200, InstructionSchema)
@blp.alt_response(404, **NOT_FOUND)
def get_instruction(iid):
    return answered(instructions.get_instruction(actor(), iid), instructions.allowed_actions)


@blp.route("/instructions/<int:iid>", methods=["PATCH"])
@blp.arguments(InstructionEditSchema)
@blp.response(200, InstructionSchema)
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(409, schema=ErrorSchema, description="not a draft any more, or a stale version")
def edit_instruction(body, iid):
    """The requesting head changes a draft's subject."""
    return instructions.update_subject(actor(), iid, **body)


@blp.route("/instructions/<int:iid>/documents", methods=["POST"])
@accepts_upload
@blp.arguments(InstructionDocumentFormSchema, location="multipart")
@blp.response(201, InstructionDocumentSchema)
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(413, **TOO_LARGE)
def add_document(form, iid):
    """Attach a decision ordering the actions: multipart `file`, `title`, `certified`, `is_sanction`."""
    upload = form.pop("file")
    return instructions.add_document(actor(), iid, filename=upload.filename, stream=upload.stream, **form)


@blp.route("/instructions/<int:iid>/results", methods=["POST"])
@accepts_upload
@blp.arguments(InstructionResultFormSchema, location="multipart")
@blp.response(201, InstructionResultSchema)
@blp.alt_response(404, **NOT_FOUND)
def add_result(form, iid):
    """The requested head reports results: multipart `text` and an optional `file`."""
    upload = form["file"]
    return instructions.add_result(actor(), iid, text=form["text"], filename=upload.filename if upload else None,
                                   stream=upload.stream if upload else None)


@blp.route("/instructions/<int:iid>/transitions", methods=["POST"])
@blp.arguments(InstructionTransitionSchema)
@blp.response(200, InstructionSchema)
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(409, schema=ErrorSchema, description="out of order, stale version, or a condition unmet")
def transition(body, iid):
    """sent (requesting head); accepted, in_progress, executed, partially_executed, refused (requested head)."""
    return instructions.transition(actor(), iid, **body)


def _file_response(name: str, sha256: str, stream):
    response = send_file(stream, download_name=name, as_attachment=True)
    response.headers["Digest"] = digest_header(sha256)
    return response


@blp.route("/instructions/<int:iid>/documents/<int:document_id>/file", methods=["GET"])
@blp.response(200, description="the decision's file, with a `Digest: sha-256=<base64>` header")
@blp.alt_response(404, **NOT_FOUND)
def document_file(iid, document_id):
    return _file_response(*instructions.stored_file(actor(), iid, document_id=document_id))


@blp.route("/instructions/<int:iid>/results/<int:result_id>/file", methods=["GET"])
@blp.response(200, description="the result's file, with a `Digest: sha-256=<base64>` header")
@blp.alt_response(404, **NOT_FOUND)
def result_file(iid, result_id):
    return _file_response(*instructions.stored_file(actor(), iid, result_id=result_id))
