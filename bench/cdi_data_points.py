"""`python -m bench.cdi_data_points [CONTACTS] [--days D]`: what Braze's CDI user syncs cost per
day, in data points, in ledger mode and in view mode, over the same simulated days of edits
(tests/ledger_sim.py: touches that change no payload field, one-attribute changes, a contact
moving account, opportunities won, lost and deleted, a relation added then removed, people
deleted), read by the same simulated Braze reader (inclusive cursor). The floor is the model's
count of attribute values that changed. DuckDB, the demo org (3,000 contacts by default).
Writes results-cdi-data-points.{md,json} beside this file."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from toolkit.apply import apply
from toolkit.context import ProjectContext
from toolkit.demo.run import DEMO_DB, build_demo_database, write_demo_project
from toolkit.ledger.run import sync_run

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
import ledger_sim  # type: ignore[import-not-found]  # noqa: E402
import loaders  # type: ignore[import-not-found]  # noqa: E402


def simulate(contacts: int, days: int, mode: str, work: Path) -> list[dict[str, Any]]:
    project = work / mode
    project.mkdir()
    write_demo_project(project, user_sync=True)
    path = project / "b2b_project.yml"
    path.write_text(
        path.read_text().replace(
            "    identifier: external_id", f"    identifier: external_id\n    mode: {mode}", 1
        )
    )
    build_demo_database(project / DEMO_DB, contacts)
    tables = loaders.duckdb_tables(str(project / DEMO_DB))
    apply(ProjectContext(project))

    def load(t: ledger_sim.Tables, names: set[str]) -> None:
        loaders.load_duckdb(str(project / DEMO_DB), {k: v for k, v in t.items() if k[1] in names})

    run = (lambda: sync_run(ProjectContext(project))) if mode == "ledger" else (lambda: None)
    return ledger_sim.simulate(tables, days, load, run, ledger_sim.project_reader(project))


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.cdi_data_points")
    ap.add_argument("contacts", type=int, nargs="?", default=3000)
    ap.add_argument("--days", type=int, default=10)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="b2b-bench-cdi-"))
    try:
        ledger = simulate(args.contacts, args.days, "ledger", work)
        view = simulate(args.contacts, args.days, "view", work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = []
    for lg, vw in zip(ledger, view, strict=True):
        rows.append(
            {
                "day": lg["day"],
                "floor": lg["floor"],
                "ledger_data_points": lg["data_points"] + len(lg["events_read"]),
                "ledger_attribute_points": lg["data_points"],
                "ledger_events": len(lg["events_read"]),
                "view_data_points": vw["data_points"] + len(vw["events_read"]),
                "view_attribute_points": vw["data_points"],
                "view_events": len(vw["events_read"]),
                "events_due": len(lg["events_due"]),
            }
        )
    later = rows[1:]
    total = {k: sum(r[k] for r in later) for k in rows[0] if k != "day"}
    lines = [
        f"# CDI data points per day, {args.contacts:,} contacts, days 1-{args.days} (`python -m bench.cdi_data_points`)",
        "",
        f"Totals over days 1-{args.days}: floor {total['floor']:,} attribute values changed and "
        f"{total['events_due']:,} link changes; ledger {total['ledger_data_points']:,} data points; view "
        f"{total['view_data_points']:,} (x{total['view_data_points'] / max(total['ledger_data_points'], 1):.1f} the ledger).",
        "",
        "| day | floor (attributes) | links made/gone | ledger: attributes + events | view: attributes + events |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['day']} | {r['floor']:,} | {r['events_due']:,} | {r['ledger_attribute_points']:,} + {r['ledger_events']:,} | "
            f"{r['view_attribute_points']:,} + {r['view_events']:,} |"
        )
    (HERE / "results-cdi-data-points.json").write_text(
        json.dumps({"days": rows, "totals": total}, indent=2) + "\n"
    )
    (HERE / "results-cdi-data-points.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
