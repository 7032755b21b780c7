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
    raise ConfigError(
        f"{target.path}: target {target.name!r} has type {kind!r}, which cannot be connected to yet",
        hint="use `b2b generate --dialect ...` and run the files with your own tooling for now",
    )


__all__ = ["Adapter", "adapter_for"]
