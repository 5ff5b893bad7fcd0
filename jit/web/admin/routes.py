"""Administration pages: the registry (parties' treaty dates, Art. 11 authorities) and accounts.

Thin, like every door: the services decide who may do what (non-admins get their Forbidden) and
what is valid (their field errors go back on the form); a change is a POST answered by a redirect.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from jit.models import AuthorityKind, Party
from jit.services import accounts, page_views, registry
from jit.services.errors import Conflict, Invalid, NotFound
from jit.services.pagination import MAX_LIMIT
from jit.web.admin.forms import (
    KIND_LABELS,
    AuthorityCreateForm,
    AuthorityEditForm,
    AuthorityFilterForm,
    PartyForm,
    ResetPasswordForm,
    ResetSecondFactorForm,
    UnlockForm,
    UserCreateForm,
    UserEditForm,
)
from jit.web.common import actor, add_filters, label_of, page_locale, party_choices
from jit.web.refusals import form_page, show_refusal

bp = Blueprint("admin", __name__, url_prefix="/admin")

NO_AUTHORITY = _l("— none —")
add_filters(bp, label_of, authority_kind_label=KIND_LABELS)


def _parties():
    return registry.list_parties(actor(), limit=MAX_LIMIT).items


def _authority_choices(authorities) -> list[SelectChoice]:
    locale = page_locale()
    ordered = sorted(authorities, key=lambda authority: (authority.party_code, authority.name(locale)))
    return [SelectChoice(str(authority.id), f"{authority.name(locale)} ({authority.party_code})")
            for authority in ordered]


# --- overview ------------------------------------------------------------------------------

@bp.route("/")
@login_required
def index():
    return render_template("admin/index.html", counts=registry.overview(actor()))


# --- parties -------------------------------------------------------------------------------

@bp.route("/parties")
@login_required
def parties():
    return render_template("admin/parties.html", parties=_parties(), may_keep=registry.may_keep(actor()))


@bp.route("/parties/<code>", methods=["GET", "POST"])
@login_required
def edit_party(code: str):
    registry.require_keeper(actor())  # a form the POST would refuse is not shown either
    form = PartyForm()
    if form.validate_on_submit():
        party = registry.update_party(
            actor(), code,
            agreement_2015_in_force_on=form.agreement_2015_in_force_on.data,
            chisinau_in_force_on=form.chisinau_in_force_on.data,
        )
        flash(_("The treaty dates of %(party)s are saved.", party=party.name(page_locale())), "success")
        return redirect(url_for(".parties"))
    # There is no single-party read: the party comes from the (short) list of parties.
    party = next((party for party in _parties() if party.code == code.upper()), None)
    if party is None:
        raise NotFound()
    if not form.is_submitted():
        form.process(obj=party)
    return form_page("admin/party_form.html", form, party=party)


# --- authorities ---------------------------------------------------------------------------

@bp.route("/authorities")
@login_required
def authorities():
    filters = AuthorityFilterForm(request.args)
    party = kind = None

    def chosen(parties: list[Party]) -> dict:
        nonlocal party, kind
        filters.party.choices = [SelectChoice("", _("all parties")), *party_choices(parties)]
        if filters.validate():
            party, kind = filters.party.data or None, filters.kind.data or None
        return {"party": party, "kind": AuthorityKind(kind) if kind else None}

    page = page_views.authority_register(actor(), chosen, cursor=request.args.get("cursor") or None)
    next_url = (url_for(".authorities", party=party, kind=kind, cursor=page.next_cursor)
                if page.next_cursor else None)
    return render_template("admin/authorities.html", filters=filters, authorities=page.items,
                           party=party, next_url=next_url, may_keep=registry.may_keep(actor()))


@bp.route("/authorities/new", methods=["GET", "POST"])
@login_required
def new_authority():
    registry.require_keeper(actor())
    form = AuthorityCreateForm(party=request.args.get("party"))
    form.party.choices = party_choices(_parties())
    status = None
    if form.validate_on_submit():
        try:
            authority = registry.create_authority(
                actor(), party=form.party.data, name_en=form.name_en.data, name_ru=form.name_ru.data,
                kind=AuthorityKind(form.kind.data), listed_on=form.listed_on.data,
            )
        except (Invalid, Conflict) as refusal:
            status = show_refusal(form, refusal)
        else:
            flash(_("The authority “%(name)s” is added.", name=authority.name(page_locale())), "success")
            return redirect(url_for(".authorities", party=authority.party_code))
    return form_page("admin/authority_new.html", form, status)


@bp.route("/authorities/<int:authority_id>", methods=["GET", "POST"])
@login_required
def edit_authority(authority_id: int):
    registry.require_keeper(actor())
    form = AuthorityEditForm()
    status = None
    if form.validate_on_submit():
        try:
            authority = registry.update_authority(
                actor(), authority_id, delisted_on=form.delisted_on.data,
                name_en=form.name_en.data, name_ru=form.name_ru.data,
            )
        except (Invalid, Conflict) as refusal:
            status = show_refusal(form, refusal)
        else:
            flash(_("The authority “%(name)s” is saved.", name=authority.name(page_locale())), "success")
            return redirect(url_for(".authorities", party=authority.party_code))
    authority = registry.get_authority(actor(), authority_id)
    if not form.is_submitted():
        form.process(obj=authority)
    return form_page("admin/authority_edit.html", form, status, authority=authority)


# --- users ---------------------------------------------------------------------------------

@bp.route("/users")
@login_required
def users_list():
    page = accounts.list_users(actor(), cursor=request.args.get("cursor") or None)
    next_url = url_for(".users_list", cursor=page.next_cursor) if page.next_cursor else None
    return render_template("admin/users.html", users=page.items, next_url=next_url)


@bp.route("/users/new", methods=["GET", "POST"])
@login_required
def new_user():
    accounts.require_account_admin(actor())
    form = UserCreateForm()
    authorities = registry.list_authorities(actor(), limit=MAX_LIMIT).items
    form.authority_id.choices = [SelectChoice("", NO_AUTHORITY), *_authority_choices(authorities)]
    status = None
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                actor(), username=form.username.data, full_name=form.full_name.data,
                password=form.password.data, roles=form.roles.data, authority_id=form.authority_id.data,
                time_zone=form.time_zone.data,
            )
        except (Invalid, Conflict) as refusal:
            status = show_refusal(form, refusal)
        else:
            flash(_("The account %(username)s is created.", username=user.username), "success")
            return redirect(url_for(".users_list"))
    return form_page("admin/user_new.html", form, status)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def edit_user(user_id: int):
    user, authorities, failures = page_views.user_page(actor(), user_id)
    form = UserEditForm(obj=user)
    # update_user cannot take an authority away (None means "leave as it is"), so "none" is
    # offered only to accounts that have none yet.
    none_choice = [] if user.authority_id is not None else [SelectChoice("", NO_AUTHORITY)]
    form.authority_id.choices = [*none_choice, *_authority_choices(authorities)]
    status = None
    if form.validate_on_submit():
        try:
            user = accounts.update_user(
                actor(), user_id, active=form.active.data, roles=form.roles.data,
                full_name=form.full_name.data, time_zone=form.time_zone.data,
                authority_id=form.authority_id.data,
            )
        except (Invalid, Conflict) as refusal:
            status = show_refusal(form, refusal)
        else:
            flash(_("The account %(username)s is saved.", username=user.username), "success")
            return redirect(url_for(".users_list"))
    return form_page("admin/user_edit.html", form, status, user=user, reset_form=ResetSecondFactorForm(),
                     password_form=ResetPasswordForm(), unlock_form=UnlockForm(),
                     failures=failures)


@bp.route("/users/<int:user_id>/reset-second-factor", methods=["POST"])
@login_required
def reset_second_factor(user_id: int):
    if ResetSecondFactorForm().validate_on_submit():
        user = accounts.reset_second_factor(actor(), user_id)
        flash(_("The second factor of %(username)s is reset: they set up a new one at their next sign-in.",
                username=user.username), "success")
    return redirect(url_for(".edit_user", user_id=user_id))


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@login_required
def reset_password(user_id: int):
    """Show the one-time password once, on this page (never in a redirect's flash, which the
    session cookie would carry); the user must replace it when they sign in."""
    if not ResetPasswordForm().validate_on_submit():
        return redirect(url_for(".edit_user", user_id=user_id))
    reset = accounts.reset_password(actor(), user_id)
    page = render_template("admin/password_reset.html", user=reset.user, password=reset.temporary_password)
    return page, 200, {"Cache-Control": "no-store"}


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@login_required
def unlock(user_id: int):
    if UnlockForm().validate_on_submit():
        user = accounts.unlock(actor(), user_id)
        flash(_("The failed sign-ins of %(username)s are cleared: they can sign in from anywhere at once.",
                username=user.username), "success")
    return redirect(url_for(".edit_user", user_id=user_id))
