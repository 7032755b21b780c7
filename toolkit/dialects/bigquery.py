"""BigQuery: schemas are datasets; ARRAY_AGG rejects NULL elements; grants are IAM roles
(GRANT `roles/bigquery.dataViewer`)."""

from sqlglot import exp

from toolkit.dialects.base import TargetDialect


class BigQuery(TargetDialect):
    name = "bigquery"
    sqlglot_name = "bigquery"
    # IGNORE NULLS would be right, but sqlglot moves it after ORDER BY, where BigQuery rejects
    # it (the lint rule ignore-nulls-after-order-by); the ids aggregated are a view's grain key,
    # never NULL, so it is not needed
    ID_ARRAY_AGG = "ARRAY_AGG(:x ORDER BY :x)"
    EMPTY_ID_ARRAY = "CAST([] AS ARRAY<STRING>)"
    JSON_TO_TEXT = "TO_JSON_STRING(:x)"
    ISO8601 = "FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%SZ', :x)"
    JSON_IS_OBJECT = "COALESCE(JSON_TYPE(SAFE.PARSE_JSON(:x)) = 'object', FALSE)"
    JSON_FIELD = "JSON_QUERY(:x, :p)"
    ADD_MICROS = "TIMESTAMP_ADD(:x, INTERVAL :y MICROSECOND)"
    JSON_KEY_COUNT = "ARRAY_LENGTH(JSON_KEYS(PARSE_JSON(:x), 1))"
    # https://cloud.google.com/bigquery/docs/reference/standard-sql/data-control-language
    GRANT_SELECT = "GRANT `roles/bigquery.dataViewer` ON VIEW {view} TO {role}"
    GRANT_USAGE = None
    REVOKE_SELECT = "REVOKE `roles/bigquery.dataViewer` ON TABLE {table} FROM {role}"
    # Data Viewer on the views' dataset, Data Editor (table creation) on the scratch dataset. The
    # views are also authorized on each dataset they read (its access entries, an API call:
    # apply's `authorizations`), or the role could query them only with the raw CRM dataset
    CS_SCHEMA = ("GRANT `roles/bigquery.dataViewer` ON SCHEMA {schema} TO {role}",)
    CS_VIEW = None
    CS_FUTURE = ()
    CS_SCRATCH = ("GRANT `roles/bigquery.dataEditor` ON SCHEMA {scratch} TO {role}",)
    REVOKE_CREATE = "REVOKE `roles/bigquery.dataEditor` ON SCHEMA {schema} FROM {role}"

    def principal(self, role: str) -> str:
        # a principal is a string such as "serviceAccount:braze@proj.iam.gserviceaccount.com"
        return exp.Literal.string(role).sql(dialect="bigquery")

    def describe(
        self, view: exp.Table, description: str, columns: list[tuple[exp.Identifier, str]]
    ) -> list[str]:
        name = self.sql_name(view)
        return [
            f"ALTER VIEW {name} ALTER COLUMN {ident.sql(dialect='bigquery')} SET OPTIONS "
            f"(description = {exp.Literal.string(doc).sql(dialect='bigquery')})"
            for ident, doc in columns
        ]
