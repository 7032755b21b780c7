"""BigQuery: schemas are datasets; ARRAY_AGG rejects NULL elements unless IGNORE NULLS; grants are
IAM roles on the dataset (GRANT `roles/bigquery.dataViewer`)."""

from sqlglot import exp

from toolkit.dialects.base import TargetDialect


class BigQuery(TargetDialect):
    name = "bigquery"
    sqlglot_name = "bigquery"
    ID_ARRAY_AGG = "ARRAY_AGG(:x IGNORE NULLS ORDER BY :x)"
    EMPTY_ID_ARRAY = "CAST([] AS ARRAY<STRING>)"
    # https://cloud.google.com/bigquery/docs/reference/standard-sql/data-control-language
    GRANT_SELECT = "GRANT `roles/bigquery.dataViewer` ON VIEW {view} TO {role}"
    GRANT_USAGE = None

    def principal(self, role: str) -> str:
        # a principal is a string such as "serviceAccount:braze@proj.iam.gserviceaccount.com"
        return exp.Literal.string(role).sql(dialect="bigquery")
