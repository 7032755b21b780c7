"""Databricks / Spark SQL: COLLECT_LIST has no ORDER BY, so the list is sorted after; grants go
to principals in backticks. Spark (a local session) runs this same output in the tests."""

from sqlglot import exp

from toolkit.dialects.base import TargetDialect


class Databricks(TargetDialect):
    name = "databricks"
    sqlglot_name = "databricks"
    # Spark inlines every CTE: one statement with all the checks makes a plan so large that the
    # driver runs out of heap while planning it. One per view plans each view's checks together:
    # on the demo org through Spark Connect, 14 statements in 0.6-0.9x the time of one per check
    # (41 statements), with the same numbers (bench: --spark-connect).
    CHECKS_IN_ONE_STATEMENT = False
    CHECKS_PER_VIEW = (
        "one statement per view (Spark inlines every view and CTE: one statement with every check is "
        "a plan too large for its driver)"
    )
    IS_TRUE = "COALESCE(:x, FALSE)"
    IS_NOT_TRUE = "NOT COALESCE(:x, FALSE)"
    IS_NOT_FALSE = "COALESCE(:x, TRUE)"
    ID_ARRAY_AGG = "ARRAY_SORT(COLLECT_LIST(:x))"
    EMPTY_ID_ARRAY = "CAST(ARRAY() AS ARRAY<STRING>)"
    JSON_OBJECT_FN = "NAMED_STRUCT"
    # keep null fields ("accountId": null): Spark's TO_JSON drops them by default
    JSON_TO_TEXT = "TO_JSON(:x, MAP('ignoreNullFields', 'false'))"
    ISO8601 = "DATE_FORMAT(:x, 'yyyy-MM-dd\\'T\\'HH:mm:ss\\'Z\\'')"
    # NULL for anything but a JSON object
    JSON_IS_OBJECT = "COALESCE(JSON_OBJECT_KEYS(:x) IS NOT NULL, FALSE)"
    JSON_FIELD = "GET_JSON_OBJECT(:x, :p)"
    STRING_AGG = "ARRAY_JOIN(COLLECT_LIST(:x), :y)"
    ADD_MICROS = "TIMESTAMPADD(MICROSECOND, :y, :x)"
    JSON_KEY_COUNT = "SIZE(JSON_OBJECT_KEYS(:x))"
    GRANT_SELECT = "GRANT SELECT ON TABLE {view} TO {role}"
    GRANT_USAGE = "GRANT USAGE ON SCHEMA {schema} TO {role}"
    REVOKE_SELECT = "REVOKE SELECT ON TABLE {table} FROM {role}"
    # Unity Catalog's privileges
    GRANTS_NAME_DATABASE = True
    CS_SCHEMA = (
        "GRANT USE CATALOG ON CATALOG {database} TO {role}",
        "GRANT USE SCHEMA ON SCHEMA {schema} TO {role}",
    )
    CS_VIEW = "GRANT SELECT ON TABLE {view} TO {role}"
    CS_FUTURE = ()
    CS_SCRATCH = ("GRANT USE SCHEMA, CREATE TABLE ON SCHEMA {scratch} TO {role}",)
    REVOKE_CREATE = "REVOKE CREATE TABLE ON SCHEMA {schema} FROM {role}"

    def describe(
        self, view: exp.Table, description: str, columns: list[tuple[exp.Identifier, str]]
    ) -> list[str]:
        """The view's description as its comment property (Spark has no COMMENT ON a view, and
        no column comment on a view after its CREATE: its columns stay undescribed here)."""
        if not description:
            return []
        text = exp.Literal.string(description).sql(dialect="databricks")
        return [f"ALTER VIEW {self.sql_name(view)} SET TBLPROPERTIES ('comment' = {text})"]
