"""Databricks / Spark SQL: COLLECT_LIST has no ORDER BY, so the list is sorted after; grants go
to principals in backticks. Spark (a local session) runs this same output in the tests."""

from toolkit.dialects.base import TargetDialect


class Databricks(TargetDialect):
    name = "databricks"
    sqlglot_name = "databricks"
    ID_ARRAY_AGG = "ARRAY_SORT(COLLECT_LIST(:x))"
    EMPTY_ID_ARRAY = "CAST(ARRAY() AS ARRAY<STRING>)"
    GRANT_SELECT = "GRANT SELECT ON TABLE {view} TO {role}"
    GRANT_USAGE = "GRANT USAGE ON SCHEMA {schema} TO {role}"
