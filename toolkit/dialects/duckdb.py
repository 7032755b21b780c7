"""DuckDB: arrays are lists; no GRANT; DDL is transactional."""

from toolkit.dialects.base import TargetDialect


class DuckDB(TargetDialect):
    name = "duckdb"
    sqlglot_name = "duckdb"
    SUPPORTS_GRANTS = False
    SUPPORTS_TRANSACTIONAL_DDL = True
    ID_ARRAY_AGG = "ARRAY_AGG(:x ORDER BY :x)"
    EMPTY_ID_ARRAY = "CAST([] AS TEXT[])"
