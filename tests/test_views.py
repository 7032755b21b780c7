"""The five views on real engines (DuckDB in-process, PostgreSQL server), on the defect-laden
synthetic org, against the independent Python model in reference.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from reference import Expected, expected_views

from toolkit.apply import apply
from toolkit.context import ProjectContext


def _query(project: Path, sql: str) -> list[tuple[Any, ...]]:
    ctx = ProjectContext(project)
    with ctx.adapter() as adapter:
        return adapter.fetchall(sql)


@pytest.fixture
def applied(engine_project: Path) -> Path:
    apply(ProjectContext(engine_project))
    return engine_project


@pytest.fixture(scope="session")
def expected(org_tables: dict) -> Expected:
    return expected_views(org_tables)


GRAINS = {
    "b2b_contacts": "user_id",
    "b2b_leads": "user_id",
    "b2b_accounts": "user_id, account_id",
    "b2b_opportunities": "user_id, opportunity_id",
    "b2b_users": "user_id",
}


@pytest.mark.parametrize(("view", "key"), sorted(GRAINS.items()))
def test_grain_holds(applied: Path, view: str, key: str) -> None:
    total, distinct, null_ids = _query(
        applied, f"SELECT COUNT(*), COUNT(DISTINCT ({key})), COUNT(*) - COUNT(user_id) FROM b2b.{view}"
    )[0]
    assert total > 0
    assert total == distinct
    assert null_ids == 0


def test_contacts(applied: Path, expected: Expected) -> None:
    rows = _query(applied, "SELECT user_id, account_id, converted_from_lead_id FROM b2b.b2b_contacts")
    got = {r[0]: (r[1], r[2]) for r in rows}
    assert len(rows) == len(expected.contacts)
    assert got == {k: (v["account_id"], v["converted_from_lead_id"]) for k, v in expected.contacts.items()}
    # every id is the 18-char form, including accounts stored as 15 chars
    assert all(len(k) == 18 for k in got)
    assert all(a is None or len(a) == 18 for a, _ in got.values())


def test_leads_exclude_converted_and_deleted(applied: Path, expected: Expected) -> None:
    got = {r[0] for r in _query(applied, "SELECT user_id FROM b2b.b2b_leads")}
    assert got == set(expected.leads)
    converted = {v["converted_from_lead_id"] for v in expected.contacts.values()} - {None}
    assert converted and not (got & converted), "a converted lead appears as a second person"


def test_accounts(applied: Path, expected: Expected) -> None:
    rows = _query(applied, "SELECT user_id, account_id, is_direct FROM b2b.b2b_accounts")
    assert {(u, a): bool(d) for u, a, d in rows} == expected.accounts
    assert any(not d for d in expected.accounts.values()), "the org has AccountContactRelation rows"


def test_opportunities(applied: Path, expected: Expected) -> None:
    rows = _query(applied, "SELECT user_id, opportunity_id, link_type FROM b2b.b2b_opportunities")
    assert len(rows) == len(expected.opportunities)
    assert {(u, o): t for u, o, t in rows} == expected.opportunities
    assert {"contact_role", "account"} <= set(expected.opportunities.values())


def test_users(applied: Path, expected: Expected) -> None:
    rows = _query(
        applied,
        "SELECT user_id, person_type, account_name, opportunity_ids, open_opportunity_count FROM b2b.b2b_users",
    )
    got = {
        r[0]: {
            "person_type": r[1],
            "account_name": r[2],
            "opportunity_ids": list(r[3]),
            "open_opportunity_count": int(r[4]),
        }
        for r in rows
    }
    assert got == expected.users


CORRUPT_ACCOUNTS = [
    # some accounts get an 18-char id whose checksum is wrong ('ZZZ'); the contacts and
    # opportunities that pointed at them now say either that exact id or its first 15 chars
    """UPDATE salesforce.account SET id = SUBSTRING(id, 1, 15) || 'ZZZ'
    WHERE SUBSTRING(id, 17, 1) IN ('A', 'B', 'C', 'D') AND SUBSTRING(id, 16, 3) <> 'ZZZ'""",
    """UPDATE salesforce.contact SET account_id = CASE
      WHEN SUBSTRING(id, 18, 1) IN ('A', 'C', 'E', 'G', 'I', 'K', 'M', 'O', 'Q', 'S', 'U', 'W', 'Y')
      THEN SUBSTRING(account_id, 1, 15) ELSE SUBSTRING(account_id, 1, 15) || 'ZZZ' END
    WHERE SUBSTRING(account_id, 1, 15) IN (SELECT SUBSTRING(id, 1, 15) FROM salesforce.account WHERE SUBSTRING(id, 16, 3) = 'ZZZ')""",
    """UPDATE salesforce.opportunity SET account_id = CASE
      WHEN SUBSTRING(id, 18, 1) IN ('A', 'C', 'E', 'G', 'I', 'K', 'M', 'O', 'Q', 'S', 'U', 'W', 'Y')
      THEN SUBSTRING(account_id, 1, 15) ELSE SUBSTRING(account_id, 1, 15) || 'ZZZ' END
    WHERE SUBSTRING(account_id, 1, 15) IN (SELECT SUBSTRING(id, 1, 15) FROM salesforce.account WHERE SUBSTRING(id, 16, 3) = 'ZZZ')""",
]


def test_links_by_stored_reference_keep_exact_18_char_semantics(engine_project: Path) -> None:
    """The link views join a contact's stored account id to every form of the account's id (its
    18 chars and, when its checksum is right, its 15) instead of converting each contact's. That
    must equal converting: an account whose 18-char id has a wrong checksum is linked only by that
    exact id, never by its 15-char form (which converts to a different 18-char id)."""
    from loaders import SOURCE_TABLES

    ctx = ProjectContext(engine_project)
    with ctx.adapter() as adapter, adapter.transaction():
        for sql in CORRUPT_ACCOUNTS:
            adapter.execute(sql)
    apply(ctx)
    tables = {}
    with ctx.adapter() as adapter:
        for schema, table in SOURCE_TABLES:
            cols = adapter.fetchall(
                "SELECT column_name, data_type FROM information_schema.columns "
                f"WHERE table_schema = '{schema}' AND table_name = '{table}' ORDER BY ordinal_position"
            )
            names = ", ".join(c for c, _ in cols)
            tables[(schema, table)] = (cols, adapter.fetchall(f"SELECT {names} FROM {schema}.{table}"))
        (short_refs,) = adapter.fetchall(
            "SELECT COUNT(*) FROM salesforce.contact WHERE LENGTH(account_id) = 15 AND account_id IN "
            "(SELECT SUBSTRING(id, 1, 15) FROM salesforce.account WHERE SUBSTRING(id, 16, 3) = 'ZZZ')"
        )[0]
        accounts = adapter.fetchall("SELECT user_id, account_id, is_direct FROM b2b.b2b_accounts")
        opps = adapter.fetchall("SELECT user_id, opportunity_id, link_type FROM b2b.b2b_opportunities")
    want = expected_views(tables)
    corrupt = {a for _u, a in want.accounts if a.endswith("ZZZ")}
    assert short_refs > 0 and corrupt, "the planted references exist"
    assert {(u, a): bool(d) for u, a, d in accounts} == want.accounts
    assert len(opps) == len(want.opportunities)
    assert {(u, o): t for u, o, t in opps} == want.opportunities
