"""`b2b init` and the demo's project files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.config.profiles import PROFILES_FILE
from toolkit.config.project import PROJECT_FILE
from toolkit.errors import ConfigError

if TYPE_CHECKING:
    from toolkit.warehouse.base import Adapter

PROJECT_TEMPLATE = """\
# b2b_project.yml: what to build from your CRM tables, and how to check it.
# Reference: README.md#configuration
name: {name}
profile: b2b                       # a profile in profiles.yml

source:
  crm: {crm}
  naming: {naming}{naming_pad}# fivetran (is_deleted, account_id) | api (IsDeleted, AccountId)
  {database_line}
  schema: {source_schema}
  tables: {tables}{tables_pad}# e.g. {{contact: sf_contact, account_contact_relation: null}}
  columns: {{}}                      # e.g. {{contact: {{mailing_country: Country__c}}}} (custom or renamed fields)
  history_mode: {history_mode}{history_pad}# Fivetran history mode: keep only _fivetran_active rows

identity:
  strategy: crm_id                 # crm_id | mapping | email
  salesforce_ids: to_18            # to_18 | keep
  # mapping:                       # when strategy: mapping
  #   table: app.users
  #   external_id_column: id
  #   contact_id_column: salesforce_contact_id
  #   lead_id_column: salesforce_lead_id

extra_fields:                      # attribute name -> CRM column, per entity
{extra_fields}
output:
  schema: b2b
  prefix: b2b_
  grant_select_to: []              # e.g. [braze_cdi_role]
  # connected_source:              # Braze's connected source: least privilege (b2b connect sql / check)
  #   role: BRAZE_INGESTION_ROLE   # the role (Redshift: user; BigQuery: serviceAccount:...) Braze logs in as
  #   scratch_schema: braze_scratch  # where Braze creates its per-segment result tables
  #   warehouse: BRAZE_WH          # Snowflake only
  catalogs: false                  # true: also catalog_accounts, catalog_opportunities (+ CDI sync shapes, accounts object)
  # user_sync:                     # the CDI user sync: profile attributes + account_linked events
  #   identifier: external_id      # external_id | alias (salesforce_contact_id / salesforce_lead_id)
  #   mode: ledger                 # ledger: `b2b sync run` sends each change once | view: computed at each read
  #   ledger_schema: b2b           # where the ledger's tables live (default: schema)

platform:
  external_ids:                    # where the platform's external IDs are, inside the warehouse
    table: {platform_table}
    column: external_id

checks:
  min_match_rate: {min_match_rate}
  max_contacts_per_account: {max_contacts}
  sample_size: 10
"""

PROFILES_TEMPLATE = """\
# profiles.yml: connections. Keep secrets in environment variables: {{{{ env_var('NAME') }}}}.
# Every warehouse type is documented in profiles.example.yml. (A DuckDB file is attached as a
# catalog named after it: name it unlike your schemas, e.g. not b2b.duckdb with output schema b2b.)
b2b:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: {duckdb_path}
"""


def _pad(value: str, width: int) -> str:
    return " " * max(1, width - len(value))


def project_yaml(
    name: str = "acme",
    crm: str = "salesforce",
    source_schema: str = "salesforce",
    naming: str = "fivetran",
    database: str | None = None,
    tables: str = "{}",
    history_mode: bool = False,
    platform_table: str = "braze.user_latest_state_default_attributes_view_shared",
    extra_fields: str = "  account: {}\n",
    min_match_rate: float = 0.95,
    max_contacts: int = 10000,
) -> str:
    history = "true" if history_mode else "false"
    return PROJECT_TEMPLATE.format(
        name=name,
        crm=crm,
        source_schema=source_schema,
        naming=naming,
        naming_pad=_pad(naming, 25),
        database_line=f"database: {database}" if database else "# database: raw",
        tables=tables,
        tables_pad=_pad(tables, 25),
        history_mode=history,
        history_pad=_pad(history, 19),
        platform_table=platform_table,
        extra_fields=extra_fields,
        min_match_rate=min_match_rate,
        max_contacts=max_contacts,
    )


def profiles_yaml(duckdb_path: str = "warehouse.duckdb") -> str:
    return PROFILES_TEMPLATE.format(duckdb_path=duckdb_path)


@dataclass(frozen=True)
class Detected:
    """What `b2b init --target` found in the source."""

    schema: str
    naming: str
    history_mode: bool
    unsynced: tuple[str, ...]  # optional CRM objects with no table (source.tables: null)
    tables: tuple[str, ...]
    crm: str = "salesforce"

    def project_yaml(self, name: str, database: str | None) -> str:
        tables = "{" + ", ".join(f"{o}: null" for o in self.unsynced) + "}"
        return project_yaml(
            name=name,
            crm=self.crm,
            source_schema=self.schema,
            naming=self.naming,
            database=database,
            tables=tables,
            history_mode=self.history_mode,
        )


def detect_source(adapter: Adapter, database: str | None, schema: str, crm: str = "salesforce") -> Detected:
    """Which naming the CRM tables use (the contact table carries its deleted flags under that
    naming: Salesforce `is_deleted` or `IsDeleted`), whether Fivetran history mode is on
    (`_fivetran_active`), and which optional objects are not synced. All from the CRM's crm.yml.
    Names are matched ignoring case: Snowflake stores them upper."""
    from toolkit.source.crm import deleted_flag_columns, read_crm

    data = read_crm(crm)
    title = data.get("title", crm)
    names = sorted({n for obj in data["objects"].values() for n in obj["table"].values()})
    stored, found = adapter.source_columns(database, schema, names)
    where = ".".join(p for p in (database, schema) if p)
    by_name = {t.lower(): cols for t, cols in found.items()}
    contact_obj = data["objects"]["contact"]
    contacts = {n: by_name.get(contact_obj["table"][n].lower()) for n in ("fivetran", "api")}
    if stored is None or not any(c is not None for c in contacts.values()):
        raise ConfigError(
            f"init: no {title} contact table in schema {where!r} (looked for: {', '.join(names)}); nothing was written",
            hint="pass --source-schema (and --source-database) naming where the CRM tables are synced",
        )
    flags = {n: deleted_flag_columns(data, "contact", n)[0] for n in ("fivetran", "api")}
    naming = ""
    lowered: set[str] = set()
    for candidate in ("fivetran", "api"):
        cols = {c.lower() for c in contacts[candidate] or ()}
        if flags[candidate].lower() in cols:
            naming, lowered = candidate, cols
            break
    if not naming:
        raise ConfigError(
            f"init: {where}.contact has neither {flags['fivetran']} (Fivetran naming) nor {flags['api']} (API naming); "
            "nothing was written",
            hint="write b2b_project.yml by hand (`b2b init` without --target) and map the columns with source.columns",
        )
    unsynced = tuple(
        o
        for o, obj in data["objects"].items()
        if obj.get("optional") and obj["table"][naming].lower() not in by_name
    )
    return Detected(stored, naming, "_fivetran_active" in lowered, unsynced, tuple(sorted(found)), crm)


def init_project(
    directory: Path,
    name: str,
    force: bool = False,
    crm: str = "salesforce",
    source_schema: str = "salesforce",
) -> list[Path]:
    files = {
        directory / PROJECT_FILE: project_yaml(name=name, crm=crm, source_schema=source_schema),
        directory / PROFILES_FILE: profiles_yaml(),
    }
    existing = [p for p in files if p.exists()]
    if existing and not force:
        raise ConfigError(
            f"{', '.join(str(p) for p in existing)} already exist(s); nothing was written",
            hint="pass --force to overwrite, or run in an empty folder",
        )
    directory.mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    return list(files)


def init_detected(
    directory: Path,
    name: str,
    target: str,
    profiles_dir: Path | None,
    source_schema: str,
    source_database: str | None,
    force: bool,
    crm: str = "salesforce",
) -> tuple[list[Path], Detected]:
    """`b2b init --target T`: connect with profiles.yml's target, detect the source, then write
    b2b_project.yml and source_schema.yml (nothing at all when detection fails)."""
    import yaml

    from toolkit.config.profiles import load_target
    from toolkit.config.project import ProjectConfig
    from toolkit.source.introspect import inspect_source
    from toolkit.source.schema import write_file
    from toolkit.warehouse import adapter_for

    if (directory / PROJECT_FILE).exists() and not force:
        raise ConfigError(
            f"{directory / PROJECT_FILE} already exists; nothing was written",
            hint="pass --force to overwrite, or run in an empty folder",
        )
    written: list[Path] = []
    if profiles_dir is None and not _profiles_found(directory):
        # no profiles.yml anywhere yet: scaffold the default one (a DuckDB file) and use it
        (directory / PROFILES_FILE).write_text(profiles_yaml(), encoding="utf-8")
        written.append(directory / PROFILES_FILE)
    try:
        resolved = load_target("b2b", target, profiles_dir, directory)
        path = getattr(resolved.conn, "path", None)
        if resolved.type == "duckdb" and path != ":memory:" and not (directory / str(path)).exists():
            raise ConfigError(
                f"init: target {resolved.name!r} is the DuckDB file {path}, which does not exist; nothing was written",
                hint="point the target's path at the database holding your CRM tables",
            )
        with adapter_for(resolved, base_dir=directory) as adapter:
            detected = detect_source(adapter, source_database, source_schema, crm)
            text = detected.project_yaml(name, source_database)
            config = ProjectConfig.model_validate(yaml.safe_load(text))
            live = inspect_source(adapter, config, resolved.name)
    except Exception:
        for path in written:  # nothing is left behind when detection fails
            path.unlink(missing_ok=True)
        raise
    (directory / PROJECT_FILE).write_text(text, encoding="utf-8")
    written += [directory / PROJECT_FILE, write_file(directory, live)]
    return written, detected


def _profiles_found(directory: Path) -> bool:
    from toolkit.config.profiles import find_profiles

    try:
        find_profiles(None, directory)
    except ConfigError:
        return False
    return True
