"""PostgreSQL: text[] arrays; transactional DDL; CREATE OR REPLACE VIEW refuses a changed column
list, so apply drops and recreates inside its transaction instead."""

from toolkit.dialects.base import TargetDialect


class Postgres(TargetDialect):
    name = "postgres"
    sqlglot_name = "postgres"
    SUPPORTS_TRANSACTIONAL_DDL = True
    MAX_IDENTIFIER_BYTES = 63
    ID_ARRAY_AGG = "ARRAY_AGG(:x ORDER BY :x)"
    EMPTY_ID_ARRAY = "CAST(ARRAY[] AS TEXT[])"
    JSON_OBJECT_FN = "JSON_BUILD_OBJECT"
    ISO8601 = 'TO_CHAR(:x, \'YYYY-MM-DD"T"HH24:MI:SS"Z"\')'
    # a payload that is not JSON at all makes the cast fail: the check errors, naming the view
    JSON_IS_OBJECT = "JSON_TYPEOF(CAST(:x AS JSON)) = 'object'"
    JSON_FIELD = "CAST(CAST(:x AS JSON) -> :k AS TEXT)"
    JSON_KEY_COUNT = "(SELECT COUNT(*) FROM JSON_OBJECT_KEYS(CAST(:x AS JSON)))"
