"""The 15 -> 18 char checksum: the Python reference, and the SQL every dialect generates."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlglot import exp

from toolkit.dialects import DIALECTS, get_or_raise
from toolkit.sfid import to_18

KNOWN = [
    ("003G000001SUbc4", "003G000001SUbc4IAD"),
    ("a0D30000001n7Pi", "a0D30000001n7PiEAI"),
    ("0019000000B98de", "0019000000B98deAAB"),
]
ID_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ids15 = st.text(alphabet=ID_CHARS, min_size=15, max_size=15)


@pytest.mark.parametrize(("short", "full"), KNOWN)
def test_python_reference_known_pairs(short: str, full: str) -> None:
    assert to_18(short) == full


def test_other_lengths_pass_through() -> None:
    assert to_18("003G000001SUbc4IAD") == "003G000001SUbc4IAD"
    assert to_18("abc") == "abc"


def _duckdb_sf18(values: list[str]) -> list[str]:
    sql_expr = get_or_raise("duckdb").sf18(exp.column("id")).sql("duckdb")
    con = duckdb.connect()
    con.execute("CREATE TABLE t (i INTEGER, id VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(values)))
    return [r[0] for r in con.execute(f"SELECT {sql_expr} FROM t ORDER BY i").fetchall()]


def test_duckdb_sql_known_pairs() -> None:
    assert _duckdb_sf18([s for s, _ in KNOWN] + [f for _, f in KNOWN]) == [f for _, f in KNOWN] * 2


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.lists(ids15, min_size=1, max_size=20))
def test_duckdb_sql_matches_python(values: list[str]) -> None:
    assert _duckdb_sf18(values) == [to_18(v) for v in values]


@pytest.mark.postgres
def test_postgres_sql_known_pairs(pg) -> None:  # type: ignore[no-untyped-def]
    import psycopg

    sql_expr = get_or_raise("postgres").sf18(exp.column("id")).sql("postgres")
    values = [s for s, _ in KNOWN] + ["Ab", "003g000001subc4"]
    with psycopg.connect(pg.dsn()) as conn:
        rows = conn.execute(
            f"SELECT {sql_expr} FROM unnest(%s::text[]) WITH ORDINALITY AS t(id, i) ORDER BY i", [values]
        ).fetchall()
    assert [r[0] for r in rows] == [to_18(v) for v in values]


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_checksum_never_compares_letters_by_collation(dialect: str) -> None:
    """Under a case-insensitive collation `c BETWEEN 'A' AND 'Z'` is true for 'a' too: the SQL
    must test character codes instead."""
    sql = get_or_raise(dialect).sf18(exp.column("id")).sql(get_or_raise(dialect).sqlglot_name)
    assert "'A'" not in sql and "'Z'" not in sql
    assert "ASCII(" in sql.upper()
