"""Adapters by profile type. Drivers are imported only when an adapter connects."""

from __future__ import annotations

from pathlib import Path

from toolkit.config.profiles import ResolvedTarget
from toolkit.errors import ConfigError
from toolkit.warehouse.base import Adapter


def adapter_for(target: ResolvedTarget, base_dir: Path | None = None) -> Adapter:
    kind = target.type
    if kind == "duckdb":
        from toolkit.warehouse.duckdb import DuckDBAdapter

        return DuckDBAdapter(target.conn, target.name, base_dir=base_dir)
    if kind == "postgres":
        from toolkit.warehouse.postgres import PostgresAdapter

        return PostgresAdapter(target.conn, target.name)
    if kind == "snowflake":
        from toolkit.warehouse.snowflake import SnowflakeAdapter

        return SnowflakeAdapter(target.conn, target.name)
    if kind == "spark":
        from toolkit.warehouse.spark import SparkAdapter

        return SparkAdapter(target.conn, target.name)
    from toolkit.warehouse import others

    adapters: dict[str, type[Adapter]] = {
        "bigquery": others.BigQueryAdapter,
        "redshift": others.RedshiftAdapter,
        "databricks": others.DatabricksAdapter,
        "fabric": others.FabricAdapter,
    }
    if kind not in adapters:
        raise ConfigError(f"{target.path}: target {target.name!r} has unknown type {kind!r}")
    return adapters[kind](target.conn, target.name)


__all__ = ["Adapter", "adapter_for"]
