"""Bad source data gets a defined behaviour: a finding in validate, or a clear error at apply.
Never a crash, never a silently wrong view."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from test_config import run_b2b

from toolkit.apply import apply
from toolkit.context import ProjectContext
from toolkit.validate.runner import run_validation


def _sql(project: Path, *statements: str) -> None:
    con = duckdb.connect(str(project / "demo.duckdb"))
    try:
        for s in statements:
            con.execute(s)
    finally:
        con.close()


def _result(report, name: str, view: str):  # type: ignore[no-untyped-def]
    return next(r for r in report.results if r.name == name and r.view == view)


def test_duplicate_source_ids_are_a_grain_failure(project: Path) -> None:
    _sql(
        project,
        "INSERT INTO salesforce.contact SELECT * FROM salesforce.contact WHERE NOT is_deleted AND NOT _fivetran_deleted LIMIT 3",
    )
    apply(ProjectContext(project))
    report = run_validation(ProjectContext(project))
    grain = _result(report, "grain_unique", "b2b_contacts")
    assert grain.status == "fail" and grain.failing == 3 and len(grain.sample) == 3
    assert report.exit_code == 1


def test_null_and_space_padded_ids_are_findings(project: Path) -> None:
    _sql(
        project,
        "UPDATE salesforce.lead SET id = id || ' ' WHERE id IN (SELECT id FROM salesforce.lead WHERE NOT is_converted AND NOT is_deleted AND NOT _fivetran_deleted LIMIT 2)",
        "UPDATE salesforce.contact SET id = NULL WHERE id IN (SELECT id FROM salesforce.contact LIMIT 5)",
    )
    apply(ProjectContext(project))
    report = run_validation(ProjectContext(project))
    fmt = _result(report, "user_id_format", "b2b_leads")
    assert fmt.failing == 2 and fmt.status == "fail" and all(s.endswith(" ") for s in fmt.sample)
    # a contact without an id is not a person: it is left out of the view, never a NULL user_id
    assert _result(report, "user_id_not_null", "b2b_contacts").failing == 0


def test_empty_tables_give_empty_views_and_a_clean_report(project: Path) -> None:
    tables = [
        "contact",
        "lead",
        "account",
        "opportunity",
        "opportunity_contact_role",
        "account_contact_relation",
    ]
    _sql(project, *[f"DELETE FROM salesforce.{t}" for t in tables])
    apply(ProjectContext(project))
    report = run_validation(ProjectContext(project))
    assert report.count("error") == 0 and report.count("fail") == 0
    match = _result(report, "user_id_in_platform", "b2b_contacts")
    assert match.total == 0 and match.status == "warn" and "no rows" in (match.message or "")


@pytest.mark.slow
def test_wrong_column_type_is_cast_or_a_clear_error(project: Path) -> None:
    """A boolean flag synced as text: 'true'/'false' cast as the engine casts them (the views
    stay right); a value that is no boolean makes validate report errors and exit 3, naming it."""
    _sql(project, "ALTER TABLE salesforce.contact ALTER is_deleted TYPE VARCHAR")
    assert run_b2b("apply", "--project-dir", str(project)).returncode == 0
    report = run_validation(ProjectContext(project))
    assert report.count("error") == 0
    _sql(
        project,
        "UPDATE salesforce.contact SET is_deleted = 'maybe' WHERE id IN (SELECT id FROM salesforce.contact LIMIT 1)",
    )
    result = run_b2b("validate", "--project-dir", str(project))
    assert result.returncode == 3
    assert "maybe" in result.stdout and "Traceback" not in result.stderr


def test_crm_values_that_look_like_rich_markup_print_as_themselves(project: Path) -> None:
    """Issue 33: samples were fed to rich as markup; a value of `[/]pwn@evil.example` made
    `b2b validate` die with a MarkupError traceback. Now the value prints as it is."""
    import subprocess
    import sys

    _sql(
        project,
        "UPDATE salesforce.lead SET id = '[/]pwn@evil.example ' WHERE id IN (SELECT id FROM salesforce.lead WHERE NOT is_converted AND NOT is_deleted AND NOT _fivetran_deleted LIMIT 1)",
    )
    apply(ProjectContext(project))
    result = subprocess.run(
        [sys.executable, "-m", "toolkit.cli", "validate", "--project-dir", str(project)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr  # the checks fail; the report prints
    assert "Traceback" not in result.stderr and "MarkupError" not in result.stderr
    assert "[/]pwn@evil.example" in result.stdout
