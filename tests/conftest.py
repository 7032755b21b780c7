from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import loaders
import pg_server
import spark_connect_server

from toolkit.demo.run import DEMO_DB, build_demo_database, write_demo_project

SMALL_ORG = 3000  # contacts: every defect class 30 times, fast on every engine

#: a test that asks for one of these fixtures gets the engine's marker, so `make test-fast`
#: (-m "not postgres and not spark and ...") never starts a server it did not mark by hand
ENGINE_FIXTURES = {
    "pg": "postgres",
    "pg_db": "postgres",
    "pg_org": "postgres",
    "pg_template": "postgres",
    "spark_org": "spark",
    "spark_connect": "spark",
    "snowflake_org": "snowflake",
}


#: one JVM of each kind per test session, not per worker, and never two at once. Under
#: `--dist loadfile`, pytest-xdist hands out whole files; this hands out instead every test on the
#: Spark Connect server and every test on the local Spark session as one unit, first (it is the
#: longest): one worker starts the server (and loads its org) and the local session, each once,
#: and runs them one after the other while the other worker runs the files without a JVM. Two
#: JVMs side by side on 2 cores slowed each other by 1.6-1.9x (issue 30's note, session 18).
JVM_TESTS = ("spark_connect", "spark")  # in a test's id, in the order they run


def jvm_rank(nodeid: str) -> int | None:
    """Where a test runs in the JVM unit (None: not in it), by its id: the controller sees ids,
    not fixtures."""
    name = nodeid.lower()
    return next((i for i, needle in enumerate(JVM_TESTS) if needle in name), None)


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class EngineGroupScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "jvm" if jvm_rank(nodeid) is not None else super()._split_scope(nodeid)

        def schedule(self) -> None:
            # with a JVM unit: collection order (below), so that it starts first; without one
            # (`make test-fast`), xdist's own order, the units with the most tests first
            ids = next(iter(self.registered_collections.values()), [])
            self.config.option.loadscopereorder = all(jvm_rank(n) is None for n in ids)
            super().schedule()

    return EngineGroupScheduling(config, log)


#: after the JVM unit, the files that hold the longest tests, first: a long file handed out last
#: leaves one worker busy alone at the end. xdist queues two units per worker at the start (the
#: 1st and 3rd to one, the 2nd and 4th to the other), so the 3rd, which waits behind the JVM unit,
#: is a short file
LONG_FILES = ("test_ledger.py", "test_config.py", "test_conformance.py", "test_sync.py", "test_hubspot.py")


def sampled(values: list[Any], keep: set[str], name: Any = str) -> list[Any]:
    """A parameter list whose members named in `keep` run in every tier, the others only in `make
    test` (marked slow): `make test-fast` samples a family of like cases (shapes, object kinds,
    query forms) for the inner loop, the full suite runs them all. A name in `keep` that is not
    among the values is a mistake, said at collection."""
    names = [name(v) for v in values]
    assert keep <= set(names), f"sampled: {sorted(keep - set(names))} not among {names}"
    return [
        pytest.param(v, id=n, marks=() if n in keep else pytest.mark.slow)
        for v, n in zip(values, names, strict=True)
    ]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(LONG_FILES)}

    def order(item: pytest.Item) -> tuple[int, int]:
        jvm = jvm_rank(item.nodeid)  # the Connect tests first, then the local session's
        return (0, jvm) if jvm is not None else (1, rank.get(item.path.name, len(LONG_FILES)))

    items.sort(key=order)  # stable within a file
    for item in items:
        for fixture in getattr(item, "fixturenames", ()):
            if fixture in ENGINE_FIXTURES:
                item.add_marker(ENGINE_FIXTURES[fixture])


@pytest.fixture(scope="session")
def org_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo project with a small synthetic org in DuckDB (built once per session; read-only)."""
    directory = tmp_path_factory.mktemp("org")
    write_demo_project(directory)
    # the views computed at each read: what most tests hold to the model (tests/test_ledger.py:
    # the ledger, the demo's default)
    user_sync_mode(directory, "view")
    build_demo_database(directory / DEMO_DB, SMALL_ORG)
    return directory


def core_views_only(project: Path) -> None:
    """Turn the demo project's copy-path views off (catalogs, user_sync): the five views only."""
    import re

    path = project / "b2b_project.yml"
    text = path.read_text().replace("catalogs: true", "catalogs: false")
    path.write_text(re.sub(r"\n  user_sync:.*(?:\n    \S.*)*", "", text))


def user_sync_mode(project: Path, mode: str) -> None:
    """Set output.user_sync.mode in the demo project (the demo leaves the default, ledger)."""
    import re

    path = project / "b2b_project.yml"
    text = re.sub(r"\n    mode: \w+", "", path.read_text())
    text, n = re.subn(r"(\n    identifier: \w+)", rf"\1\n    mode: {mode}", text, count=1)
    assert n == 1, "the project has no output.user_sync"
    path.write_text(text)


@pytest.fixture(scope="session")
def org_tables(org_dir: Path) -> dict:
    return loaders.duckdb_tables(str(org_dir / DEMO_DB))


def copy_project(org_dir: Path, directory: Path) -> Path:
    """A writable copy of the demo project and its database in `directory`."""
    import shutil

    for name in ("b2b_project.yml", "profiles.yml", DEMO_DB):
        shutil.copy(org_dir / name, directory / name)
    return directory


@pytest.fixture
def project(tmp_path: Path, org_dir: Path) -> Path:
    """A fresh, writable copy of the demo project and its database."""
    return copy_project(org_dir, tmp_path)


@pytest.fixture(scope="session")
def pg() -> Iterator[pg_server.PgServer]:
    server = pg_server.start()
    if server is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL server binaries (initdb, pg_ctl) not found; .ci/run installs them")
        pytest.skip("PostgreSQL server binaries not found")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pg_org(pg: pg_server.PgServer, org_tables: dict) -> pg_server.PgServer:
    """The same small org loaded into the PostgreSQL server's `postgres` database."""
    loaders.load_postgres(pg.dsn(), org_tables)
    return pg


def pg_profiles(directory: Path, server: pg_server.PgServer, dbname: str = "postgres") -> None:
    server.write_profiles(directory, dbname)


@pytest.fixture(scope="session")
def pg_template(pg: pg_server.PgServer, org_tables: dict) -> str:
    """A database holding the small org, used as a template for per-test databases."""
    import psycopg

    with psycopg.connect(pg.dsn(), autocommit=True) as conn:
        conn.execute("CREATE DATABASE org_template")
    loaders.load_postgres(pg.dsn("org_template"), org_tables)
    return "org_template"


_db_counter = iter(range(1_000_000))


@pytest.fixture
def pg_db(pg: pg_server.PgServer, pg_template: str) -> str:
    """A fresh database (a copy of the org) for one test."""
    import psycopg

    name = f"t_{os.getpid()}_{next(_db_counter)}"
    with psycopg.connect(pg.dsn(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {pg_template}")
    return name


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine_project(request: pytest.FixtureRequest, project: Path) -> Path:
    """The demo project pointed at each real engine in turn, with the org loaded there."""
    if request.param == "postgres":
        server = request.getfixturevalue("pg")
        pg_profiles(project, server, request.getfixturevalue("pg_db"))
    return project


@pytest.fixture(scope="session")
def spark_org(org_tables: dict, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A local Spark session (the same one every adapter gets) with the small org loaded."""
    pytest.importorskip("pyspark") if not os.environ.get("CI") else None
    warehouse = tmp_path_factory.mktemp("spark-warehouse")
    spark = loaders.local_spark(warehouse)
    loaders.load_spark(spark, org_tables)
    yield warehouse
    spark.stop()


@pytest.fixture(scope="session")
def spark_connect(
    org_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[spark_connect_server.SparkConnectServer]:
    """A Spark Connect server in its own JVM, with the small org loaded through a Connect client;
    `b2b` commands in other processes reach it (and its catalog) as sc://127.0.0.1:<port>. Its one
    user, test_conformance's Spark Connect test, ends with ten days of edits to that org."""
    server = spark_connect_server.start()
    if server is None:
        if os.environ.get("CI"):
            pytest.fail("pyspark or Java missing: .ci/run installs them")
        pytest.skip("pyspark with its Spark Connect server, or Java, not found")
    try:
        # through a Connect client in its own process: pyspark refuses a remote session in a
        # process that already runs a local one (the spark_org fixture's)
        import subprocess
        import sys

        root = Path(__file__).resolve().parent.parent
        code = (
            "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
            "from bench.spark_connect_case import _load; _load(Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4]))"
        )
        work = tmp_path_factory.mktemp("connect-load")
        done = subprocess.run(
            [sys.executable, "-c", code, str(root), str(org_dir / DEMO_DB), server.remote, str(work)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:] + server.log()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def snowflake_org(org_tables: dict) -> Iterator[None]:
    """fakesnow patches snowflake.connector.connect for the session; the org is loaded through it."""
    fakesnow = pytest.importorskip("fakesnow") if not os.environ.get("CI") else __import__("fakesnow")
    import snowflake.connector
    from fakesnow import info_schema

    # fakesnow 0.12 pastes a COMMENT's text into its own INSERT unescaped, so a comment with a
    # quote (the views' descriptions: "the contact's account") breaks its SQL; Snowflake takes it.
    # The emulator's bug, fixed here by escaping what it pastes
    paste = info_schema.insert_table_comment_sql

    def escaped(catalog: str, schema: str, table: str, comment: str) -> str:
        return paste(catalog, schema, table, comment.replace("'", "''") if comment else comment)

    with pytest.MonkeyPatch.context() as mp, fakesnow.patch():
        mp.setattr(info_schema, "insert_table_comment_sql", escaped)
        conn = snowflake.connector.connect(
            account="fake", user="fake", password="fake", database="ANALYTICS", schema="PUBLIC"
        )
        loaders.load_snowflake(conn, org_tables)
        conn.close()
        yield


spark_profiles = loaders.spark_profiles  # the tests import it from here


def snowflake_profiles(directory: Path) -> None:
    (directory / "profiles.yml").write_text(
        "b2b:\n  target: sf\n  outputs:\n"
        "    sf: {type: snowflake, account: fake, user: fake, password: fake, database: ANALYTICS, schema: PUBLIC}\n",
        encoding="utf-8",
    )


HUBSPOT_PORTAL = 2000  # HubSpot contacts of the session's synthetic portal


@pytest.fixture(scope="session")
def portal(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any, dict]:
    import duckdb

    from toolkit.demo.hubspot_org import build

    directory = tmp_path_factory.mktemp("hubspot")
    con = duckdb.connect(str(directory / "portal.duckdb"))
    try:
        planted = build(con, HUBSPOT_PORTAL, platform_schema="hs_braze")  # beside the Salesforce org's
    finally:
        con.close()
    return (
        directory / "portal.duckdb",
        planted,
        loaders.duckdb_tables(str(directory / "portal.duckdb"), loaders.hubspot_tables("hs_braze")),
    )
