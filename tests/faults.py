"""Run `b2b apply` in a child process that pauses after its N-th statement inside the apply
transaction, so a test can kill the connection (or the process) mid-apply. The pause is
injected here, by patching the adapter in the child; the product has no test hook."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHILD = r"""
import sys, time
from toolkit.warehouse.dbapi import DBAPIAdapter
original = DBAPIAdapter.execute
count = {"n": 0}
def slow_execute(self, sql):
    original(self, sql)
    if not sql.lstrip().upper().startswith(("SELECT", "BEGIN", "SET", "WITH")):
        count["n"] += 1
        if count["n"] == int(sys.argv[1]):
            print("PAUSED", flush=True)
            time.sleep(float(sys.argv[2]))
DBAPIAdapter.execute = slow_execute
from toolkit.cli import main
main(["apply", "--project-dir", sys.argv[3]])
"""


def start_paused_apply(
    project: Path, after_statements: int = 3, pause_s: float = 30.0
) -> subprocess.Popen[str]:
    return _paused(CHILD, after_statements, pause_s, project)


VALIDATE_CHILD = r"""
import sys, time
from toolkit.warehouse.dbapi import DBAPIAdapter
original = DBAPIAdapter.fetchall
def slow_fetchall(self, sql):
    if sql.lstrip().upper().startswith("WITH"):
        print("PAUSED", flush=True)
        time.sleep(float(sys.argv[1]))
    return original(self, sql)
DBAPIAdapter.fetchall = slow_fetchall
from toolkit.cli import main
main(["validate", "--project-dir", sys.argv[2], "--format", "json"])
"""


def start_paused_validate(project: Path, pause_s: float = 30.0) -> subprocess.Popen[str]:
    return _paused(VALIDATE_CHILD, pause_s, project)


SYNC_CHILD = r"""
import sys, time
from toolkit.warehouse.dbapi import DBAPIAdapter
if sys.argv[3] == "no-transactions":  # as on Spark: every statement commits by itself
    DBAPIAdapter.SUPPORTS_TRANSACTIONS = False
original = DBAPIAdapter.execute
def slow_execute(self, sql):
    original(self, sql)
    if sql.lstrip().upper().startswith("INSERT") and "ledger_events" in sql:
        print("PAUSED", flush=True)
        time.sleep(float(sys.argv[1]))
DBAPIAdapter.execute = slow_execute
from toolkit.cli import main
main(["sync", "run", "--project-dir", sys.argv[2]])
"""


def start_paused_sync_run(project: Path, transactions: bool, pause_s: float = 30.0) -> subprocess.Popen[str]:
    """`b2b sync run` in a child that pauses after its events INSERT (the attributes' is done,
    the markers and the runs row are not)."""
    return _paused(SYNC_CHILD, pause_s, project, "transactions" if transactions else "no-transactions")


def _paused(code: str, *args: object) -> subprocess.Popen[str]:
    """`code` in a child process, returned once it prints PAUSED."""
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert "PAUSED" in line, line + (proc.stderr.read() if proc.stderr else "")
    return proc
