"""`b2b_project.yml`: the mapping, identity, output, platform, checks and segments of a project."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from toolkit.config.yamlio import load_yaml, validate_doc
from toolkit.errors import ConfigError

PROJECT_FILE = "b2b_project.yml"
ENTITIES = ("contacts", "leads", "accounts", "opportunities", "users")
# catalog-shaped views for the copy-based alternative (output.catalogs: true)
CATALOG_ENTITIES = (
    "catalog_accounts",
    "catalog_opportunities",
    "cdi_catalog_accounts",
    "cdi_catalog_opportunities",
    "cdi_accounts",
)
# the user profile sync shapes (output.user_sync)
SYNC_ENTITIES = ("cdi_user_attributes", "cdi_user_events")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# Names from config reach SQL (quoted by sqlglot), SQL comment headers and file paths: a name is
# one line with no path separator (issue 33: a prefix with a newline injected a statement into
# apply's DDL, one with ../ wrote outside --out). View and segment names, which become file names
# and comment headers, are plain identifiers.
PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$-]*$")


def check_name(value: str | None, key: str) -> str | None:
    """A schema, database or role name: quoted by sqlglot where it is used; refused when it holds
    a control character (a newline ends a SQL comment) or a path separator."""
    if value is None:
        return value
    if not value or any(ord(ch) < 32 or ch == "\x7f" for ch in value) or "/" in value or "\\" in value:
        raise ValueError(
            f"{key}: {value!r} is not a name: no empty name, control character (newline, tab) or path separator"
        )
    if len(value) > 255:
        raise ValueError(f"{key}: longer than 255 characters")
    return value


class SourceConfig(Strict):
    crm: str = "salesforce"
    naming: Literal["fivetran", "api"] = "fivetran"
    database: str | None = None
    schema_: str = Field("salesforce", alias="schema")
    # CRM object -> table name; a null value says the object is not synced (e.g. account_contact_relation)
    tables: dict[str, str | None] = Field(default_factory=dict)
    # CRM object -> {logical field: physical column}: custom fields, renamed fields, other loaders
    columns: dict[str, dict[str, str]] = Field(default_factory=dict)
    # Fivetran history mode keeps every version of a row; only `_fivetran_active` rows are current
    history_mode: bool = False
    # the loader's sync timestamp per row, for source_freshness (default: the naming's, e.g.
    # _fivetran_synced); null turns the check's reading off
    loaded_at_column: str | None = None
    # CRMs where a lead is a stage of the contact (HubSpot: lifecycle stages): the stages that
    # make a contact a lead (default: the CRM's crm.yml lead_stages)
    lead_stages: list[str] | None = None

    @field_validator("database", "schema_")
    @classmethod
    def _names(cls, value: str | None, info: Any) -> str | None:
        return check_name(value, f"source.{info.field_name.rstrip('_')}")


class MappingConfig(Strict):
    table: str
    external_id_column: str
    contact_id_column: str
    lead_id_column: str | None = None


class IdentityConfig(Strict):
    strategy: Literal["crm_id", "mapping", "email"] = "crm_id"
    salesforce_ids: Literal["to_18", "keep"] = "to_18"
    mapping: MappingConfig | None = None

    @model_validator(mode="after")
    def _mapping_needs_table(self) -> IdentityConfig:
        if self.strategy == "mapping" and self.mapping is None:
            raise ValueError(
                "strategy 'mapping' needs identity.mapping (table, external_id_column, contact_id_column)"
            )
        return self


class UserSyncConfig(Strict):
    # how a row names its user: EXTERNAL_ID (the views' user_id), or ALIAS_NAME + ALIAS_LABEL
    # (the CRM id under the label salesforce_contact_id / salesforce_lead_id)
    identifier: Literal["external_id", "alias"] = "external_id"
    # ledger: `b2b sync run` appends each changed attribute and each link change to a ledger in
    # the warehouse, and the Braze-facing views read it (each change sent once). view: the views
    # compute every payload at Braze's read (no writes; a touched row resends all its attributes)
    mode: Literal["ledger", "view"] = "ledger"
    # where the ledger's tables live (default: output.schema); `b2b sync run` writes only there
    ledger_schema: str | None = None
    # the ledger tables' name prefix (default: output.prefix): <prefix>ledger_runs, ...
    ledger_prefix: str | None = None

    @field_validator("ledger_schema")
    @classmethod
    def _names(cls, value: str | None, info: Any) -> str | None:
        return check_name(value, f"output.user_sync.{info.field_name}")


class ConnectedSourceConfig(Strict):
    """The role Braze's connected source logs in as: it reads the views and creates its
    per-segment result tables in scratch_schema, and nothing else (apply grants exactly that)."""

    role: str
    # where Braze creates its temporary result tables; apply creates it when it is absent
    scratch_schema: str = "braze_scratch"
    # Snowflake: the warehouse Braze runs its queries on (USAGE granted to the role)
    warehouse: str | None = None

    @field_validator("role", "scratch_schema", "warehouse")
    @classmethod
    def _names(cls, value: str | None, info: Any) -> str | None:
        return check_name(value, f"output.connected_source.{info.field_name}")


class OutputConfig(Strict):
    database: str | None = None
    schema_: str = Field("b2b", alias="schema")
    prefix: str = "b2b_"
    grant_select_to: list[str] = Field(default_factory=list)
    # the role Braze's connected source logs in as (least privilege: `b2b connect check` proves it)
    connected_source: ConnectedSourceConfig | None = None
    # also build the catalog-shaped views (catalog_accounts, catalog_opportunities and their
    # CDI sync-shaped variants) for the platform's copy-based alternative
    catalogs: bool = False
    # also build the CDI user sync views: profile attributes and account_linked events
    user_sync: UserSyncConfig | None = None

    @field_validator("database", "schema_")
    @classmethod
    def _names(cls, value: str | None, info: Any) -> str | None:
        return check_name(value, f"output.{info.field_name.rstrip('_')}")

    @field_validator("grant_select_to")
    @classmethod
    def _roles(cls, value: list[str]) -> list[str]:
        for role in value:
            check_name(role, "output.grant_select_to")
        return value

    @field_validator("prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        """View names become file names (generate), comment headers and dbt model names: the
        prefix is a plain identifier start, and the longest view name fits every target."""
        if value and (not PLAIN_NAME.match(value) or "-" in value or "$" in value):
            raise ValueError(
                f"output.prefix: {value!r} is not a plain name prefix: letters, digits and _ only, "
                "starting with a letter or _ (e.g. b2b_)"
            )
        return value  # its length is checked per dialect when the views are named (transpile)


class PlatformIdsConfig(Strict):
    table: str | None = None
    column: str = "external_id"
    query: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> PlatformIdsConfig:
        if (self.table is None) == (self.query is None):
            raise ValueError("give exactly one of platform.external_ids.table or platform.external_ids.query")
        return self


class PlatformConfig(Strict):
    name: str = "braze"
    external_ids: PlatformIdsConfig | None = None


class ChecksConfig(Strict):
    min_match_rate: float = Field(0.95, ge=0, le=1)
    max_contacts_per_account: int = Field(10000, ge=1)
    sample_size: int = Field(10, ge=0, le=1000)
    # source_freshness warns when a CRM table's last sync is older than this
    max_source_age_hours: float = Field(24, gt=0)
    # check name -> "warn" | "error" | "off"
    severity: dict[str, Literal["warn", "error", "off"]] = Field(default_factory=dict)


class ProjectConfig(Strict):
    name: str
    profile: str = "b2b"
    source: SourceConfig = Field(default_factory=lambda: SourceConfig.model_validate({}))
    identity: IdentityConfig = Field(default_factory=lambda: IdentityConfig.model_validate({}))
    extra_fields: dict[str, dict[str, str]] = Field(default_factory=dict)
    output: OutputConfig = Field(default_factory=lambda: OutputConfig.model_validate({}))
    platform: PlatformConfig = Field(default_factory=lambda: PlatformConfig.model_validate({}))
    checks: ChecksConfig = Field(default_factory=lambda: ChecksConfig.model_validate({}))
    segments: dict[str, Any] = Field(default_factory=dict)
    # path (relative to the project dir) of a folder whose templates override the CRM's own
    templates_dir: str | None = None

    @field_validator("segments")
    @classmethod
    def _segment_names(cls, value: dict[str, Any]) -> dict[str, Any]:
        for name in value:
            if not isinstance(name, str) or not PLAIN_NAME.match(name) or len(name) > 100:
                raise ValueError(
                    f"segments.{name!r}: a segment name is a plain name (letters, digits, _ and -, "
                    "starting with a letter or _): it becomes a file name and a SQL comment"
                )
        return value

    @field_validator("extra_fields")
    @classmethod
    def _known_entities(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        allowed = {"contact", "lead", "account", "opportunity"}
        for entity in value:
            if entity not in allowed:
                raise ValueError(f"extra_fields.{entity}: unknown entity; use one of {sorted(allowed)}")
        return value


class Project:
    """A loaded project: its directory, the file it came from and the validated config."""

    def __init__(self, root: Path, path: Path, config: ProjectConfig) -> None:
        self.root = root
        self.path = path
        self.config = config

    @classmethod
    def load(cls, project_dir: Path) -> Project:
        path = project_dir / PROJECT_FILE
        if not path.exists():
            raise ConfigError(
                f"{path}: no {PROJECT_FILE} here",
                hint="run `b2b init` in your project folder or pass --project-dir",
            )
        doc = load_yaml(path, secrets=False)
        if not isinstance(doc.data, dict):
            raise ConfigError(f"{path}: expected a mapping of keys at the top level")
        return cls(project_dir, path, validate_doc(doc, ProjectConfig))

    def entities(self, config: ProjectConfig | None = None) -> tuple[str, ...]:
        cfg = config or self.config
        return (
            ENTITIES
            + (CATALOG_ENTITIES if cfg.output.catalogs else ())
            + (SYNC_ENTITIES if cfg.output.user_sync else ())
        )

    def view_name(self, entity: str) -> str:
        return f"{self.config.output.prefix}{entity}"
