"""Identifiers: /groups/{gid}/identifiers and /identifiers/{id} (API.md, last section)."""

from __future__ import annotations

from jit.api.common import actor, links, make_blueprint
from jit.api.errors import GROUP_NOT_FOUND, INVALID, ErrorSchema
from jit.api.schemas.identifiers import (
    IdentifierBatchSchema,
    IdentifierCreateSchema,
    IdentifierListArgsSchema,
    IdentifierListSchema,
    IdentifierSchema,
    InquiryCreateSchema,
    InquiryDecisionSchema,
    InquiryListArgsSchema,
    InquiryListSchema,
    InquirySchema,
    LinkGraphSchema,
)
from jit.services import identifier_links, identifiers

blp = make_blueprint("api_identifiers", __name__,
                     "Identifiers (phones, cards, accounts, wallets...) and the records of a group they link.")


@blp.route("/groups/<int:gid>/identifiers", methods=["GET"])
@blp.doc(**links("GET /identifiers/{identifier_id}", status=200, id_at="/items/0/id"))
@blp.arguments(IdentifierListArgsSchema, location="query")
@blp.response(200, IdentifierListSchema)
@blp.alt_response(404, **GROUP_NOT_FOUND)
def list_identifiers(args, gid):
    """The group's register, newest first, card numbers masked; only identifiers seen in records the
    caller may read."""
    return {"items": identifiers.list_identifiers(actor(), gid, **args)}


@blp.route("/groups/<int:gid>/identifiers/graph", methods=["GET"])
@blp.response(200, LinkGraphSchema)
@blp.alt_response(404, **GROUP_NOT_FOUND)
def link_graph(gid):
    """The group's link chart: its identifiers and the records they were seen in (an edge each), only
    what the caller may read, card numbers masked."""
    return identifier_links.link_graph(actor(), gid).as_data()


@blp.route("/groups/<int:gid>/identifiers", methods=["POST"])
@blp.doc(**links("GET /identifiers/{identifier_id}"))
@blp.arguments(IdentifierCreateSchema)
@blp.response(201, IdentifierSchema)
@blp.alt_response(404, **GROUP_NOT_FOUND)
@blp.alt_response(409, schema=ErrorSchema, description="already recorded on that record, or the group is not active")
@blp.alt_response(422, **INVALID)
def record_identifier(body, gid):
    """Record an identifier found in one record of the group (exactly one of `case_id`, `evidence_id`,
    `instruction_id`, `task_id`, `message_id`). The same value in any format is one identifier:
    the response lists every record it was seen in. A value failing its check is refused with the
    reason in `fields.value`, unless `unverified` is true."""
    return identifiers.record_identifier(actor(), gid, **body)


@blp.route("/groups/<int:gid>/identifiers/batch", methods=["POST"])
@blp.arguments(IdentifierBatchSchema)
@blp.response(201, IdentifierListSchema)
@blp.alt_response(404, **GROUP_NOT_FOUND)
@blp.alt_response(409, schema=ErrorSchema, description="one is already recorded on its record")
@blp.alt_response(422, **INVALID)
def record_identifiers(body, gid):
    """Several identifiers at once, all or none; more than the limit (`too_many_identifiers`) is refused
    whole. Refused fields are named `items.<index>.<field>`."""
    return {"items": identifiers.record_identifiers(actor(), gid, body["items"])}


@blp.route("/identifiers/<int:identifier_id>", methods=["GET"])
@blp.response(200, IdentifierSchema)
@blp.alt_response(404, **GROUP_NOT_FOUND)
def get_identifier(identifier_id):
    """The identifier and every record of its group it was seen in that the caller may read; a card
    number in full to the group head and to the members who recorded it; `hits`: other groups that
    hold it, named only by the holder's authority."""
    return identifiers.get_identifier(actor(), identifier_id)


NO_INQUIRY = {"schema": ErrorSchema, "description": "no such inquiry, or not one the caller sent or decides"}


@blp.route("/identifiers/<int:identifier_id>/inquiries", methods=["POST"])
@blp.doc(**links("GET /inquiries/{inquiry_id}", "POST /inquiries/{inquiry_id}/decision"))
@blp.arguments(InquiryCreateSchema)
@blp.response(201, InquirySchema)
@blp.alt_response(404, **GROUP_NOT_FOUND)
@blp.alt_response(409, schema=ErrorSchema, description="an inquiry to that holder awaits its answer")
@blp.alt_response(422, **INVALID)
def send_inquiry(body, identifier_id):
    """Ask the group that also holds the identifier what it has on it; its head and the national head
    of the team that recorded it decide."""
    return identifiers.send_inquiry(actor(), identifier_id, **body)


@blp.route("/inquiries", methods=["GET"])
@blp.arguments(InquiryListArgsSchema, location="query")
@blp.response(200, InquiryListSchema)
def list_inquiries(args):
    """The inquiries the caller sent (`outgoing`) or must decide (`incoming`)."""
    return {"items": identifiers.list_inquiries(actor(), **args)}


@blp.route("/inquiries/<int:inquiry_id>", methods=["GET"])
@blp.response(200, InquirySchema)
@blp.alt_response(404, **NO_INQUIRY)
def get_inquiry(inquiry_id):
    return identifiers.get_inquiry(actor(), inquiry_id)


@blp.route("/inquiries/<int:inquiry_id>/decision", methods=["POST"])
@blp.arguments(InquiryDecisionSchema)
@blp.response(200, InquirySchema)
@blp.alt_response(404, **NO_INQUIRY)
@blp.alt_response(409, schema=ErrorSchema, description="answered already")
@blp.alt_response(422, **INVALID)
def decide_inquiry(body, inquiry_id):
    """Disclose (the inquirer sees the group code, the case number and its summary) or decline with a reason."""
    return identifiers.decide_inquiry(actor(), inquiry_id, **body)
