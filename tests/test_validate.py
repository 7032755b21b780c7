"""`b2b validate` on real engines: every count equals the generator's injected amount."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import SMALL_ORG
from test_config import _edit, run_b2b

from toolkit.apply import apply
from toolkit.context import ProjectContext
from toolkit.demo.synthetic import count_residue, integrity_expected, manifest
from toolkit.validate.runner import ValidationReport, run_validation

M = manifest(SMALL_ORG)


@pytest.fixture
def validated(engine_project: Path) -> ValidationReport:
    _edit(
        engine_project / "b2b_project.yml", "max_contacts_per_account: 1000", "max_contacts_per_account: 100"
    )
    apply(ProjectContext(engine_project))
    return run_validation(ProjectContext(engine_project))


def _get(report: ValidationReport, name: str, view: str) -> dict:
    found = [r.as_dict() for r in report.results if r.name == name and r.view == view]
    assert len(found) == 1, (name, view)
    return found[0]


def test_diagnosis_equals_injected_amounts(validated: ValidationReport) -> None:
    c = _get(validated, "user_id_in_platform", "b2b_contacts")
    assert c["diagnosis"] == {
        "case_mismatch": M.case_mismatch,
        "whitespace": M.whitespace,
        "salesforce_15_vs_18": M.salesforce_15_vs_18,
        "converted_lead": M.converted_lead,
        "email_as_id": M.email_as_id,
        "unknown": M.unknown_contacts,
    }
    assert c["failing"] == sum(c["diagnosis"].values())
    assert c["rate"] == pytest.approx((c["total"] - c["failing"]) / c["total"])
    leads = _get(validated, "user_id_in_platform", "b2b_leads")
    assert leads["diagnosis"] == {"unknown": M.unknown_leads}
    assert leads["total"] == M.open_leads


def test_relationship_counts_equal_injected_amounts(validated: ValidationReport) -> None:
    orphans = _get(validated, "orphan_contacts", "b2b_contacts")
    assert orphans["failing"] == M.orphan_contacts
    assert orphans["diagnosis"]["no_account"] == count_residue(SMALL_ORG, 4)
    skew = _get(validated, "account_skew", "b2b_accounts")
    assert skew["failing"] == 1 and M.skewed_account_contacts > 100
    dup = _get(validated, "converted_lead_duplicates", "b2b_contacts")
    assert dup["failing"] == M.platform_twice
    expected = integrity_expected(SMALL_ORG)
    assert (
        _get(validated, "relationship_integrity", "b2b_opportunities")["failing"] == expected["opportunities"]
    )
    assert _get(validated, "relationship_integrity", "b2b_accounts")["failing"] == expected["accounts"]
    assert _get(validated, "salesforce_id_checksum", "b2b_contacts")["diagnosis"] == {
        "contact_id": 0,
        "account_id": M.bad_checksum_ids,
        "converted_from_lead_id": 0,
    }
    cov = _get(validated, "platform_coverage", "b2b_users")
    assert cov["failing"] == M.platform_ids_without_person and cov["status"] == "pass"


def test_grains_and_nulls_pass(validated: ValidationReport) -> None:
    for r in validated.results:
        if r.name in ("grain_unique", "user_id_not_null", "user_id_format"):
            assert r.status == "pass" and r.failing == 0, r


def test_samples_are_bounded_and_real(validated: ValidationReport) -> None:
    for r in validated.results:
        assert len(r.sample) <= 10
        if r.failing and r.name not in ("user_id_not_null",):
            assert r.sample, r.name
    c = _get(validated, "user_id_in_platform", "b2b_contacts")
    assert all(len(s) == 18 for s in c["sample"])


def test_json_report_has_spec_shape(engine_project: Path) -> None:
    apply(ProjectContext(engine_project))
    out = engine_project / "report.json"
    result = run_b2b(
        "validate", "--project-dir", str(engine_project), "--format", "json", "--output", str(out)
    )
    assert result.returncode == 1, result.stderr  # the match rate is below the threshold by design
    report = json.loads(out.read_text())
    assert set(report) == {"summary", "checks"}
    assert set(report["summary"]) == {
        "status",
        "checks",
        "passed",
        "warned",
        "failed",
        "errored",
        "rows_fetched",
        "elapsed_s",
        "target",
    }
    s = report["summary"]
    assert (
        s["status"] == "fail"
        and s["checks"] == len(report["checks"]) == s["passed"] + s["warned"] + s["failed"] + s["errored"]
    )
    match = next(
        c for c in report["checks"] if c["name"] == "user_id_in_platform" and c["view"] == "b2b_contacts"
    )
    assert {
        "name",
        "view",
        "status",
        "severity",
        "failing",
        "total",
        "rate",
        "threshold",
        "diagnosis",
        "sample",
        "sql",
    } <= set(match)
    assert match["sql"].lstrip().upper().startswith(("WITH", "SELECT"))


def test_junit_one_testcase_per_check_and_view(engine_project: Path) -> None:
    apply(ProjectContext(engine_project))
    out = engine_project / "report.xml"
    run_b2b("validate", "--project-dir", str(engine_project), "--format", "junit", "--output", str(out))
    root = ET.parse(out).getroot()
    cases = root.findall(".//testcase")
    keys = [(c.get("classname"), c.get("name")) for c in cases]
    assert len(keys) == len(set(keys)) and len(keys) >= 20
    failed = [c for c in cases if c.find("failure") is not None]
    assert [(c.get("classname"), c.get("name")) for c in failed] == [("b2b_contacts", "user_id_in_platform")]
    assert root.find("testsuite").get("failures") == "1"  # type: ignore[union-attr]


def test_severity_override_and_threshold_give_exit_0(engine_project: Path) -> None:
    apply(ProjectContext(engine_project))
    _edit(
        engine_project / "b2b_project.yml",
        "min_match_rate: 0.95",
        "min_match_rate: 0.9\n  severity: {account_skew: 'off', orphan_contacts: error}",
    )
    result = run_b2b("validate", "--project-dir", str(engine_project), "--format", "json")
    assert result.returncode == 1  # orphans are now an error
    checks = json.loads(result.stdout)["checks"]
    assert not [c for c in checks if c["name"] == "account_skew"]
    _edit(engine_project / "b2b_project.yml", "orphan_contacts: error", "orphan_contacts: warn")
    assert run_b2b("validate", "--project-dir", str(engine_project)).returncode == 0


def test_unknown_check_in_severity(project: Path) -> None:
    _edit(
        project / "b2b_project.yml", "sample_size: 10", "sample_size: 10\n  severity: {orphan_contact: warn}"
    )
    apply(ProjectContext(project))
    result = run_b2b("validate", "--project-dir", str(project))
    assert result.returncode == 2 and "did you mean 'orphan_contacts'" in result.stderr


def test_sample_size_zero_turns_samples_off(project: Path) -> None:
    _edit(project / "b2b_project.yml", "sample_size: 10", "sample_size: 0")
    apply(ProjectContext(project))
    report = run_validation(ProjectContext(project))
    assert all(r.sample == [] for r in report.results)
    assert _get(report, "user_id_in_platform", "b2b_contacts")["failing"] == M.case_mismatch * 6


def test_views_missing_says_apply_first(project: Path) -> None:
    result = run_b2b("validate", "--project-dir", str(project))
    assert result.returncode == 2 and "b2b apply" in result.stderr


@pytest.mark.slow
def test_rows_fetched_flat_when_data_grows_tenfold(tmp_path: Path) -> None:
    from toolkit.demo.run import DEMO_DB, build_demo_database, write_demo_project

    fetched = []
    for n in (SMALL_ORG, SMALL_ORG * 10):
        d = tmp_path / str(n)
        write_demo_project(d, max_contacts=100)  # the skewed account is over it at both sizes
        build_demo_database(d / DEMO_DB, n)
        apply(ProjectContext(d))
        report = run_validation(ProjectContext(d))
        assert (
            _get(report, "user_id_in_platform", "b2b_contacts")["diagnosis"]["unknown"]
            == manifest(n).unknown_contacts
        )
        fetched.append(report.rows_fetched)
    assert fetched[0] == fetched[1]
    # the bound: a few metric rows per check plus at most sample_size rows per sample query
    bound = sum(len(c.labels) + 10 * len(c.samples) for c in _plan(tmp_path / str(SMALL_ORG)).checks) + 5
    assert fetched[0] <= bound


def _plan(d: Path):  # type: ignore[no-untyped-def]
    from toolkit.dialects import get_or_raise
    from toolkit.validate.runner import plan_for

    return plan_for(ProjectContext(d), get_or_raise("duckdb"))


def test_each_reported_sql_reproduces_its_numbers(engine_project: Path, validated: ValidationReport) -> None:
    """The `sql` a result carries is what a user reruns to see where a number came from: run
    alone, it must give that result's numbers."""
    ctx = ProjectContext(engine_project)
    assert any(r.failing for r in validated.results)  # numbers worth reproducing
    with ctx.adapter() as adapter:
        for r in validated.results:
            if r.name.startswith("source_"):
                continue  # checks on the source's metadata (tests/test_source.py)
            (row,) = adapter.fetchall(r.sql)
            assert (int(row[0] or 0), sum(int(v or 0) for v in row[1:])) == (r.total, r.failing), r.name


def test_standalone_statements_from_one_parse_equal_each_parsed_alone(project: Path) -> None:
    """compile_plan assembles the standalone statements from the combined statement's CTE trees
    instead of parsing each one: the SQL must be exactly what parsing each alone gives."""
    from toolkit.dialects import DIALECTS, get_or_raise
    from toolkit.validate.runner import compile_plan, compile_sql, plan_for

    ctx = ProjectContext(project)
    for name in DIALECTS:
        dialect = get_or_raise(name)
        plan = plan_for(ctx, dialect)
        combined, standalone = compile_plan(plan, dialect)
        assert combined == compile_sql(plan.statement, dialect), name
        assert len(standalone) == len(plan.checks) > 20
        for check in plan.checks:
            assert standalone[id(check)] == compile_sql(plan.standalone(check), dialect), (name, check.name)


@pytest.mark.postgres
def test_postgres_sessions_turn_jit_off(project: Path, pg, pg_db: str) -> None:  # type: ignore[no-untyped-def]
    """JIT compiled the views' id expressions for seconds (the planner overestimates joins on
    computed keys): every session the toolkit opens on PostgreSQL turns it off."""
    from conftest import pg_profiles

    pg_profiles(project, pg, pg_db)
    with ProjectContext(project).adapter() as adapter:
        assert adapter.fetchall("SELECT boot_val FROM pg_settings WHERE name = 'jit'") == [("on",)]
        assert adapter.fetchall("SHOW jit") == [("off",)]


def test_sizes_for_the_statement_choice_come_from_the_engine(project: Path) -> None:
    from toolkit.warehouse.duckdb import parse_bytes

    """What auto decides on (toolkit.validate.statements) is read from DuckDB itself: the rows of
    the tables equal their COUNT(*), and the memory limit is the profile's."""
    _edit(project / "profiles.yml", "path: demo.duckdb", "path: demo.duckdb\n      memory_limit: 3GB")
    apply(ProjectContext(project))
    ctx = ProjectContext(project)
    with ctx.adapter() as adapter:
        ctx.bind_live(adapter)
        live = ctx.live_source
        assert live is not None and len(live.tables) >= 6
        counted = sum(
            adapter.fetchall(f"SELECT COUNT(*) FROM {live.schema}.{t.name}")[0][0]
            for t in live.tables.values()
        )
        assert adapter.table_rows([(live.schema.upper(), t.name) for t in live.tables.values()]) == counted
        assert adapter.table_rows([("no_such_schema", "contact")]) is None
        assert adapter.memory_limit_bytes() == 3 * 10**9
    _edit(project / "profiles.yml", "      memory_limit: 3GB", "")
    with ProjectContext(project).adapter() as adapter:
        # no limit in the profile: DuckDB's own default (80% of RAM), as it shows it
        shown = adapter.fetchall("SELECT current_setting('memory_limit')")[0][0]
        assert adapter.memory_limit_bytes() == parse_bytes(shown) and parse_bytes(shown)
    _edit(project / "profiles.yml", "path: demo.duckdb", "path: demo.duckdb\n      memory_limit: 3GB")
    report = run_validation(ProjectContext(project))
    assert report.statements_why is not None and "of the 3.0 GB memory_limit" in report.statements_why


def test_statement_choice_rule() -> None:
    from toolkit.validate.statements import BYTES_PER_ROW, HEADROOM, choose
    from toolkit.warehouse.duckdb import parse_bytes

    assert parse_bytes("18.8 GiB") == int(18.8 * 2**30)
    assert parse_bytes("8GB") == 8 * 10**9 and parse_bytes("512 MiB") == 512 * 2**20
    assert parse_bytes("lots") is None
    limit = 10 * 10**9
    fits = int(HEADROOM * limit / BYTES_PER_ROW)
    assert choose("auto", fits, limit).one and not choose("auto", fits + 1000, limit).one
    assert not choose("auto", None, limit).one and not choose("auto", 10, None).one
    assert choose("one", 10**12, 1).one and not choose("per_view", 1, 10**12).one


def test_a_missing_platform_table_is_said_once_and_the_other_checks_run(engine_project: Path) -> None:
    """The first contact: the scaffolded platform.external_ids names Braze's Snowflake share, which
    this warehouse does not have. One error says which key, which target, where Braze's IDs come
    from and how to run the rest meanwhile; every check that does not read the IDs runs."""
    from test_config import run_b2b

    yml = engine_project / "b2b_project.yml"
    yml.write_text(yml.read_text().replace("braze.user_latest_state_default_attributes_view_shared", "braze.not_there"))
    assert run_b2b("apply", "--project-dir", str(engine_project)).returncode == 0
    result = run_b2b("validate", "--project-dir", str(engine_project), "--format", "json")
    assert result.returncode == 3, result.stderr
    checks = json.loads(result.stdout)["checks"]
    errors = [c for c in checks if c["status"] == "error"]
    assert len(errors) == 1, errors
    message = errors[0]["message"]
    for needed in ("platform.external_ids.table", "'braze.not_there'", "data share", "Currents", "checks.severity"):
        assert needed in message, message
    assert not {c["name"] for c in checks} & {"platform_coverage", "converted_lead_duplicates"}
    ran = {c["name"] for c in checks if c["status"] != "error"}
    assert {"user_id_not_null", "grain_unique", "user_id_format", "orphan_contacts"} <= ran
    # and with those checks off, as it says, validate runs clean of errors
    yml.write_text(
        yml.read_text().replace(
            "checks:\n",
            "checks:\n  severity: {user_id_in_platform: 'off', platform_coverage: 'off', converted_lead_duplicates: 'off'}\n",
            1,
        )
    )
    result = run_b2b("validate", "--project-dir", str(engine_project), "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    assert not [c for c in json.loads(result.stdout)["checks"] if c["status"] == "error"]
