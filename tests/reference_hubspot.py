"""An independent model of the five views over a HubSpot portal's raw tables, in plain Python,
written from the rules in sql/hubspot/crm.yml's header and the README's HubSpot section, not
from the templates. Strategy crm_id: a user_id is the contact id as text."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

HS = "hubspot"
LEAD_STAGES = ("subscriber", "lead", "marketingqualifiedlead")


def rows(tables: dict, table: str) -> list[dict[str, Any]]:
    cols, data = tables[(HS, table)]
    names = [c for c, _t in cols]
    return [dict(zip(names, r, strict=True)) for r in data]


def _deleted(row: dict[str, Any]) -> bool:
    return bool(row.get("_fivetran_deleted")) or bool(row.get("is_deleted"))


@dataclass
class HubSpotExpected:
    contacts: dict[str, str | None]  # user_id -> account_id
    leads: dict[str, str | None]  # user_id -> status
    accounts: dict[tuple[str, str], bool]  # (user_id, account_id) -> is_direct
    opportunities: dict[
        tuple[str, str], tuple[str, str | None, bool, bool]
    ]  # -> link_type, account, closed, won
    users: dict[str, tuple[str, list[str], int, Decimal]]  # -> person_type, opp ids, open count, open amount


def expected(tables: dict, lead_stages: tuple[str, ...] = LEAD_STAGES) -> HubSpotExpected:
    live = [c for c in rows(tables, "contact") if c["id"] is not None and not _deleted(c)]
    leads = {
        str(c["id"]): c["property_lifecyclestage"]
        for c in live
        if c["property_lifecyclestage"] in lead_stages
    }
    people = {str(c["id"]): c for c in live if str(c["id"]) not in leads}
    contacts = {
        uid: (
            str(c["property_associatedcompanyid"]) if c["property_associatedcompanyid"] is not None else None
        )
        for uid, c in people.items()
    }
    companies = {str(a["id"]) for a in rows(tables, "company") if not _deleted(a)}

    accounts: dict[tuple[str, str], bool] = {}
    for uid, acct in contacts.items():
        if acct in companies:
            accounts[(uid, acct)] = True
    for cc in rows(tables, "contact_company"):
        uid, acct = str(cc["contact_id"]), str(cc["company_id"])
        if _deleted(cc) or uid not in contacts or acct == contacts[uid] or acct not in companies:
            continue
        accounts.setdefault((uid, acct), False)

    stages = {s["stage_id"]: s for s in rows(tables, "deal_pipeline_stage") if not _deleted(s)}
    owner: dict[str, str] = {}
    for dc in rows(tables, "deal_company"):
        if _deleted(dc):
            continue
        d, co = str(dc["deal_id"]), dc["company_id"]
        owner[d] = str(min(int(owner[d]), co)) if d in owner else str(co)
    deals: dict[str, tuple[str | None, bool, bool, Decimal | None]] = {}
    for d in rows(tables, "deal"):
        if _deleted(d) or d["deal_id"] is None:
            continue
        st = stages.get(d["deal_pipeline_stage_id"])
        won = bool(st and st["closed_won"])
        closed = bool(st and (st["closed_won"] or st["probability"] == 0))
        deals[str(d["deal_id"])] = (owner.get(str(d["deal_id"])), closed, won, d["property_amount"])

    opps: dict[tuple[str, str], tuple[str, str | None, bool, bool]] = {}
    for r in rows(tables, "deal_contact"):
        uid, d = str(r["contact_id"]), str(r["deal_id"])
        if _deleted(r) or uid not in contacts or d not in deals:
            continue
        acct, closed, won, _amt = deals[d]
        opps[(uid, d)] = ("contact_role", acct, closed, won)
    by_company: dict[str, list[str]] = {}
    for d, (acct, *_rest) in deals.items():
        if acct is not None:
            by_company.setdefault(acct, []).append(d)
    for uid, acct in contacts.items():
        for d in by_company.get(acct or "", []):
            a, closed, won, _amt = deals[d]
            opps.setdefault((uid, d), ("account", a, closed, won))

    users: dict[str, tuple[str, list[str], int, Decimal]] = {}
    per: dict[str, list[str]] = {}
    for uid, d in opps:
        per.setdefault(uid, []).append(d)
    for uid in contacts:
        ids = sorted(per.get(uid, []))
        open_ids = [d for d in ids if not deals[d][1]]
        amount = sum((deals[d][3] or Decimal(0) for d in open_ids), Decimal(0))
        users[uid] = ("contact", ids, len(open_ids), amount)
    for uid in leads:
        users[uid] = ("lead", [], 0, Decimal(0))
    return HubSpotExpected(contacts, leads, accounts, opps, users)


def changed(row: dict[str, Any], modified_column: str) -> Any:
    """When a row last changed: a live row's last modification (else its sync time); a deleted
    row's sync time (when the deletion reached the warehouse), else its last modification."""
    modified, loaded = row.get(modified_column), row.get("_fivetran_synced")
    if not _deleted(row):
        return modified if modified is not None else loaded
    return loaded if loaded is not None else modified


def expected_updated_at(tables: dict, exp: HubSpotExpected) -> dict[str, Any]:
    """user_id -> the CDI attributes row's UPDATED_AT: the latest change among the rows its payload
    reads (README "HubSpot"): the contact, its primary company, that company's deals (with the
    latest change of any of their company associations), the contact's deal associations and
    their deals; deleted rows included. A lead: its own row."""
    contacts = {str(c["id"]): c for c in rows(tables, "contact") if c["id"] is not None}
    companies = {str(a["id"]): a for a in rows(tables, "company")}
    deals = {str(d["deal_id"]): d for d in rows(tables, "deal")}
    links = rows(tables, "deal_company")
    links_changed: dict[str, Any] = {}
    by_company: dict[str, set[str]] = {}
    for dc in links:
        d = str(dc["deal_id"])
        stamp = dc["_fivetran_synced"]
        links_changed[d] = stamp if d not in links_changed else max(links_changed[d], stamp)
        by_company.setdefault(str(dc["company_id"]), set()).add(d)
    out: dict[str, Any] = {}
    for uid in exp.contacts:
        c = contacts[uid]
        stamps = [c["property_lastmodifieddate"]]
        company = (
            str(c["property_associatedcompanyid"]) if c["property_associatedcompanyid"] is not None else None
        )
        if company in companies:
            stamps.append(changed(companies[company], "property_hs_lastmodifieddate"))
        for d in by_company.get(company or "", set()):
            stamps.append(links_changed[d])
            if d in deals:
                stamps.append(changed(deals[d], "property_hs_lastmodifieddate"))
        for r in rows(tables, "deal_contact"):
            if str(r["contact_id"]) == uid:
                stamps.append(r["_fivetran_synced"])
                if str(r["deal_id"]) in deals:
                    stamps.append(changed(deals[str(r["deal_id"])], "property_hs_lastmodifieddate"))
        out[uid] = max(s for s in stamps if s is not None)
    for uid in exp.leads:
        out[uid] = contacts[uid]["property_lastmodifieddate"]
    return out
