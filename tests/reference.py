"""An independent model of the five views, in plain Python over the raw rows: what each view
must contain, computed without the view SQL. The tests compare the engines with it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from toolkit.sfid import to_18


def _rows(tables: dict, table: str) -> list[dict[str, Any]]:
    """The table's rows as dicts; in Fivetran history mode (a `_fivetran_active` column), only
    the current version of each row. A table the org does not sync has no rows."""
    for (_schema, name), (cols, rows) in tables.items():
        if name == table:
            names = [c for c, _ in cols]
            out = [dict(zip(names, r, strict=True)) for r in rows]
            return [r for r in out if r["_fivetran_active"]] if "_fivetran_active" in names else out
    if table == "account_contact_relation":
        return []
    raise KeyError(table)


def _live(row: dict[str, Any]) -> bool:
    return not row.get("is_deleted") and not row.get("_fivetran_deleted")


def _id(value: str | None) -> str | None:
    return to_18(value) if value is not None else None


@dataclass
class Expected:
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)  # user_id -> row
    catalog_accounts: set[str] = field(default_factory=set)  # live business (not person) accounts
    leads: dict[str, dict[str, Any]] = field(default_factory=dict)
    accounts: dict[tuple[str, str], bool] = field(default_factory=dict)  # (user, account) -> is_direct
    opportunities: dict[tuple[str, str], str] = field(default_factory=dict)  # (user, opp) -> link_type
    users: dict[str, dict[str, Any]] = field(default_factory=dict)


def expected_views(tables: dict) -> Expected:
    exp = Expected()
    accounts = {_id(a["id"]): a for a in _rows(tables, "account") if _live(a)}
    opps = {_id(o["id"]): o for o in _rows(tables, "opportunity") if _live(o)}
    exp.catalog_accounts = {k for k, a in accounts.items() if not a.get("is_person_account")}
    converted: dict[str, str] = {}
    for lead in _rows(tables, "lead"):
        # deleted since or not: the contact still came from it
        if lead["is_converted"] and lead["converted_contact_id"]:
            cid, lid = _id(lead["converted_contact_id"]), _id(lead["id"])
            converted[cid] = min(converted.get(cid, lid), lid)
    by_contact: dict[str, str] = {}
    for c in _rows(tables, "contact"):
        if not _live(c):
            continue
        cid = _id(c["id"])
        exp.contacts[cid] = {
            "account_id": _id(c["account_id"]),
            "converted_from_lead_id": converted.get(cid),
            "email": c.get("email"),
            "is_person_account": bool(c.get("is_person_account")),
        }
        by_contact[cid] = cid
    for lead in _rows(tables, "lead"):
        if _live(lead) and not lead["is_converted"]:
            exp.leads[_id(lead["id"])] = {"industry": lead.get("industry")}
    # accounts: the contact's own account, plus AccountContactRelation
    for uid, c in exp.contacts.items():
        if c["account_id"] in accounts:
            exp.accounts[(uid, c["account_id"])] = True
    for r in _rows(tables, "account_contact_relation"):
        uid = by_contact.get(_id(r["contact_id"]))
        acc = _id(r["account_id"])
        if _live(r) and r.get("is_active") is not False and uid and acc in accounts:
            exp.accounts[(uid, acc)] = exp.accounts.get((uid, acc), False) or bool(r.get("is_direct"))
    # opportunities: contact roles, then the person's own account
    for r in _rows(tables, "opportunity_contact_role"):
        uid = by_contact.get(_id(r["contact_id"]))
        oid = _id(r["opportunity_id"])
        if _live(r) and uid and oid in opps:
            exp.opportunities[(uid, oid)] = "contact_role"
    opps_by_account: dict[str, list[str]] = defaultdict(list)
    for oid, o in opps.items():
        opps_by_account[_id(o["account_id"])].append(oid)
    for uid, c in exp.contacts.items():
        for oid in opps_by_account.get(c["account_id"], []):
            exp.opportunities.setdefault((uid, oid), "account")
    # users
    per_user: dict[str, list[str]] = defaultdict(list)
    for uid, oid in exp.opportunities:
        per_user[uid].append(oid)
    for uid, c in exp.contacts.items():
        acc = accounts.get(c["account_id"])
        exp.users[uid] = {"person_type": "contact", "account_name": acc.get("name") if acc else None}
    for uid in exp.leads:
        exp.users[uid] = {"person_type": "lead", "account_name": None}
    for uid, row in exp.users.items():
        ids = sorted(per_user.get(uid, []))
        row["opportunity_ids"] = ids
        row["open_opportunity_count"] = sum(1 for o in ids if not opps[o]["is_closed"])
    return exp


# ---- the CDI sync views (output.user_sync) ---------------------------------------------------


def changed(row: dict[str, Any]) -> Any:
    """When a row last changed: a live row's last modification; a deleted row's, when the loader
    recorded the deletion (its sync time), else its last modification."""
    modified, loaded = row.get("last_modified_date"), row.get("_fivetran_synced")
    if _live(row):
        return modified if modified is not None else loaded
    return loaded if loaded is not None else modified


def modified(row: dict[str, Any]) -> Any:
    """A live row's last modification: its LastModifiedDate where the table has that column, else
    the loader's sync time."""
    return row["last_modified_date"] if "last_modified_date" in row else row.get("_fivetran_synced")


@dataclass
class ExpectedSync:
    attributes: dict[str, dict[str, Any]] = field(default_factory=dict)  # user_id -> payload facts
    updated_at: dict[str, Any] = field(default_factory=dict)  # user_id -> UPDATED_AT
    events: dict[tuple[str, str], Any] = field(default_factory=dict)  # (user, account) -> time


def expected_sync(tables: dict, exp: Expected) -> ExpectedSync:
    """What the user sync views must hold, from the raw rows: the payload's links, and UPDATED_AT
    as the latest change among every row (deleted or not) the payload reads."""
    out = ExpectedSync()
    all_accounts = {_id(a["id"]): a for a in _rows(tables, "account") if a["id"] is not None}
    all_opps = {_id(o["id"]): o for o in _rows(tables, "opportunity") if o["id"] is not None}
    opps_of_account: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for o in all_opps.values():
        if o["account_id"] is not None:
            opps_of_account[_id(o["account_id"])].append(o)
    roles_of_contact: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in _rows(tables, "opportunity_contact_role"):
        if r["contact_id"] is not None:
            roles_of_contact[_id(r["contact_id"])].append(r)
    contact_rows = {_id(c["id"]): c for c in _rows(tables, "contact") if _live(c)}
    lead_rows = {_id(lead["id"]): lead for lead in _rows(tables, "lead") if _live(lead)}
    for uid, row in exp.users.items():
        if row["person_type"] == "lead":
            out.attributes[uid] = {"accountId": None, "opportunityIds": []}
            out.updated_at[uid] = modified(lead_rows[uid])
            continue
        c = exp.contacts[uid]
        out.attributes[uid] = {
            "accountId": c["account_id"],  # as the users view has it (the contact's AccountId)
            "opportunityIds": row["opportunity_ids"],
        }
        times = [modified(contact_rows[uid])]
        if c["account_id"] in all_accounts:
            times.append(changed(all_accounts[c["account_id"]]))
        times += [changed(o) for o in opps_of_account.get(c["account_id"], [])]
        for r in roles_of_contact.get(uid, []):
            times.append(changed(r))
            o = all_opps.get(_id(r["opportunity_id"]))
            if o is not None:
                times.append(changed(o))
        out.updated_at[uid] = max((t for t in times if t is not None), default=None)
    business = {k for k, a in all_accounts.items() if _live(a) and not a.get("is_person_account")}
    relation_times: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for r in _rows(tables, "account_contact_relation"):
        if _live(r) and r.get("is_active") is not False and r["contact_id"] and r["account_id"]:
            relation_times[(_id(r["contact_id"]), _id(r["account_id"]))].append(changed(r))
    for uid, acc in exp.accounts:
        if acc not in business:
            continue
        if exp.contacts[uid]["account_id"] == acc:
            out.events[(uid, acc)] = modified(contact_rows[uid])
        else:
            out.events[(uid, acc)] = max(
                (t for t in relation_times[(uid, acc)] if t is not None), default=None
            )
    return out
