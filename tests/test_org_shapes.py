"""Orgs the demo does not have, applied on DuckDB and PostgreSQL: every optional field missing,
API naming, history mode, no AccountContactRelation, a custom field mapped with source.columns,
Person Accounts, converted leads deleted later. On every shape the views keep the full org's
columns, and their rows equal the independent model (reference.py) over the shape's data."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import shapes
from conftest import pg_profiles, sampled
from reference import expected_sync, expected_views
from sqlglot import exp

from toolkit.apply import apply
from toolkit.config.project import ENTITIES
from toolkit.context import ProjectContext
from toolkit.sfid import to_18
from toolkit.validate.runner import run_validation

ENGINES = ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]
_dbs = iter(range(1_000_000))


def _contract(org_dir: Path) -> dict[str, list[str]]:
    """Each view's columns on the full demo org, unbound: the contract every shape must keep."""
    renderer = ProjectContext(org_dir).renderer()
    return {e: list(renderer.render(e).query.named_selects) for e in ENTITIES}


def load_shape(shape: shapes.Shape, engine: str, tmp_path: Path, org_dir: Path, request: Any) -> Path:
    """A project over the shape's tables on the engine (a DuckDB file, or a fresh PG database)."""
    project = tmp_path / shape.name
    project.mkdir()
    for name in ("b2b_project.yml", "profiles.yml"):
        shutil.copy(org_dir / name, project / name)
    shapes.write_project(project, shape.project)
    import loaders

    if engine == "duckdb":
        loaders.load_duckdb(str(project / "demo.duckdb"), shape.physical)
    else:
        import psycopg

        server = request.getfixturevalue("pg")
        db = f"shape_{next(_dbs)}"
        with psycopg.connect(server.dsn(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {db}")
        loaders.load_postgres(server.dsn(db), shape.physical)
        pg_profiles(project, server, db)
    return project


def _query(project: Path, sql: str) -> list[tuple[Any, ...]]:
    with ProjectContext(project).adapter() as adapter:
        return adapter.fetchall(sql)


def _view_columns(project: Path) -> dict[str, list[str]]:
    got: dict[str, list[str]] = {}
    for view, column in _query(
        project,
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'b2b' ORDER BY table_name, ordinal_position",
    ):
        got.setdefault(str(view).removeprefix("b2b_"), []).append(str(column))
    return {e: got.get(e, []) for e in ENTITIES}


def assert_views_equal_model(project: Path, model: shapes.Tables) -> None:
    want = expected_views(model)
    contacts = _query(
        project, "SELECT user_id, account_id, converted_from_lead_id, is_person_account FROM b2b.b2b_contacts"
    )
    assert len(contacts) == len(want.contacts)
    assert {r[0]: (r[1], r[2], bool(r[3])) for r in contacts} == {
        k: (v["account_id"], v["converted_from_lead_id"], v["is_person_account"])
        for k, v in want.contacts.items()
    }
    leads = _query(project, "SELECT user_id FROM b2b.b2b_leads")
    assert sorted(r[0] for r in leads) == sorted(want.leads)
    accounts = _query(project, "SELECT user_id, account_id, is_direct FROM b2b.b2b_accounts")
    assert len(accounts) == len(want.accounts)
    assert {(u, a): bool(d) for u, a, d in accounts} == want.accounts
    opps = _query(project, "SELECT user_id, opportunity_id, link_type FROM b2b.b2b_opportunities")
    assert len(opps) == len(want.opportunities)
    assert {(u, o): t for u, o, t in opps} == want.opportunities
    users = _query(
        project,
        "SELECT user_id, person_type, account_name, opportunity_ids, open_opportunity_count FROM b2b.b2b_users",
    )
    assert {
        r[0]: {
            "person_type": r[1],
            "account_name": r[2],
            "opportunity_ids": list(r[3]),
            "open_opportunity_count": int(r[4]),
        }
        for r in users
    } == want.users
    catalog = _query(project, "SELECT id FROM b2b.b2b_catalog_accounts")
    assert sorted(r[0] for r in catalog) == sorted(want.catalog_accounts)
    assert_sync_equal_model(project, model)


def _naive(value: Any) -> Any:
    return value.replace(tzinfo=None) if value is not None and value.tzinfo is not None else value


def assert_sync_equal_model(project: Path, model: shapes.Tables) -> None:
    """The user sync views (the demo project turns them on): payload links, UPDATED_AT and the
    events equal the model, on a shape's data (missing timestamps, history, Person Accounts)."""
    want = expected_sync(model, expected_views(model))
    assert None not in want.updated_at.values() and None not in want.events.values()
    attrs = _query(project, "SELECT external_id, payload, updated_at FROM b2b.b2b_cdi_user_attributes")
    got = {}
    for uid, payload, updated_at in attrs:
        doc = json.loads(payload)
        got[uid] = (
            {"accountId": doc["accountId"], "opportunityIds": doc["opportunityIds"]},
            _naive(updated_at),
        )
    assert got == {u: (a, _naive(want.updated_at[u])) for u, a in want.attributes.items()}
    events = _query(project, "SELECT external_id, payload, updated_at FROM b2b.b2b_cdi_user_events")
    assert {(u, json.loads(p)["properties"]["account_id"]): _naive(t) for u, p, t in events} == {
        k: _naive(v) for k, v in want.events.items()
    }


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("make", sampled(shapes.SHAPES, {"minimal", "person_accounts"}, lambda f: f.__name__))
def test_shape_views_keep_columns_and_equal_model(
    make: Any, engine: str, org_tables: dict, org_dir: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    shape = make(org_tables)
    project = load_shape(shape, engine, tmp_path, org_dir, request)
    plan = apply(ProjectContext(project))
    assert plan.changed
    assert _view_columns(project) == _contract(org_dir), "the views' columns never depend on the org"
    assert_views_equal_model(project, shape.model)
    # a second apply over the same source changes nothing
    assert not apply(ProjectContext(project)).changed
    if shape.name == "minimal":
        filled = "\n".join(plan.notes)
        assert "contact: no column for email, first_name, last_name, title, mailing_country" in filled
        assert "lead: no column for email" in filled and "account: no column for name" in filled
    if shape.name == "no_relation_times":
        # relations without LastModifiedDate: their times are the loader's, never NULL (issue 29)
        for view in ("b2b_cdi_user_events", "b2b_cdi_user_attributes"):
            assert _query(project, f"SELECT COUNT(*) FROM b2b.{view} WHERE updated_at IS NULL") == [(0,)]
        report = run_validation(ProjectContext(project))
        sync = [r for r in report.results if r.name == "sync_updated_at"]
        assert sync and all(r.status == "pass" for r in sync), [(r.view, r.status) for r in sync]
    if shape.name == "no_acr":
        assert any("account_contact_relation: not synced" in n for n in plan.notes)
    if shape.name == "custom_field":
        got = dict(_query(project, "SELECT contact_id, country FROM b2b.b2b_contacts"))
        want = {to_18(k): v for k, v in shape.planted["countries"].items() if to_18(k) in got}
        assert got == want and any(want.values())
    if shape.name == "person_accounts":
        person = shape.planted["person_accounts"]
        flagged = _query(project, "SELECT account_id FROM b2b.b2b_accounts WHERE is_person_account")
        assert {r[0] for r in flagged} == person
        for view in ("b2b_catalog_accounts", "b2b_cdi_catalog_accounts"):
            ids = {r[0] for r in _query(project, f"SELECT id FROM b2b.{view}")}
            assert ids and not (ids & person), view
        report = run_validation(ProjectContext(project))
        skew = next(r for r in report.results if r.name == "account_skew")
        want = expected_views(shape.model)
        business = Counter(
            c["account_id"] for c in want.contacts.values() if c["account_id"] and not c["is_person_account"]
        )
        assert skew.total == len(business)  # person accounts are never companies


def test_copy_path_without_any_time_is_refused(org_tables: dict, org_dir: Path, tmp_path: Path) -> None:
    """No LastModifiedDate and no loader sync column: Braze could not place the sync rows, so
    apply refuses before any DDL, naming the table and the key that fixes it."""
    from toolkit.errors import ConfigError

    project = load_shape(shapes.minimal(org_tables, synced=False), "duckdb", tmp_path, org_dir, None)
    with pytest.raises(ConfigError) as err:
        apply(ProjectContext(project))
    assert "has no time the sync views can read" in str(err.value)
    assert "source.loaded_at_column" in (err.value.hint or "")
    assert _query(project, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'b2b'") == [
        (0,)
    ]


def _diagnosis(model: shapes.Tables) -> dict[str, int]:
    """The contacts' unmatched user_ids by first fitting cause, from the raw rows (SPEC order)."""
    want = expected_views(model)
    platform = [r[0] for r in model[shapes.PLATFORM][1] if r[0] is not None]
    exact = set(platform)
    lower = {p.lower() for p in platform}
    trimmed = {p.strip() for p in platform}
    first15 = {p[:15] for p in platform if len(p) == 18}
    converted: dict[str, set[str]] = {}
    for lead in shapes.rows(model, "lead"):
        if lead["is_converted"] and lead["converted_contact_id"]:
            converted.setdefault(to_18(lead["converted_contact_id"]), set()).add(to_18(lead["id"]))
    out: Counter[str] = Counter()
    for uid, c in want.contacts.items():
        if uid in exact:
            continue
        if uid.lower() in lower:
            out["case_mismatch"] += 1
        elif uid.strip() in trimmed:
            out["whitespace"] += 1
        elif (len(uid) == 18 and uid[:15] in exact) or (len(uid) == 15 and uid in first15):
            out["salesforce_15_vs_18"] += 1
        elif converted.get(uid, set()) & exact:
            out["converted_lead"] += 1
        elif c["email"] and c["email"].strip().lower() in lower:
            out["email_as_id"] += 1
        else:
            out["unknown"] += 1
    return dict(out)


@pytest.mark.parametrize("engine", ENGINES)
def test_deleted_converted_leads_are_diagnosed_as_converted(
    engine: str, org_tables: dict, org_dir: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    shape = shapes.deleted_converted_leads(org_tables)
    assert shape.planted["deleted_converted_on_platform"] > 10
    project = load_shape(shape, engine, tmp_path, org_dir, request)
    apply(ProjectContext(project))
    report = run_validation(ProjectContext(project))
    got = next(r for r in report.results if r.name == "user_id_in_platform" and r.view == "b2b_contacts")
    want = _diagnosis(shape.model)
    assert got.diagnosis == want
    # the planted amount: every contact the platform knows by its converted lead's id (demo
    # residue 6), whether that lead was deleted from the CRM since or not
    from toolkit.demo.synthetic import count_residue

    assert got.diagnosis["converted_lead"] == count_residue(len(shapes.rows(org_tables, "contact")), 6)


def _numbers(report: Any) -> dict[tuple[str, str], tuple[Any, ...]]:
    return {
        (r.name, r.view): (r.status, r.failing, r.total, r.rate, r.diagnosis, sorted(r.sample or []))
        for r in report.results
        if not r.name.startswith("source_")  # the source's age moves while the test runs
    }


@pytest.mark.slow
def test_one_statement_and_per_view_give_the_same_report(
    org_tables: dict,
    org_dir: Path,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """validate on DuckDB sends all checks as one statement or one per view
    (toolkit.validate.statements): every count, rate, diagnosis and sample is the same either
    way, on an org the demo does not have (Person Accounts), and the diagnosis equals the
    independent model's."""
    shape = shapes.person_accounts(org_tables)
    project = load_shape(shape, "duckdb", tmp_path, org_dir, request)
    apply(ProjectContext(project))
    profiles = project / "profiles.yml"
    base = profiles.read_text()
    reports = {}
    for mode in ("one", "per_view", "auto"):
        profiles.write_text(
            base.replace("path: demo.duckdb", f"path: demo.duckdb\n      validate_statements: {mode}")
        )
        reports[mode] = run_validation(ProjectContext(project))
    # auto on a machine whose memory limit one statement would not fit: the estimate per row is
    # raised so that this small org "needs" terabytes; the table sizes and the limit are real
    import toolkit.validate.statements as st

    monkeypatch.setattr(st, "BYTES_PER_ROW", 10**8)
    reports["auto, too big"] = run_validation(ProjectContext(project))

    one = _numbers(reports["one"])
    for mode, report in reports.items():
        assert _numbers(report) == one, mode
    extra = reports["one"].statements - 1  # the source checks' own statements
    assert reports["auto"].statements == 1 + extra and "memory_limit" in (
        reports["auto"].statements_why or ""
    )
    per_view = reports["per_view"].statements
    assert per_view > 1 + extra + 5  # a statement per view, per platform check, per sync view
    assert reports["auto, too big"].statements == per_view
    assert "more than 80% of the" in (reports["auto, too big"].statements_why or "")
    got = next(
        r for r in reports["per_view"].results if r.name == "user_id_in_platform" and r.view == "b2b_contacts"
    )
    assert got.diagnosis == _diagnosis(shape.model)


LINK_SEGMENTS = {
    # contacts filtered only on their links: compiled over a link view (segments/compile.py)
    "open_pipeline": {
        "all": [
            {"field": "person.person_type", "eq": "contact"},
            {"field": "opportunity.is_closed", "eq": False},
        ]
    },
    "on_person_accounts": {
        "all": [
            {"field": "person.person_type", "eq": "contact"},
            {"field": "account.is_person_account", "eq": True},
        ]
    },
    "open_not_software": {
        "all": [
            {"field": "person.person_type", "eq": "contact"},
            {"field": "opportunity.is_closed", "eq": False},
            {"not": {"field": "account.industry", "eq": "Software"}},
        ]
    },
    "big_software_big_deal": {
        "all": [
            {"field": "person.person_type", "eq": "contact"},
            {"field": "account.industry", "eq": "Software"},
            {"field": "account.number_of_employees", "gt": 1000},
            {"field": "opportunity.is_closed", "eq": False},
            {"field": "opportunity.amount", "gt": 50000},
        ]
    },
}


def _link_segments_model(model: shapes.Tables) -> dict[str, set[str]]:
    """Each LINK_SEGMENTS segment's contacts, from the model's links and the raw account and
    opportunity rows (a missing optional field is NULL: no filter on it passes)."""
    want = expected_views(model)
    accounts = {to_18(a["id"]): a for a in shapes.rows(model, "account")}
    opps = {to_18(o["id"]): o for o in shapes.rows(model, "opportunity")}

    def acc(test: Any) -> set[str]:
        return {u for u, a in want.accounts if test(accounts[a])}

    def opp(test: Any) -> set[str]:
        return {u for u, o in want.opportunities if test(opps[o])}

    def gt(row: dict[str, Any], key: str, bound: int) -> bool:
        return row.get(key) is not None and row[key] > bound

    open_ = opp(lambda o: not o.get("is_closed"))
    software = acc(lambda a: a.get("industry") == "Software")
    return {
        "open_pipeline": open_,
        "on_person_accounts": acc(lambda a: bool(a.get("is_person_account"))),
        "open_not_software": open_ - software,
        "big_software_big_deal": acc(
            lambda a: a.get("industry") == "Software" and gt(a, "number_of_employees", 1000)
        )
        & opp(lambda o: not o.get("is_closed") and gt(o, "amount", 50000)),
    }


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "make",
    sampled(
        [shapes.person_accounts, shapes.no_relations, shapes.api_naming, shapes.minimal],
        {"api_naming"},
        lambda f: f.__name__,
    ),
)
def test_contact_segments_over_a_link_view_equal_model(
    make: Any, engine: str, org_tables: dict, org_dir: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """A contact segment filtered only on accounts and opportunities reads a link view as its
    subject (the contacts view unread): on orgs the demo lacks, its users equal the model's
    (contacts with such links, from the raw rows), and with templates_dir set it reads the
    contacts view again, with the same users."""
    from toolkit.segments.compile import SegmentCompiler, get_segment

    shape = make(org_tables)
    project = load_shape(shape, engine, tmp_path, org_dir, request)
    shapes.write_project(project, {f"segments.{k}": {"where": v} for k, v in LINK_SEGMENTS.items()})
    apply(ProjectContext(project))
    want = _link_segments_model(shape.model)
    got: dict[str, dict[str, set[str]]] = {}
    for overridden in (False, True):
        if overridden:
            (project / "my_templates").mkdir()
            shapes.write_project(project, {"templates_dir": "my_templates"})
        ctx = ProjectContext(project)
        compiler = SegmentCompiler(ctx)
        dialect = ctx.adapter().dialect.name
        for name in LINK_SEGMENTS:
            compiled = compiler.compile(get_segment(ctx, name), dialect)
            read = {t.name for t in compiled.tree.find_all(exp.Table)}
            assert ("b2b_contacts" in read) == overridden, (name, read)
            got.setdefault(name, {})[str(overridden)] = {str(r[0]) for r in _query(project, compiled.sql)}
    for name in LINK_SEGMENTS:
        assert got[name]["False"] == want[name] == got[name]["True"], name
    if shape.name == "person_accounts":
        assert want["on_person_accounts"] and want["open_pipeline"] and want["open_not_software"]


def test_link_segments_under_email_identity_equal_model(project: Path) -> None:
    """Under identity.strategy: email a person is an address, and a contact whose address a more
    recently updated contact shares is nobody: its links are dropped. The link-view subject must
    agree with that. Planted: every tenth contact takes its neighbour's address, in another case
    and with spaces. Model: the winner per address from the raw rows (latest last_modified_date,
    then the smaller id), the links of winners only."""
    import loaders

    from toolkit.segments.compile import SegmentCompiler, get_segment

    ctx = ProjectContext(project)
    with ctx.adapter() as adapter, adapter.transaction():
        adapter.execute(
            "UPDATE salesforce.contact AS c SET email = '  ' || UPPER(n.email) || ' ' FROM "
            "(SELECT id, LEAD(email) OVER (ORDER BY id) AS email FROM salesforce.contact) AS n "
            "WHERE n.id = c.id AND n.email IS NOT NULL AND SUBSTRING(c.id, 18, 1) IN ('A', 'K', 'U')"
        )
    shapes.write_project(
        project,
        {"identity.strategy": "email", **{f"segments.{k}": {"where": v} for k, v in LINK_SEGMENTS.items()}},
    )
    apply(ProjectContext(project))
    tables = loaders.duckdb_tables(str(project / "demo.duckdb"))
    links = _link_segments_model(tables)  # per contact (crm_id): which contacts each segment has
    winner: dict[str, tuple[Any, str]] = {}  # address -> (last_modified_date, contact id)

    def beats(mine: tuple[Any, str], best: tuple[Any, str]) -> bool:
        """ORDER BY updated_at DESC (NULLs last), contact_id: the first row wins."""
        if mine[0] != best[0]:
            return best[0] is None or (mine[0] is not None and mine[0] > best[0])
        return mine[1] < best[1]

    for c in shapes.rows(tables, "contact"):
        email = (c.get("email") or "").strip(" ").lower()  # SQL TRIM: spaces
        if c["is_deleted"] or c.get("_fivetran_deleted") or not email or c["id"] is None:
            continue
        mine = (c["last_modified_date"], to_18(c["id"]))
        if email not in winner or beats(mine, winner[email]):
            winner[email] = mine
    by_contact = {cid: email for email, (_, cid) in winner.items()}
    shared = sum(1 for c in shapes.rows(tables, "contact") if c["email"] and c["email"].startswith("  "))
    assert shared > 100 and len(by_contact) < len(shapes.rows(tables, "contact"))
    ctx = ProjectContext(project)
    compiler = SegmentCompiler(ctx)
    for name in LINK_SEGMENTS:
        compiled = compiler.compile(get_segment(ctx, name), "duckdb")
        assert "b2b_contacts" not in {t.name for t in compiled.tree.find_all(exp.Table)}
        got = {str(r[0]) for r in _query(project, compiled.sql)}
        assert got == {by_contact[c] for c in links[name] if c in by_contact}, name
    # the planted addresses matter: counting every contact's links, losers' included, differs
    email_of = {to_18(c["id"]): (c["email"] or "").strip(" ").lower() for c in shapes.rows(tables, "contact")}
    naive = {email_of[c] for c in links["open_pipeline"] if email_of.get(c)}
    assert naive > {by_contact[c] for c in links["open_pipeline"] if c in by_contact}
