"""Segments: every operator, compiled per dialect, returning exactly the user set of hand-written
reference SQL over the raw CRM tables, on every engine we can run."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest
import sqlglot
from conftest import pg_profiles, snowflake_profiles, spark_profiles
from sqlglot import exp

from toolkit.apply import apply
from toolkit.context import ProjectContext
from toolkit.dialects import TARGETS, get_or_raise
from toolkit.errors import ConfigError
from toolkit.segments.compile import COMPANY_LIST, SegmentCompiler, get_segment, load_segments

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.segment_reference import ACCOUNTS_REFERENCE, BASE, HOSTILE, REFERENCE

ENGINES = [
    "duckdb",
    pytest.param("postgres", marks=pytest.mark.postgres),
    pytest.param("snowflake", marks=pytest.mark.snowflake),
    pytest.param("spark", marks=[pytest.mark.spark, pytest.mark.slow]),
]


@pytest.fixture
def seg_project(request: pytest.FixtureRequest, project: Path) -> Path:
    engine = request.param
    if engine == "postgres":
        pg_profiles(project, request.getfixturevalue("pg"), request.getfixturevalue("pg_db"))
    elif engine == "spark":
        spark_profiles(project, request.getfixturevalue("spark_org"))
    elif engine == "snowflake":
        request.getfixturevalue("snowflake_org")
        snowflake_profiles(project)
    apply(ProjectContext(project))
    return project


def _run(ctx: ProjectContext, canonical_or_sql: str, dialect: str, transpile: bool) -> set[str]:
    sql = (
        sqlglot.transpile(canonical_or_sql, write=get_or_raise(dialect).sqlglot_name)[0]
        if transpile
        else canonical_or_sql
    )
    with ctx.adapter() as adapter:
        return {str(r[0]) for r in adapter.fetchall(sql)}


@pytest.mark.parametrize("seg_project", ENGINES, indirect=True)
def test_segments_equal_hand_written_reference(seg_project: Path) -> None:
    ctx = ProjectContext(seg_project)
    dialect = ctx.adapter().dialect.name
    compiler = SegmentCompiler(ctx)
    sizes = {}
    for name, reference in REFERENCE.items():
        got = _run(ctx, compiler.compile(get_segment(ctx, name), dialect).sql, dialect, transpile=False)
        want = _run(ctx, BASE + reference, dialect, transpile=True)
        assert got == want, f"{name}: {len(got)} vs reference {len(want)}"
        sizes[name] = len(got)
    # every reference set is non-trivial, except the hostile literal, which must not widen anything
    assert all(n > 0 for n in sizes.values()), sizes
    accounts = compiler.compile(get_segment(ctx, "target_accounts"), dialect).sql
    assert _run(ctx, accounts, dialect, transpile=False) == _run(
        ctx, BASE + ACCOUNTS_REFERENCE, dialect, transpile=True
    )


@pytest.mark.parametrize("dialect", TARGETS)
def test_people_segments_are_one_select_of_external_user_id(project: Path, dialect: str) -> None:
    ctx = ProjectContext(project)
    compiler = SegmentCompiler(ctx)
    for seg in load_segments(ctx).values():
        compiled = compiler.compile(seg, dialect)
        statements = [
            s for s in sqlglot.parse(compiled.sql, read=get_or_raise(dialect).sqlglot_name) if s is not None
        ]
        assert len(statements) == 1 and isinstance(statements[0], exp.Select), seg.name
        if seg.kind == "people":
            assert statements[0].named_selects == ["external_user_id"], seg.name
            cast = statements[0].expressions[0].this
            assert isinstance(cast, exp.Cast) and cast.to.is_type(*exp.DataType.TEXT_TYPES), seg.name
            assert not list(statements[0].find_all(exp.Join)), f"{seg.name}: a join could fan out"
        else:
            assert statements[0].named_selects == [h for h, _ in COMPANY_LIST]


def test_hostile_literal_stays_a_literal(project: Path) -> None:
    ctx = ProjectContext(project)
    compiled = SegmentCompiler(ctx).compile(get_segment(ctx, "closing_in_q2"), "postgres")
    literals = [lit.this for lit in compiled.tree.find_all(exp.Literal) if lit.is_string]
    assert HOSTILE in literals
    assert "'x'' OR ''1''=''1'" in compiled.sql  # quoted by sqlglot, quotes doubled


def test_unknown_field_gets_a_suggestion(project: Path) -> None:
    text = (
        (project / "b2b_project.yml")
        .read_text()
        .replace("account.industry, eq: Software", "account.industy, eq: Software")
    )
    (project / "b2b_project.yml").write_text(text)
    ctx = ProjectContext(project)
    with pytest.raises(ConfigError, match=r"did you mean account\.industry"):
        SegmentCompiler(ctx).compile(get_segment(ctx, "software_open_pipeline"), "duckdb")


def test_extra_fields_are_segment_fields(project: Path) -> None:
    text = (
        project / "b2b_project.yml"
    ).read_text() + "  territory_t1:\n    where: {field: account.territory, eq: T1}\n"
    (project / "b2b_project.yml").write_text(text)
    ctx = ProjectContext(project)
    apply(ctx)
    sql = SegmentCompiler(ctx).compile(get_segment(ctx, "territory_t1"), "duckdb").sql
    assert len(_run(ctx, sql, "duckdb", transpile=False)) > 0


TYPED = """  vp_contacts:
    where:
      all:
        - {field: person.person_type, eq: contact}
        - {field: contact.title, contains: vp}
  not_vp_contacts:
    where:
      all:
        - {field: person.person_type, eq: contact}
        - not: {field: contact.title, contains: vp}
"""


def test_person_type_segments_read_one_view_and_keep_not_semantics(project: Path) -> None:
    """A segment restricted to contacts reads the contacts view alone and tests the contact's own
    columns on the row (no semi-join); under `not` the semi-join stays, so a contact whose title
    is NULL is 'not a VP' rather than dropped. The two segments partition the contacts."""
    (project / "b2b_project.yml").write_text((project / "b2b_project.yml").read_text() + TYPED)
    ctx = ProjectContext(project)
    with ctx.adapter() as adapter, adapter.transaction():
        adapter.execute("UPDATE salesforce.contact SET title = NULL WHERE SUBSTRING(id, 18, 1) IN ('A', 'B')")
    apply(ctx)
    compiler = SegmentCompiler(ctx)
    vp = compiler.compile(get_segment(ctx, "vp_contacts"), "duckdb")
    not_vp = compiler.compile(get_segment(ctx, "not_vp_contacts"), "duckdb")
    tables = {t.name for t in vp.tree.find_all(exp.Table)}
    assert tables == {"b2b_contacts"} and not list(vp.tree.find_all(exp.In))
    assert list(not_vp.tree.find_all(exp.In))  # the semi-join under `not`
    got_vp, got_not = (_run(ctx, c.sql, "duckdb", transpile=False) for c in (vp, not_vp))
    with ctx.adapter() as adapter:
        everyone = {str(r[0]) for r in adapter.fetchall("SELECT user_id FROM b2b.b2b_contacts")}
        null_titles = adapter.fetchall("SELECT COUNT(*) FROM b2b.b2b_contacts WHERE title IS NULL")[0][0]
    assert null_titles > 0 and got_vp and got_not
    assert not got_vp & got_not and got_vp | got_not == everyone


def test_compile_out_writes_one_file_per_segment_per_dialect(project: Path, tmp_path: Path) -> None:
    from test_config import run_b2b

    out = tmp_path / "segs"
    result = run_b2b(
        "segment",
        "compile",
        "--project-dir",
        str(project),
        "-d",
        "snowflake",
        "-d",
        "bigquery",
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    assert len(list(out.rglob("*.sql"))) == 2 * len(load_segments(ProjectContext(project)))


def test_export_csv_headers_and_rows(project: Path, tmp_path: Path) -> None:
    from test_config import run_b2b

    apply(ProjectContext(project))
    out = tmp_path / "companies.csv"
    result = run_b2b(
        "segment",
        "export",
        "target_accounts",
        "--project-dir",
        str(project),
        "--out",
        str(out),
        "--batch-size",
        "7",
    )
    assert result.returncode == 0, result.stderr
    assert "deliberate copy" in result.stderr
    rows = list(csv.reader(out.open()))
    assert rows[0] == [
        "companyname",
        "companywebsite",
        "companyemaildomain",
        "industry",
        "city",
        "state",
        "companycountry",
        "zipcode",
    ]
    assert len(rows) > 1 and all(len(r) == 8 for r in rows)
    assert all("://" not in r[2] and not r[2].startswith("www.") for r in rows[1:])
    assert (
        "at least 300 rows" in result.stderr
    )  # the small org has fewer target companies than LinkedIn needs


@pytest.mark.postgres
def test_backslash_literal_on_postgres_without_standard_strings(
    pg, pg_db: str, project: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Issue 33: on a server with standard_conforming_strings = off, a segment value of
    `x\\') AS s; DROP TABLE finance.t2; --` broke out of its literal in `segment export` (which
    also ran outside a read-only transaction) and dropped the table. Every session now sets the
    parameter on, and the export reads in a READ ONLY transaction."""
    import psycopg
    import yaml
    from conftest import pg_profiles
    from test_config import run_b2b

    pg_profiles(project, pg, pg_db)
    with psycopg.connect(pg.dsn(pg_db), autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE {pg_db} SET standard_conforming_strings = off")
        conn.execute("CREATE SCHEMA finance")
        conn.execute("CREATE TABLE finance.t2 AS SELECT 1 AS x")
    apply(ProjectContext(project))
    with ProjectContext(project).adapter() as adapter:  # the database says off; our session, on
        assert adapter.fetchall("SHOW standard_conforming_strings") == [("on",)]
    doc = yaml.safe_load((project / "b2b_project.yml").read_text())
    doc["segments"]["hostile"] = {
        "kind": "accounts",
        "where": {"all": [{"field": "account.industry", "eq": "x\\') AS s; DROP TABLE finance.t2; --"}]},
    }
    (project / "b2b_project.yml").write_text(yaml.safe_dump(doc))
    out = tmp_path / "hostile.csv"
    result = run_b2b("segment", "export", "hostile", "--project-dir", str(project), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text().splitlines()[1:] == []  # no company has that industry
    with psycopg.connect(pg.dsn(pg_db)) as conn:
        assert conn.execute("SELECT COUNT(*) FROM finance.t2").fetchone() == (1,)
