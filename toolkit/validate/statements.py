"""How many statements validate sends where the engine's memory is the client's (DuckDB runs in
the `b2b` process): all the checks in one statement when its estimated peak fits the engine's
memory limit, else one statement per view (`grouped`).

One statement reads each view once for every check; per-view statements read the contacts view
five times but hold one view's working set at a time. At 10M contacts on a 2-core machine: one
statement 86-92 s at a 14.9 GB peak, per view 101-109 s at 4.5 GB (python -m bench.validate_ab).
A statement that outgrows the limit spills, and spilling costs more than the re-reads (one
statement under a 5 GB limit: 2.3 times slower than per view), hence the estimate and its margin.
"""

from __future__ import annotations

from dataclasses import dataclass

#: peak RSS of the one-statement validate over the rows of the tables it reads (the CRM tables
#: and the platform's IDs): 430 bytes a row at 10M contacts (14.9 GB for 34.7M rows, session 12)
#: and 435 at 1M (1,660 MB in bench/results.md, measured when validate was always one statement)
BYTES_PER_ROW = 450
#: the share of the memory limit one statement may be estimated to take
HEADROOM = 0.8


def _size(n: float) -> str:
    return f"{n / 10**9:.1f} GB" if n >= 10**9 else f"{n / 10**6:.0f} MB"


@dataclass(frozen=True)
class Choice:
    one: bool
    why: str  # what the report says after the statement count


def choose(mode: str, rows: int | None, limit: int | None) -> Choice:
    """`mode` from the profile (validate_statements); `rows` of the tables the checks read and
    the engine's memory `limit` in bytes (None: unknown)."""
    if mode == "one":
        return Choice(True, "one statement (validate_statements: one)")
    if mode == "per_view":
        return Choice(False, "one statement per view (validate_statements: per_view)")
    if rows is None or limit is None:
        return Choice(
            False, "one statement per view (the engine's memory limit or the table sizes are unknown)"
        )
    need = rows * BYTES_PER_ROW
    if need <= HEADROOM * limit:
        return Choice(True, f"one statement: about {_size(need)} of the {_size(limit)} memory_limit")
    return Choice(
        False,
        f"one statement per view: one statement would take about {_size(need)}, more than "
        f"{HEADROOM:.0%} of the {_size(limit)} memory_limit",
    )
