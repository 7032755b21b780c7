"""Real dbt for the export tests: the binary (dbt-core + adapters in .venv-dbt, whose pins clash
with the dev tools'), and one way to run it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DBT = Path(os.environ.get("B2B_DBT", ROOT / ".venv-dbt" / "bin" / "dbt"))


def require_dbt() -> Path:
    """The dbt binary; a test without it fails in CI (which installs it) and skips elsewhere."""
    if not DBT.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{DBT} missing: `make install-dbt` installs it")
        pytest.skip("dbt not installed (make install-dbt)")
    return DBT


def run_dbt(dbt: Path, args: list[str], project: Path, profiles: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"}
    return subprocess.run(
        [str(dbt), *args, "--project-dir", str(project), "--profiles-dir", str(profiles)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
