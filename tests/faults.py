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
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(after_statements), str(pause_s), str(project)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert "PAUSED" in line, line + (proc.stderr.read() if proc.stderr else "")
    return proc


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
    proc = subprocess.Popen(
        [sys.executable, "-c", VALIDATE_CHILD, str(pause_s), str(project)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert "PAUSED" in line, line + (proc.stderr.read() if proc.stderr else "")
    return proc
