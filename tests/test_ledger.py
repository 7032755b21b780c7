"""The sync ledger (output.user_sync.mode: ledger, issue 32), read the way Braze reads it.

Ten simulated days of CRM edits (tests/ledger_sim.py): each day `b2b sync run`, then one CDI sync
of each view by a simulated Braze reader with an inclusive cursor. Every day, on every engine,
the data points Braze counts equal the floor computed by the independent model (the attribute
values that changed since the day before), each link made or gone is read as exactly one event,
and the profiles Braze builds equal the model's payloads."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import ledger_sim
import loaders
import pytest
from conftest import DEMO_DB, pg_profiles, snowflake_profiles, user_sync_mode

from toolkit.apply import apply
from toolkit.context import ProjectContext
from toolkit.ledger.run import sync_run

DAYS = 10
Loader = Callable[[ledger_sim.Tables, set[str]], None]


def assert_days(days: list[dict[str, Any]]) -> None:
    for d in days:
        assert d["data_points"] == d["floor"], d
        assert d["events_read"] == d["events_due"], d
        assert d["profiles_equal_model"], d
    # the edits reached people every day, and most of what they touched changed no payload
    assert all(d["floor"] > 0 and d["events_due"] for d in days[1:])
    assert days[0]["rows"] > 10 * max(d["rows"] for d in days[1:])


def _pg_loader(dsn: str) -> Loader:
    """The changed tables' rows replaced in place (TRUNCATE + COPY): the views on them stay."""

    def load(tables: ledger_sim.Tables, names: set[str]) -> None:
        import psycopg

        with psycopg.connect(dsn, autocommit=True) as conn:
            for (schema, table), (_cols, rows) in tables.items():
                if table not in names:
                    continue
                conn.execute(f'TRUNCATE "{schema}"."{table}"')
                with conn.cursor() as cur, cur.copy(f'COPY "{schema}"."{table}" FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            conn.execute("ANALYZE")

    return load


def _snowflake_loader(tables_of: Callable[[], Any]) -> Loader:
    def load(tables: ledger_sim.Tables, names: set[str]) -> None:
        conn = tables_of()
        try:
            loaders.load_snowflake(conn, {k: v for k, v in tables.items() if k[1] in names})
        finally:
            conn.close()

    return load


@pytest.fixture(
    params=[
        # 7-8 s each on DuckDB: over `make test-fast`'s 5 s rule (the CLI test below runs there)
        pytest.param("duckdb", marks=pytest.mark.slow),
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("snowflake", marks=pytest.mark.snowflake),
    ]
)
def ledger_engine(
    request: pytest.FixtureRequest, project: Path, org_tables: dict
) -> Iterator[tuple[Path, Loader]]:
    user_sync_mode(project, "ledger")
    if request.param == "duckdb":

        def load(tables: ledger_sim.Tables, names: set[str]) -> None:
            loaders.load_duckdb(str(project / DEMO_DB), {k: v for k, v in tables.items() if k[1] in names})

        yield project, load
    elif request.param == "postgres":
        server = request.getfixturevalue("pg")
        db = request.getfixturevalue("pg_db")
        pg_profiles(project, server, db)
        yield project, _pg_loader(server.dsn(db))
    else:
        request.getfixturevalue("snowflake_org")
        snowflake_profiles(project)
        import snowflake.connector

        def connect() -> Any:
            return snowflake.connector.connect(
                account="fake", user="fake", password="fake", database="ANALYTICS", schema="PUBLIC"
            )

        def drop_ledger() -> None:  # the emulator's database lives as long as the session
            conn = connect()
            try:
                renderer = ProjectContext(project).renderer()
                for name in ("runs", "attributes", "events"):
                    conn.cursor().execute(
                        f"DROP TABLE IF EXISTS {renderer.ledger(name).sql(dialect='snowflake')}"
                    )
            finally:
                conn.close()

        drop_ledger()
        try:
            yield project, _snowflake_loader(connect)
        finally:  # the session's org, as other tests expect it, and no ledger
            _snowflake_loader(connect)(org_tables, {k[1] for k in org_tables})
            drop_ledger()


def test_ten_days_cost_exactly_the_floor(ledger_engine: tuple[Path, Loader], org_tables: dict) -> None:
    project, load = ledger_engine
    apply(ProjectContext(project))
    days = ledger_sim.simulate(
        org_tables, DAYS, load, lambda: sync_run(ProjectContext(project)), ledger_sim.project_reader(project)
    )
    assert_days(days)


# Spark Connect's ten days run in test_conformance.test_spark_connect_apply_validate_preview_and_
# ten_days_in_separate_processes: on the org that test's `b2b apply` and first `b2b sync run`
# reached on the server, so the server starts, loads the org and applies once (issue 30)


def _braze_view(project: Path) -> list[tuple[Any, ...]]:
    """Every row Braze could read, payloads as parsed JSON (member order is the engine's)."""
    import json

    read = ledger_sim.project_reader(project)
    return sorted(
        (ts, uid, json.dumps(json.loads(p), sort_keys=True))
        for view in ("attributes", "events")
        for ts, uid, p in read(view, None)
    )


def _parsed(views: list[list[tuple[Any, ...]]]) -> list[list[tuple[Any, ...]]]:
    import json

    return [
        sorted((ts, uid, json.dumps(json.loads(p), sort_keys=True)) for ts, uid, p in rows) for rows in views
    ]


def _count(project: Path, table: str) -> int:
    ctx = ProjectContext(project)
    with ctx.adapter() as adapter:
        name = ctx.renderer().ledger(table).sql(dialect=adapter.dialect.sqlglot_name)
        return int(adapter.fetchall(f"SELECT COUNT(*) FROM {name}")[0][0])


@pytest.mark.parametrize(
    "engine,transactions",
    [
        pytest.param("duckdb", False, marks=pytest.mark.slow),
        pytest.param("postgres", True, marks=pytest.mark.postgres),
    ],
    ids=["duckdb-no-transactions", "postgres"],
)
def test_a_run_killed_midway_is_invisible_and_the_rerun_appends_it_once(
    project: Path, org_tables: dict, request: pytest.FixtureRequest, engine: str, transactions: bool
) -> None:
    """SIGKILL after the run's INSERTs, before its runs row. With transactions (PostgreSQL) the
    server rolls them back; without (DuckDB with transactions switched off in the child, as
    Spark has none) the rows stay, and the committed-runs table keeps them out of every view."""
    import signal

    from faults import start_paused_sync_run

    user_sync_mode(project, "ledger")
    if engine == "postgres":
        pg_profiles(project, request.getfixturevalue("pg"), request.getfixturevalue("pg_db"))
    apply(ProjectContext(project))
    first = sync_run(ProjectContext(project))  # a committed first run, then one day of edits
    tables = ledger_sim.copy.deepcopy(org_tables)
    changed = ledger_sim.edit_day(tables, 1)
    if engine == "postgres":
        _pg_loader(request.getfixturevalue("pg").dsn(request.getfixturevalue("pg_db")))(tables, changed)
    else:
        loaders.load_duckdb(str(project / DEMO_DB), {k: v for k, v in tables.items() if k[1] in changed})
    before = _braze_view(project)
    rows_before = _count(project, "attributes")
    due = sync_run(ProjectContext(project), dry_run=True)
    assert due.data_points > 0 and due.events > 0

    proc = start_paused_sync_run(project, transactions=transactions)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert _braze_view(project) == before  # Braze sees nothing of the killed run
    left = _count(project, "attributes") - rows_before
    assert left == (0 if transactions else due.data_points)  # rolled back, or left unread
    assert sync_run(ProjectContext(project), dry_run=True).data_points == due.data_points

    rerun = sync_run(ProjectContext(project))
    assert (rerun.data_points, rerun.events, rerun.people) == (due.data_points, due.events, due.people)
    after = _braze_view(project)
    new = [r for r in after if r not in before]
    # the changed people once each, plus the run's two markers
    assert len(new) == rerun.people + rerun.events + 2
    assert sync_run(ProjectContext(project)).run_id is None  # and nothing is left to send
    assert first.run_id is not None


@pytest.mark.slow
def test_compaction_changes_nothing_braze_reads_or_the_next_run_sends(
    ledger_engine: tuple[Path, Loader], org_tables: dict
) -> None:
    """Compacted after every day (all history before a cutoff later than every row): Braze's
    next read is the same rows, each day still costs exactly the floor, and the ledger keeps at
    most one row per (person, attribute) plus the newest marker."""
    from toolkit.ledger.compact import sync_compact

    project, load = ledger_engine
    apply(ProjectContext(project))
    sizes: list[tuple[int, int]] = []

    def compact(day: int, braze: ledger_sim.BrazeReader) -> None:
        read = ledger_sim.project_reader(project)
        pending = _parsed([read(v, braze.cursor[v]) for v in ("attributes", "events")])
        rows = _count(project, "attributes")
        later = ledger_sim.dt.datetime.now(ledger_sim.dt.UTC).replace(tzinfo=None) + ledger_sim.dt.timedelta(
            days=8
        )
        result = sync_compact(ProjectContext(project), keep_days=7, now=later)
        assert _parsed([read(v, braze.cursor[v]) for v in ("attributes", "events")]) == pending
        sizes.append((rows, result.after["attributes"]))

    days = ledger_sim.simulate(
        org_tables,
        4,
        load,
        lambda: sync_run(ProjectContext(project)),
        ledger_sim.project_reader(project),
        compact,
    )
    assert_days(days)
    # compaction dropped the superseded values and the nulls (a person's removed attributes)
    assert all(after < before for before, after in sizes[1:])
    latest_values = sum(
        1
        for p in ledger_sim.payloads(ledger_sim.copy.deepcopy(org_tables)).values()
        for v in p.values()
        if v is not None
    )
    assert sizes[0][1] <= latest_values + 1


@pytest.mark.slow
@pytest.mark.parametrize(
    "shape_name,identifier",
    [
        ("person_accounts", "alias"),
        ("no_relations", "external_id"),
        ("deleted_converted_leads", "external_id"),
    ],
)
def test_ten_days_on_org_shapes_the_demo_lacks(
    shape_name: str, identifier: str, org_dir: Path, org_tables: dict, tmp_path: Path
) -> None:
    """Person Accounts (people, never business links) under the alias identifier; an org that
    does not sync AccountContactRelation; converted leads deleted from the CRM."""
    import shutil

    import shapes

    shape = getattr(shapes, shape_name)(org_tables)
    assert shape.model.keys() == shape.physical.keys()
    project = tmp_path / shape.name
    project.mkdir()
    for name in ("b2b_project.yml", "profiles.yml"):
        shutil.copy(org_dir / name, project / name)
    shapes.write_project(project, {**shape.project, "output.user_sync.identifier": identifier})
    user_sync_mode(project, "ledger")
    loaders.load_duckdb(str(project / DEMO_DB), shape.physical)
    apply(ProjectContext(project))

    def load(tables: ledger_sim.Tables, names: set[str]) -> None:
        loaders.load_duckdb(str(project / DEMO_DB), {k: v for k, v in tables.items() if k[1] in names})

    reader = ledger_sim.project_reader(project, "alias_name" if identifier == "alias" else "external_id")
    days = ledger_sim.simulate(shape.physical, DAYS, load, lambda: sync_run(ProjectContext(project)), reader)
    assert_days(days)


@pytest.mark.postgres
def test_two_concurrent_runs_append_each_change_once(
    project: Path, org_tables: dict, pg: Any, pg_db: str
) -> None:
    """Two `sync run`s at once on PostgreSQL: the second waits on the first's lock, then finds
    nothing left to append."""
    from concurrent.futures import ThreadPoolExecutor

    user_sync_mode(project, "ledger")
    pg_profiles(project, pg, pg_db)
    apply(ProjectContext(project))
    sync_run(ProjectContext(project))
    tables = ledger_sim.copy.deepcopy(org_tables)
    _pg_loader(pg.dsn(pg_db))(tables, ledger_sim.edit_day(tables, 1))
    due = sync_run(ProjectContext(project), dry_run=True)
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: sync_run(ProjectContext(project)), range(2)))
    assert sorted(r.data_points for r in results) == [0, due.data_points]
    assert sum(r.events for r in results) == due.events
    assert sorted(r.run_id is None for r in results) == [False, True]


@pytest.mark.slow
def test_sync_run_cli_says_one_line_and_refuses_clearly(project: Path) -> None:
    """View mode: exit 2 naming the key. No ledger yet: a dry run is read only and says to apply
    (exit 3). Then one summary line per run, and a run with nothing new appends nothing."""
    import duckdb
    from test_config import run_b2b

    pd = ["--project-dir", str(project)]
    result = run_b2b("sync", "run", *pd)
    assert result.returncode == 2 and "output.user_sync.mode is 'view'" in result.stderr
    assert "Traceback" not in result.stderr
    user_sync_mode(project, "ledger")
    result = run_b2b("sync", "run", "--dry-run", *pd)
    assert result.returncode == 3 and "b2b apply" in result.stderr and "Traceback" not in result.stderr
    con = duckdb.connect(str(project / DEMO_DB), read_only=True)
    assert con.execute(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_name LIKE '%ledger%'"
    ).fetchone() == (0,)
    con.close()
    assert run_b2b("apply", *pd).returncode == 0
    first = run_b2b("sync", "run", *pd)
    assert first.returncode == 0 and len(first.stdout.strip().splitlines()) == 1
    assert first.stdout.startswith("sync run on 'dev': appended ") and "data points" in first.stdout
    again = run_b2b("sync", "run", *pd)
    assert again.returncode == 0 and "nothing appended" in again.stdout


@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "redshift", "snowflake", "databricks", "bigquery"])
def test_dry_run_statements_pass_the_read_only_guard_in_every_dialect(project: Path, dialect: str) -> None:
    """`sync run --dry-run` sends only what the validator's guard lets through: one query, no
    write, allowed functions only (the JSON builders each dialect emits included)."""
    import datetime as dt

    from toolkit.dialects import get_or_raise
    from toolkit.errors import UnsafeSQLError
    from toolkit.ledger.run import Ledger
    from toolkit.validate.guard import ensure_read_only

    user_sync_mode(project, "ledger")
    target = get_or_raise(dialect)
    ledger = Ledger(ProjectContext(project), target)
    for statement in (
        ledger.base(),
        ledger.dry_counts(False, dt.datetime(2026, 12, 5)),
        ledger.dry_counts(True, dt.datetime(2026, 12, 5)),
    ):
        ensure_read_only(ledger.sql(statement), target.sqlglot_name, "sync run --dry-run")
    with pytest.raises(UnsafeSQLError, match=r"refused"):
        ensure_read_only(
            ledger.sql(ledger.insert_attributes("r", dt.datetime(2026, 12, 5), False)), target.sqlglot_name
        )
