"""What the page modules share: the signed-in user as the services take it, the reader's language,
enum labels and badges, party choices, the textarea filter and file downloads."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, render_template, send_file, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from jit.models import User
from jit.storage import digest_header

OUTCOME_LABELS = {"ok": _l("ok"), "denied": _l("denied"), "error": _l("error")}
ROLE_LABELS = {
    "admin": _l("administrator"),
    "legal_officer": _l("legal officer"),
    "investigator": _l("investigator"),
}


def actor() -> User:
    """The signed-in user (every page that calls a service requires one)."""
    return current_user._get_current_object()


def page_locale() -> str:
    return str(get_locale())


def label_of(labels: dict, value) -> str:
    """The translated label of an enum value (or its raw value if it has none)."""
    value = getattr(value, "value", value)
    return str(labels.get(value, value)) if value is not None else ""


def badge_of(badges: dict, value) -> str:
    """The badge class of an enum value (a neutral one if it has none)."""
    return badges.get(getattr(value, "value", value), "text-bg-secondary")


def in_words(value) -> str:
    """A setting's value as a reader says it: yes or no for a switch, the number otherwise."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


SIZE_UNITS = (_l("%(num)s B"), _l("%(num)s KB"), _l("%(num)s MB"), _l("%(num)s GB"), _l("%(num)s TB"))


def file_size(size: int) -> str:
    """A size in bytes as people read it: "3 MB", "1.5 KB" (steps of 1024, one decimal at most)."""
    step = 0
    while size >= 1024 and step < len(SIZE_UNITS) - 1:
        size, step = size / 1024, step + 1
    return str(SIZE_UNITS[step]) % {"num": format_decimal(round(size, 1), format="#,##0.#")}


SHORT_HASH = 12  # hex digits of a SHA-256 a reader compares at a glance; the full value is on the item's page


def short_hash(sha256: str) -> str:
    return f"{sha256[:SHORT_HASH]}…"


def add_filters(bp: Blueprint, function, **tables: dict) -> None:
    """Register each `name=table` as the template filter `name`: `function(table, value)`
    (`label_of` or `badge_of`)."""
    for name, table in tables.items():
        bp.add_app_template_filter(partial(function, table), name)


def newlines(value):
    """Browsers send a textarea's line breaks as CRLF; the records keep LF."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def party_choices(parties) -> list[SelectChoice]:
    return [SelectChoice(party.code, f"{party.name(page_locale())} ({party.code})") for party in parties]


def file_response(name: str, sha256: str, stream):
    """A stored file as a download, with its digest for the client to check."""
    response = send_file(stream, download_name=name, as_attachment=True)
    response.headers["Digest"] = digest_header(sha256)
    return response


def person_label(user: User, team=None) -> str:
    """A person as a choice reads: the name, then the team's party and the authority (never a number)."""
    where = [part for part in (getattr(team, "party_code", None),
                               user.authority.name(page_locale()) if user.authority else None) if part]
    return f"{user.full_name} — {', '.join(where)}" if where else user.full_name


def offer_people(field, form_data, purpose: str, *, blank: str | None = None) -> None:
    """Fill a person field with everyone the caller may choose for `purpose` (`group_view.people_form`:
    the list a page without JavaScript shows), and tell the picker (static/js/people-picker.js) where
    to search as one types."""
    choices = [SelectChoice(c.user.id, person_label(c.user, c.team)) for c in form_data.people[purpose]]
    field.choices = [SelectChoice("", blank), *choices] if blank is not None else choices
    field.render_kw = {**(field.render_kw or {}), "data-people-url": url_for(
        "api_groups.people_to_choose", gid=form_data.group.id, purpose=purpose)}


def instruction_label(instruction) -> str:
    """An instruction as a choice reads: its teams, its case and what it asks for (never a number)."""
    asks = instruction.actions[0] if instruction.actions else instruction.body
    return (f"{instruction.from_team.party_code} → {instruction.to_team.party_code}, {instruction.case.number}: "
            f"{asks[:80]}")


def member_choices(group, blank: str, *extra) -> list[SelectChoice]:
    """The group's current members by name (and `extra` people outside the teams), for a person field."""
    chosen = {m.user_id: SelectChoice(m.user_id, person_label(m.user, m.team)) for team in group.teams
              for m in team.current_members}
    for user in extra:
        if user is not None:
            chosen.setdefault(user.id, SelectChoice(user.id, person_label(user)))
    return [SelectChoice("", blank), *sorted(chosen.values(), key=lambda choice: choice.label)]


def unmet_of(actions: dict[str, list[str]]) -> list[str]:
    """What the given actions still lack, each condition once (for a control offering several of them)."""
    return list(dict.fromkeys(why for unmet in actions.values() for why in unmet))


def action_choice(value, label, action: str, unmet: list[str]) -> SelectChoice:
    """A choice of a select that picks the action to take: it carries the action's verb
    (data-action), and is disabled while the action lacks something."""
    return SelectChoice(value, label, render_kw={"data-action": action, **({"disabled": True} if unmet else {})})


def confirmation_page(group, *, question: str, consequence: str, action: str, button: str, fields: dict,
                      back: str | None = None):
    """"Are you sure?" before a step that cannot be undone (templates/groups/confirm.html): the page a
    form reaches without JavaScript; its form posts `fields` to `action` with `confirm`."""
    return render_template("groups/confirm.html", group=group, question=question, consequence=consequence,
                           action=action, button=button, fields=fields, back=back)
