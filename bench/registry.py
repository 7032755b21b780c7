"""Every benchmark case, by name: what it measures, the module that runs it, and what it writes.

`python -m bench list` prints this table; `python -m bench run NAME [ARGS]` runs one case with its
own arguments, and `python -m bench [--contacts ...]` runs the default case, `suite`. Each case's
module has a `main()` that reads its arguments from sys.argv (so `python -m bench.planner 1000000`
works too), takes its org from `bench.org` and its timing from `bench.timing`, and never imports
the entry point: the registry names modules, it does not import them, so it sits below every case.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    name: str
    module: str
    usage: str
    measures: str
    writes: str


CASES: dict[str, Case] = {
    c.name: c
    for c in (
        Case(
            "suite",
            "bench.suite",
            "[--contacts N,...] [--repeat R] [--postgres N,...] [--spark-connect N,...] [--sync N,...] [--dbt N,...]",
            "DuckDB at each scale: generate, validate vs hand-written and vs one query per check, the "
            "headline segment vs hand-written, peak memory, rows fetched; optionally the same on "
            "PostgreSQL and Spark Connect, the sync views, dbt test",
            "results.{md,json} (results-dbt.md with --dbt)",
        ),
        Case(
            "planner",
            "bench.planner",
            "[CONTACTS]",
            "PostgreSQL's planner per view: worst estimate, full read vs hand-written (EXPLAIN ANALYZE)",
            "results-planner.{md,json}",
        ),
        Case(
            "hubspot",
            "bench.hubspot_case",
            "[CONTACTS] [REPEAT]",
            "a synthetic HubSpot portal on DuckDB and PostgreSQL: each view vs hand-written, validate",
            "results-hubspot.{md,json}",
        ),
        Case(
            "sync",
            "bench.sync_case",
            "[CONTACTS] [REPEAT]",
            "the CDI user sync views on DuckDB against the users view they build on, and sync preview",
            "results-sync.json",
        ),
        Case(
            "dbt",
            "bench.dbt_case",
            "[CONTACTS,...] [REPEAT]",
            "b2b validate against dbt test of the exported package, whole processes",
            "results-dbt.md",
        ),
        Case(
            "generate-ab",
            "bench.generate_ab",
            "REV [--rounds R]",
            "b2b generate, whole process, this checkout against commit REV in paired rounds",
            "results-generate-ab.{md,json}",
        ),
        Case(
            "validate-ab",
            "bench.validate_ab",
            "REV [CONTACTS] [--rounds R]",
            "b2b validate against its hand-written baseline, this checkout against commit REV",
            "results-validate-ab.{md,json}",
        ),
        Case(
            "statements",
            "bench.statement_profile",
            "[CONTACTS,...]",
            "validate on DuckDB statement by statement, each in a fresh process: seconds and peak RSS",
            "results-validate-statements.{md,json}",
        ),
        Case(
            "ledger",
            "bench.ledger_case",
            "[CONTACTS] [--days D]",
            "the sync ledger vs the computed view: daily sync run and Braze's delta read as ratios of a full read; growth and compaction",
            "results-ledger.{md,json}",
        ),
        Case(
            "cdi-data-points",
            "bench.cdi_data_points",
            "[CONTACTS] [--days D]",
            "data points per day that Braze's CDI syncs read, ledger vs view, against the model's floor",
            "results-cdi-data-points.{md,json}",
        ),
        Case(
            "spark-validate",
            "bench.spark_validate",
            "[CONTACTS] [--no-user-sync]",
            "b2b validate on a local Spark session over the tests' small org",
            "(prints)",
        ),
    )
}
