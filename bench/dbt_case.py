"""`--dbt N`: `b2b validate` against `dbt test` of the exported package (issue 15's anchor).

Same org, same views (dbt builds the exported models, which are the generated SQL), same
machine, DuckDB. Both run as whole processes, alternated, after a warm-up each; the figures are
medians. Peak memory is each process's own VmHWM (dbt runs in .venv-dbt's interpreter).
dbt carries the contract's core (not_null, the grain, relationships, the platform match); validate
runs every check, with the diagnosis of each miss, the checksums, orphans, skew and integrity.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.cases import B2B, ROOT, _child_env, _peak_rss_mb, project_over
from toolkit.context import ProjectContext
from toolkit.export_dbt import export_dbt

DBT_PY = Path(os.environ.get("B2B_DBT_PYTHON", ROOT / ".venv-dbt" / "bin" / "python"))
DBT_MAIN = "import sys; from dbt.cli.main import cli; sys.argv[0] = 'dbt'; cli()"


# validate's checks that dbt test does not carry (turned off for the "same checks" contender)
NOT_CARRIED = (
    "user_id_format",
    "platform_coverage",
    "converted_lead_duplicates",
    "orphan_contacts",
    "account_skew",
    "relationship_integrity",
    "salesforce_id_checksum",
    "source_drift",
    "source_freshness",
    "sync_payload_object",
    "sync_opportunity_ids",
    "sync_updated_at",
    "sync_identifier",
)


def _carried_only(project: Path, into: Path) -> Path:
    """The project with validate limited to the checks dbt carries (the profile of the gap)."""
    import yaml

    def edit(text: str) -> str:
        doc = yaml.safe_load(text)
        doc.setdefault("checks", {})["severity"] = {name: "off" for name in NOT_CARRIED}
        return yaml.safe_dump(doc, sort_keys=False)

    return project_over(project, into, edit)


def case_dbt(project: Path, repeat: int) -> dict[str, Any]:
    if not DBT_PY.exists():
        return {"skipped": f"{DBT_PY} missing (make install-dbt)"}
    db = (project / "demo.duckdb").resolve()
    with tempfile.TemporaryDirectory(prefix="b2b-bench-dbt-") as tmp:
        out, profiles = Path(tmp) / "dbt", Path(tmp) / "profiles"
        export = export_dbt(ProjectContext(project), out)
        profiles.mkdir()
        (profiles / "profiles.yml").write_text(
            f"b2b:\n  target: dev\n  outputs:\n    dev: {{type: duckdb, path: '{db}', schema: dbt_b2b, threads: 2}}\n"
        )
        env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"}
        dbt_args = ["--project-dir", str(out), "--profiles-dir", str(profiles)]
        _peak_rss_mb(
            DBT_MAIN, "run", *dbt_args, python=str(DBT_PY), env=env
        )  # builds the exported models (views)
        carried = _carried_only(project, Path(tmp) / "carried")
        contenders = {
            "validate": (
                sys.executable,
                B2B,
                [
                    "validate",
                    "--project-dir",
                    str(project),
                    "--format",
                    "json",
                    "--output",
                    str(Path(tmp) / "report.json"),
                ],
                _child_env(),
            ),
            "dbt_test": (str(DBT_PY), DBT_MAIN, ["test", *dbt_args], env),
            # the profile of the gap: validate on the checks dbt carries only
            "validate_same_checks": (
                sys.executable,
                B2B,
                [
                    "validate",
                    "--project-dir",
                    str(carried),
                    "--format",
                    "json",
                    "--output",
                    str(Path(tmp) / "carried.json"),
                ],
                _child_env(),
            ),
        }
        samples: dict[str, list[tuple[float, float]]] = {k: [] for k in contenders}
        for py, code, args, e in contenders.values():  # warm-up: page cache, compiled manifest
            _peak_rss_mb(code, *args, python=py, env=e)
        for _ in range(repeat):
            for k, (py, code, args, e) in contenders.items():
                rss, s = _peak_rss_mb(code, *args, python=py, env=e)
                samples[k].append((s, rss))
        report = json.loads((Path(tmp) / "report.json").read_text())
        same = json.loads((Path(tmp) / "carried.json").read_text())
        results = json.loads((out / "target" / "run_results.json").read_text())["results"]
    med = {k: statistics.median(s for s, _ in v) for k, v in samples.items()}
    peak = {k: max(r for _, r in v) for k, v in samples.items()}
    return {
        "models": len(export.models),
        "checks": {
            "validate": report["summary"]["checks"],
            "dbt_test": len(results),
            "validate_same_checks": same["summary"]["checks"],
        },
        "median_s": {k: round(v, 2) for k, v in med.items()},
        "peak_rss_mb": {k: round(v, 1) for k, v in peak.items()},
        "dbt_over_validate": round(med["dbt_test"] / med["validate"], 3),
        "validate_rss_over_dbt": round(peak["validate"] / peak["dbt_test"], 3),
        "dbt_over_validate_same_checks": round(med["dbt_test"] / med["validate_same_checks"], 3),
        "runs": repeat,
    }


PROFILE_NOTE = """
## What explains the gap (run of 2026-11-26, this machine)

**Target missed: validate is not x3 faster than `dbt test` at 10M; it is x0.86 (slower) while
running 35 checks to dbt's 14.** On the checks dbt carries, validate is x1.9 faster (24 s vs
45 s): it reads each view once for all of that view's checks, where dbt reads a view once per
test. The rest is the checks dbt does not carry. `python -m bench.statement_profile 10000000`
(`results-validate-statements.md`) times each of validate's statements alone. At 10M: contacts
11.9 s (not-null, grain, format, `salesforce_id_checksum` over three id columns: a distinct-id
GROUP BY of 9.8M keys each, `orphan_contacts`), users 7.9 s (grain and not-null only: the view
itself is the cost), accounts 6.9 s and opportunities 6.8 s (grain, checksum,
`relationship_integrity`, `account_skew`), the platform match with its diagnosis 5.7 s,
`platform_coverage` 4.3 s (an anti-join of 10M platform ids against 14.7M people),
`converted_lead_duplicates` 1.4 s, the three CDI shapes 0.7 s each. Not measured: the split of
a statement's time between its checks. Coverage, converted duplicates, the checksums, orphans,
skew and integrity have no dbt counterpart here; as dbt tests each would read its view again.
So x3 with more checks is out of reach with the same scans on one engine; the levers left are
the checks' own costs (the checksum tests each distinct id of every id column).

**Memory target met:** 4.7 GB against dbt's 5.8 GB at 10M (x0.81). Validate used to send every
check as one statement, which DuckDB, in the client's process, held at once: 14 GB at 10M. It now
sends one statement per view and one per platform check on DuckDB (each view still read once):
peak 4.7 GB (the contacts statement), for 9% more time (50.5 s -> 54.8 s, each run alone).
"""


def render_md(results: dict[str, Any]) -> str:
    lines = [
        "# `b2b validate` vs `dbt test` of the exported package",
        "",
        "Reproduce: `python -m bench.dbt_case "
        + ",".join(results)
        + "` (needs `make install-dbt`). DuckDB, the demo org, "
        "whole processes alternated after a warm-up each, medians; peak RSS is each process's VmHWM. "
        "`validate, same checks` is validate limited (checks.severity: off) to the checks dbt carries: "
        "not_null, the grain and the platform match (its diagnosis included).",
        "",
        "| contacts | validate s (checks) | dbt test s (tests) | dbt / validate (target >= x3) | validate, same checks s | dbt / same checks | validate MiB | dbt MiB | validate / dbt memory (target <= 1) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for n, r in results.items():
        if "skipped" in r:
            lines.append(f"| {int(n):,} | skipped: {r['skipped']} | | | | | | | |")
            continue
        m, c, p = r["median_s"], r["checks"], r["peak_rss_mb"]
        lines.append(
            f"| {int(n):,} | {m['validate']} ({c['validate']}) | {m['dbt_test']} ({c['dbt_test']}) | x{r['dbt_over_validate']} | "
            f"{m.get('validate_same_checks', '-')} ({c.get('validate_same_checks', '-')}) | x{r.get('dbt_over_validate_same_checks', '-')} | "
            f"{p['validate']} | {p['dbt_test']} | x{r['validate_rss_over_dbt']} |"
        )
    return "\n".join(lines) + "\n" + PROFILE_NOTE


def main() -> int:
    """`python -m bench.dbt_case 1000000 [repeat]`: this case alone, into bench/results-dbt.json."""
    from bench.org import prepare

    scales = [int(x) for x in (sys.argv[1] if len(sys.argv) > 1 else "1000000").split(",")]
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    path = Path(__file__).resolve().parent / "results-dbt.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    for n in scales:
        results[str(n)] = case_dbt(prepare(n), repeat)
        print(n, json.dumps(results[str(n)]))
        path.write_text(json.dumps(results, indent=2) + "\n")
        path.with_suffix(".md").write_text(render_md(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
