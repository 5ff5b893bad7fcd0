"""Groups: /groups and their teams, members, documents, transitions and cases (API.md "Groups")."""

from __future__ import annotations

from flask import send_file

from jit.api.common import actor, answered, links, make_blueprint
from jit.api.errors import GROUP_NOT_FOUND, TOO_LARGE, ErrorSchema
from jit.api.schemas.common import PageArgsSchema
from jit.api.schemas.groups import (
    CaseCreateSchema,
    CaseListSchema,
    CaseSchema,
    DocumentCreateSchema,
    DocumentFileSchema,
    DocumentSchema,
    GroupCreateSchema,
    GroupEventListSchema,
    GroupPageSchema,
    GroupSchema,
    GroupUpdateSchema,
    MemberCreateSchema,
    MembershipSchema,
    PeopleArgsSchema,
    PeopleSchema,
    TeamCreateSchema,
    TeamSchema,
    TransitionSchema,
)
from jit.services import cases, group_documents, groups, people
from jit.storage import digest_header
from jit.uploads import accepts_upload

blp = make_blueprint("api_groups", __name__, "Joint groups under the 2015 Agreement.")
# Where a group's id leads (OpenAPI links from the create and list responses).
GROUP_OPERATIONS = ("GET /groups/{gid}", "PATCH /groups/{gid}", "POST /groups/{gid}/teams",
                    "POST /groups/{gid}/members", "POST /groups/{gid}/documents", "POST /groups/{gid}/transitions",
                    "GET /groups/{gid}/timeline", "GET /groups/{gid}/cases", "POST /groups/{gid}/cases",
                    "GET /groups/{gid}/instructions", "POST /groups/{gid}/instructions", "GET /groups/{gid}/tasks",
                    "POST /groups/{gid}/tasks", "GET /groups/{gid}/evidence", "POST /groups/{gid}/evidence",
                    "GET /groups/{gid}/channels", "POST /groups/{gid}/channels", "GET /groups/{gid}/compliance",
                    "GET /groups/{gid}/evaluations", "GET /groups/{gid}/ledger/checkpoint",
                    "GET /groups/{gid}/ledger/entries", "GET /groups/{gid}/evidence/verification",
                    "GET /groups/{gid}/identifiers", "POST /groups/{gid}/identifiers")


@blp.route("/groups", methods=["GET"])
@blp.doc(**links(*GROUP_OPERATIONS, status=200, id_at="/items/0/id"))
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, GroupPageSchema)
def list_groups(args):
    """The groups the caller may see (member, head, or legal officer of a participating party)."""
    return groups.list_groups(actor(), limit=args["limit"], cursor=args["cursor"])


@blp.route("/groups", methods=["POST"])
@blp.doc(**links(*GROUP_OPERATIONS))
@blp.arguments(GroupCreateSchema)
@blp.response(201, GroupSchema)
@blp.alt_response(403, schema=ErrorSchema)
def create_group(body):
    """Draft a group; the caller manages it until a head is appointed."""
    return groups.create_group(actor(), **body)


@blp.route("/groups/<int:gid>", methods=["GET"])
@blp.response(200, GroupSchema)
@blp.alt_response(404, **GROUP_NOT_FOUND)
def get_group(gid):
    return answered(groups.get_group(actor(), gid), groups.allowed_actions)


@blp.route("/groups/<int:gid>", methods=["PATCH"])
@blp.arguments(GroupUpdateSchema)
@blp.response(200, GroupSchema)
@blp.alt_response(404, **GROUP_NOT_FOUND)
@blp.alt_response(409, schema=ErrorSchema, description="stale version, or the group is closed")
def update_group(body, gid):
    return groups.update_group(actor(), gid, **body)


@blp.route("/groups/<int:gid>/teams", methods=["POST"])
@blp.arguments(TeamCreateSchema)
@blp.response(201, TeamSchema)
@blp.alt_response(404, **GROUP_NOT_FOUND)
def add_team(body, gid):
    """A party's national team, from one of its competent authorities, with its national head."""
    return groups.add_team(actor(), gid, **body)


@blp.route("/groups/<int:gid>/members", methods=["POST"])
@blp.arguments(MemberCreateSchema)
@blp.response(201, MembershipSchema)
@blp.alt_response(404, **GROUP_NOT_FOUND)
def add_member(body, gid):
    return groups.add_member(actor(), gid, **body)


@blp.route("/groups/<int:gid>/members/<int:user_id>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(404, **GROUP_NOT_FOUND)
@blp.alt_response(409, schema=ErrorSchema, description="national_head_required")
def remove_member(gid, user_id):
    """End a membership today; the member's access ends at once."""
    groups.remove_member(actor(), gid, user_id)


@blp.route("/groups/<int:gid>/people", methods=["GET"])
@blp.arguments(PeopleArgsSchema, location="query")
@blp.response(200, PeopleSchema)
@blp.alt_response(404, **GROUP_NOT_FOUND)
def people_to_choose(args, gid):
    """The people the caller may choose in the group for `purpose` (assignee, member, national_head,
    custodian, mention) whose name or username contains `q`; none when the caller may choose nobody."""
    return {"items": people.choosable(actor(), gid, **args)}


@blp.route("/groups/<int:gid>/documents", methods=["POST"])
@blp.doc(**links("POST /documents/{document_id}/file", "GET /documents/{document_id}/file"))
@blp.arguments(DocumentCreateSchema)
@blp.response(201, DocumentSchema)
@blp.alt_response(404, **GROUP_NOT_FOUND)
def add_document(body, gid):
    """A creation request or a decision (create, appoint_head, extend, change_composition, terminate)."""
    return group_documents.add_document(actor(), gid, **body)


@blp.route("/groups/<int:gid>/transitions", methods=["POST"])
@blp.arguments(TransitionSchema)
@blp.response(200, GroupSchema)
@blp.alt_response(404, **GROUP_NOT_FOUND)
@blp.alt_response(409, schema=ErrorSchema, description="stale version, or the unmet conditions in message and fields")
def transition(body, gid):
    return groups.transition(actor(), gid, **body)


@blp.route("/groups/<int:gid>/timeline", methods=["GET"])
@blp.response(200, GroupEventListSchema)
@blp.alt_response(404, **GROUP_NOT_FOUND)
def timeline(gid):
    """Lifecycle moves, term extensions and composition changes, oldest first."""
    return {"items": groups.get_group(actor(), gid).events}


@blp.route("/groups/<int:gid>/cases", methods=["GET"])
@blp.response(200, CaseListSchema)
@blp.alt_response(404, **GROUP_NOT_FOUND)
def list_cases(gid):
    return {"items": cases.list_cases(actor(), gid)}


@blp.route("/groups/<int:gid>/cases", methods=["POST"])
@blp.arguments(CaseCreateSchema)
@blp.response(201, CaseSchema)
@blp.alt_response(404, **GROUP_NOT_FOUND)
def add_case(body, gid):
    """Link a party's national criminal case; its investigator must be in that party's team."""
    return cases.add_case(actor(), gid, **body)


@blp.route("/documents/<int:document_id>/file", methods=["POST"])
@accepts_upload
@blp.arguments(DocumentFileSchema, location="files")
@blp.response(201, DocumentSchema)
@blp.alt_response(404, **GROUP_NOT_FOUND)
@blp.alt_response(409, schema=ErrorSchema, description="a file is already attached")
@blp.alt_response(413, **TOO_LARGE)
def attach_document_file(files, document_id):
    """Attach the signed document as a file (multipart field `file`), stored under its SHA-256."""
    upload = files["file"]
    return group_documents.attach_document_file(actor(), document_id, filename=upload.filename, stream=upload.stream)


@blp.route("/documents/<int:document_id>/file", methods=["GET"])
@blp.response(200, description="the file's bytes, with a `Digest: sha-256=<base64>` header")
@blp.alt_response(404, **GROUP_NOT_FOUND)
def get_document_file(document_id):
    document, stream = group_documents.document_file(actor(), document_id)
    response = send_file(stream, download_name=document.file_name, as_attachment=True)
    response.headers["Digest"] = digest_header(document.file_sha256)
    return response
