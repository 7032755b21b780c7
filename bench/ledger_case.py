"""`python -m bench.ledger_case [CONTACTS] [--days D]`: the sync ledger against the computed
view (output.user_sync.mode: ledger vs view), on DuckDB, over the demo org (1M contacts by
default), both projects on one database file. Issue 32's targets, as ratios measured in this
one process:

- a daily `b2b sync run` <= 1.5x one full read of the view mode's attributes view (the read
  each Braze sync makes in view mode);
- Braze's read of one day's delta from the ledger <= 0.05x that full read;
- the ledger's growth over D simulated days, and its size after compaction.

Each day's edits are SQL over the CRM tables, seeded by the day: 1% of contacts retitled (no
payload field), 1% of accounts change industry (their contacts' industry), 0.5% of opportunities
change amount. "A full read" is `SELECT COUNT(*), SUM(LENGTH(payload))` (every payload computed,
nothing shipped to Python). Writes results-ledger.{md,json} beside this file."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from toolkit.apply import apply
from toolkit.context import ProjectContext
from toolkit.demo.run import DEMO_DB, build_demo_database, write_demo_project
from toolkit.ledger.compact import sync_compact
from toolkit.ledger.run import sync_run

HERE = Path(__file__).resolve().parent


def _mode(project: Path, mode: str, schema: str) -> None:
    path = project / "b2b_project.yml"
    text = path.read_text().replace(
        "    identifier: external_id", f"    identifier: external_id\n    mode: {mode}", 1
    )
    path.write_text(text.replace("  schema: b2b\n", f"  schema: {schema}\n", 1))


def _read(ctx: ProjectContext, since: dt.datetime | None = None) -> tuple[float, int]:
    view = ctx.renderer().view("cdi_user_attributes").sql(dialect="duckdb")
    where = f" WHERE updated_at >= TIMESTAMP '{since:%Y-%m-%d %H:%M:%S.%f}'" if since else ""
    with ctx.adapter() as adapter:
        started = time.perf_counter()
        rows = adapter.fetchall(f"SELECT COUNT(*), SUM(LENGTH(payload)) FROM {view}{where}")
        return time.perf_counter() - started, int(rows[0][0])


def _edit(ctx: ProjectContext, day: int) -> None:
    stamp = f"TIMESTAMP '2026-12-01 09:00:00' + INTERVAL {day} DAY"
    with ctx.adapter() as adapter:
        for sql in (
            f"UPDATE salesforce.contact SET title = 'Title {day}', last_modified_date = {stamp} "
            f"WHERE HASH(id || '{day}') % 100 = 0",
            f"UPDATE salesforce.account SET industry = 'Industry {day}', last_modified_date = {stamp} "
            f"WHERE HASH(id || '{day}') % 100 = 0",
            f"UPDATE salesforce.opportunity SET amount = COALESCE(amount, 0) + 1, last_modified_date = {stamp} "
            f"WHERE HASH(id || '{day}') % 200 = 0",
        ):
            adapter.execute(sql)


def _ledger_rows(ctx: ProjectContext) -> int:
    with ctx.adapter() as adapter:
        return int(
            adapter.fetchall(f"SELECT COUNT(*) FROM {ctx.renderer().ledger('attributes').sql()}")[0][0]
        )


def run(contacts: int, days: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="b2b-bench-ledger-"))
    try:
        ledger_dir, view_dir = work / "ledger", work / "view"
        for d, mode, schema in ((ledger_dir, "ledger", "b2b"), (view_dir, "view", "b2b_view")):
            d.mkdir()
            write_demo_project(d, user_sync=True)
            _mode(d, mode, schema)
        build_demo_database(ledger_dir / DEMO_DB, contacts)
        (view_dir / DEMO_DB).symlink_to(ledger_dir / DEMO_DB)
        led, view = ProjectContext(ledger_dir), ProjectContext(view_dir)
        apply(led)
        apply(view)
        _read(view)  # warm
        full_read, people = _read(view)
        started = time.perf_counter()
        first = sync_run(led)
        first_s = time.perf_counter() - started
        cursor = _cursor(led)
        out_days = []
        for day in range(1, days + 1):
            _edit(led, day)
            view_s, _ = _read(view)  # today's full read in view mode, the baseline
            started = time.perf_counter()
            result = sync_run(led)
            run_s = time.perf_counter() - started
            delta_s, delta_rows = _read(led, cursor)
            cursor = _cursor(led)
            out_days.append(
                {
                    "day": day,
                    "view_full_read_s": round(view_s, 3),
                    "sync_run_s": round(run_s, 3),
                    "sync_run_x": round(run_s / view_s, 3),
                    "delta_read_s": round(delta_s, 4),
                    "delta_read_x": round(delta_s / view_s, 4),
                    "people_changed": result.people,
                    "data_points": result.data_points,
                    "events": result.events,
                    "delta_rows_read": delta_rows,
                    "ledger_rows": _ledger_rows(led),
                }
            )
            print(json.dumps(out_days[-1]), flush=True)
        before = _ledger_rows(led)
        later = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) + dt.timedelta(days=2)
        compacted = sync_compact(led, keep_days=1, now=later)  # every run is older than the cutoff
        return {
            "contacts": contacts,
            "people": people,
            "view_full_read_s": round(full_read, 3),
            "first_run_s": round(first_s, 3),
            "first_run_x": round(first_s / full_read, 3),
            "first_run_data_points": first.data_points,
            "days": out_days,
            "ledger_rows_before_compaction": before,
            "ledger_rows_after_compaction": compacted.after["attributes"],
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _cursor(ctx: ProjectContext) -> dt.datetime:
    view = ctx.renderer().view("cdi_user_attributes").sql(dialect="duckdb")
    with ctx.adapter() as adapter:
        return adapter.fetchall(f"SELECT MAX(updated_at) FROM {view}")[0][0]


def _markdown(r: dict[str, Any]) -> str:
    days = r["days"]
    worst_run = max(d["sync_run_x"] for d in days)
    worst_delta = max(d["delta_read_x"] for d in days)
    lines = [
        f"# The sync ledger at {r['contacts']:,} contacts ({r['people']:,} people), DuckDB",
        "",
        "Ratios against a full read of the view mode's attributes view, timed the same day in the",
        "same process (`python -m bench.ledger_case`).",
        "",
        f"- full read of the view: {r['view_full_read_s']} s; first run (full snapshot): {r['first_run_s']} s "
        f"(x{r['first_run_x']}), {r['first_run_data_points']:,} data points",
        f"- daily `sync run`: worst x{worst_run} (target <= 1.5)",
        f"- Braze's read of a day's delta: worst x{worst_delta} (target <= 0.05)",
        f"- ledger rows: after day 1 {days[0]['ledger_rows']:,}, after day {len(days)} "
        f"{r['ledger_rows_before_compaction']:,}, after compaction {r['ledger_rows_after_compaction']:,}",
        "",
        "| day | view read s | sync run s | x | delta read s | x | people changed | data points | events | ledger rows |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for d in days:
        lines.append(
            f"| {d['day']} | {d['view_full_read_s']} | {d['sync_run_s']} | {d['sync_run_x']} | {d['delta_read_s']} | "
            f"{d['delta_read_x']} | {d['people_changed']:,} | {d['data_points']:,} | {d['events']:,} | {d['ledger_rows']:,} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.ledger_case")
    ap.add_argument("contacts", type=int, nargs="?", default=1_000_000)
    ap.add_argument("--days", type=int, default=30)
    args = ap.parse_args()
    result = run(args.contacts, args.days)
    (HERE / "results-ledger.json").write_text(json.dumps(result, indent=2) + "\n")
    (HERE / "results-ledger.md").write_text(_markdown(result))
    print(_markdown(result))


if __name__ == "__main__":
    main()
