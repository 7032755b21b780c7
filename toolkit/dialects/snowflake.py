"""Snowflake: ARRAY_AGG ... WITHIN GROUP; grants to roles; DDL auto-commits (no transaction),
so apply creates new views under temporary names and swaps them in."""

from sqlglot import exp

from toolkit.dialects.base import TargetDialect


class Snowflake(TargetDialect):
    name = "snowflake"
    MAX_IDENTIFIER_BYTES = 255
    sqlglot_name = "snowflake"
    IS_TRUE = "COALESCE(:x, FALSE)"
    IS_NOT_TRUE = "NOT COALESCE(:x, FALSE)"
    IS_NOT_FALSE = "COALESCE(:x, TRUE)"
    ID_ARRAY_AGG = "ARRAY_AGG(:x) WITHIN GROUP (ORDER BY :x)"
    EMPTY_ID_ARRAY = "ARRAY_CONSTRUCT()"
    JSON_OBJECT_FN = "OBJECT_CONSTRUCT_KEEP_NULL"
    JSON_TO_TEXT = "TO_JSON(:x)"
    # date and time formatted apart: a quoted "T" inside one format does not survive sqlglot's
    # round trip (nor fakesnow's translation)
    ISO8601 = "TO_CHAR(CAST(:x AS TIMESTAMP), 'YYYY-MM-DD') || 'T' || TO_CHAR(CAST(:x AS TIMESTAMP), 'HH24:MI:SS') || 'Z'"
    # parsed, and its canonical text is an object (IS_OBJECT would say it directly; fakesnow,
    # the tests' Snowflake, lacks it)
    JSON_IS_OBJECT = "COALESCE(LEFT(TO_JSON(TRY_PARSE_JSON(:x)), 1) = '{', FALSE)"
    JSON_FIELD = "TO_JSON(GET(TRY_PARSE_JSON(:x), :k))"
    STRING_AGG = "LISTAGG(:x, :y)"
    ADD_MICROS = "TIMESTAMPADD(MICROSECOND, :y, :x)"
    JSON_KEY_COUNT = "ARRAY_SIZE(OBJECT_KEYS(PARSE_JSON(:x)))"
    GRANT_SELECT = "GRANT SELECT ON VIEW {view} TO ROLE {role}"
    GRANT_USAGE = "GRANT USAGE ON SCHEMA {schema} TO ROLE {role}"
    REVOKE_SELECT = "REVOKE SELECT ON TABLE {table} FROM ROLE {role}"
    GRANTS_NAME_DATABASE = True
    CS_SCHEMA = (
        "GRANT USAGE ON DATABASE {database} TO ROLE {role}",
        "GRANT USAGE ON WAREHOUSE {warehouse} TO ROLE {role}",
        "GRANT USAGE ON SCHEMA {schema} TO ROLE {role}",
    )
    CS_VIEW = "GRANT SELECT ON VIEW {view} TO ROLE {role}"
    CS_FUTURE = ("GRANT SELECT ON FUTURE VIEWS IN SCHEMA {schema} TO ROLE {role}",)
    CS_SCRATCH = (
        "GRANT USAGE ON SCHEMA {scratch} TO ROLE {role}",
        "GRANT CREATE TABLE ON SCHEMA {scratch} TO ROLE {role}",
    )
    REVOKE_CREATE = "REVOKE CREATE TABLE, CREATE VIEW ON SCHEMA {schema} FROM ROLE {role}"

    def string_literal(self, text: str) -> str:
        # a quote doubled, not backslash-escaped (sqlglot's form): both are Snowflake's, and the
        # doubled one also survives fakesnow's translation (the tests' Snowflake)
        return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"

    def create_view(self, name: exp.Table, query: exp.Expr) -> str:
        # COPY GRANTS: a replaced view keeps its grants (Braze's role, and any a DBA gave), so a
        # reader is never refused between the replace and apply's grants (DDL auto-commits here)
        create = exp.Create(
            this=name,
            kind="VIEW",
            replace=True,
            expression=query,
            properties=exp.Properties(expressions=[exp.CopyGrantsProperty()]),
        )
        return self.generate(create)
