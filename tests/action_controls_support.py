"""Reading a page's action controls as the convention marks them: each element with
`data-action="<verb>"` inside an element with `data-object="<kind>:<id>"` (templates/_actions.html)."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass(frozen=True)
class Control:
    object: str | None  # the nearest enclosing data-object, None: outside any
    action: str
    disabled: bool  # the control itself, or a fieldset around it, is disabled


class _Controls(HTMLParser):
    def __init__(self):
        super().__init__()
        self.open: list[tuple[str, str | None, bool]] = []  # tag, data-object, disabled fieldset
        self.found: list[Control] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        outer_object = next((obj for _, obj, _ in reversed(self.open) if obj), None)
        fenced = any(disabled for _, _, disabled in self.open)
        obj = attrs.get("data-object") or outer_object
        if "data-action" in attrs:
            self.found.append(Control(obj, attrs["data-action"], fenced or "disabled" in attrs))
        if tag not in VOID:
            self.open.append((tag, attrs.get("data-object"), tag == "fieldset" and "disabled" in attrs))

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return


def controls(html: str) -> list[Control]:
    parser = _Controls()
    parser.feed(html)
    return parser.found


def actions_on(html: str, obj: str, *, disabled: bool | None = None) -> set[str]:
    """The verbs of the controls about `obj` ("task:3"); only enabled or disabled ones if asked."""
    return {control.action for control in controls(html)
            if control.object == obj and (disabled is None or control.disabled == disabled)}
