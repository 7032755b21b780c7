"""`--sync N`: the copy path's user sync views on DuckDB, against the users view they build on.

A CDI sync reads its view at every run (hourly at most). Timed, interleaved in one process on
one connection: a full read of the users view (the baseline: the payload's facts), a full read
of cdi_user_attributes (the payload as JSON, UPDATED_AT over every row behind it), the
incremental read a sync makes (`WHERE updated_at > since`), the events view, and
`b2b sync preview` (timed after the others: it opens its own connection). The project is the cached org's, with output.user_sync on, in
its own folder over the same database file.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bench.cases import project_over
from bench.timing import interleaved, measure
from toolkit.apply import apply
from toolkit.context import ProjectContext
from toolkit.sync_preview import parse_since, sync_preview

SINCE = "2026-11-01"


def _sync_project(org: Path, into: Path) -> Path:
    return project_over(
        org,
        into,
        lambda text: text.replace(
            "  catalogs: true", "  catalogs: true\n  user_sync:\n    identifier: external_id", 1
        ),
    )


def case_sync(org: Path, repeat: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="b2b-bench-sync-") as tmp:
        project = _sync_project(org, Path(tmp))
        ctx = ProjectContext(project)
        apply(ctx)
        r = ctx.renderer()
        users, attrs, events = (
            r.view(e).sql("duckdb") for e in ("users", "cdi_user_attributes", "cdi_user_events")
        )
        queries = {
            "users_view": f"SELECT COUNT(*), SUM(LENGTH(CAST(opportunity_ids AS TEXT))), MAX(updated_at) FROM {users}",
            "attributes_full": f"SELECT COUNT(*), SUM(LENGTH(payload)), MAX(updated_at) FROM {attrs}",
            "attributes_since": f"SELECT COUNT(*), SUM(LENGTH(payload)) FROM {attrs} "
            f"WHERE updated_at > TIMESTAMP '{SINCE} 00:00:00'",
            "events_full": f"SELECT COUNT(*), SUM(LENGTH(payload)), MAX(updated_at) FROM {events}",
        }
        since = parse_since(SINCE)
        with ctx.adapter() as adapter:
            counts = {k: adapter.fetchall(q)[0] for k, q in queries.items()}
            runs = {k: (lambda q=q: adapter.fetchall(q)) for k, q in queries.items()}
            t = interleaved(runs, repeat=repeat)
        # the whole command's statement opens its own connection (one per process and file)
        t["sync_preview"] = measure(lambda: sync_preview(ctx, since), repeat=repeat)
        preview = sync_preview(ctx, since)
    base = t["users_view"].median_s
    return {
        "timing": {k: v.as_dict() for k, v in t.items()},
        "over_users_view": {k: round(v.median_s / base, 2) for k, v in t.items() if k != "users_view"},
        "rows": {k: int(v[0]) for k, v in counts.items()},
        "since": SINCE,
        "preview": preview.as_dict(),
    }


def main() -> int:
    """`python -m bench.sync_case 1000000`: this case alone, written to bench/results-sync.json."""
    import json
    import sys

    from bench.org import prepare

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    result = {str(n): case_sync(prepare(n), repeat)}
    out = Path(__file__).resolve().parent / "results-sync.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(
        json.dumps(
            {
                k: v["over_users_view"] | {"users_view_s": v["timing"]["users_view"]["median_s"]}
                for k, v in result.items()
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
