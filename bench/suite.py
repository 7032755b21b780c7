"""The default case: the demo org at each scale in DuckDB, timing generate, validate (against a
hand-written baseline and one query per check), a segment (against the same segment hand-written
over the raw tables), memory and rows fetched; optionally PostgreSQL, Spark Connect, the sync
views and dbt at given scales. Writes results.md and results.json."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from bench.cases import case_generate, case_memory, case_segment, case_validate
from bench.org import HERE, machine, prepare, rows_fetched_bound
from bench.postgres_case import case_postgres
from bench.spark_connect_case import case_spark_connect

TARGETS = {
    "generate_s": 0.5,  # issue 14: the default project (35 files), whole process
    "validate_over_handwritten": 0.85,  # issue 14: no worse than the session-3 run
    "per_check_over_validate": 2.0,
    "segment_over_handwritten": 1.2,
}


def main() -> int:
    ap = argparse.ArgumentParser(prog="python -m bench")
    ap.add_argument("--contacts", default="100000,1000000,10000000", help="comma-separated scales")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per case after one warm-up")
    ap.add_argument("--out", type=Path, default=HERE, help="where results.md and results.json go")
    ap.add_argument(
        "--postgres",
        default="",
        help="comma-separated scales to also run validate and the headline segment on a throwaway PostgreSQL server",
    )
    ap.add_argument(
        "--spark-connect",
        default="",
        help="comma-separated scales to also time validate through a throwaway Spark Connect server "
        "(one statement per check vs the single statement)",
    )
    ap.add_argument(
        "--sync",
        default="",
        help="comma-separated scales to also time the CDI user sync views (DuckDB) against the users view",
    )
    ap.add_argument(
        "--dbt",
        default="",
        help="comma-separated scales to also time b2b validate against dbt test of the exported package "
        "(bench/results-dbt.md)",
    )
    ap.add_argument("--render-only", action="store_true", help="rewrite results.md from results.json")
    args = ap.parse_args()
    if args.render_only:
        results = json.loads((args.out / "results.json").read_text())
        results.setdefault(
            "rows_fetched_bound", rows_fetched_bound(prepare(min(int(s) for s in results["scales"])))
        )
        (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
        (args.out / "results.md").write_text(render(results))
        return 0
    scales = [int(s) for s in args.contacts.split(",")]
    results: dict[str, Any] = {"machine": machine(), "repeat": args.repeat, "scales": {}}
    started = time.perf_counter()
    for n in scales:
        d = prepare(n)
        print(f"[{n:,} contacts] data in {d}")
        r: dict[str, Any] = {}
        r["validate"] = case_validate(d, args.repeat)
        print(
            f"  validate  {r['validate']['timing']['validate']['median_s']}s  x{r['validate']['validate_over_handwritten']} of hand-written, per-check x{r['validate']['per_check_over_validate']} slower"
        )
        r["segment"] = case_segment(d, args.repeat)
        print(f"  segment   x{r['segment']['segment_over_handwritten']} of hand-written")
        r["memory"] = case_memory(d)
        print(
            f"  memory    validate {r['memory']['validate_peak_rss_mb']} MiB, export {r['memory']['export_rows']:,} rows {r['memory']['export_peak_rss_mb']} MiB"
        )
        results["scales"][str(n)] = r
    for n in [int(x) for x in args.postgres.split(",") if x]:
        pg = case_postgres(prepare(n), args.repeat)
        results.setdefault("postgres", {})[str(n)] = pg
        if "skipped" in pg:
            print(f"[postgres {n:,}] skipped: {pg['skipped']}")
        else:
            print(
                f"[postgres {n:,}] validate x{pg['validate_over_duckdb']} of DuckDB's; per-check x{pg['per_check_over_validate']}; "
                f"segment x{pg['segment']['segment_over_handwritten']} of hand-written"
            )
            for view, v in pg["planner"].items():
                w = v["worst_estimate"]
                print(
                    f"    {view:<14} read x{v['view_over_handwritten']} of hand-written, worst estimate x{w['ratio']} ({w['node']})"
                )
    for n in [int(x) for x in args.spark_connect.split(",") if x]:
        sc = case_spark_connect(prepare(n), args.repeat)
        results.setdefault("spark_connect", {})[str(n)] = sc
        if "skipped" in sc:
            print(f"[spark connect {n:,}] skipped: {sc['skipped']}")
        else:
            print(
                f"[spark connect {n:,}] validate per check {sc['median_s']['per_check']}s, per view "
                f"{sc['median_s']['per_view']}s (x{sc['per_view_over_per_check']}), one statement "
                f"{sc['median_s']['one_statement']}s (x{sc['one_statement_over_per_check']}), same numbers: {sc['same_numbers']}"
            )
    for n in [int(x) for x in args.sync.split(",") if x]:
        from bench.sync_case import case_sync

        sy = case_sync(prepare(n), args.repeat)
        results.setdefault("sync", {})[str(n)] = sy
        o = sy["over_users_view"]
        print(
            f"[sync {n:,}] users view {sy['timing']['users_view']['median_s']}s; attributes full x{o['attributes_full']}, "
            f"since {sy['since']} x{o['attributes_since']}, events x{o['events_full']}, sync preview x{o['sync_preview']}"
        )
    if args.dbt:
        from bench.dbt_case import case_dbt, render_md

        dbt_results = {}
        for n in [int(x) for x in args.dbt.split(",") if x]:
            dbt_results[str(n)] = case_dbt(prepare(n), args.repeat)
            print(f"[dbt {n:,}] {json.dumps(dbt_results[str(n)])}")
        results["dbt"] = dbt_results
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "results-dbt.md").write_text(render_md(dbt_results))
    results["generate"] = case_generate(prepare(scales[0]), max(args.repeat, 5))
    results["rows_fetched_bound"] = rows_fetched_bound(prepare(scales[0]))
    print(f"generate {results['generate']['timing']['median_s']}s for {results['generate']['files']} files")
    results["elapsed_s"] = round(time.perf_counter() - started, 1)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.out / "results.md").write_text(render(results))
    print(f"wrote {args.out / 'results.md'} in {results['elapsed_s']}s")
    return 0


def _mark(value: float, target: float, higher_is_better: bool = False) -> str:
    ok = value >= target if higher_is_better else value <= target
    return "met" if ok else "**missed**"


NOTES = """## What the profiles say (DuckDB JSON profiles, 10M contacts)

**Session 13 (the headline segment; generate).** The segment profile at 10M put the views' whole
excess in sequential scans (5.0 s operator time against 1.5 s; hash joins 6.1 s against 7.5 s):
the contact table read five times, once of them by the segment's subject, the contacts view,
with its converted-lead LEFT JOIN (which DuckDB does not eliminate). A contact segment filtered
only on accounts and opportunities now reads a link view as its subject (`SELECT DISTINCT
user_id FROM b2b_opportunities`, the account leaves as a semi-join; see README "Segments"):
same connection, 7 rounds, x1.41 -> x1.12 of hand-written (the accounts view as the subject:
x1.25-1.30). The other demo segments read contact columns: their SQL is unchanged, yet their
ratios moved between this run and the last (closing_in_q2 x1.05 -> x1.39, no_open_pipeline
x1.67 -> x1.45): at 2 repeats on this machine a single segment's ratio is good to about 30%,
and the headline's x1.18 here against x1.12 head to head says the same. `generate`: a
profile of the compile put 40% of it in deep-copying the parser's token positions (a dict per
identifier, copied with every tree copy); parsed trees now drop them. The command also runs
without the cycle collector and freezes the heap at exit (the exit's collection over every
imported object was 0.2-0.3 s here). Paired against the filing commit in one run
(`python -m bench.generate_ab 611452f`, bench/results-generate-ab.md): cold x0.645, warm x0.364;
on the filing's machine, where the filing measured 0.79 s, that is about 0.51 s cold and 0.29 s
warm. This machine is slower than the filing's (the same hand-written validate took 111.6 s
here against 77.4 s in the 2026-11-27 run): read the absolute seconds above with that in mind.

**Session 9 (PostgreSQL validate; generate).** PostgreSQL validate at 1M measured x8.28 of
DuckDB's (48.4 s vs 5.85 s: DuckDB's side had got faster). EXPLAIN ANALYZE of the one statement
put 12 s of it in reading the users view for its user_id checks: the pipeline LEFT JOIN ran
although no column of it was read, because PostgreSQL prunes no output of a UNION ALL whose legs
differ in type (the leads' `0` against a SUM), so join removal never saw it. The leads' leg now
gives bare NULLs (an untyped NULL takes the other leg's type) and the pipeline is grouped by the
stored contact id alone: `count(user_id)` over the users view 12.3 s -> 2.4 s, full read
unchanged, rows and types identical (EXCEPT ALL both ways, PostgreSQL and DuckDB). Validate
39.5 s vs DuckDB 5.49 s, x7.2 (interleaved, one loaded server:
`bench/results-postgres-validate-1m.json`); planner table rewritten (users x0.48 of hand-written,
worst estimate x4.2). Tried and reverted: joining the pipeline after the union (removable too,
but the union's contact_ref has no statistics: x4,045 off). Tried and dropped: a TRANSLATE/STRPOS
checksum (2-3x slower on both engines) and an STRPOS uppercase test (18% faster on PostgreSQL,
collation-dependent elsewhere). `generate`: the [fast] extra (sqlglot's mypyc build) takes the
cold run from 0.98-1.04 s to 0.70-0.76 s, warm 0.40-0.46 -> 0.38-0.42 s (alternating builds,
medians of 3, two rounds; the bench's machine line says which build ran).

**Session 8 (ref_keys per dialect: KEY_FORMS).** The x1.38 -> x2.0 regression of the headline
segment was not the planner-proof idea but DuckDB's join order. Head to head at 10M in one
process (medians of 5, views applied side by side): the views of the issue's filing (`ad833d3`)
x1.30-1.45, session 7's x1.90-2.10, the same without the id-form crossing (the converted
reference joined plainly) no better. `EXPLAIN (FORMAT JSON)` showed why: DuckDB picks a hash
join's build side by estimated rows, and it estimated the filtered contact scan at 400,000 (9.8M
real) against 612,000 for the opportunity forms, so the account-owned opportunity join built
its hash table on 9.8M contacts (1.6-1.9 s; 0.55 s the other way round). The filing's views
happened to read the opportunities from a CTE, whose estimate is small. Now DuckDB (KEY_FORMS =
'union' in `toolkit/dialects/duckdb.py`) keys an account's or opportunity's own id forms by a
UNION ALL over a CTE, and joins relation and role rows on the converted reference (no forms,
no residual test); every other dialect keeps the crossed form, byte for byte (golden files
unchanged). The same A/B: headline x2.10 -> x1.21, closing_in_q2 x1.24 -> x1.17,
no_open_pipeline x1.98 -> x1.77; vp_mid_market, which reads only accounts, unchanged within
noise. The hand-written baseline itself moved between 2.4 s and 3.4 s across these runs: the
machine's noise is about 15%.

**Session 7 (after the planner-proof views).** The headline segment is x2.0 at 10M (5.0 s vs
2.5 s). The profile: sequential scans 2.4 s CPU against 0.66 s (the views read the contact table
five times: the contacts view, the direct account link, the relation link, the role link and
the account-owned opportunity link; the hand-written query reads it once into a materialised
CTE), hash joins 4.9 s against 3.2 s (the id-form crossing doubles build sides; the opportunities
view dedups account pairs against role pairs; the contacts view's converted-lead LEFT JOIN is
not eliminated). The checksum test of the 15-char forms, computed on every keyed row, was a third
of the time at 1M; it now runs per row only for accounts' and opportunities' own ids and on the
joined pairs elsewhere (ref_keys test_on): the other segments gained 10-50% (emea_event_leads
x2.03 -> x1.07, vp_mid_market x1.32 -> x1.18), the headline 3%. What is left is the
planner-proof shape itself (PostgreSQL needs a stored key on one side of every join; DuckDB
does not): rendering the link joins per planner class is the next lever.

**Segment over the views vs hand-written over raw tables (headline `software_open_pipeline`).**
x2.94 in the first run; the link views' pair GROUP BYs sat between the segment's filters and the
scans (fixed: only relation and role links are grouped; the link views join lean person keys).
Then the profile showed a quarter of the time in converting the contact's stored account id
(15 -> 18 chars) on all 9.8M contact rows, in the joins of the direct account link and the
account-owned opportunity link: with every conversion stripped from the views (an experiment,
wrong on 15-char data) the segment took 2.04 s against 2.70 s, and with only that one column
unconverted 2.19 s. Fixed in the product: the link views join the account id as stored to every
form the account's id may take (`ref_keys` in `_people.sql`: the 18 chars and, when the checksum
is right, the first 15), which gives the same rows (EXCEPT ALL both ways: 0/0 at 1M; a test
plants wrong-checksum ids) and converts only the small side. Measured head to head in one
process: 2.67 s -> 2.30 s (hand-written 1.70 s). What remains is the scans: the segment reads
the contact table five times (the people, the direct account link, the relation link, the role
link, the account-owned opportunity link) where the hand-written query reads it once into a CTE
that DuckDB materialises and reuses; sequential-scan operator time 1.64 s against 0.49 s, hash
joins equal (2.32 s against 2.29 s). DuckDB does not share scans between separate view
references. Tried and dropped (measured, no gain beyond noise): person keys as a CTE shared by
the two branches of each link view (DuckDB materialises it), dropping the `NOT key IS NULL`
guard of positive semi-joins, selecting only the needed columns of the subject, `STRLEN` for
`LENGTH` in the conversion, the converted-lead lookup in a form join elimination removes.
Timing changed this run: each contender now runs on one open connection (before, every timed
run opened a DuckDB connection, about 0.02 s, which diluted the ratio at small scale).

**One query per check vs validate (target x2).** At 10M, the 24 standalone check statements sum to
about 48 s; roughly half of that is evaluating views (the users view alone is 3.6 s per read,
accounts 1.5 s, opportunities 1.4 s) and half is the checks' own work (grain GROUP BYs over
9.8M-14.7M keys per view, the distinct-id GROUP BYs of the checksum check, the platform joins),
which validate must do too, once. Validate reads each view once (about 7 s) plus that work
(about 24 s): about 31-33 s. So with these checks the ratio cannot exceed about x1.5 on DuckDB
unless the checks' own work shrinks, and every saving there (or in the views) speeds up the
per-check baseline as much or more. The minimal hand-written statement is itself only x1.3
faster than one query per check, and validate beats it. In a warehouse, where each statement
pays compilation, queueing and a remote scan, one statement instead of 24 saves far more; the
PostgreSQL figures below are the only second engine measured here.
"""


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    scales = results["scales"]
    big = scales[max(scales, key=int)]
    gen = results["generate"]
    lines = [
        "# Benchmark results",
        "",
        f"Reproduce: `python -m bench --contacts {','.join(scales)} --repeat {results['repeat']}"
        + (f" --postgres {','.join(results['postgres'])}" if results.get("postgres") else "")
        + (f" --spark-connect {','.join(results['spark_connect'])}" if results.get("spark_connect") else "")
        + (f" --sync {','.join(results['sync'])}" if results.get("sync") else "")
        + "` (or `make bench`); "
        f"this run took {results['elapsed_s']} s. Medians of {results['repeat']} runs after a warm-up; contenders interleaved "
        "in the same process, so ratios hold on a noisy machine.",
        "",
        f"Machine: {m['cores']} cores, {m['memory']}, Python {m['python']}, DuckDB {m['duckdb']}, sqlglot {m['sqlglot']}, {m['platform']}; {m['date']}.",
        "",
        f"## Targets at {int(max(scales, key=int)):,} contacts (DuckDB)",
        "",
        "| target | measured | |",
        "|---|---|---|",
        f"| `b2b generate`, default project ({gen['files']} files), whole process, warm (unchanged project: the DDL cache) | {gen['timing']['median_s']} s (<= {TARGETS['generate_s']} s) | {_mark(gen['timing']['median_s'], TARGETS['generate_s'])} |",
        f"| `b2b generate`, the same, cold (a new out folder) | {gen['cold']['median_s']} s (<= {TARGETS['generate_s']} s) | {_mark(gen['cold']['median_s'], TARGETS['generate_s'])} |",
        f"| validate / hand-written minimal SQL | x{big['validate']['validate_over_handwritten']} (<= x{TARGETS['validate_over_handwritten']}) | {_mark(big['validate']['validate_over_handwritten'], TARGETS['validate_over_handwritten'])} |",
        f"| one-query-per-check / validate | x{big['validate']['per_check_over_validate']} | retired (issue 14): the validator's anchor becomes `dbt test` of the exported package |",
        f"| segment over views / hand-written over raw tables | x{big['segment']['segment_over_handwritten']} (<= x{TARGETS['segment_over_handwritten']}) | {_mark(big['segment']['segment_over_handwritten'], TARGETS['segment_over_handwritten'])} |",
        f"| rows fetched by validate do not grow with the data (bound: {results['rows_fetched_bound']}, from the plan) | "
        f"{', '.join(str(s['validate']['rows_fetched']) for s in scales.values())} | "
        f"{'met' if all(s['validate']['rows_fetched'] <= results['rows_fetched_bound'] for s in scales.values()) else '**missed**'} |",
        "",
        "## By scale",
        "",
        "| contacts | validate s | hand-written s | per-check s | validate/hand | per-check/validate | segment s | hand-written segment s | segment/hand | rows fetched | statements |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n, s in scales.items():
        v, g = s["validate"], s["segment"]
        t = v["timing"]
        lines.append(
            f"| {int(n):,} | {t['validate']['median_s']} | {t['handwritten']['median_s']} | {t['per_check']['median_s']} | "
            f"x{v['validate_over_handwritten']} | x{v['per_check_over_validate']} | {g['timing']['segment']['median_s']} | "
            f"{g['timing']['handwritten']['median_s']} | x{g['segment_over_handwritten']} | {v['rows_fetched']} | {v['statements']} |"
        )
    names = sorted({k for s in scales.values() for k in s["segment"].get("all", {})})
    if names:
        lines += [
            "",
            "## Every demo segment: over the views / hand-written over the raw tables (median s)",
            "",
            "| segment | " + " | ".join(f"{int(n):,}" for n in scales) + " |",
            "|---|" + "---|" * len(scales),
        ]
        for name in names:
            cells = []
            for s in scales.values():
                e = s["segment"].get("all", {}).get(name)
                cells.append(
                    "-"
                    if e is None
                    else f"{e['timing']['segment']['median_s']} / {e['timing']['handwritten']['median_s']} = x{e['segment_over_handwritten']}"
                )
            lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Memory (peak RSS of the process, kernel accounting)",
        "",
        "| contacts | `b2b validate` MiB | engine alone on the hand-written query MiB | ratio | `b2b segment export` rows | export MiB | CSV MiB |",
        "|---|---|---|---|---|---|---|",
    ]
    for n, s in scales.items():
        mm = s["memory"]
        lines.append(
            f"| {int(n):,} | {mm['validate_peak_rss_mb']} | {mm['engine_only_baseline_peak_rss_mb']} | x{mm['validate_over_engine_rss']} | "
            f"{mm['export_rows']:,} | {mm['export_peak_rss_mb']} | {mm['csv_mb']} |"
        )
    sync = results.get("sync", {})
    if sync:
        lines += [
            "",
            "## The copy path: CDI user sync views on DuckDB (`--sync`)",
            "",
            "Each read against a full read of the users view (the payload's facts), interleaved. UPDATED_AT is "
            "computed over every row behind a person, so a sync's incremental read (`WHERE updated_at > since`) "
            "costs a full computation: materialise the view (a dbt incremental model) when it syncs often at scale.",
            "",
            "| contacts | users view s | attributes full s | attributes since s (rows) | events s | sync preview s | attributes/users | since/users |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for n, r in sync.items():
            t, o = r["timing"], r["over_users_view"]
            lines.append(
                f"| {int(n):,} | {t['users_view']['median_s']} | {t['attributes_full']['median_s']} | "
                f"{t['attributes_since']['median_s']} ({r['rows']['attributes_since']:,} of {r['rows']['attributes_full']:,}) | "
                f"{t['events_full']['median_s']} | {t['sync_preview']['median_s']} | x{o['attributes_full']} | x{o['attributes_since']} |"
            )
    pg = results.get("postgres", {})
    if pg:
        lines += [
            "",
            "## The same comparisons on PostgreSQL (a throwaway local server, same org, `--postgres`)",
            "",
            "| contacts | validate s | DuckDB validate s (same org) | PostgreSQL/DuckDB | per-check s | per-check/validate | segment s | hand-written segment s | segment/hand |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for n, r in pg.items():
            if "skipped" in r:
                lines.append(f"| {int(n):,} | skipped: {r['skipped']} | | | | | | | |")
                continue
            t, g = r["timing"], r["segment"]
            duck = r.get("duckdb_validate", {}).get("median_s", "-")
            lines.append(
                f"| {int(n):,} | {t['validate']['median_s']} | {duck} | x{r.get('validate_over_duckdb', '-')} | {t['per_check']['median_s']} | x{r['per_check_over_validate']} | "
                f"{g['timing']['segment']['median_s']} | {g['timing']['handwritten']['median_s']} | x{g['segment_over_handwritten']} |"
            )
        for n, r in pg.items():
            if "planner" not in r:
                continue
            lines += [
                "",
                f"### PostgreSQL's planner on each view at {int(n):,} contacts (EXPLAIN ANALYZE of a full read, jit off)",
                "",
                "Hand-written: `bench/sql/views_handwritten.postgres.sql`, the same rows over the raw tables. "
                "Worst estimate: the plan node whose estimated rows are furthest from its actual rows (either way).",
                "",
                "| view | rows | view s | hand-written s | view/hand (target <= x2) | worst estimate (target <= x1000) | node |",
                "|---|---|---|---|---|---|---|",
            ]
            for view, v in r["planner"].items():
                w = v["worst_estimate"]
                lines.append(
                    f"| `b2b_{view}` | {v['rows']:,}{'' if v['same_rows'] else ' (hand-written differs!)'} | {v['view_s']} | {v['handwritten_s']} | "
                    f"x{v['view_over_handwritten']} | x{w['ratio']} ({w['estimated']:,} est. vs {w['actual']:,}) | {w['node']} |"
                )
    sc = results.get("spark_connect", {})
    if sc:
        lines += [
            "",
            "## Validate through Spark Connect (a throwaway server, same org, `--spark-connect`)",
            "",
            "The databricks dialect sends one statement per view; most other engines get the single "
            "combined statement. All three timed on the same server, alternately.",
            "",
            "| contacts | per check s (statements) | per view s (statements) | per-view/per-check | one statement s (statements) | one/per-check | checks errored (per check / per view / one) | same numbers |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for n, r in sc.items():
            if "skipped" in r:
                lines.append(f"| {int(n):,} | skipped: {r['skipped']} | | | | | | |")
                continue
            lines.append(
                f"| {int(n):,} | {r['median_s']['per_check']} ({r['statements']['per_check']}) | "
                f"{r['median_s']['per_view']} ({r['statements']['per_view']}) | x{r['per_view_over_per_check']} | "
                f"{r['median_s']['one_statement']} ({r['statements']['one_statement']}) | x{r['one_statement_over_per_check']} | "
                f"{r['errored']['per_check']} / {r['errored']['per_view']} / {r['errored']['one_statement']} | {r['same_numbers']} |"
            )
    lines += [
        "",
        f"`b2b generate` spread (max-min)/median: {gen['spread']}. DuckDB is in-process: the `b2b` process's RSS includes the engine's own memory.",
        "",
        NOTES,
    ]
    return "\n".join(lines)
