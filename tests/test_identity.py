"""The identity strategies on real engines (DuckDB, PostgreSQL): who each contact is on the
platform decides the rows of the contacts view and of the link views (accounts, opportunities),
which share one definition of it (sql/salesforce/_people.sql). Each view is compared with a
Python model built from the raw rows after the test has planted duplicate emails, blank and
missing emails, missing updated_at, and a mapping table with unmapped and 15-char ids."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from reference import expected_views

from toolkit.apply import apply
from toolkit.context import ProjectContext
from toolkit.sfid import to_18

# Duplicate addresses differing only in case and surrounding spaces, NULL and blank emails,
# NULL updated_at (loses to any date): chosen by characters of the (uniformly spread) id suffix.
EMAIL_SETUP = [
    """UPDATE salesforce.contact SET
      email = CASE SUBSTRING(id, 18, 1)
        WHEN 'A' THEN ' Shared' || SUBSTRING(id, 17, 1) || '@Example.com '
        WHEN 'B' THEN 'shared' || SUBSTRING(id, 17, 1) || '@example.com'
        WHEN 'C' THEN NULL
        WHEN 'D' THEN '  '
        ELSE email END,
      last_modified_date = CASE WHEN SUBSTRING(id, 16, 1) IN ('A', 'B') THEN NULL ELSE last_modified_date END"""
]
MAPPING_SETUP = [
    "CREATE SCHEMA app",
    """CREATE TABLE app.user_map AS SELECT
      CASE WHEN SUBSTRING(id, 18, 1) IN ('A', 'B', 'C') THEN NULL ELSE 'u-' || LOWER(id) END AS external_id,
      CASE WHEN SUBSTRING(id, 18, 1) IN ('D', 'E', 'F', 'G') THEN SUBSTRING(id, 1, 15) ELSE id END AS sf_contact_id
    FROM salesforce.contact WHERE id IS NOT NULL""",
]
MAPPING_YAML = """  strategy: mapping
  mapping:
    table: app.user_map
    external_id_column: external_id
    contact_id_column: sf_contact_id
"""


def _configure(project: Path, strategy: str) -> ProjectContext:
    yml = project / "b2b_project.yml"
    text = yml.read_text()
    assert "  strategy: crm_id" in text
    new = MAPPING_YAML if strategy == "mapping" else "  strategy: email\n"
    yml.write_text(text.replace("  strategy: crm_id", new.rstrip("\n"), 1))
    ctx = ProjectContext(project)
    with ctx.adapter() as adapter, adapter.transaction():
        for sql in MAPPING_SETUP if strategy == "mapping" else EMAIL_SETUP:
            adapter.execute(sql)
    return ctx


def _user_of(ctx: ProjectContext, strategy: str) -> dict[str, str]:
    """contact id (18) -> user_id, by the strategy's rules, from the raw rows."""
    with ctx.adapter() as adapter:
        contacts = adapter.fetchall(
            "SELECT id, email, last_modified_date, is_deleted, _fivetran_deleted FROM salesforce.contact"
        )
        mapping = (
            adapter.fetchall("SELECT sf_contact_id, external_id FROM app.user_map")
            if strategy == "mapping"
            else []
        )
    live = [r for r in contacts if r[0] is not None and not r[3] and not r[4]]
    if strategy == "mapping":
        mapped = {to_18(cid): ext for cid, ext in mapping if cid is not None and ext is not None}
        return {to_18(r[0]): mapped[to_18(r[0])] for r in live if to_18(r[0]) in mapped}
    groups: dict[str, list[tuple[Any, ...]]] = {}
    for r in live:
        if r[1] is not None and r[1].strip(" ") != "":
            groups.setdefault(r[1].strip(" ").lower(), []).append(r)
    out = {}
    for email, rows in groups.items():
        # most recently updated wins, NULL updated_at last, then the smallest contact id
        winner = min(rows, key=lambda r: (r[2] is None, -(r[2].timestamp() if r[2] else 0), to_18(r[0])))
        out[to_18(winner[0])] = email
    return out


@pytest.mark.parametrize("strategy", ["email", "mapping"])
def test_strategy_views_match_model(engine_project: Path, org_tables: dict, strategy: str) -> None:
    ctx = _configure(engine_project, strategy)
    apply(ctx)
    user_of = _user_of(ctx, strategy)
    crm = expected_views(org_tables)  # per contact id; the planted changes do not touch the links
    assert len(set(user_of.values())) == len(user_of)
    if strategy == "email":
        assert len(user_of) < len(crm.contacts) - 100  # the planted duplicates and blanks merged people
    want_contacts = {uid: crm.contacts[cid]["account_id"] for cid, uid in user_of.items()}
    want_accounts = {(user_of[c], a) for c, a in crm.accounts if c in user_of}
    want_opps = {(user_of[c], o) for c, o in crm.opportunities if c in user_of}
    assert want_accounts and want_opps

    with ctx.adapter() as adapter:
        contacts = adapter.fetchall("SELECT user_id, account_id FROM b2b.b2b_contacts")
        accounts = adapter.fetchall("SELECT user_id, account_id FROM b2b.b2b_accounts")
        opps = adapter.fetchall("SELECT user_id, opportunity_id FROM b2b.b2b_opportunities")
    assert len(contacts) == len(want_contacts)
    assert dict(contacts) == want_contacts
    assert len(accounts) == len(want_accounts) and set(accounts) == want_accounts
    assert len(opps) == len(want_opps) and set(opps) == want_opps
