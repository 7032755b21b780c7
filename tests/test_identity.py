"""The identity strategies on real engines (DuckDB, PostgreSQL): who each contact is on the
platform decides the rows of the contacts view and of the link views (accounts, opportunities),
which share one definition of it (sql/salesforce/_people.sql). Each view is compared with a
Python model built from the raw rows after the test has planted duplicate emails, blank and
missing emails, missing updated_at, and a mapping table with unmapped and 15-char ids."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

import pytest
from conftest import sampled
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
      last_modified_date = CASE WHEN SUBSTRING(id, 16, 1) IN ('A', 'B') THEN NULL ELSE last_modified_date END""",
    # leads: the same planted addresses (so some collide with a contact's and must drop out of the
    # leads view), duplicates among leads, NULL and blank emails, NULL updated_at
    """UPDATE salesforce.lead SET
      email = CASE SUBSTRING(id, 18, 1)
        WHEN 'A' THEN 'SHARED' || SUBSTRING(id, 17, 1) || '@example.com'
        WHEN 'E' THEN ' lead' || SUBSTRING(id, 17, 1) || '@Example.com'
        WHEN 'F' THEN 'Lead' || SUBSTRING(id, 17, 1) || '@example.com  '
        WHEN 'C' THEN NULL
        WHEN 'D' THEN ' '
        ELSE email END,
      last_modified_date = CASE WHEN SUBSTRING(id, 16, 1) IN ('A', 'B') THEN NULL ELSE last_modified_date END""",
]
MAPPING_SETUP = [
    "CREATE SCHEMA app",
    """CREATE TABLE app.user_map AS SELECT
      CASE WHEN SUBSTRING(id, 18, 1) IN ('A', 'B', 'C') THEN NULL ELSE 'u-' || LOWER(id) END AS external_id,
      CASE WHEN SUBSTRING(id, 18, 1) IN ('D', 'E', 'F', 'G') THEN SUBSTRING(id, 1, 15) ELSE id END AS sf_contact_id,
      CAST(NULL AS VARCHAR(18)) AS sf_lead_id
    FROM salesforce.contact WHERE id IS NOT NULL""",
    # lead rows in the same table: some unmapped (no row), some with no external id, some 15-char
    """INSERT INTO app.user_map (external_id, sf_lead_id) SELECT
      CASE WHEN SUBSTRING(id, 18, 1) IN ('A', 'B') THEN NULL ELSE 'l-' || LOWER(id) END,
      CASE WHEN SUBSTRING(id, 18, 1) IN ('D', 'E') THEN SUBSTRING(id, 1, 15) ELSE id END
    FROM salesforce.lead WHERE id IS NOT NULL AND SUBSTRING(id, 17, 1) NOT IN ('Z', 'Y')""",
]
MAPPING_YAML = """  strategy: mapping
  mapping:
    table: app.user_map
    external_id_column: external_id
    contact_id_column: sf_contact_id
    lead_id_column: sf_lead_id
"""


def _configure(project: Path, strategy: str) -> ProjectContext:
    yml = project / "b2b_project.yml"
    text = yml.read_text()
    assert "  strategy: crm_id" in text
    new = "  strategy: email\n"
    if strategy == "mapping":
        new = MAPPING_YAML
    elif strategy == "mapping_no_leads":  # no lead_id_column: leads are not platform users
        new = MAPPING_YAML.replace("    lead_id_column: sf_lead_id\n", "")
    yml.write_text(text.replace("  strategy: crm_id", new.rstrip("\n"), 1))
    ctx = ProjectContext(project)
    with ctx.adapter() as adapter, adapter.transaction():
        for sql in EMAIL_SETUP if strategy == "email" else MAPPING_SETUP:
            adapter.execute(sql)
    return ctx


def _identify(
    live: list[tuple[Any, ...]], mapping: list[tuple[Any, ...]] | None, taken: AbstractSet[str] = frozenset()
) -> dict[str, str]:
    """CRM id (18) -> user_id for live rows (id, email, updated_at, ...), by the strategy's rules:
    `mapping` pairs (CRM id, external id) for the mapping strategy, None for email, where `taken`
    addresses (a contact's) are not given to anyone else."""
    if mapping is not None:
        mapped = {to_18(cid): ext for cid, ext in mapping if cid is not None and ext is not None}
        return {to_18(r[0]): mapped[to_18(r[0])] for r in live if to_18(r[0]) in mapped}
    groups: dict[str, list[tuple[Any, ...]]] = {}
    for r in live:
        if r[1] is not None and r[1].strip(" ") != "":
            groups.setdefault(r[1].strip(" ").lower(), []).append(r)
    out = {}
    for email, rows in groups.items():
        if email in taken:
            continue
        # most recently updated wins, NULL updated_at last, then the smallest CRM id
        winner = min(rows, key=lambda r: (r[2] is None, -(r[2].timestamp() if r[2] else 0), to_18(r[0])))
        out[to_18(winner[0])] = email
    return out


def _user_of(ctx: ProjectContext, strategy: str) -> dict[str, str]:
    """contact id (18) -> user_id, by the strategy's rules, from the raw rows."""
    with ctx.adapter() as adapter:
        contacts = adapter.fetchall(
            "SELECT id, email, last_modified_date, is_deleted, _fivetran_deleted FROM salesforce.contact"
        )
        mapping = (
            adapter.fetchall("SELECT sf_contact_id, external_id FROM app.user_map")
            if strategy != "email"
            else None
        )
    return _identify([r for r in contacts if r[0] is not None and not r[3] and not r[4]], mapping)


@pytest.mark.parametrize("strategy", sampled(["email", "mapping", "mapping_no_leads"], {"email", "mapping"}))
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


def _lead_users(ctx: ProjectContext, strategy: str, contact_users: set[str]) -> dict[str, str]:
    """lead id (18) -> user_id for the live, unconverted leads, by the strategy's rules."""
    with ctx.adapter() as adapter:
        leads = adapter.fetchall(
            "SELECT id, email, last_modified_date, is_deleted, _fivetran_deleted, is_converted FROM salesforce.lead"
        )
        mapping = (
            adapter.fetchall("SELECT sf_lead_id, external_id FROM app.user_map")
            if strategy == "mapping"
            else None
        )
    if strategy == "mapping_no_leads":
        return {}
    live = [r for r in leads if r[0] is not None and not r[3] and not r[4] and not r[5]]
    return _identify(live, mapping, contact_users)


@pytest.mark.parametrize("strategy", ["email", "mapping", "mapping_no_leads"])
def test_strategy_leads_and_users_match_model(engine_project: Path, strategy: str) -> None:
    ctx = _configure(engine_project, strategy)
    apply(ctx)
    contact_users = set(_user_of(ctx, strategy).values())
    want = _lead_users(ctx, strategy, contact_users)
    assert len(set(want.values())) == len(want)
    if strategy == "email":
        with ctx.adapter() as adapter:
            (live_leads,) = adapter.fetchall(
                "SELECT COUNT(*) FROM salesforce.lead WHERE NOT COALESCE(is_deleted, FALSE) "
                "AND NOT COALESCE(_fivetran_deleted, FALSE) AND NOT COALESCE(is_converted, FALSE)"
            )[0]
        assert 0 < len(want) < live_leads - 100  # duplicates, blanks and contacts' addresses dropped
    if strategy == "mapping":
        assert want and any(len(lid) == 18 for lid in want)

    with ctx.adapter() as adapter:
        leads = adapter.fetchall("SELECT lead_id, user_id FROM b2b.b2b_leads")
        users = adapter.fetchall("SELECT user_id, person_type FROM b2b.b2b_users")
    assert len(leads) == len(want)
    assert dict(leads) == want
    # the users view: every contact and lead user, once each, typed
    want_users = {u: "contact" for u in contact_users} | {u: "lead" for u in want.values()}
    assert len(users) == len(want_users)
    assert dict(users) == want_users
