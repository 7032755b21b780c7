"""The `b2b` command: a thin skin over the library. Each command parses options, calls the
library and renders the result; `main` maps library errors to a message and an exit code."""

from __future__ import annotations

import atexit
import contextlib
import gc
import sys
import warnings
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import click

from toolkit.errors import B2BError, ConfigError

# the CRMs this install has: toolkit/sql/<crm>/crm.yml, package data (a folder each; no import
# of the CRM module needed to list them)
CRMS = tuple(sorted(p.parent.name for p in Path(str(resources.files("toolkit") / "sql")).glob("*/crm.yml")))

F = TypeVar("F", bound=Callable[..., Any])


def _err(message: str) -> None:
    click.secho(f"error: {message}", fg="red", err=True)


def _warn(lines: list[str]) -> None:
    for line in lines:
        click.secho(f"warning: {line}", fg="yellow", err=True)


def common_options(fn: F) -> F:
    fn = click.option(
        "--target", "-t", default=None, help="Target in profiles.yml (default: the profile's `target`)."
    )(fn)
    fn = click.option(
        "--profiles-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Folder holding profiles.yml (searched first; then the project dir, then ~/.b2b/).",
    )(fn)
    fn = click.option(
        "--project-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("."),
        show_default=True,
        help="Folder holding b2b_project.yml.",
    )(fn)
    return fn


#: --format for the commands that print text or JSON
text_or_json = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)


def _short_lived() -> None:
    """For a command that runs about a second and holds no connection: no cycle collection
    while it runs, and none over the whole heap at exit. Its garbage is sqlglot trees that
    point at their parents, a few MB all told; the collector's passes over them and, at exit,
    over every imported module's objects were a fifth of `b2b generate`'s process time
    (bench/results-generate-ab.md). gc.freeze() keeps the exit from collecting; files are
    written with `with` blocks, so nothing waits on a finalizer."""
    gc.disable()
    atexit.register(gc.freeze)


def _ctx(project_dir: Path, profiles_dir: Path | None, target: str | None) -> Any:
    from toolkit.context import ProjectContext

    return ProjectContext(project_dir, profiles_dir, target)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="b2b-connected-source")
def cli() -> None:
    """Warehouse-native B2B CRM views for your engagement platform's connected source.

    Generate lead, contact, account, opportunity and user views from your CRM tables, apply them,
    validate that every user_id matches the platform's external IDs, and compile segments.
    """


@cli.command()
@click.option("--name", default=None, help="Project name (default: the folder's name).")
@click.option("--force", is_flag=True, help="Overwrite existing files.")
@click.option(
    "--target",
    "-t",
    default=None,
    help="Inspect this target of profiles.yml and write what the source holds: naming, history "
    "mode, whether AccountContactRelation is synced (and source_schema.yml).",
)
@click.option(
    "--profiles-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder holding profiles.yml (with --target).",
)
@click.option(
    "--crm", type=click.Choice(CRMS), default="salesforce", show_default=True, help="Which CRM's tables."
)
@click.option("--source-schema", default=None, help="Where the CRM tables are (default: the CRM's name).")
@click.option("--source-database", default=None, help="Their database, when not the connection's.")
def init(
    name: str | None,
    force: bool,
    target: str | None,
    profiles_dir: Path | None,
    crm: str,
    source_schema: str | None,
    source_database: str | None,
) -> None:
    """Scaffold b2b_project.yml and profiles.yml in the current folder."""
    from toolkit.scaffold import init_project

    here = Path.cwd()
    project_name = name or here.name
    if target is None:
        for path in init_project(
            here, project_name, force=force, crm=crm, source_schema=source_schema or crm
        ):
            click.echo(f"wrote {path}")
        click.echo("next: edit source/platform in b2b_project.yml, then `b2b generate`")
        return
    from toolkit.scaffold import init_detected

    written, detected = init_detected(
        here, project_name, target, profiles_dir, source_schema or crm, source_database, force, crm
    )
    unsynced = ", ".join(detected.unsynced) or "none"
    click.echo(
        f"detected in {detected.schema!r}: naming {detected.naming}, history mode "
        f"{'on' if detected.history_mode else 'off'}, optional objects not synced: {unsynced} "
        f"({len(detected.tables)} tables)"
    )
    for path in written:
        click.echo(f"wrote {path}")
    click.echo("next: set platform.external_ids in b2b_project.yml, then `b2b apply`")


@cli.command()
@common_options
@click.option("--dialect", "-d", "dialects", multiple=True, help="Target dialect(s); default: all seven.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder (default: <project>/target).",
)
def generate(
    project_dir: Path,
    profiles_dir: Path | None,
    target: str | None,
    dialects: tuple[str, ...],
    out_dir: Path | None,
) -> None:
    """Write <out>/<dialect>/<view>.sql: each view's create-or-replace DDL. No connection needed."""
    _short_lived()
    from toolkit.dialects import TARGETS
    from toolkit.source.introspect import binding_notes
    from toolkit.transpile import compile_ddl, write_views

    ctx = _ctx(project_dir, profiles_dir, target)
    out = out_dir if out_dir is not None else ctx.project_dir / "target"
    views = compile_ddl(ctx, list(dialects) or list(TARGETS), cache_dir=out)
    _warn(binding_notes(ctx.crm))
    paths = write_views(views, out)
    click.echo(
        f"wrote {len(paths)} files to {out}/ ({len({v.dialect for v in views})} dialects x {len({v.entity for v in views})} views)"
    )


@cli.command("inspect")
@common_options
def inspect_cmd(project_dir: Path, profiles_dir: Path | None, target: str | None) -> None:
    """Record the CRM tables' columns and types in source_schema.yml (commit it, like a lock file)."""
    ctx = _ctx(project_dir, profiles_dir, target)
    path, schema, notes = ctx.inspect()
    _warn(notes)
    for t in sorted(schema.tables.values(), key=lambda t: t.name):
        click.echo(f"  {t.name:<28} {len(t.columns):>4} columns")
    click.echo(
        f"wrote {path} ({len(schema.tables)} tables from target {ctx.target.name!r}, schema {schema.schema!r})"
    )


@cli.command("apply")
@common_options
@click.option("--dry-run", is_flag=True, help="Print the statements instead of running them.")
@click.option("--force", is_flag=True, help="Also replace same-named views that b2b did not create.")
def apply_cmd(
    project_dir: Path, profiles_dir: Path | None, target: str | None, dry_run: bool, force: bool
) -> None:
    """Create or replace the views in the warehouse, then grant, in one atomic step."""
    from toolkit.apply import apply

    ctx = _ctx(project_dir, profiles_dir, target)
    plan = apply(ctx, dry_run=dry_run, force=force)
    if dry_run:
        click.echo(f"-- dry run: target {plan.target!r} ({plan.dialect}); nothing was executed")
        for stmt in plan.statements():
            click.echo(stmt.rstrip().rstrip(";") + ";\n")
        return
    _warn(plan.notes)
    for name, action in plan.actions.items():
        click.echo(f"{action:>9}  {name}")
    if not plan.changed:
        click.echo(f"target {plan.target!r}: views are up to date; nothing changed")
    else:
        grants = f" and {len(plan.grants)} grant(s)" if plan.grants else ""
        how = (
            "in one transaction"
            if plan.strategy == "transaction"
            else "staged (this engine auto-commits DDL: every new definition was created under a "
            "staging name first, then each live view was replaced)"
        )
        changed = sum(1 for a in plan.actions.values() if a != "unchanged")
        click.echo(f"target {plan.target!r}: applied {changed} of {len(plan.views)} views{grants} {how}")


@cli.command()
@common_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "junit", "html"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the report to FILE instead of stdout.",
)
def validate(
    project_dir: Path, profiles_dir: Path | None, target: str | None, fmt: str, output: Path | None
) -> None:
    """Run the checks in the warehouse, read only: grains, user_id format, match with the
    platform's external IDs (with a diagnosis of each miss), orphans, skew, integrity."""
    from toolkit.errors import ChecksFailed, WarehouseError
    from toolkit.validate.report import render
    from toolkit.validate.runner import run_validation

    ctx = _ctx(project_dir, profiles_dir, target)
    with _status("validating", enabled=fmt == "text" and output is None) as progress:
        report = run_validation(ctx, progress=progress)
    text = render(report, fmt, color=output is None and sys.stdout.isatty(), project=ctx.config.name)
    if output is not None:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {fmt} report to {output} (status: {report.status})", err=True)
    else:
        click.echo(text, nl=False)
    if report.exit_code == 3:
        raise WarehouseError("one or more checks could not run in the warehouse (see the report)")
    if report.exit_code == 1:
        raise ChecksFailed("one or more error-severity checks failed")


@cli.group()
def segment() -> None:
    """People and account segments declared under `segments:` in b2b_project.yml."""


@segment.command("compile")
@common_options
@click.argument("name", required=False)
@click.option(
    "--dialect", "-d", "dialects", multiple=True, help="Dialect(s) to compile for (default: the target's)."
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write DIR/<dialect>/<segment>.sql instead of printing.",
)
def segment_compile(
    project_dir: Path,
    profiles_dir: Path | None,
    target: str | None,
    name: str | None,
    dialects: tuple[str, ...],
    out_dir: Path | None,
) -> None:
    """Print a segment's SQL (paste it into a CDI segment extension), or write every segment
    for every dialect asked with --out."""
    from toolkit.dialects import PROFILE_DIALECT
    from toolkit.segments.compile import SegmentCompiler, get_segment, load_segments

    ctx = _ctx(project_dir, profiles_dir, target)
    chosen = list(dialects) or [PROFILE_DIALECT[ctx.target.type]]
    segments = [get_segment(ctx, name)] if name else list(load_segments(ctx).values())
    if not segments:
        raise ConfigError("b2b_project.yml: no segments declared", hint="add a `segments:` section")
    compiler = SegmentCompiler(ctx)
    for seg in segments:
        for d in chosen:
            compiled = compiler.compile(seg, d)
            if out_dir is None:
                if len(segments) * len(chosen) > 1:
                    click.echo(f"-- {seg.name} ({d})")
                click.echo(compiled.sql + ";")
            else:
                path = out_dir / d / f"{seg.name}.sql"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(
                    f"-- segment {seg.name} ({seg.kind}) for {d}; generated by b2b-connected-source\n{compiled.sql};\n",
                    encoding="utf-8",
                )
    if out_dir is not None:
        click.echo(f"wrote {len(segments) * len(chosen)} files to {out_dir}/")


@segment.command("preview")
@common_options
@click.argument("name")
def segment_preview(project_dir: Path, profiles_dir: Path | None, target: str | None, name: str) -> None:
    """Count a segment in the warehouse and show a bounded sample and its SQL."""
    from toolkit.segments.run import preview

    ctx = _ctx(project_dir, profiles_dir, target)
    with _status(f"previewing {name}", enabled=True):
        result = preview(ctx, name)
    click.echo(
        f"segment {name} ({result.compiled.segment.kind}): {result.count:,} rows on target {ctx.target.name!r}"
    )
    for row in result.sample:
        click.echo("  " + " | ".join("" if v is None else str(v) for v in row))
    for w in result.warnings:
        click.secho(f"warning: {w}", fg="yellow", err=True)
    click.echo("\n" + result.compiled.sql + ";")


@segment.command("export")
@common_options
@click.argument("name")
@click.option(
    "--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="CSV file to write."
)
@click.option(
    "--batch-size",
    default=10_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Rows fetched per round trip.",
)
def segment_export(
    project_dir: Path, profiles_dir: Path | None, target: str | None, name: str, out: Path, batch_size: int
) -> None:
    """Stream an account segment to CSV with LinkedIn's company-list headers. This is the one
    deliberate copy of rows out of the warehouse."""
    from rich.progress import Progress

    from toolkit.segments.run import export_csv

    ctx = _ctx(project_dir, profiles_dir, target)
    click.echo(f"exporting segment {name} to {out}: the one deliberate copy out of the warehouse", err=True)
    with Progress(transient=True, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("rows", total=None)
        written, warnings_ = export_csv(
            ctx,
            name,
            out,
            batch_size,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    for w in warnings_:
        click.secho(f"warning: {w}", fg="yellow", err=True)
    click.echo(f"wrote {written:,} rows to {out}")


@cli.group()
def export() -> None:
    """Export the project to other tools."""


@export.command("dbt")
@common_options
@click.option("--dialect", "-d", default=None, help="SQL dialect of the models (default: the target's).")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dbt_b2b"),
    show_default=True,
    help="Folder of the dbt project (a local package too).",
)
@click.option("--force", is_flag=True, help="Write into a non-empty folder that is not a dbt project.")
def export_dbt_cmd(
    project_dir: Path,
    profiles_dir: Path | None,
    target: str | None,
    dialect: str | None,
    out_dir: Path,
    force: bool,
) -> None:
    """Write a dbt project: one model per view (sources and refs), sources.yml with freshness,
    schema.yml with column docs and the validator's contract as tests."""
    from toolkit.export_dbt import check_out_dir, export_dbt

    check_out_dir(out_dir, force)
    ctx = _ctx(project_dir, profiles_dir, target)
    result = export_dbt(ctx, out_dir, dialect)
    click.echo(
        f"wrote a dbt project for {result.dialect} to {out_dir}/: {len(result.models)} models, "
        f"{len(result.files)} files (profile {ctx.config.profile!r})"
    )
    _warn(result.notes)
    click.echo(f"next: cd {out_dir} && dbt run && dbt test   (or add it to packages.yml as a local package)")


@cli.group()
def sync() -> None:
    """The CDI sync (the copy-based path): the ledger's runs, and what Braze would read."""


@sync.command("run")
@common_options
@click.option("--full", is_flag=True, help="Send everything again (e.g. after a Braze workspace reset).")
@click.option("--dry-run", is_flag=True, help="Count what this run would append; write nothing.")
@text_or_json
def sync_run_cmd(
    project_dir: Path, profiles_dir: Path | None, target: str | None, full: bool, dry_run: bool, fmt: str
) -> None:
    """Append to the sync ledger each attribute and link that changed since the last run (one
    transaction where the engine has them), for Braze's next CDI sync to read once. For cron or
    an orchestrator: exit 0 and a one-line summary; 3 when the warehouse refused."""
    import json

    from toolkit.ledger.run import sync_run

    ctx = _ctx(project_dir, profiles_dir, target)
    with _status("sync run", enabled=fmt == "text") as say:
        result = sync_run(ctx, full=full, dry_run=dry_run, progress=say)
    click.echo(json.dumps(result.as_dict(), indent=2) if fmt == "json" else result.summary())


@sync.command("compact")
@common_options
@click.option("--keep-days", type=click.IntRange(min=1), required=True, help="History to keep, in days.")
def sync_compact_cmd(
    project_dir: Path, profiles_dir: Path | None, target: str | None, keep_days: int
) -> None:
    """Drop the ledger's history older than --keep-days, keeping each latest value: what Braze
    reads next and what the next run compares against stay the same."""
    from toolkit.ledger.compact import sync_compact

    ctx = _ctx(project_dir, profiles_dir, target)
    with _status("sync compact", enabled=True):
        result = sync_compact(ctx, keep_days)
    click.echo(result.summary())


@sync.command("preview")
@common_options
@click.option(
    "--since",
    default=None,
    help="Count rows with UPDATED_AT later than this (ISO 8601, UTC); default: every row (a first sync).",
)
@text_or_json
def sync_preview_cmd(
    project_dir: Path, profiles_dir: Path | None, target: str | None, since: str | None, fmt: str
) -> None:
    """Rows and data points each CDI sync view would send since a timestamp (counted in the
    warehouse; one row per view leaves it)."""
    import json

    from toolkit.sync_preview import parse_since, sync_preview

    when = parse_since(since)
    ctx = _ctx(project_dir, profiles_dir, target)
    with _status("counting the sync views", enabled=fmt == "text"):
        result = sync_preview(ctx, when)
    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), indent=2))
        return
    click.echo(_sync_text(result))


def _sync_text(result: Any) -> str:
    since = f"since {result.since.isoformat()}Z" if result.since else "in a first sync (every row)"
    lines = [f"sync preview {since}, target {result.target!r}:"]
    for v in result.views:
        points = f"{v.data_points:>14,}" if v.data_points is not None else f"{'-':>14}"
        per_row = f" ({v.data_points / v.rows:.1f} per row)" if v.data_points and v.rows else ""
        lines.append(f"  {v.view:<32} {v.rows:>12,} rows {points} data points  {v.unit}{per_row}")
    total = sum(v.data_points or 0 for v in result.views)
    lines.append(f"  {'total':<32} {'':>17} {total:>14,} data points")
    return "\n".join(lines)


@cli.group()
def connect() -> None:
    """Braze's connected source: the admin's one-time setup, and the check as Braze."""


@connect.command("sql")
@common_options
@click.option("--dialect", "-d", default=None, help="Warehouse dialect (default: the target's).")
@click.option("--user", default=None, help="The login Braze uses (default: <role>_user).")
def connect_sql_cmd(
    project_dir: Path, profiles_dir: Path | None, target: str | None, dialect: str | None, user: str | None
) -> None:
    """Print the one-time setup an administrator runs: Braze's role, its login (key-pair on
    Snowflake) and a warehouse that resumes by itself. `b2b apply` grants the rest."""
    from toolkit.connect.setup import setup_sql
    from toolkit.dialects import PROFILE_DIALECT

    ctx = _ctx(project_dir, profiles_dir, target)
    database = None
    if dialect is None:
        dialect = PROFILE_DIALECT[ctx.target.type]
        conn = ctx.target.conn
        database = (
            getattr(conn, "database", None) or getattr(conn, "dbname", None) or getattr(conn, "project", None)
        )
    click.echo(setup_sql(ctx.config, dialect, user, database), nl=False)


@connect.command("check")
@common_options
@text_or_json
def connect_check_cmd(project_dir: Path, profiles_dir: Path | None, target: str | None, fmt: str) -> None:
    """Connected with Braze's credentials (--target): the view schema lists exactly the views,
    each view reads, each people segment runs as CREATE TABLE <scratch>.<tmp> AS ..., and the raw
    CRM and platform-IDs tables are refused. Exit 1 on any failure."""
    import json

    from toolkit.connect.check import connect_check, format_text

    ctx = _ctx(project_dir, profiles_dir, target)
    with _status("checking as Braze's role", enabled=fmt == "text"):
        report = connect_check(ctx)
    click.echo(json.dumps(report.to_dict(), indent=2) if fmt == "json" else format_text(report))
    if not report.ok:
        sys.exit(1)


@contextlib.contextmanager
def _status(title: str, enabled: bool) -> Iterator[Callable[[str], None]]:
    """A spinner on stderr while the warehouse works (only on a terminal)."""
    from rich.console import Console

    console = Console(stderr=True)
    if not (enabled and console.is_terminal):
        yield lambda _msg: None
        return
    with console.status(title) as status:
        yield lambda msg: status.update(f"{title}: {msg}")


@cli.command()
@click.option(
    "--contacts",
    default=100_000,
    show_default=True,
    type=click.IntRange(min=100),
    help="Synthetic contacts to generate.",
)
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("b2b_demo"),
    show_default=True,
    help="Where the demo project goes.",
)
@click.option(
    "--crm",
    type=click.Choice(CRMS),
    default="salesforce",
    show_default=True,
    help="Which CRM the synthetic org is (its tables, as Fivetran syncs them).",
)
def demo(contacts: int, directory: Path, crm: str) -> None:
    """Build a synthetic org in DuckDB, then generate, apply and count the views."""
    from toolkit.demo.run import run_demo

    result = run_demo(directory, contacts, step=lambda s: click.echo(f"- {s}"), crm=crm)
    click.echo("")
    click.echo("views (rows):")
    for name, count in result.row_counts.items():
        click.echo(f"  {name:<30} {count:>12,}")
    click.echo("")
    click.echo(f"project:    {result.directory / 'b2b_project.yml'}")
    click.echo(f"warehouse:  {result.database}  (duckdb {result.database.name})")
    click.echo(
        f"generated:  {result.directory / 'target'}/<dialect>/<view>.sql ({len(result.generated)} files)"
    )
    v = result.validation
    click.echo(
        f"validate:   {v['checks']} checks: {v['passed']} passed, {v['warned']} warned, {v['failed']} failed "
        "(the synthetic org carries injected defects on purpose)"
    )
    for r in result.report.results:
        if r.name == "user_id_in_platform" and r.view.endswith("contacts"):
            click.echo(
                f"            user_id_in_platform on {r.view}: match rate {r.rate}, unmatched by cause {r.diagnosis}"
            )
    click.echo(f"segment:    software_open_pipeline = {result.segment.count:,} people")
    if result.ledger is not None:
        click.echo(f"sync run:   {result.ledger.summary()}")
    if result.sync is not None:
        click.echo("")
        click.echo(_sync_text(result.sync))
        click.echo("")
    t = result.timings
    click.echo(
        f"took:       build {t['build']:.1f}s, generate {t['generate']:.1f}s, apply {t['apply']:.1f}s, "
        f"count {t['count']:.1f}s, validate {t['validate']:.1f}s, segment {t['segment']:.1f}s"
    )
    sync_next = (
        (
            " && b2b sync run --dry-run"
            if result.ledger is not None
            else " && b2b sync preview --since 2026-01-01"
        )
        if result.sync is not None
        else ""
    )
    click.echo(
        f"next:       cd {result.directory} && b2b validate && b2b segment preview target_accounts{sync_next}"
    )


def main(argv: list[str] | None = None) -> None:
    warnings.simplefilter("default")
    warnings.formatwarning = lambda msg, *a, **k: f"warning: {msg}\n"
    try:
        cli.main(args=argv, prog_name="b2b", standalone_mode=False)
    except B2BError as exc:
        _err(str(exc))
        sys.exit(exc.exit_code)

    except click.exceptions.Abort:
        _err("aborted")
        sys.exit(130)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(130)
    sys.exit(0)


if __name__ == "__main__":
    main()
