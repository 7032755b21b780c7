"""The sync ledger (output.user_sync.mode: ledger, issue 32), read the way Braze reads it.

Ten simulated days of CRM edits (tests/ledger_sim.py): each day `b2b sync run`, then one CDI sync
of each view by a simulated Braze reader with an inclusive cursor. Every day, on every engine,
the data points Braze counts equal the floor computed by the independent model (the attribute
values that changed since the day before), each link made or gone is read as exactly one event,
and the profiles Braze builds equal the model's payloads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ledger_sim
import loaders
import pytest
from conftest import DEMO_DB, user_sync_mode

from toolkit.context import ProjectContext
from toolkit.ledger.run import sync_run

DAYS = 10


def assert_days(days: list[dict[str, Any]]) -> None:
    for d in days:
        assert d["data_points"] == d["floor"], d
        assert d["events_read"] == d["events_due"], d
        assert d["profiles_equal_model"], d
    # the edits reached people every day, and most of what they touched changed no payload
    assert all(d["floor"] > 0 and d["events_due"] for d in days[1:])
    assert days[0]["rows"] > 10 * max(d["rows"] for d in days[1:])


def test_ten_days_on_duckdb_cost_exactly_the_floor(project: Path, org_tables: dict) -> None:
    from toolkit.apply import apply

    user_sync_mode(project, "ledger")
    apply(ProjectContext(project))

    def load(tables: ledger_sim.Tables, names: set[str]) -> None:
        loaders.load_duckdb(str(project / DEMO_DB), {k: v for k, v in tables.items() if k[1] in names})

    days = ledger_sim.simulate(
        org_tables, DAYS, load, lambda: sync_run(ProjectContext(project)), ledger_sim.project_reader(project)
    )
    assert_days(days)
