"""The group's link chart (issue 19, item 3): its identifiers and the records they were seen in, as
nodes and edges, with only what the reader may read (as the register: a team channel's message only
to that team, an identifier seen nowhere they read not at all) and card numbers masked.

Read in batches, a statement per kind of record whatever the group holds: the chart of a group with
thousands of sightings costs what the chart of a small one does.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from jit import identifiers as kinds
from jit.extensions import db
from jit.models import Channel, Identifier, JointGroup, Message, User
from jit.services import scope
from jit.services.audit import use_case
from jit.services.identifiers import RECORD_TYPES, _readable, _title

IDENTIFIER = "identifier"
# What each kind of record needs to be named and read without a statement of its own.
_LOADED_WITH = {"message": (selectinload(Message.channel).selectinload(Channel.members),)}


@dataclass(frozen=True)
class Node:
    type: str  # "identifier", or the kind of record: "case", "evidence", "instruction", "task", "message"
    key: int  # the identifier's or the record's id
    label: str

    @property
    def id(self) -> str:
        return f"{self.type}:{self.key}"


@dataclass(frozen=True)
class Edge:
    """An identifier seen in a record."""

    source: str
    target: str


@dataclass
class LinkGraph:
    group: JointGroup
    nodes: list[Node]
    edges: list[Edge]

    def as_data(self) -> dict:
        """The chart as the API serves it and the page embeds it for its script."""
        return {"nodes": [{"id": node.id, "type": node.type, "label": node.label} for node in self.nodes],
                "edges": [{"source": edge.source, "target": edge.target} for edge in self.edges]}

    def rows(self) -> list[tuple[Node, list[Node]]]:
        """The chart as a table: each identifier with the records it links, in the chart's order."""
        by_id = {node.id: node for node in self.nodes}
        linked = defaultdict(list)
        for edge in self.edges:
            linked[edge.source].append(by_id[edge.target])
        return [(node, linked[node.id]) for node in self.nodes if node.type == IDENTIFIER]


def _records(group: JointGroup, wanted: dict[str, set[int]]) -> dict[tuple[str, int], object]:
    """The group's records of each kind by (type, id), one statement per kind."""
    found = {}
    for record_type, ids in wanted.items():
        model = RECORD_TYPES[record_type]
        stmt = select(model).where(model.id.in_(ids)).options(*_LOADED_WITH.get(record_type, ()))
        found.update({(record_type, record.id): record for record in db.session.scalars(stmt)})
    return found


@use_case("identifier.graph")
def link_graph(actor: User | None, group_id: int) -> LinkGraph:
    """The group's identifiers (oldest first) and the records the reader may read they were seen in."""
    actor, group = scope.load_visible(actor, group_id)
    held = list(db.session.scalars(select(Identifier).where(Identifier.group_id == group.id)
                                   .options(selectinload(Identifier.sightings)).order_by(Identifier.id)))
    wanted = defaultdict(set)
    for identifier in held:
        for sighting in identifier.sightings:
            wanted[sighting.record_type].add(sighting.record_id)
    records = _records(group, wanted)
    visible = {key: record for key, record in records.items() if _readable(actor, record)}
    nodes, edges, shown = [], [], set()
    for identifier in held:
        links = [(s.record_type, s.record_id) for s in identifier.sightings if (s.record_type, s.record_id) in visible]
        if not links:
            continue  # seen nowhere the reader may read: not in their chart
        source = Node(IDENTIFIER, identifier.id, kinds.masked(identifier.kind, identifier.normalized))
        nodes.append(source)
        for record_type, record_id in links:
            target = Node(record_type, record_id, _title(visible[record_type, record_id]))
            if target.id not in shown:
                shown.add(target.id)
                nodes.append(target)
            edges.append(Edge(source.id, target.id))
    return LinkGraph(group=group, nodes=nodes, edges=edges)
