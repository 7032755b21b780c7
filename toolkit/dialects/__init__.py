"""One small module per target dialect; `get_or_raise` resolves a name."""

from __future__ import annotations

from toolkit.dialects.base import TargetDialect
from toolkit.dialects.bigquery import BigQuery
from toolkit.dialects.databricks import Databricks
from toolkit.dialects.duckdb import DuckDB
from toolkit.dialects.fabric import Fabric
from toolkit.dialects.postgres import Postgres
from toolkit.dialects.redshift import Redshift
from toolkit.dialects.snowflake import Snowflake
from toolkit.errors import ConfigError

DIALECTS: dict[str, type[TargetDialect]] = {
    d.name: d for d in (DuckDB, Postgres, Snowflake, BigQuery, Redshift, Databricks, Fabric)
}
TARGETS = tuple(DIALECTS)
# profile type -> output dialect (a local Spark session runs the databricks output)
PROFILE_DIALECT = {**{n: n for n in DIALECTS}, "spark": "databricks"}


def get_or_raise(name: str) -> TargetDialect:
    try:
        return DIALECTS[name.lower()]()
    except KeyError:
        raise ConfigError(f"unknown dialect {name!r}", hint=f"use one of: {', '.join(TARGETS)}") from None


__all__ = ["DIALECTS", "PROFILE_DIALECT", "TARGETS", "TargetDialect", "get_or_raise"]
