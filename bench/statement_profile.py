"""`python -m bench.statement_profile N`: where `b2b validate` spends its time and memory on
DuckDB, statement by statement (validate sends one per view and one per platform check there).
Each statement runs alone in a fresh process, so its seconds and its peak RSS (VmHWM) are its
own. Written to bench/results-validate-statements.{json,md}; the explanation of the gap to
`dbt test` (bench/results-dbt.md) is read from it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.cases import _child_env

CHILD = r"""
import json, sys, time
from pathlib import Path
from toolkit.context import ProjectContext
from toolkit.dialects import get_or_raise
from toolkit.validate.checks import grouped
from toolkit.validate.runner import compile_sql, plan_for
ctx = ProjectContext(Path(sys.argv[1])); d = get_or_raise("duckdb"); i = int(sys.argv[2])
with ctx.adapter() as a:
    ctx.bind_live(a)
    parts = grouped(plan_for(ctx, d))
    if i >= len(parts):
        print(json.dumps({"end": len(parts)})); raise SystemExit(0)
    p = parts[i]; sql = compile_sql(p.statement, d)
    t = time.perf_counter(); a.fetchall(sql); s = time.perf_counter() - t
hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]
print(json.dumps({"checks": sorted({f"{c.name}:{c.entity}" for c in p.checks}), "s": round(s, 2), "peak_rss_mb": int(hwm) // 1024}))
"""


def profile(project: Path) -> list[dict[str, Any]]:
    out = []
    for i in range(100):
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(project), str(i)],
            capture_output=True,
            text=True,
            env=_child_env(),
            check=True,
        )
        row = json.loads(done.stdout.strip().splitlines()[-1])
        if "end" in row:
            break
        out.append(row)
    return out


def render(results: dict[str, list[dict[str, Any]]]) -> str:
    lines = [
        "# `b2b validate` on DuckDB, statement by statement",
        "",
        f"Reproduce: `python -m bench.statement_profile {','.join(results)}`. Each statement alone in a fresh "
        "process: its seconds and peak RSS (the process's VmHWM, Python included).",
    ]
    for n, rows in results.items():
        lines += ["", f"## {int(n):,} contacts", "", "| checks | s | peak MiB |", "|---|---|---|"]
        for r in rows:
            lines.append(f"| {', '.join(r['checks'])} | {r['s']} | {r['peak_rss_mb']} |")
        lines.append(
            f"| **sum** | **{round(sum(r['s'] for r in rows), 2)}** | max {max(r['peak_rss_mb'] for r in rows)} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    from bench.org import prepare

    scales = (sys.argv[1] if len(sys.argv) > 1 else "1000000").split(",")
    results = {n: profile(prepare(int(n))) for n in scales}
    here = Path(__file__).resolve().parent
    (here / "results-validate-statements.json").write_text(json.dumps(results, indent=2) + "\n")
    (here / "results-validate-statements.md").write_text(render(results))
    print(render(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
