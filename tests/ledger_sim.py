"""Braze's CDI reader, simulated, and an independent model of what it must receive: the sync
ledger's acceptance test (issue 32), shared by the in-process engines and the Spark Connect
child process.

- `payloads(tables)`: each person's user-attributes payload, from the raw rows in plain Python
  (not the views' SQL): accountId, opportunityIds, account_name, industry, open_pipeline_amount.
- `links(tables)`: the (person, business account) links the events report.
- `edit_day(tables, day)`: one day of ordinary CRM edits, seeded: touches that change no payload
  field, one-attribute changes, a contact moving account, opportunities won, lost and deleted,
  a relation added (and removed the next day), a contact and a lead deleted.
- `BrazeReader`: an inclusive cursor on UPDATED_AT (`>=`, as Braze documents it: the row at the
  cursor is read again), one data point per attribute in PAYLOAD and one per event, and the
  profiles it builds (a JSON null unsets an attribute).
- `simulate(...)`: day 0 (a full snapshot) then `days` days: edit, load the changed tables, `b2b
  sync run`, one Braze sync of each view; per day the data points Braze counted, the floor (the
  attribute values that changed since the previous day, by the model), and the events read
  against the links made and gone.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from reference import _id, _live, _rows, expected_sync, expected_views

Tables = dict[tuple[str, str], tuple[list[tuple[str, str]], list[tuple[Any, ...]]]]
ATTRIBUTES = ("accountId", "opportunityIds", "account_name", "industry", "open_pipeline_amount")


def _num(value: Any) -> Any:
    if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
        return Decimal(str(value)).quantize(Decimal("0.01"))
    return value


def payloads(tables: Tables) -> dict[str, dict[str, Any]]:
    exp = expected_views(tables)
    accounts = {_id(a["id"]): a for a in _rows(tables, "account") if _live(a)}
    opps = {_id(o["id"]): o for o in _rows(tables, "opportunity") if _live(o)}
    leads = {_id(lead["id"]): lead for lead in _rows(tables, "lead")}
    out: dict[str, dict[str, Any]] = {}
    for uid, user in exp.users.items():
        if user["person_type"] == "lead":
            out[uid] = {
                "accountId": None,
                "opportunityIds": [],
                "account_name": None,
                "industry": leads[uid].get("industry"),
                "open_pipeline_amount": _num(0),
            }
            continue
        acc = accounts.get(exp.contacts[uid]["account_id"])
        ids = user["opportunity_ids"]
        out[uid] = {
            "accountId": exp.contacts[uid]["account_id"],
            "opportunityIds": ids,
            "account_name": acc.get("name") if acc else None,
            "industry": acc.get("industry") if acc else None,
            "open_pipeline_amount": _num(
                sum((opps[o]["amount"] or 0) for o in ids if not opps[o]["is_closed"])
            ),
        }
    return out


def links(tables: Tables) -> set[tuple[str, str]]:
    return set(expected_sync(tables, expected_views(tables)).events)


def floor(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> int:
    """The attribute values that changed: (person, attribute) whose value differs, absent and
    null being the same (Braze's profile has no such attribute)."""
    n = 0
    for uid in set(before) | set(after):
        old, new = before.get(uid, {}), after.get(uid, {})
        n += sum(1 for a in ATTRIBUTES if _norm(old.get(a)) != _norm(new.get(a)))
    return n


def _norm(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(value)
    return _num(value)


# ---- one day of edits ---------------------------------------------------------------------------


def _table(tables: Tables, name: str) -> tuple[tuple[str, str], list[str], list[dict[str, Any]]]:
    for key, (cols, rows) in tables.items():
        if key[1] == name:
            names = [c for c, _ in cols]
            return key, names, [dict(zip(names, r, strict=True)) for r in rows]
    raise KeyError(name)


def _put(tables: Tables, key: tuple[str, str], names: list[str], rows: list[dict[str, Any]]) -> None:
    tables[key] = (tables[key][0], [tuple(r[c] for c in names) for r in rows])


def edit_day(tables: Tables, day: int, seed: int = 32) -> set[str]:
    """Mutate `tables` (a deep copy is the caller's) with one day of edits; the names changed."""
    rng = random.Random(seed * 1000 + day)
    now = dt.datetime(2027, 1, 1, 9, 0) + dt.timedelta(days=day)  # after every time in the demo org
    changed: set[str] = set()
    k_acc, n_acc, accounts = _table(tables, "account")
    k_con, n_con, contacts = _table(tables, "contact")
    k_lead, n_lead, leads = _table(tables, "lead")
    k_opp, n_opp, opps = _table(tables, "opportunity")
    live_accounts = [a for a in accounts if _live(a) and a["id"] and not a.get("is_person_account")]
    live_contacts = [c for c in contacts if _live(c) and c["id"]]

    def touch(row: dict[str, Any], table: str) -> None:
        row["last_modified_date"] = now + dt.timedelta(seconds=rng.randrange(3600))
        row["_fivetran_synced"] = now + dt.timedelta(hours=1)
        changed.add(table)

    # touches that change no payload field: an account's website, contacts' titles
    for a in rng.sample(live_accounts, max(1, len(live_accounts) // 100)):
        a["website"] = f"https://example-{day}.test"
        touch(a, "account")
    for c in rng.sample(live_contacts, max(1, len(live_contacts) // 100)):
        c["title"] = f"Title {day}"
        touch(c, "contact")
    # one attribute: an account's industry (each of its contacts), an open lead's industry
    a = rng.choice(live_accounts)
    a["industry"] = f"Industry {day}"
    touch(a, "account")
    open_leads = [lead for lead in leads if _live(lead) and not lead["is_converted"]]
    lead = rng.choice(open_leads)
    lead["industry"] = f"Lead industry {day}"
    touch(lead, "lead")
    # a contact moves to another account
    c = rng.choice([c for c in live_contacts if c["account_id"]])
    c["account_id"] = rng.choice([x for x in live_accounts if x["id"] != c["account_id"]])["id"]
    touch(c, "contact")
    # opportunities: an amount changes, one is won, one lost, one deleted
    open_opps = [o for o in opps if _live(o) and not o["is_closed"] and o["account_id"]]
    rng.shuffle(open_opps)
    for o, what in zip(open_opps, ("amount", "won", "lost", "deleted"), strict=False):
        if what == "amount":
            o["amount"] = Decimal(str(o["amount"] or 0)) + Decimal("1000.00")
        elif what == "won":
            o["is_closed"], o["is_won"], o["stage_name"] = True, True, "Closed Won"
        elif what == "lost":
            o["is_closed"], o["is_won"], o["stage_name"] = True, False, "Closed Lost"
        else:
            o["is_deleted"] = True
        touch(o, "opportunity")
    # a relation: yesterday's added one removed, a new one added (to an account the contact is
    # not on)
    try:
        k_rel, n_rel, relations = _table(tables, "account_contact_relation")
    except KeyError:
        relations = None
    if relations is not None:
        for r in relations:
            if str(r["id"]).startswith("07kSIM") and _live(r):
                r["is_deleted"] = True
                touch(r, "account_contact_relation")
        c = rng.choice(live_contacts)
        acc = rng.choice([x for x in live_accounts if x["id"] != c["account_id"]])
        new = dict.fromkeys(n_rel)
        new.update(
            id=f"07kSIM{day:09d}AAA",
            account_id=acc["id"],
            contact_id=c["id"],
            is_direct=False,
            is_active=True,
            is_deleted=False,
            _fivetran_deleted=False,
        )
        touch(new, "account_contact_relation")
        relations.append(new)
        _put(tables, k_rel, n_rel, relations)
    # a person deleted: a contact, an open lead
    gone = rng.choice([c for c in live_contacts if c is not None])
    gone["is_deleted"] = True
    touch(gone, "contact")
    lead = rng.choice([x for x in open_leads if x is not None and _live(x)])
    lead["is_deleted"] = True
    touch(lead, "lead")
    for key, names, rows in (
        (k_acc, n_acc, accounts),
        (k_con, n_con, contacts),
        (k_lead, n_lead, leads),
        (k_opp, n_opp, opps),
    ):
        _put(tables, key, names, rows)
    return changed


# ---- Braze's reader ----------------------------------------------------------------------------


class BrazeReader:
    """One CDI sync per view: rows with UPDATED_AT >= the cursor (the last UPDATED_AT read)."""

    def __init__(self) -> None:
        self.cursor: dict[str, dt.datetime | None] = {"attributes": None, "events": None}
        self.profiles: dict[str, dict[str, Any]] = {}

    def sync_attributes(self, rows: list[tuple[Any, ...]]) -> tuple[int, int]:
        """(rows read, data points); applies each payload to the profiles in UPDATED_AT order."""
        points = 0
        for _at, uid, payload in sorted(rows, key=lambda r: r[0]):
            doc = json.loads(payload)
            points += len(doc)
            profile = self.profiles.setdefault(uid, {})
            for k, v in doc.items():
                if v is None:
                    profile.pop(k, None)
                else:
                    profile[k] = v
        self._advance("attributes", rows)
        return len(rows), points

    def sync_events(self, rows: list[tuple[Any, ...]]) -> Counter[tuple[str, str, str]]:
        """The events read: (person, name, account_id), counted (a row without a name is none)."""
        got: Counter[tuple[str, str, str]] = Counter()
        for _stamp, uid, payload in rows:
            doc = json.loads(payload)
            if "name" in doc:
                got[(uid, doc["name"], doc["properties"]["account_id"])] += 1
        self._advance("events", rows)
        return got

    def _advance(self, view: str, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            self.cursor[view] = max(r[0] for r in rows)

    def state(self) -> dict[str, dict[str, Any]]:
        """The profiles as attribute values the model can compare (empty ones dropped)."""
        return {uid: {k: _norm(v) for k, v in p.items()} for uid, p in self.profiles.items() if p}


def model_state(model: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        uid: {k: _norm(v) for k, v in p.items() if v is not None}
        for uid, p in model.items()
        if any(v is not None for v in p.values())
    }


#: the model's payloads, links, Braze profiles and floor per day, per org (the edits are seeded,
#: so an org's days are the same on every engine): computed once per process. Keyed by id(); the
#: org is kept in the value, so its id is never reused while cached.
Payloads = dict[str, dict[str, Any]]
Day = tuple[Payloads, set[tuple[str, str]], Payloads, int]  # payloads, links, profiles, floor
_MODELS: dict[int, tuple[Tables, list[Day]]] = {}


def _model(tables: Tables) -> list[Day]:
    return _MODELS.setdefault(id(tables), (tables, []))[1]


def simulate(
    tables: Tables,
    days: int,
    load: Callable[[Tables, set[str]], None],
    sync_run: Callable[[], Any],
    read: Callable[[str, dt.datetime | None], list[tuple[Any, ...]]],
    after_day: Callable[[int, BrazeReader], None] = lambda day, braze: None,
) -> list[dict[str, Any]]:
    """Per day (0: the first, full snapshot): what Braze read and what the model says it must.
    `read(view, cursor)` runs Braze's query on the view ("attributes" or "events"): UPDATED_AT,
    the identifier and PAYLOAD of the rows with UPDATED_AT >= cursor (every row if None), as
    naive UTC datetimes."""
    braze = BrazeReader()
    model = _model(tables)
    tables = copy.deepcopy(tables)
    before: dict[str, dict[str, Any]] = {}
    before_links: set[tuple[str, str]] = set()
    out = []
    for day in range(days + 1):
        if day:
            load(tables, edit_day(tables, day))
        sync_run()
        if day == len(model):
            after = payloads(tables)
            model.append((after, links(tables), model_state(after), floor(before, after)))
        after, after_links, want_state, want_floor = model[day]
        rows, points = braze.sync_attributes(read("attributes", braze.cursor["attributes"]))
        events = braze.sync_events(read("events", braze.cursor["events"]))
        want_events = Counter(
            [(u, "account_linked", a) for u, a in after_links - before_links]
            + [(u, "account_unlinked", a) for u, a in before_links - after_links]
        )
        out.append(
            {
                "day": day,
                "rows": rows,
                "data_points": points,
                "floor": want_floor,
                "events_read": sorted(events.elements()),
                "events_due": sorted(want_events.elements()),
                "profiles_equal_model": braze.state() == want_state,
                "changed_people": sum(1 for u in set(before) | set(after) if before.get(u) != after.get(u)),
            }
        )
        before, before_links = after, after_links
        after_day(day, braze)
    return out


def read_sql(view: Any, identifier: str, cursor: dt.datetime | None, dialect: str) -> str:
    """Braze's query: the view's (an exp.Table) rows at or after its cursor."""
    from sqlglot import exp

    q = exp.select("updated_at", identifier, "payload").from_(view)
    if cursor is not None:
        stamp = exp.cast(
            exp.Literal.string(cursor.strftime("%Y-%m-%d %H:%M:%S.%f")), exp.DataType.build("TIMESTAMP")
        )
        q = q.where(exp.GTE(this=exp.column("updated_at"), expression=stamp))
    return q.sql(dialect=dialect)


def naive(value: Any) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo is not None else value


def project_reader(
    project: Path, identifier: str = "external_id"
) -> Callable[[str, dt.datetime | None], list[tuple[Any, ...]]]:
    """`read` for simulate(), through the project's own adapter (alias_name: the CRM id, which
    is the user_id under the demo's crm_id strategy)."""
    from toolkit.context import ProjectContext

    def read(view: str, cursor: dt.datetime | None) -> list[tuple[Any, ...]]:
        ctx = ProjectContext(project)
        entity = "cdi_user_attributes" if view == "attributes" else "cdi_user_events"
        with ctx.adapter() as adapter:
            sql = read_sql(ctx.renderer().view(entity), identifier, cursor, adapter.dialect.sqlglot_name)
            rows = adapter.fetchall(sql)
        return [(naive(r[0]), r[1], r[2]) for r in rows]

    return read


def spark_connect_main(argv: list[str]) -> None:
    """In a child process (pyspark refuses a remote session beside a local one), on a project
    that `b2b apply` and a first `b2b sync run` already reached on the Connect server: the core
    views' checksums (columns given as JSON), then the days simulated, each day's edits written
    into the server's source schema. Prints one JSON line: {"sums": ..., "days": ...}.
    argv: project, remote, work dir, days, columns per view (JSON)."""
    import duckdb
    import loaders
    from normalize import checksum
    from pyspark.sql import SparkSession
    from test_conformance import _fetch

    from toolkit.context import ProjectContext
    from toolkit.ledger.run import sync_run

    project, remote, work, n_days = Path(argv[0]), argv[1], Path(argv[2]), int(argv[3])
    ctx = ProjectContext(project)
    # what Connect returns for the views, row for row (the conformance test's own read)
    sums = {
        entity: list(checksum(cols, _fetch(ctx, entity, cols)[1]))
        for entity, cols in json.loads(argv[4]).items()
    }
    source = ctx.config.source.schema_
    org = {
        k: v for k, v in loaders.duckdb_tables(str(project / "demo.duckdb")).items() if k[0] == "salesforce"
    }

    def load(tables: Tables, names: set[str]) -> None:
        day = work / "day.duckdb"
        day.unlink(missing_ok=True)
        chosen = {k: v for k, v in tables.items() if k[1] in names}
        loaders.load_duckdb(str(day), chosen)
        con = duckdb.connect(str(day))
        client = SparkSession.builder.remote(remote).getOrCreate()
        for schema, table in chosen:
            path = work / f"{table}.parquet"
            con.execute(f'COPY "{schema}"."{table}" TO \'{path}\' (FORMAT parquet)')
            client.read.parquet(str(path)).write.mode("overwrite").saveAsTable(f"{source}.{table}")
        con.close()

    runs = iter(range(n_days + 1))

    def run() -> None:
        if next(runs):  # day 0's run is the `b2b sync run` the parent made
            sync_run(ProjectContext(project))

    days = simulate(org, n_days, load, run, project_reader(project))
    print(json.dumps({"sums": sums, "days": days}, default=str))


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    spark_connect_main(sys.argv[1:])
