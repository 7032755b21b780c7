"""`b2b sync run`: append to the sync ledger what changed since the last committed run.

One run, in one transaction where the engine has them:
1. (PostgreSQL, Redshift) lock the runs table against another run; Braze's reads go on;
2. read the base: the last committed run and its highest UPDATED_AT;
3. one INSERT ... SELECT of every (person, attribute) whose payload member differs from the
   ledger's latest for it (a member gone is appended as `"name":null`), each person's rows
   at one UPDATED_AT: the run's start plus the person's rank in microseconds;
4. one INSERT ... SELECT of every link made (account_linked) or gone (account_unlinked);
5. one marker row per table after the run's last row (see toolkit/ledger_tables.py);
6. the runs row, last. Before it, the base is read again: a run that another committed in the
   meantime stops (exit 3) and leaves nothing visible.

`b2b apply` creates the ledger's tables; a run only appends. Nothing leaves the warehouse but
the counts. A run that finds no change appends nothing. On an
engine without transactions (Spark) a run killed mid-way leaves rows that no view reads (no
runs row); the next run ignores them and `b2b sync compact` deletes them.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlglot

from toolkit.context import ProjectContext
from toolkit.dialects import PROFILE_DIALECT, TargetDialect, get_or_raise
from toolkit.errors import ConfigError, WarehouseError
from toolkit.ledger_tables import COLUMNS
from toolkit.render import ViewRenderer
from toolkit.validate.guard import ensure_read_only
from toolkit.warehouse.base import Adapter

#: where the engine can serialise two runs inside their transactions (others: the base check)
LOCKS = {
    "postgres": "LOCK TABLE {runs} IN EXCLUSIVE MODE",
    "redshift": "LOCK {runs}",
}
MICRO = dt.timedelta(microseconds=1)
#: engines with a value-at-max aggregate (sqlglot writes ARG_MAX as DuckDB's ARG_MAX, Snowflake's
#: and Spark's MAX_BY); the others rank with ROW_NUMBER
ARG_MAX_DIALECTS = {"duckdb", "snowflake", "databricks"}


@dataclass
class RunResult:
    target: str
    run_id: str | None  # None: nothing appended (no change, or a dry run)
    people: int  # rows Braze's attributes sync reads (one per person changed)
    data_points: int  # attributes appended (each one data point)
    events: int  # account_linked / account_unlinked rows (each one data point)
    full: bool
    dry_run: bool
    seconds: float
    statements: list[str] = field(default_factory=list)

    @property
    def total_data_points(self) -> int:
        return self.data_points + self.events

    def as_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "run_id": self.run_id,
            "dry_run": self.dry_run,
            "full": self.full,
            "attribute_rows": self.people,
            "attribute_data_points": self.data_points,
            "event_rows": self.events,
            "total_data_points": self.total_data_points,
            "seconds": round(self.seconds, 3),
        }

    def summary(self) -> str:
        verb = "would append" if self.dry_run else "appended"
        if not self.dry_run and self.run_id is None:
            return f"sync run on {self.target!r}: no change since the last run; nothing appended"
        what = "a full snapshot: " if self.full else ""
        return (
            f"sync run on {self.target!r}: {verb} {what}{self.people:,} attribute rows ({self.data_points:,} "
            f"data points) and {self.events:,} events: {self.total_data_points:,} data points"
            + (f" (run {self.run_id})" if self.run_id else "")
        )


class Ledger:
    """The statements of one run, in canonical SQL, generated in the target's dialect."""

    def __init__(self, ctx: ProjectContext, dialect: TargetDialect) -> None:
        self.ctx = ctx
        self.dialect = dialect
        self.renderer: ViewRenderer = ctx.renderer()
        self.t = {name: self.renderer.ledger(name).sql() for name in COLUMNS}
        module = self.renderer.env.get_template("_ledger.sql").make_module(vars=self.renderer.context())
        self.visible = str(module.visible_runs())  # type: ignore[attr-defined]

    def sql(self, canonical: str) -> str:
        return self.dialect.generate(self.dialect.expand(sqlglot.parse_one(canonical)))

    def _template(self, entity: str) -> str:
        return self.renderer.render_text(entity)[1].strip().rstrip(";")

    def base(self) -> str:
        return (
            f"WITH runs AS ({self.visible}) "
            f"SELECT lr.run_id, lr.last_updated_at FROM {self.t['runs']} AS lr "
            "WHERE lr.run_id IN (SELECT runs.run_id FROM runs) ORDER BY lr.run_id DESC LIMIT 1"
        )

    def _latest(self, table: str, key: str, value: str, full: bool) -> str:
        """The latest committed row per (person_key, alias_label, key) of a ledger table (none
        when `full`), its markers left out; reads the CTE `runs`. An aggregate (ARG_MAX, MAX_BY)
        where the engine has one: a hash aggregate, where ROW_NUMBER sorts every ledger row."""
        where = f"lt.{key} IS NOT NULL AND lt.run_id IN (SELECT runs.run_id FROM runs){' AND 1 = 0' if full else ''}"
        if self.dialect.name in ARG_MAX_DIALECTS:
            return f"""
          SELECT lt.person_key, lt.alias_label, lt.{key}, ARG_MAX(lt.{value}, lt.updated_at) AS {value}
          FROM {self.t[table]} AS lt
          WHERE {where}
          GROUP BY lt.person_key, lt.alias_label, lt.{key}
        """
        return f"""
          SELECT l.person_key, l.alias_label, l.{key}, l.{value}
          FROM (
            SELECT lt.person_key, lt.alias_label, lt.{key}, lt.{value},
              ROW_NUMBER() OVER (PARTITION BY lt.person_key, lt.alias_label, lt.{key} ORDER BY lt.updated_at DESC) AS n
            FROM {self.t[table]} AS lt
            WHERE {where}
          ) AS l
          WHERE l.n = 1
        """

    def attribute_changes(self, full: bool) -> str:
        """(person_key, alias_label, attribute, entry) of every member that differs from the
        ledger's latest (full: from nothing)."""
        return f"""
        WITH runs AS ({self.visible}), latest AS (
          {self._latest("attributes", "attribute", "entry", full)}
        ), cur AS (
          {self._template("sync_user_state")}
        )
        SELECT
          COALESCE(c.person_key, l.person_key) AS person_key,
          COALESCE(c.alias_label, l.alias_label) AS alias_label,
          COALESCE(c.attribute, l.attribute) AS attribute,
          COALESCE(c.entry, l.attribute || ':null') AS entry
        FROM cur AS c
        FULL OUTER JOIN latest AS l
          ON l.person_key = c.person_key AND l.alias_label = c.alias_label AND l.attribute = c.attribute
        WHERE COALESCE(c.entry, l.attribute || ':null') <> COALESCE(l.entry, c.attribute || ':null')
        """

    def link_changes(self, full: bool, t0: dt.datetime) -> str:
        """(person_key, alias_label, account_id, linked, payload) of every link made or gone."""
        return f"""
        WITH runs AS ({self.visible}), linked AS (
          SELECT k.person_key, k.alias_label, k.account_id
          FROM ({self._latest("events", "account_id", "linked", full)}) AS k
          WHERE k.linked
        ), cur AS (
          SELECT s.person_key, s.alias_label, s.account_id, MIN(s.payload) AS payload
          FROM ({self._template("sync_user_links")}) AS s
          GROUP BY s.person_key, s.alias_label, s.account_id
        )
        SELECT c.person_key, c.alias_label, c.account_id, TRUE AS linked, c.payload
        FROM cur AS c
        LEFT JOIN linked AS l
          ON l.person_key = c.person_key AND l.alias_label = c.alias_label AND l.account_id = c.account_id
        WHERE l.person_key IS NULL
        UNION ALL
        SELECT l.person_key, l.alias_label, l.account_id, FALSE AS linked,
          B2B_JSON_OBJECT(
            'name', 'account_unlinked',
            'time', B2B_ISO8601({_stamp(t0)}),
            'properties', B2B_JSON_OBJECT('account_id', l.account_id)
          ) AS payload
        FROM linked AS l
        LEFT JOIN cur AS c
          ON c.person_key = l.person_key AND c.alias_label = l.alias_label AND c.account_id = l.account_id
        WHERE c.person_key IS NULL
        """

    def insert_attributes(self, run_id: str, t0: dt.datetime, full: bool) -> str:
        return f"""
        INSERT INTO {self.t["attributes"]} (run_id, updated_at, person_key, alias_label, attribute, entry)
        SELECT {_lit(run_id)},
          B2B_ADD_MICROS({_stamp(t0)}, DENSE_RANK() OVER (ORDER BY c.person_key, c.alias_label) - 1),
          c.person_key, c.alias_label, c.attribute, c.entry
        FROM ({self.attribute_changes(full)}) AS c
        """

    def insert_events(self, run_id: str, t0: dt.datetime, full: bool) -> str:
        return f"""
        INSERT INTO {self.t["events"]} (run_id, updated_at, person_key, alias_label, account_id, linked, payload)
        SELECT {_lit(run_id)},
          B2B_ADD_MICROS({_stamp(t0)}, ROW_NUMBER() OVER (ORDER BY c.person_key, c.alias_label, c.account_id, c.linked) - 1),
          c.person_key, c.alias_label, c.account_id, c.linked, c.payload
        FROM ({self.link_changes(full, t0)}) AS c
        """

    def marker(self, table: str, run_id: str) -> str:
        """One row after the run's last in `table`, for the same person, that sends nothing."""
        t = self.t[table]
        tail = (
            "CAST(NULL AS TEXT), CAST(NULL AS TEXT)"
            if table == "attributes"
            else "CAST(NULL AS TEXT), CAST(NULL AS BOOLEAN), '{}'"
        )
        cols = ", ".join(c for c, _ in COLUMNS[table])
        return f"""
        INSERT INTO {t} ({cols})
        SELECT DISTINCT m.run_id, B2B_ADD_MICROS(m.updated_at, 1), m.person_key, m.alias_label, {tail}
        FROM {t} AS m
        WHERE m.run_id = {_lit(run_id)}
          AND m.updated_at = (SELECT MAX(x.updated_at) FROM {t} AS x WHERE x.run_id = {_lit(run_id)})
        """

    def counts(self, run_id: str) -> str:
        a, e = self.t["attributes"], self.t["events"]
        return f"""
        SELECT
          (SELECT COUNT(*) FROM {a} AS a WHERE a.run_id = {_lit(run_id)} AND a.attribute IS NOT NULL),
          (SELECT COUNT(DISTINCT a.updated_at) FROM {a} AS a WHERE a.run_id = {_lit(run_id)} AND a.attribute IS NOT NULL),
          (SELECT COUNT(*) FROM {e} AS e WHERE e.run_id = {_lit(run_id)} AND e.account_id IS NOT NULL),
          (SELECT MAX(a.updated_at) FROM {a} AS a WHERE a.run_id = {_lit(run_id)}),
          (SELECT MAX(e.updated_at) FROM {e} AS e WHERE e.run_id = {_lit(run_id)})
        """

    def dry_counts(self, full: bool, t0: dt.datetime) -> str:
        return f"""
        SELECT
          (SELECT COUNT(*) FROM ({self.attribute_changes(full)}) AS c),
          (SELECT COUNT(*) FROM (SELECT DISTINCT d.person_key, d.alias_label FROM ({self.attribute_changes(full)}) AS d) AS p),
          (SELECT COUNT(*) FROM ({self.link_changes(full, t0)}) AS l)
        """

    def insert_run(
        self,
        run_id: str,
        base: str,
        started: dt.datetime,
        last: dt.datetime,
        counts: tuple[int, int, int],
        full: bool,
    ) -> str:
        points, people, events = counts
        committed = _utcnow()
        return (
            f"INSERT INTO {self.t['runs']} ({', '.join(c for c, _ in COLUMNS['runs'])}) "
            f"SELECT {_lit(run_id)}, {_lit(base)}, {_stamp(started)}, {_stamp(committed)}, {_stamp(last)}, "
            f"{people}, {points}, {events}, {'TRUE' if full else 'FALSE'}"
        )


def _lit(value: str) -> str:
    return sqlglot.exp.Literal.string(value).sql()


def _stamp(value: dt.datetime) -> str:
    return f"CAST({_lit(value.strftime('%Y-%m-%d %H:%M:%S.%f'))} AS TIMESTAMP)"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _naive_utc(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def new_run_id(now: dt.datetime) -> str:
    """Sortable by start time (the views' tie-break between runs on one base), then random."""
    return f"{now:%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}"


def require_ledger(ctx: ProjectContext) -> None:
    sync = ctx.config.output.user_sync
    if sync is None:
        raise ConfigError(
            f"{ctx.project.path}: output.user_sync is not set, so there is no sync ledger",
            hint="set output.user_sync: {identifier: external_id} (mode: ledger is the default), then `b2b apply`",
        )
    if not ctx.renderer().ledger_mode:
        raise ConfigError(
            f"{ctx.project.path}: output.user_sync.mode is 'view': the CDI views compute every payload at Braze's "
            "read, and there is no ledger to run",
            hint="set output.user_sync.mode: ledger and `b2b apply`, or use `b2b sync preview` in view mode",
        )


def sync_run(
    ctx: ProjectContext,
    full: bool = False,
    dry_run: bool = False,
    progress: Callable[[str], None] = lambda _: None,
) -> RunResult:
    require_ledger(ctx)
    started = time.perf_counter()
    dialect = get_or_raise(PROFILE_DIALECT[ctx.target.type])
    ledger = Ledger(ctx, dialect)
    done: list[str] = []
    with ctx.adapter() as adapter:

        def run(canonical: str, fetch: bool = False) -> list[tuple[Any, ...]]:
            sql = ledger.sql(canonical)
            if dry_run:  # a dry run reads, and only reads
                sql = ensure_read_only(sql, dialect.sqlglot_name, "sync run --dry-run")
            done.append(sql)
            if fetch:
                return adapter.fetchall(sql)
            adapter.execute(sql)
            return []

        if dry_run:
            t0 = _start(_read_base(adapter, ledger, run))[1]
            progress("counting what the next run would append")
            points, people, events = (int(v or 0) for v in run(ledger.dry_counts(full, t0), fetch=True)[0])
            return RunResult(
                ctx.target.name, None, people, points, events, full, True, time.perf_counter() - started, done
            )
        with adapter.transaction():
            lock = LOCKS[dialect.name].format(runs=ledger.t["runs"]) if dialect.name in LOCKS else None
            done += [lock] if lock else []
            base, t0 = _start(_read_base(adapter, ledger, run, lock))
            run_id = new_run_id(_utcnow())
            progress("appending the attributes that changed")
            run(ledger.insert_attributes(run_id, t0, full))
            progress("appending the links made and gone")
            run(ledger.insert_events(run_id, t0, full))
            run(ledger.marker("attributes", run_id))
            run(ledger.marker("events", run_id))
            row = run(ledger.counts(run_id), fetch=True)[0]
            points, people, events = (int(v or 0) for v in row[:3])
            if points == 0 and events == 0:
                return RunResult(
                    ctx.target.name, None, 0, 0, 0, full, False, time.perf_counter() - started, done
                )
            last = max(s for s in (_naive_utc(row[3]), _naive_utc(row[4])) if s is not None)
            _check_base(adapter, ledger, base, run_id)
            run(ledger.insert_run(run_id, base, t0, last, (points, people, events), full))
    return RunResult(
        ctx.target.name, run_id, people, points, events, full, False, time.perf_counter() - started, done
    )


def _read_base(
    adapter: Adapter, ledger: Ledger, run: Callable[..., list[tuple[Any, ...]]], lock: str | None = None
) -> list[tuple[Any, ...]]:
    """The last committed run, after taking `lock` (the engine's own SQL) when given; a ledger
    whose tables are missing says so (apply creates them)."""
    try:
        if lock:
            adapter.execute(lock)
        return run(ledger.base(), fetch=True)
    except WarehouseError as exc:
        raise WarehouseError(
            f"target {adapter.target_name!r}: cannot read the sync ledger ({ledger.t['runs']}): {exc.message}",
            hint="run `b2b apply` (it creates the ledger's tables), then `b2b sync run`",
        ) from None


def _start(rows: list[tuple[Any, ...]]) -> tuple[str, dt.datetime]:
    """The base run and this run's first UPDATED_AT: now, or just after the base's last row
    when the clock says otherwise (strictly increasing from run to run, whatever the clock)."""
    now = _utcnow()
    if not rows:
        return "", now
    base, last = str(rows[0][0]), _naive_utc(rows[0][1])
    return base, max(now, last + MICRO) if last else now


def _check_base(adapter: Adapter, ledger: Ledger, base: str, run_id: str) -> None:
    rows = adapter.fetchall(ledger.sql(ledger.base()))
    now = str(rows[0][0]) if rows else ""
    if now != base:
        raise WarehouseError(
            f"another `b2b sync run` committed (run {now}) while this one ({run_id}) ran; this run committed "
            "nothing that Braze reads",
            hint="run `b2b sync run` again: it appends what that run did not; schedule one run at a time",
        )
