"""Redshift: a Postgres relative without arrays in views (opportunity_ids is a JSON array string
built with LISTAGG), without FILTER clauses, and with late-binding views so that a view survives
its source tables being recreated by the sync tool.

LISTAGG: https://docs.aws.amazon.com/redshift/latest/dg/r_LISTAGG.html
Late-binding views: https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_VIEW.html
"""

from sqlglot import exp

from toolkit.dialects.postgres import Postgres


class Redshift(Postgres):
    name = "redshift"
    sqlglot_name = "redshift"
    HAS_ARRAYS = False
    MAX_IDENTIFIER_BYTES = 127
    # Redshift DDL is transactional, but late-binding views cannot be dropped and recreated
    # atomically with their grants in all cases; apply uses the same transaction as Postgres.
    ID_ARRAY_AGG = "'[' || LISTAGG('\"' || :x || '\"', ',') WITHIN GROUP (ORDER BY :x) || ']'"
    EMPTY_ID_ARRAY = "'[]'"
    # https://docs.aws.amazon.com/redshift/latest/dg/r_object_function.html
    JSON_OBJECT_FN = "OBJECT"
    JSON_TO_TEXT = "JSON_SERIALIZE(:x)"
    JSON_ARRAY_VALUE = "JSON_PARSE(:x)"
    JSON_IS_OBJECT = "IS_OBJECT(JSON_PARSE(:x))"
    JSON_FIELD = "JSON_EXTRACT_PATH_TEXT(:x, :k)"
    # no object-keys function: count `"key":` (exact for the flat attributes payload, unless a
    # value itself holds an escaped quote followed by a colon)
    STRING_AGG = "LISTAGG(:x, :y)"
    ADD_MICROS = "DATEADD(MICROSECOND, :y, :x)"
    JSON_KEY_COUNT = 'REGEXP_COUNT(:x, \'"[^"]*":\')'

    def create_view(self, name: exp.Table, query: exp.Expr) -> str:
        return super().create_view(name, query) + "\nWITH NO SCHEMA BINDING"
