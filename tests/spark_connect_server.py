"""A throwaway Spark Connect server for the test session: the pyspark wheel's own server class,
started with spark-submit on a free localhost port, its logs and warehouse in a temp dir, killed
(with its JVM) at the end. Clients in other processes reach it as `sc://127.0.0.1:<port>`."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from loaders import TEST_JVM_OPTIONS, TINY_DATA_CONFS

SERVER_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class SparkConnectServer:
    port: int
    root: Path
    process: subprocess.Popen[bytes]

    @property
    def remote(self) -> str:
        return f"sc://127.0.0.1:{self.port}"

    def log(self) -> str:
        path = self.root / "server.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def write_profiles(self, directory: Path) -> None:
        (directory / "profiles.yml").write_text(
            f"b2b:\n  target: connect\n  outputs:\n    connect: {{type: spark, remote: '{self.remote}'}}\n",
            encoding="utf-8",
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # spark-submit and the JVM it started
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        shutil.rmtree(self.root, ignore_errors=True)


def start(timeout_s: float = 120) -> SparkConnectServer | None:
    try:
        import pyspark
    except ImportError:
        return None
    home = Path(pyspark.__file__).parent
    submit = home / "bin" / "spark-submit"
    if not submit.exists() or shutil.which("java") is None:
        return None
    root = Path(tempfile.mkdtemp(prefix="b2b-spark-connect-"))
    port = _free_port()
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOG_DIR": str(root), "SPARK_PID_DIR": str(root)}
    env.pop("PYSPARK_GATEWAY_PORT", None)
    log = (root / "server.log").open("wb")
    process = subprocess.Popen(
        [
            str(submit),
            "--class",
            SERVER_CLASS,
            "--master",
            "local[2]",
            "--driver-memory",
            "2g",
            "--conf",
            f"spark.connect.grpc.binding.port={port}",
            "--conf",
            "spark.connect.grpc.binding.address=127.0.0.1",
            "--conf",
            f"spark.sql.warehouse.dir={root / 'warehouse'}",
            "--conf",
            "spark.ui.enabled=false",
            "--conf",
            "spark.sql.shuffle.partitions=2",
            # tiny data: the same settings as the tests' local session
            *(arg for key, value in TINY_DATA_CONFS.items() for arg in ("--conf", f"{key}={value}")),
            "--conf",
            f"spark.driver.extraJavaOptions=-Dderby.system.home={root} {TEST_JVM_OPTIONS}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=root,
        start_new_session=True,  # its own process group: stop() kills the JVM too
    )
    server = SparkConnectServer(port, root, process)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Spark Connect server exited early:\n{server.log()}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.5)
    server.stop()
    raise RuntimeError(f"the Spark Connect server did not listen within {timeout_s:.0f} s:\n{server.log()}")
