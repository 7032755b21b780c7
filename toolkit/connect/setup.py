"""`b2b connect sql`: the one-time setup an administrator runs for Braze's connected source (the
role, its login, and on Snowflake a warehouse that resumes by itself). What the views' owner may
grant, `b2b apply` grants (see `b2b apply --dry-run`); this is only what needs an administrator.
No secret is printed: a password or key is a placeholder the administrator fills in."""

from __future__ import annotations

from toolkit.config.project import ConnectedSourceConfig, ProjectConfig
from toolkit.dialects import get_or_raise
from toolkit.errors import ConfigError


def _user(role: str) -> str:
    return role + ("_USER" if role.isupper() else "_user")


def setup_sql(
    config: ProjectConfig, dialect_name: str, user: str | None = None, database: str | None = None
) -> str:
    cs: ConnectedSourceConfig | None = config.output.connected_source
    if cs is None:
        raise ConfigError(
            "b2b_project.yml: output.connected_source is not set: there is no role to set up",
            hint="add output.connected_source: {role: BRAZE_ROLE, scratch_schema: braze_scratch, warehouse: BRAZE_WH}",
        )
    dialect = get_or_raise(dialect_name)
    if not dialect.CONNECTED_SOURCE:
        raise ConfigError(
            f"--dialect {dialect_name}: Braze has no connected source for it",
            hint="one of: snowflake, redshift, bigquery, databricks (or postgres)",
        )
    q = dialect.quote
    role, login = cs.role, user or _user(cs.role)
    database = config.output.database or database
    head = [
        f"-- b2b connect sql ({dialect_name}): the one-time setup of Braze's connected source, run by an administrator.",
        "-- Then, as the views' owner: `b2b apply` (it grants the role the views and the scratch schema),",
        "-- and with the new login's credentials as a profile target: `b2b connect check --target <it>`.",
    ]
    if dialect_name == "snowflake":
        wh = cs.warehouse or "BRAZE_WH"
        body = [
            f"CREATE ROLE IF NOT EXISTS {q(role)};",
            f"CREATE WAREHOUSE IF NOT EXISTS {q(wh)} WITH WAREHOUSE_SIZE = 'XSMALL' AUTO_SUSPEND = 60 "
            "AUTO_RESUME = TRUE INITIALLY_SUSPENDED = TRUE;",
            f"GRANT USAGE ON WAREHOUSE {q(wh)} TO ROLE {q(role)};",
            "-- key-pair authentication: paste the public key Braze's dashboard shows for this source",
            f"CREATE USER IF NOT EXISTS {q(login)} TYPE = SERVICE DEFAULT_ROLE = {q(role)} DEFAULT_WAREHOUSE = {q(wh)};",
            f"ALTER USER {q(login)} SET RSA_PUBLIC_KEY = '<public key from Braze>';",
            f"GRANT ROLE {q(role)} TO USER {q(login)};",
            "-- apply's grants on FUTURE views need MANAGE GRANTS (or a managed-access schema the owner owns):",
            "-- GRANT MANAGE GRANTS ON ACCOUNT TO ROLE <the views' owner role>;",
        ]
        if not cs.warehouse:
            body.insert(
                0,
                "-- output.connected_source.warehouse is not set: BRAZE_WH below; set it so apply grants it",
            )
    elif dialect_name in ("postgres", "redshift"):
        body = (
            [f"CREATE USER {q(login)} PASSWORD '<a password for Braze>';"]
            if dialect_name == "redshift"
            else [
                f"CREATE ROLE {q(role)} LOGIN;  -- then set its password: \\password {q(role)}",
            ]
        )
        if database:
            body.append(
                f"GRANT CONNECT ON DATABASE {q(database)} TO {q(role if dialect_name == 'postgres' else login)};"
            )
        body.append(
            "-- the views' owner creates the scratch schema on apply: it needs CREATE on the database"
        )
        on = q(database) if database else "<database>"
        body.append(f"-- GRANT CREATE ON DATABASE {on} TO <the views' owner>;")
        if dialect_name == "redshift" and role != login:
            body.insert(1, f"-- Redshift grants to users: set output.connected_source.role to {login!r}")
    elif dialect_name == "bigquery":
        project = database or "<project>"
        account = role.split(":", 1)[-1] if role.startswith("serviceAccount:") else "<service account email>"
        body = [
            "-- BigQuery's setup is IAM, not SQL: run these with gcloud",
            f"-- gcloud iam service-accounts create braze-connected-source --project {project}",
            f"-- gcloud projects add-iam-policy-binding {project} --member serviceAccount:{account} --role roles/bigquery.jobUser",
            "-- then a JSON key (or Workload Identity Federation) for Braze's dashboard; output.connected_source.role",
            f"-- is the principal: serviceAccount:{account}",
        ]
    else:  # databricks
        body = [
            "-- Databricks: create a service principal (account console) for Braze, and a serverless SQL",
            "-- warehouse it may use (CAN USE). Unity Catalog grants (USE CATALOG, USE SCHEMA, SELECT,",
            "-- CREATE TABLE) are apply's; output.connected_source.role is the principal's application id.",
        ]
    return "\n".join(head + body) + "\n"
