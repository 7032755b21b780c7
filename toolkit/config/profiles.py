"""`profiles.yml` (dbt-style): one pydantic model per warehouse type, told apart by `type`.

Secrets are `SecretStr`: their repr and str are masked, so an accidental print or log of a
profile never shows them.
"""

from __future__ import annotations

import os
import stat
import warnings
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from toolkit.config.yamlio import load_yaml, validate_doc
from toolkit.errors import ConfigError

PROFILES_FILE = "profiles.yml"


class _Conn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    # seconds; enforced by the adapter where the engine supports it
    statement_timeout_s: float | None = Field(None, gt=0)
    # transient connection errors are retried this many times, with backoff
    connect_retries: int = Field(2, ge=0, le=10)


class DuckDBProfile(_Conn):
    type: Literal["duckdb"]
    path: str = ":memory:"
    threads: int | None = Field(None, ge=1)
    memory_limit: str | None = None
    # validate's checks in one statement (fast, memory-hungry) or one per view; auto: one when
    # its estimated peak fits the memory limit (toolkit.validate.statements)
    validate_statements: Literal["auto", "one", "per_view"] = "auto"


class PostgresProfile(_Conn):
    type: Literal["postgres"]
    host: str = "localhost"
    port: int = 5432
    dbname: str
    user: str
    password: SecretStr | None = None
    sslmode: str | None = None
    connect_timeout_s: int = 10


class RedshiftProfile(_Conn):
    type: Literal["redshift"]
    host: str
    port: int = 5439
    dbname: str
    user: str
    password: SecretStr | None = None


class SnowflakeProfile(_Conn):
    type: Literal["snowflake"]
    account: str
    user: str
    password: SecretStr | None = None
    private_key_path: str | None = None
    private_key_passphrase: SecretStr | None = None
    authenticator: str | None = None
    role: str | None = None
    warehouse: str | None = None
    database: str | None = None
    schema_: str | None = Field(None, alias="schema")


class BigQueryProfile(_Conn):
    type: Literal["bigquery"]
    project: str
    location: str | None = None
    keyfile: str | None = None


class DatabricksProfile(_Conn):
    type: Literal["databricks"]
    host: str
    http_path: str
    token: SecretStr
    catalog: str | None = None


class FabricProfile(_Conn):
    type: Literal["fabric"]
    server: str
    database: str
    authentication: Literal["ServicePrincipal", "ActiveDirectoryInteractive", "ActiveDirectoryDefault"] = (
        "ServicePrincipal"
    )
    client_id: str | None = None
    client_secret: SecretStr | None = None
    tenant_id: str | None = None
    driver: str = "ODBC Driver 18 for SQL Server"


class SparkProfile(_Conn):
    type: Literal["spark"]
    # a local (or cluster) master, or `remote`: a Spark Connect server (sc://host:port), the
    # protocol Databricks Connect is built on; one or the other
    master: str = "local[2]"
    remote: str | None = None
    app_name: str = "b2b-connected-source"
    warehouse_dir: str | None = None
    conf: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _master_or_remote(self) -> SparkProfile:
        if self.remote is not None:
            if "master" in self.model_fields_set:
                raise ValueError(
                    "give `master` (a session in this process) or `remote` (Spark Connect), not both"
                )
            if not self.remote.startswith("sc://"):
                # never echoed: a connection string may carry `;token=...` (issue 33)
                scheme = self.remote.split("://", 1)[0] if "://" in self.remote else "no scheme"
                raise ValueError(
                    f"remote: not a Spark Connect URL (it starts with {scheme[:10]!r}); write sc://host:port"
                )
            if self.warehouse_dir:
                raise ValueError(
                    "warehouse_dir is the Spark Connect server's setting, not the client's; remove it"
                )
        return self


Target = Annotated[
    DuckDBProfile
    | PostgresProfile
    | RedshiftProfile
    | SnowflakeProfile
    | BigQueryProfile
    | DatabricksProfile
    | FabricProfile
    | SparkProfile,
    Field(discriminator="type"),
]

SECRET_KEYS = ("password", "private_key_passphrase", "client_secret", "token")


PROFILE_MODELS: dict[str, type[_Conn]] = {
    m.model_fields["type"].annotation.__args__[0]: m  # type: ignore[union-attr]
    for m in (
        DuckDBProfile,
        PostgresProfile,
        RedshiftProfile,
        SnowflakeProfile,
        BigQueryProfile,
        DatabricksProfile,
        FabricProfile,
        SparkProfile,
    )
}


class ResolvedTarget:
    """The profile chosen for this run: its name, the target name and the connection model."""

    def __init__(self, profile: str, name: str, conn: Any, path: Path) -> None:
        self.profile = profile
        self.name = name
        self.conn = conn
        self.path = path

    @property
    def type(self) -> str:
        return str(self.conn.type)


def find_profiles(profiles_dir: Path | None, project_dir: Path) -> Path:
    candidates = [profiles_dir] if profiles_dir else []
    candidates += [project_dir, Path(os.path.expanduser("~/.b2b"))]
    for folder in candidates:
        path = folder / PROFILES_FILE
        if path.exists():
            return path
    searched = ", ".join(str(c) for c in candidates)
    raise ConfigError(
        f"no {PROFILES_FILE} found (searched: {searched})",
        hint="run `b2b init`, or pass --profiles-dir, or copy profiles.example.yml",
    )


def load_target(
    profile: str, target: str | None, profiles_dir: Path | None, project_dir: Path
) -> ResolvedTarget:
    path = find_profiles(profiles_dir, project_dir)
    doc = load_yaml(path)
    data = doc.data
    if not isinstance(data, dict) or profile not in data:
        known = ", ".join(sorted(data)) if isinstance(data, dict) else "none"
        raise ConfigError(
            f"{path}: profile {profile!r} not found (profiles here: {known})",
            hint="set `profile:` in b2b_project.yml to one of them",
        )
    entry = data[profile]
    if not isinstance(entry, dict) or "outputs" not in entry:
        raise ConfigError(f"{doc.where((profile,))}: profile {profile!r} needs `outputs:` (and `target:`)")
    unknown = set(entry) - {"target", "outputs"}
    if unknown:
        raise ConfigError(
            f"{doc.where((profile,))}: unknown key(s) {sorted(unknown)} in profile {profile!r}; expected target, outputs"
        )
    name = target or entry.get("target")
    outputs = entry["outputs"] or {}
    if not name:
        raise ConfigError(
            f"{doc.where((profile,))}: no target given", hint="add `target: dev` or pass --target"
        )
    if name not in outputs:
        raise ConfigError(
            f"{doc.where((profile, 'outputs'))}: target {name!r} not found in profile {profile!r} "
            f"(targets: {', '.join(sorted(outputs))})",
            hint="pass --target with one of those",
        )
    raw = outputs[name]
    if not isinstance(raw, dict) or "type" not in raw:
        raise ConfigError(f"{doc.where((profile, 'outputs', name))}: target {name!r} needs a `type`")
    model = PROFILE_MODELS.get(str(raw["type"]))
    if model is None:
        raise ConfigError(
            f"{doc.where((profile, 'outputs', name, 'type'))}: unknown type {raw['type']!r} for target {name!r}",
            hint=f"use one of: {', '.join(PROFILE_MODELS)}",
        )
    conn = validate_doc(doc, model, loc_prefix=(profile, "outputs", name))
    _warn_world_readable(path, raw)
    return ResolvedTarget(profile, name, conn, path)


def _warn_world_readable(path: Path, raw: dict[str, Any]) -> None:
    """A literal secret in a file others can read is worth a warning (env_var() is fine)."""
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except OSError:
        return
    if not mode & (stat.S_IROTH | stat.S_IRGRP):
        return
    for key in SECRET_KEYS:
        if raw.get(key) and f"{key}:" in text and "env_var(" not in _line_of(text, key):
            warnings.warn(
                f"{path} is readable by other users and holds a literal {key}; "
                f"use {{{{ env_var('...') }}}} or chmod 600 {path.name}",
                stacklevel=2,
            )
            return


def _line_of(text: str, key: str) -> str:
    for line in text.splitlines():
        if line.strip().startswith(f"{key}:") or f" {key}:" in line or f"{{{key}:" in line:
            return line
    return ""
