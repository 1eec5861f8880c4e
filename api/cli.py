"""The ``ravand`` command."""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

import click

from api.composition import Ravand, SettingsError, build, pending_migrations, public_url_warning
from api.identity.models import LOCALES, ROLES
from config import load_settings
from engine.errors import EngineError, InvalidDefinition
from engine.queries import InstanceQuery
from engine.store.transactions import transaction
from engine.tasks import TaskQuery


def _ravand(ctx: click.Context, migrate: bool = False) -> Ravand:
    try:
        return build(load_settings(ctx.obj.get("config")), migrate=migrate)
    except SettingsError as exc:
        raise click.ClickException(f"invalid setting {exc}") from None


@click.group()
@click.option("--config", type=click.Path(dir_okay=False), help="A TOML settings file.")
@click.pass_context
def main(ctx: click.Context, config: str | None) -> None:
    """Ravand: a CRM whose work runs as BPMN processes."""
    ctx.ensure_object(dict)["config"] = config


@main.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create or upgrade the database schema."""
    ravand = _ravand(ctx, migrate=True)
    click.echo(f"database ready: {ravand.database.url.render_as_string(hide_password=True)}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--actor", default="cli", show_default=True)
@click.pass_context
def deploy(ctx: click.Context, files: tuple[str, ...], actor: str) -> None:
    """Deploy BPMN, DMN and form files; print each process key and version."""
    ravand = _ravand(ctx, migrate=True)
    payload = [(Path(f).name, Path(f).read_bytes()) for f in files]
    try:
        results = transaction(ravand.sessions, lambda s: ravand.engine.deploy(s, payload, actor))
    except InvalidDefinition as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        sys.exit(1)
    for item in results:
        note = "" if item.created else " (unchanged)"
        click.echo(f"{item.key} v{item.version}{note}")


def _table(rows: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(rows, default=str, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo("  ".join(str(v) if v is not None else "-" for v in row.values()))


@main.command()
@click.option("--key")
@click.option("--state", type=click.Choice(["running", "completed", "cancelled", "failed"]))
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def instances(ctx: click.Context, key: str | None, state: str | None, limit: int, as_json: bool) -> None:
    """List process instances, newest first."""
    ravand = _ravand(ctx)
    page = transaction(ravand.sessions, lambda s: ravand.engine.instances(
        s, InstanceQuery(process_key=key, state=state, limit=limit)))
    _table([{"id": i.id, "key": i.process_key, "business_key": i.business_key, "state": i.state,
             "started": i.started_at.isoformat(timespec="seconds"), "at": ",".join(i.active_elements)}
            for i in page.items], as_json)
    click.echo(f"{page.total} instance(s)", err=True)


@main.command()
@click.option("--assignee")
@click.option("--key")
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def tasks(ctx: click.Context, assignee: str | None, key: str | None, limit: int, as_json: bool) -> None:
    """List open user tasks."""
    ravand = _ravand(ctx)
    page = transaction(ravand.sessions, lambda s: ravand.engine.tasks(
        s, TaskQuery(assignee=assignee, process_key=key, limit=limit)))
    _table([{"id": t.id, "name": t.name, "key": t.process_key, "state": t.state, "assignee": t.assignee,
             "groups": ",".join(t.candidate_groups)} for t in page.items], as_json)
    click.echo(f"{page.total} task(s)", err=True)


@main.group()
def journal() -> None:
    """The audit journal."""


@journal.command("verify")
@click.pass_context
def journal_verify(ctx: click.Context) -> None:
    """Walk the hash chain; exit 1 and name the first broken row if it does not hold."""
    ravand = _ravand(ctx.find_root())
    result = transaction(ravand.sessions, ravand.engine.verify_journal)
    if result.ok:
        click.echo(f"ok: {result.checked} entries verified")
        return
    click.echo(f"BROKEN at entry {result.first_broken}: {result.reason} ({result.checked} verified before it)")
    sys.exit(1)


@main.group()
def users() -> None:
    """Users and their roles and groups."""


@users.command("add")
@click.argument("name")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--groups", default="", help="comma-separated candidate groups, e.g. sales,managers")
@click.option("--display-name")
@click.option("--locale", type=click.Choice(LOCALES), default="en", show_default=True)
@click.option("--email", help="where the user's notices are mailed")
@click.option("--mobile", help="SMS for the user's notices when no e-mail is given, e.g. 09121234567")
@click.pass_context
def users_add(ctx: click.Context, name: str, password: str, role: str, groups: str, display_name: str | None,
              locale: str, email: str | None, mobile: str | None) -> None:
    """Create a user."""
    from api.identity.service import create_user

    ravand = _ravand(ctx.find_root(), migrate=True)
    group_list = [g for g in groups.split(",") if g.strip()]
    try:
        transaction(ravand.sessions, lambda s: create_user(
            s, name, password, role, group_list, display_name, locale, email=email, mobile=mobile))
    except EngineError as exc:
        errors = getattr(exc, "field_errors", None) or {}
        raise click.ClickException("; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items()) or str(exc)) \
            from None
    click.echo(f"user {name} ({role}) created")


@main.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Create the demo users, deploy the CRM processes and load demo records (once); print the passwords."""
    from api.demo_data import load_demo_data
    from api.demo_users import ensure_demo_users

    ravand = _ravand(ctx, migrate=True)
    credentials = ravand.settings.data_dir / "demo-users.txt"
    rows = transaction(ravand.sessions, lambda s: ensure_demo_users(s, credentials))
    click.echo("demo users (user / role / password):")
    for name, role, password in rows:
        click.echo(f"  {name:10} {role:11} {password}")
    loaded = load_demo_data(ravand)
    click.echo("CRM processes deployed; " + ("demo records loaded" if loaded else "demo records already there"))


@main.command("describe-records")
@click.pass_context
def describe_records(ctx: click.Context) -> None:
    """Give the process instances that know their record only by type and id (those started before records
    were kept) the record's title and search text."""
    from processes.records import describe_untitled

    ravand = _ravand(ctx, migrate=True)
    total = 0
    while done := transaction(ravand.sessions, lambda s: describe_untitled(ravand.engine, s)):
        total += done
    click.echo(f"{total} records described")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.option("--workers", default=2, show_default=True)
@click.option("--threads", default=4, show_default=True)
@click.option("--dev", is_flag=True, help="Flask's development server with reload")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int, threads: int, dev: bool) -> None:
    """Serve the API (and web app) under gunicorn, with the one timer loop beside it."""
    from api.app import create_app
    from api.serve import TimerProcess, reloader_child, timer_argv
    from api.serve import serve as run_server

    config = ctx.obj.get("config")
    ravand = _ravand(ctx, migrate=not (dev and reloader_child()))  # once, before any worker starts
    ravand.database.dispose()  # no pooled connection crosses gunicorn's fork
    if (warning := public_url_warning(ravand.settings)) is not None:
        logging.getLogger("ravand.serve").warning(warning)
    enabled = ravand.settings.scheduler_enabled
    if dev:  # one process: the loop runs inside it (in Werkzeug's serving child only)
        run_server(lambda: create_app(load_settings(config), timers=enabled and reloader_child()),
                   host, port, workers, threads, dev)
        return
    click.echo(f"Ravand on http://{host}:{port}/  (API docs: http://{host}:{port}/api/docs)")
    timers = TimerProcess(timer_argv(config)) if enabled else None
    run_server(lambda: create_app(load_settings(config)), host, port, workers, threads, dev, timers)


@main.command()
@click.option("--batch", default=50, show_default=True, help="timers taken per poll")
@click.pass_context
def worker(ctx: click.Context, batch: int) -> None:
    """Fire due timers (`ravand serve` runs one; on PostgreSQL more may run beside it). It never migrates:
    run `ravand init` (or `ravand serve`) first."""
    ravand = _ravand(ctx)
    if pending_migrations(ravand.database):
        click.echo("error: the database schema is not up to date; run `ravand init` first", err=True)
        sys.exit(1)
    ravand.timers.batch = batch
    click.echo(f"timer worker running (pid {os.getpid()}); Ctrl-C stops it")
    signal.signal(signal.SIGTERM, _exit)
    try:
        from api.outbox import schedule_outbox

        ravand.timers.run_blocking(also=lambda scheduler: schedule_outbox(scheduler, ravand))
    except (KeyboardInterrupt, SystemExit):
        ravand.timers.stop()
        click.echo(f"stopped after firing {ravand.timers.fired} timer(s)")


def _exit(signum: int, frame: object) -> None:
    raise SystemExit(0)


@main.group()
def notifications() -> None:
    """The outbox of e-mail and SMS messages."""


@notifications.command("dispatch")
@click.option("--batch", default=100, show_default=True, type=click.IntRange(1, 10_000),
              help="at most this many messages")
@click.pass_context
def notifications_dispatch(ctx: click.Context, batch: int) -> None:
    """Send the messages that are due now, once, and print what happened."""
    from api.outbox import dispatch_outbox
    from crm.errors import CrmError

    ravand = _ravand(ctx.find_root(), migrate=True)
    try:
        report = dispatch_outbox(ravand, batch=batch)
    except CrmError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(1)
    click.echo(str(report))
    if report.kept:
        click.echo("note: kept messages wait for a sender (set RAVAND_SMTP_HOST / RAVAND_SMS_ENDPOINT), then "
                   "run `ravand notifications release-kept`", err=True)


@notifications.command("deliveries")
@click.pass_context
def notifications_deliveries(ctx: click.Context) -> None:
    """Ask the SMS panel how the messages it took fared, once, and print how many reports changed."""
    from api.outbox import track_deliveries
    from crm.errors import CrmError

    ravand = _ravand(ctx.find_root(), migrate=True)
    try:
        changed = track_deliveries(ravand, actor="cli")
    except CrmError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(1)
    click.echo(f"{changed} delivery report(s) changed")


@main.group()
def campaigns() -> None:
    """Campaigns to customer segments."""


@campaigns.command("run")
@click.pass_context
def campaigns_run(ctx: click.Context) -> None:
    """Queue every campaign being sent into the outbox now, to the end (the scheduler does it a little at a
    time), and print how many members were read."""
    from api.campaign_sending import queue_campaigns

    ravand = _ravand(ctx.find_root(), migrate=True)
    read = total = queue_campaigns(ravand, budget_s=60)
    while read:
        read = queue_campaigns(ravand, budget_s=60)
        total += read
    click.echo(f"{total} member(s) read")


@main.group()
def loyalty() -> None:
    """The loyalty club."""


@loyalty.command("expire")
@click.pass_context
def loyalty_expire(ctx: click.Context) -> None:
    """Write off the loyalty points that have lapsed (the scheduler does it every hour)."""
    from api.club import expire_all

    customers, points = expire_all(_ravand(ctx.find_root(), migrate=True))
    click.echo(f"{points} point(s) of {customers} customer(s) written off")


@notifications.command("release-kept")
@click.option("--channel", type=click.Choice(["email", "sms"]))
@click.pass_context
def notifications_release_kept(ctx: click.Context, channel: str | None) -> None:
    """Queue the kept messages again (after a sender was configured)."""
    from api.composition import ravand_ctx
    from crm.notify import release_kept

    ravand = _ravand(ctx.find_root(), migrate=True)
    count = transaction(ravand.sessions, lambda s: release_kept(ravand_ctx(s, "cli"), channel=channel))
    click.echo(f"{count} message(s) queued again")


@main.group()
def customers() -> None:
    """Customers: import from CSV or Excel, export to CSV."""


class _ImportBar:
    """The terminal's progress bar for an import job, opened once the job has counted its rows."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.done = 0

    def __call__(self, progress: Any) -> None:
        if self.bar is None and progress.rows_total is not None:
            self.bar = click.progressbar(length=progress.rows_total, label="importing", file=sys.stderr,
                                         show_pos=True, show_percent=True)
            self.bar.__enter__()
        if self.bar is not None:
            self.bar.update(progress.rows_read - self.done)
            self.done = progress.rows_read

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _print_import(session: Any, job_id: int, shown: int) -> None:
    from crm import import_jobs

    job = import_jobs.get_job(session, job_id)
    click.echo(f"{job.rows_read} row(s): {job.imported} created, {job.skipped} skipped as duplicates, "
               f"{job.rejected} rejected")
    for outcome in ("skipped", "rejected"):
        rows, total = import_jobs.report_rows(session, job_id, outcome, limit=shown)
        for row in rows:
            click.echo(f"  row {row.row}: {outcome}, {row.reason}")
        if total > len(rows):
            click.echo(f"  … and {total - len(rows)} more {outcome} row(s): see import job {job_id}")
    if job.state == "failed":
        click.echo(f"error: the import stopped: {job.error}", err=True)
        sys.exit(1)


@customers.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--on-duplicate", type=click.Choice(["skip", "create"]), default="skip", show_default=True,
              help="what to do with a row that looks like a customer already there")
@click.option("--actor", default="cli", show_default=True, help="who the journal names")
@click.option("--rejected", "rejected_out", type=click.Path(dir_okay=False, writable=True),
              help="also write every rejected row (number, reason, fields) to this CSV file")
@click.option("--show", default=50, show_default=True, help="print at most this many skipped and rejected rows")
@click.pass_context
def customers_import(ctx: click.Context, file: str, on_duplicate: str, actor: str, rejected_out: str | None,
                     show: int) -> None:
    """Import customers from a .csv or .xlsx FILE (headers in English or Persian) as an import job run here,
    in batches, with a progress bar; print the summary and the refused rows."""
    from api.imports import job_settings, run_job_here, runner_name
    from crm import import_jobs
    from crm.errors import CrmError

    ravand = _ravand(ctx.find_root(), migrate=True)
    limits, path, runner = job_settings(ravand).limits, Path(file), runner_name("cli")
    try:
        if path.stat().st_size > limits.max_bytes:
            raise CrmError(f"{file} has {path.stat().st_size} bytes; an import may hold at most {limits.max_bytes}")
        content = path.read_bytes()
        job_id = transaction(ravand.sessions, lambda s: import_jobs.submit(
            s, actor, path.name, content, on_duplicate=on_duplicate, limits=limits, runner=runner).id)
    except CrmError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(1)
    click.echo(f"import job {job_id}: reading {path.name}", err=True)
    bar = _ImportBar()
    try:
        run_job_here(ravand, job_id, runner, on_batch=bar)
    finally:
        bar.close()
    with ravand.read_sessions() as session:
        if rejected_out:
            with open(rejected_out, "w", encoding="utf-8", newline="") as target:
                target.writelines(import_jobs.rejected_csv(session, job_id))
        _print_import(session, job_id, show)


@customers.command("export")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="a file (default: standard output)")
@click.option("--q", help="only customers matching this search")
@click.option("--status", type=click.Choice(["potential", "actual"]))
@click.pass_context
def customers_export(ctx: click.Context, out: str | None, q: str | None, status: str | None) -> None:
    """Export customers as CSV (UTF-8 with BOM, for Excel; `customers import` reads it back)."""
    from crm.importing import export_customers_csv

    ravand = _ravand(ctx.find_root())
    with ravand.read_sessions() as session:
        chunks = export_customers_csv(session, q=q, status=status)
        if out is None:
            for chunk in chunks:
                click.echo(chunk, nl=False)
            return
        with open(out, "w", encoding="utf-8", newline="") as target:
            target.writelines(chunks)
        click.echo(f"written to {out}", err=True)


def run() -> None:
    try:
        main(obj={})
    except EngineError as exc:
        click.echo(f"error: {exc.detail}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    run()
