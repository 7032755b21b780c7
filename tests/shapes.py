"""Org shapes the demo does not have, built from the small synthetic org's rows in Python.

Each shape gives two sets of tables: `model`, the org in Fivetran naming that the independent
model (reference.py) reads, and `physical`, what is loaded into the engine (renamed, dropped,
extended), plus the project keys the shape needs. The views over `physical` must equal the model
over `model`."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from toolkit.sfid import to_18
from toolkit.source.crm import read_crm

Tables = dict[tuple[str, str], tuple[list[tuple[str, str]], list[tuple[Any, ...]]]]
SF = "salesforce"
PLATFORM = ("braze", "user_latest_state_default_attributes_view_shared")


@dataclass
class Shape:
    name: str
    model: Tables
    physical: Tables
    project: dict[str, Any] = field(default_factory=dict)  # dotted key -> value
    planted: dict[str, Any] = field(default_factory=dict)


def rows(tables: Tables, table: str, schema: str = SF) -> list[dict[str, Any]]:
    cols, data = tables[(schema, table)]
    names = [c for c, _ in cols]
    return [dict(zip(names, r, strict=True)) for r in data]


def put(
    tables: Tables, table: str, cols: list[tuple[str, str]], data: list[dict[str, Any]], schema: str = SF
) -> None:
    tables[(schema, table)] = (cols, [tuple(d[c] for c, _ in cols) for d in data])


def drop_columns(tables: Tables, table: str, names: set[str]) -> None:
    cols, _ = tables[(SF, table)]
    kept = [(c, t) for c, t in cols if c not in names]
    put(tables, table, kept, rows(tables, table))


def add_column(
    tables: Tables, table: str, name: str, dtype: str, value: Callable[[dict[str, Any]], Any]
) -> None:
    cols, _ = tables[(SF, table)]
    data = rows(tables, table)
    for r in data:
        r[name] = value(r)
    put(tables, table, [*cols, (name, dtype)], data)


def rename(tables: Tables, table: str, columns: dict[str, str], new_name: str) -> None:
    data = rows(tables, table)
    cols, _ = tables.pop((SF, table))
    renamed = [(columns.get(c, c), t) for c, t in cols]
    put(tables, new_name, renamed, [{columns.get(k, k): v for k, v in r.items()} for r in data])


def optional_fields() -> dict[str, list[str]]:
    """Per object, its optional fields, but for the deletion flags (evidence: other shapes drop them)."""
    data = read_crm("salesforce")
    return {
        obj: [f for f, spec in body["fields"].items() if not spec.get("required") and f != "is_deleted"]
        for obj, body in data["objects"].items()
    }


def api_names() -> dict[str, tuple[str, dict[str, str]]]:
    data = read_crm("salesforce")
    return {
        obj: (body["table"]["api"], {f: spec["api"] for f, spec in body["fields"].items()})
        for obj, body in data["objects"].items()
    }


# ---- the shapes ------------------------------------------------------------------------------
def minimal(org: Tables, synced: bool = True) -> Shape:
    """Every optional field missing at once, LastModifiedDate included: the loader's sync time is
    every time the copy path reads (without it, `synced=False`, the copy path is refused)."""
    physical = copy.deepcopy(org)
    for obj, fields in optional_fields().items():
        drop_columns(physical, obj, set(fields) if synced else {*fields, "_fivetran_synced"})
    return Shape("minimal", physical, physical)


def no_relation_times(org: Tables) -> Shape:
    """Another loader: no `_fivetran_deleted` anywhere (IsDeleted is the only flag), its sync time
    in `_airbyte_extracted_at` (source.loaded_at_column), and no LastModifiedDate on the relation
    objects (AccountContactRelation, OpportunityContactRole): their times are the sync time."""
    model = copy.deepcopy(org)
    for obj in api_names():
        drop_columns(model, obj, {"_fivetran_deleted"})
    for obj in ("account_contact_relation", "opportunity_contact_role"):
        drop_columns(model, obj, {"last_modified_date"})
    physical = copy.deepcopy(model)
    for obj in api_names():
        rename(physical, obj, {"_fivetran_synced": "_airbyte_extracted_at"}, obj)
    return Shape("no_relation_times", model, physical, {"source.loaded_at_column": "_airbyte_extracted_at"})


def api_naming(org: Tables) -> Shape:
    """Salesforce API names for tables and columns (IsDeleted, AccountId), no Fivetran columns."""
    model = copy.deepcopy(org)
    for obj in api_names():
        drop_columns(model, obj, {"_fivetran_deleted", "_fivetran_synced"})
    physical = copy.deepcopy(model)
    for obj, (table, fields) in api_names().items():
        rename(physical, obj, {**fields, "territory__c": "Territory__c"}, table)
    return Shape(
        "api",
        model,
        physical,
        {"source.naming": "api", "extra_fields.account.territory": "Territory__c"},
    )


def history_mode(org: Tables) -> Shape:
    """Fivetran history mode: every table keeps old versions (`_fivetran_active` false) beside
    the current one; old versions differ (other account, other flags, not deleted)."""
    physical = copy.deepcopy(org)
    changes: dict[str, Callable[[dict[str, Any], int], dict[str, Any] | None]] = {
        "contact": lambda r, i: {**r, "account_id": None, "is_deleted": False} if i % 7 == 0 else None,
        "lead": lambda r, i: (
            {**r, "is_converted": not r["is_converted"], "is_deleted": False} if i % 11 == 0 else None
        ),
        "account": lambda r, i: {**r, "name": "OLD NAME", "is_deleted": False} if i % 5 == 0 else None,
        "opportunity": lambda r, i: (
            {**r, "is_closed": not r["is_closed"], "is_deleted": False} if i % 3 == 0 else None
        ),
        "opportunity_contact_role": lambda r, i: (
            {**r, "is_deleted": False} if r["is_deleted"] or i % 4 == 0 else None
        ),
        "account_contact_relation": lambda r, i: (
            {**r, "is_deleted": False, "is_active": True} if i % 2 == 0 else None
        ),
    }
    for table, change in changes.items():
        cols, _ = physical[(SF, table)]
        current = rows(physical, table)
        old = [o for i, r in enumerate(current) if (o := change(r, i)) is not None]
        data = [{**r, "_fivetran_active": True} for r in current] + [
            {**o, "_fivetran_active": False} for o in old
        ]
        put(physical, table, [*cols, ("_fivetran_active", "BOOLEAN")], data)
    return Shape("history", physical, physical, {"source.history_mode": True}, {"old_versions": True})


def no_relations(org: Tables) -> Shape:
    """AccountContactRelation not synced at all."""
    physical = copy.deepcopy(org)
    del physical[(SF, "account_contact_relation")]
    return Shape("no_acr", physical, physical)


def custom_field(org: Tables) -> Shape:
    """The contact's country lives in a custom field, mapped with source.columns."""
    model = copy.deepcopy(org)
    physical = copy.deepcopy(org)
    rename(physical, "contact", {"mailing_country": "Country__c"}, "contact")
    countries = {r["id"]: r["mailing_country"] for r in rows(model, "contact")}
    return Shape(
        "custom_field",
        model,
        physical,
        {"source.columns.contact.mailing_country": "Country__c"},
        {"countries": countries},
    )


def person_accounts(org: Tables, n: int = 12) -> Shape:
    """Person Accounts: an Account and a Contact with IsPersonAccount, both on the platform."""
    physical = copy.deepcopy(org)
    add_column(physical, "account", "is_person_account", "BOOLEAN", lambda r: False)
    add_column(physical, "contact", "is_person_account", "BOOLEAN", lambda r: False)
    acc_cols, _ = physical[(SF, "account")]
    con_cols, _ = physical[(SF, "contact")]
    accounts, contacts = rows(physical, "account"), rows(physical, "contact")
    template_a, template_c = accounts[1], contacts[3]
    new_accounts, new_contacts = [], []
    for i in range(n):
        aid, cid = to_18(f"001Pa{i:010d}"), to_18(f"003Pa{i:010d}")
        new_accounts.append(
            {
                **template_a,
                "id": aid,
                "name": f"Person {i}",
                "parent_id": None,
                "is_person_account": True,
                "is_deleted": False,
                "_fivetran_deleted": False,
            }
        )
        new_contacts.append(
            {
                **template_c,
                "id": cid,
                "account_id": aid,
                "email": f"person{i}@home.example.net",
                "is_person_account": True,
                "is_deleted": False,
                "_fivetran_deleted": False,
            }
        )
    put(physical, "account", acc_cols, accounts + new_accounts)
    put(physical, "contact", con_cols, contacts + new_contacts)
    p_cols, p_rows = physical[PLATFORM]
    physical[PLATFORM] = (p_cols, p_rows + [(c["id"], c["email"]) for c in new_contacts])
    return Shape(
        "person_accounts",
        physical,
        physical,
        planted={
            "person_accounts": {a["id"] for a in new_accounts},
            "person_contacts": {c["id"] for c in new_contacts},
        },
    )


def deleted_converted_leads(org: Tables) -> Shape:
    """Converted leads deleted from the CRM afterwards (is_deleted or _fivetran_deleted) whose
    ids are still platform profiles."""
    physical = copy.deepcopy(org)
    platform = {r[0] for r in physical[PLATFORM][1]}
    cols, _ = physical[(SF, "lead")]
    data = rows(physical, "lead")
    deleted = 0  # deleted leads whose contact the platform knows only by the lead's id
    for r in data:
        pick = sum(map(ord, r["id"]))  # spread over the planted residues
        if r["is_converted"] and r["id"] in platform and pick % 3 != 0:
            r["is_deleted" if pick % 2 else "_fivetran_deleted"] = True
            deleted += to_18(r["converted_contact_id"]) not in platform
    put(physical, "lead", cols, data)
    return Shape("deleted_converted", physical, physical, planted={"deleted_converted_on_platform": deleted})


SHAPES = [
    minimal,
    no_relation_times,
    api_naming,
    history_mode,
    no_relations,
    custom_field,
    person_accounts,
    deleted_converted_leads,
]


def write_project(directory: Path, edits: dict[str, Any]) -> None:
    """Apply dotted-key edits to the project's b2b_project.yml."""
    path = directory / "b2b_project.yml"
    doc = yaml.safe_load(path.read_text())
    for dotted, value in edits.items():
        node = doc
        *parents, last = dotted.split(".")
        for p in parents:
            if not isinstance(node.get(p), dict):
                node[p] = {}
            node = node[p]
        node[last] = value
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


def only_checks(directory: Path, names: tuple[str, ...]) -> None:
    """checks.severity in b2b_project.yml, as a user would write it: every check but `names` off."""
    from toolkit.validate.checks import DEFAULT_SEVERITY

    write_project(directory, {"checks.severity": {n: "off" for n in DEFAULT_SEVERITY if n not in names}})
