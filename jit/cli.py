"""`flask --app wsgi jit ...` commands (API.md "Operations")."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from jit import demo
from jit.models import Role
from jit.services import accounts, audit, evidence, files, mail, reminders, search
from jit.services.errors import DomainError
from jit.storage import LEFTOVER_AGE_SECONDS

jit_cli = AppGroup("jit", help="JIT platform administration.")


def _fail(error: DomainError) -> None:
    details = "; ".join(f"{field}: {why}" for field, why in error.fields.items())
    raise click.ClickException(f"{error.message}" + (f" ({details})" if details else ""))


@jit_cli.command("create-user")
@click.option("--username", required=True)
@click.option("--password", required=True, help="At least 12 characters, not easy to guess.")
@click.option("--full-name", required=True)
@click.option("--role", "roles", required=True, multiple=True, type=click.Choice([r.value for r in Role]),
              help="Repeat for several roles.")
@click.option("--authority-id", type=int, default=None)
@click.option("--time-zone", default="UTC", show_default=True)
def create_user(username, password, full_name, roles, authority_id, time_zone):
    """Create an account without the web (for the first admin)."""
    try:
        user = accounts.create_user_from_command_line(
            username=username, password=password, full_name=full_name, roles=roles,
            authority_id=authority_id, time_zone=time_zone,
        )
    except DomainError as error:
        _fail(error)
    click.echo(f"created user {user.username} (id {user.id}, roles: {', '.join(user.roles)})")


@jit_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the database already has data.")
def load_demo(if_empty):
    """Load the Belarus–Kazakhstan demo story into an empty database."""
    if if_empty and not demo.database_is_empty():
        click.echo("database already has data; demo not loaded")
        return
    try:
        demo_accounts = demo.load_demo()
    except DomainError as error:
        _fail(error)
    click.echo(f"demo data loaded. Every demo account's password is: {demo.DEMO_PASSWORD}")
    for account in demo_accounts:
        click.echo(f"  {account.username:<12} {', '.join(account.roles):<14} {account.story}")


@jit_cli.group("search")
def search_cli():
    """The search index."""


@search_cli.command("reindex")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the index already has entries.")
def reindex(if_empty):
    """Rebuild the search index from the records, in small transactions (safe while the platform serves)."""
    def progress(kind: str, done: int, total: int) -> None:
        click.echo(f"  {kind:<12} {done:>8} / {total}")

    written = search.reindex(progress, if_empty=if_empty)
    if written is None:
        click.echo("search index already built; not rebuilt")
        return
    click.echo(f"search index rebuilt: {sum(written.values())} entries")


@jit_cli.command("verify")
@click.argument("ledger", type=click.Choice(["audit", "evidence"]))
@click.option("--group", "group_id", type=int, default=None,
              help="Only this group's evidence ledger (default: every group's).")
def verify(ledger, group_id):
    """Recompute a ledger from its stored entries; exit non-zero and name the first broken entry."""
    if ledger == "audit":
        _report("audit ledger", audit.verify_ledger(), "every hash and signed checkpoint matches")
        return
    for gid in [group_id] if group_id is not None else evidence.groups_with_evidence():
        result = evidence.verify_chains(gid)
        _report(f"evidence ledger of group {gid}", result,
                f"every hash, chain, signed checkpoint and {result.files_checked} stored files match")
    _report_upload_leftovers()


def _report_upload_leftovers() -> None:
    """Temporary files of uploads whose process was killed mid-way: recorded nowhere, so not
    evidence and no break of any ledger (the exit status stays zero), but worth an operator's look."""
    store = files.content_store()
    leftovers = store.leftovers()
    if not leftovers:
        click.echo(f"file store OK: no leftovers of interrupted uploads in {store.incoming_folder}")
        return
    click.echo(f"file store: {len(leftovers)} leftover temporary file(s) of interrupted uploads in "
               f"{store.incoming_folder}, written by no live process and recorded nowhere (not evidence); "
               f"removed when the platform next starts once {LEFTOVER_AGE_SECONDS // 60} minutes old: "
               + ", ".join(f"{path.name} ({_size(path)})" for path in leftovers))


def _size(path) -> str:
    try:
        return f"{path.stat().st_size} bytes"
    except FileNotFoundError:
        return "removed meanwhile"


def _report(what: str, result, good: str) -> None:
    if not result.ok:
        where = f" at entry {result.first_broken_index}" if result.first_broken_index is not None else ""
        raise click.ClickException(f"{what} BROKEN{where}: {result.problem} ({result.checked} entries checked)")
    click.echo(f"{what} OK: {result.checked} entries, {good}")


notify_cli = AppGroup("notify", help="Notifications.")
jit_cli.add_command(notify_cli)


@notify_cli.command("due")
def notify_due():
    """Send the due-date, term, compliance and overdue-request reminders not sent yet (idempotent:
    safe to run every minute, on several processes at once)."""
    click.echo(f"{reminders.send_due()} reminder(s) sent")


@notify_cli.command("mail")
def notify_mail():
    """Send the notification e-mail that is due: immediate notices, daily digests, earlier failures
    whose next try has come (idempotent: safe to run every minute, on several processes at once)."""
    delivery = mail.deliver_pending()
    click.echo(f"{delivery.sent} mail(s) sent, {delivery.failed} left for a later try, "
               f"{delivery.deferred} waiting (quiet hours), {delivery.dropped} no longer to be sent, "
               f"{delivery.rejected} refused for good")
