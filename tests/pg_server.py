"""A throwaway PostgreSQL server for the test session: initdb in a temp dir, a free localhost
port, started with pg_ctl and stopped at the end. No docker, no system service."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for root in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (root / name).exists():
            return str(root / name)
    return None


@dataclass
class PgServer:
    host: str
    port: int
    user: str
    datadir: Path
    pg_ctl: str
    run_as: list[str]

    def dsn(self, dbname: str = "postgres") -> str:
        return f"host={self.host} port={self.port} user={self.user} dbname={dbname}"

    def write_profiles(self, directory: Path, dbname: str = "postgres") -> None:
        """A profiles.yml in `directory` whose target is this server."""
        (directory / "profiles.yml").write_text(
            "b2b:\n  target: pg\n  outputs:\n"
            f"    pg: {{type: postgres, host: {self.host}, port: {self.port}, dbname: {dbname}, user: {self.user}}}\n",
            encoding="utf-8",
        )

    def stop(self) -> None:
        subprocess.run(
            [*self.run_as, self.pg_ctl, "-D", str(self.datadir), "-m", "fast", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.datadir.parent, ignore_errors=True)


def start() -> PgServer | None:
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        return None
    root = Path(tempfile.mkdtemp(prefix="b2b-pg-"))
    datadir = root / "data"
    user = "b2b_test"
    run_as: list[str] = []
    if os.geteuid() == 0:
        # postgres refuses to run as root: hand the cluster to an unprivileged user
        run_as = ["runuser", "-u", "nobody", "--"]
        os.chmod(root, 0o777)
    subprocess.run(
        [*run_as, initdb, "-D", str(datadir), "-U", user, "-A", "trust", "--no-sync", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    port = _free_port()
    opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
    subprocess.run(
        [*run_as, pg_ctl, "-D", str(datadir), "-o", opts, "-l", str(root / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    return PgServer("127.0.0.1", port, user, datadir, pg_ctl, run_as)
