"""`b2b init` and the demo's project files."""

from __future__ import annotations

from pathlib import Path

from toolkit.config.profiles import PROFILES_FILE
from toolkit.config.project import PROJECT_FILE
from toolkit.errors import ConfigError

PROJECT_TEMPLATE = """\
# b2b_project.yml: what to build from your CRM tables, and how to check it.
# Reference: README.md#configuration
name: {name}
profile: b2b                       # a profile in profiles.yml

source:
  crm: salesforce
  naming: fivetran                 # fivetran (is_deleted, account_id) | api (IsDeleted, AccountId)
  # database: raw
  schema: {source_schema}
  tables: {{}}                       # e.g. {{contact: sf_contact, account_contact_relation: null}}

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
  catalogs: false                  # true: also catalog_accounts, catalog_opportunities (+ CDI sync shapes)

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
# Every warehouse type is documented in profiles.example.yml.
b2b:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: {duckdb_path}
"""


def project_yaml(
    name: str = "acme",
    source_schema: str = "salesforce",
    platform_table: str = "braze.user_latest_state_default_attributes_view_shared",
    extra_fields: str = "  account: {}\n",
    min_match_rate: float = 0.95,
    max_contacts: int = 10000,
) -> str:
    return PROJECT_TEMPLATE.format(
        name=name,
        source_schema=source_schema,
        platform_table=platform_table,
        extra_fields=extra_fields,
        min_match_rate=min_match_rate,
        max_contacts=max_contacts,
    )


def profiles_yaml(duckdb_path: str = "b2b.duckdb") -> str:
    return PROFILES_TEMPLATE.format(duckdb_path=duckdb_path)


def init_project(directory: Path, name: str, force: bool = False) -> list[Path]:
    files = {directory / PROJECT_FILE: project_yaml(name=name), directory / PROFILES_FILE: profiles_yaml()}
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
