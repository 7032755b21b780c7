"""profiles.example.yml documents every type, and every target in it validates."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from toolkit.config.profiles import PROFILE_MODELS, load_target

EXAMPLE = Path(__file__).resolve().parent.parent / "profiles.example.yml"
TARGETS = ["dev", "pg", "prod", "bq", "rs", "dbx", "fabric", "spark", "spark_connect"]


@pytest.mark.parametrize("target", TARGETS)
def test_example_target_validates(tmp_path: Path, target: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in (
        "PGUSER",
        "PGPASSWORD",
        "SNOWFLAKE_ACCOUNT",
        "SNOWFLAKE_KEY_PATH",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "REDSHIFT_USER",
        "REDSHIFT_PASSWORD",
        "DATABRICKS_TOKEN",
        "AZURE_TENANT_ID",
        "AZURE_CLIENT_ID",
        "AZURE_CLIENT_SECRET",
    ):
        monkeypatch.setenv(var, "x")
    shutil.copy(EXAMPLE, tmp_path / "profiles.yml")
    assert load_target("b2b", target, None, tmp_path).type in PROFILE_MODELS


def test_example_covers_every_type() -> None:
    text = EXAMPLE.read_text()
    for kind in PROFILE_MODELS:
        assert f"type: {kind}" in text
