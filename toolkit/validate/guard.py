"""The validator is read only. Every statement it sends is parsed with sqlglot in the target's
dialect first, and refused unless it is exactly one query with no write anywhere inside it
(a data-modifying CTE, SELECT ... INTO, a command), that reads only tables and views, and that
calls only allowed functions. A read-only transaction does not stop a function with side
effects (PostgreSQL's dblink opens its own connection; lo_import writes; pg_read_file and
DuckDB's read_text read files), so functions are an allow-list on the tree:

- table sources: named tables and views (no table functions, no file paths or URLs), and
  UNNEST of a column;
- functions: those sqlglot models (pure scalar, aggregate and window functions), except the
  ones that read files, URLs or secrets or generate tables; plus the few engine functions the
  dialect modules emit that sqlglot does not model (ENGINE_FUNCTIONS). Any other call is
  refused, by name.

On PostgreSQL the checks also run inside a READ ONLY transaction, and on DuckDB the connection
has external access off, so the engine refuses what a parser might miss."""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from toolkit.errors import UnsafeSQLError

_WRITES: tuple[type[exp.Expr], ...] = (
    exp.Insert,
    exp.Update,
    exp.Delete,
    exp.Merge,
    exp.Create,
    exp.Drop,
    exp.Alter,
    exp.Command,
    exp.Into,
    exp.Grant,
    exp.TruncateTable,
    exp.Copy,
    exp.Transaction,
    exp.Commit,
    exp.Rollback,
    exp.Set,
    exp.Use,
)


# functions sqlglot models that reach outside the database, or generate rows as a table source
_DENIED_FUNCS: tuple[type[exp.Expr], ...] = tuple(
    getattr(exp, name)
    for name in (
        "ReadCSV",
        "ReadParquet",
        "ToFile",
        "Secret",
        "ParseUrl",
        "GenerateTable",
        "Generator",
        "SplitToTable",
        "XMLTable",
        "JSONTable",
        "GenerateSeries",
        "ExplodingGenerateSeries",
    )
    if hasattr(exp, name)
)
# engine functions sqlglot parses as anonymous calls, emitted by the dialect modules (JSON tests)
# or common in a platform-IDs query; lower-case names
ENGINE_FUNCTIONS = frozenset(
    {
        "json_valid",
        "json_typeof",
        "is_object",
        "isjson",
        "is_valid_json",
        "try_parse_json",
        "len",
        "nvl",
        "ifnull",
        # the JSON object builders of B2B_JSON_OBJECT (sync run --dry-run compares payloads)
        "json_object",
        "json_build_object",
        "object_construct_keep_null",
        "object",
        "named_struct",
        "json_serialize",
        "to_microseconds",
    }
)
# table sources that expand a column's value into rows (the sync preview counts payload keys)
_ROW_FUNCS: tuple[type[exp.Expr], ...] = tuple(
    getattr(exp, name) for name in ("Unnest", "Explode", "OpenJSON") if hasattr(exp, name)
)
ROW_FUNCTIONS = frozenset({"json_object_keys", "jsonb_object_keys"})
_PATHLIKE = ("/", "\\", ":", "~")
_FILE_SUFFIXES = (
    ".csv",
    ".tsv",
    ".parquet",
    ".json",
    ".jsonl",
    ".ndjson",
    ".txt",
    ".yml",
    ".yaml",
    ".gz",
    ".zst",
    ".xlsx",
    ".db",
    ".duckdb",
)


def _check_calls(tree: exp.Expr, what: str) -> None:
    for node in tree.walk():
        if isinstance(node, exp.Table):
            source = node.this
            if not isinstance(source, (exp.Identifier, *_ROW_FUNCS)) and not (
                isinstance(source, exp.Anonymous) and source.name.lower() in ROW_FUNCTIONS
            ):
                name = (
                    source.name
                    if isinstance(source, exp.Anonymous)
                    else (source.sql_name() if isinstance(source, exp.Func) else source.sql())
                )
                raise UnsafeSQLError(
                    f"{what}: reads from {name!r}, which is not a table or view; only tables and views may be read; refused"
                )
            table = node.name.lower()
            if any(c in table for c in _PATHLIKE) or table.endswith(_FILE_SUFFIXES):
                raise UnsafeSQLError(f"{what}: table name {node.name!r} looks like a file or URL; refused")
        elif isinstance(node, exp.Anonymous):
            if node.name.lower() not in ENGINE_FUNCTIONS | ROW_FUNCTIONS:
                raise UnsafeSQLError(
                    f"{what}: calls function {node.name!r}, which is not on the validator's allow-list "
                    "(sqlglot's modelled functions and a few engine JSON tests); refused"
                )
        elif isinstance(node, _DENIED_FUNCS):
            raise UnsafeSQLError(
                f"{what}: calls function {type(node).__name__!r}, which reads outside the database or generates a table; refused"
            )


def parse_query(sql: str, dialect: str, what: str) -> exp.Query:
    """Parse `sql` as exactly one read-only query, or raise UnsafeSQLError naming `what`."""
    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except (ParseError, TokenError) as exc:
        raise UnsafeSQLError(f"{what}: does not parse as {dialect} SQL: {str(exc).splitlines()[0]}") from None
    if len(statements) != 1:
        raise UnsafeSQLError(f"{what}: must be exactly one statement, found {len(statements)}; refused")
    tree = statements[0]
    if not isinstance(tree, exp.Query):
        raise UnsafeSQLError(
            f"{what}: only a SELECT may be sent by the validator, got {type(tree).__name__.upper()}; refused"
        )
    for node in tree.walk():
        if isinstance(node, _WRITES):
            raise UnsafeSQLError(f"{what}: contains a write ({type(node).__name__.upper()}); refused")
    _check_calls(tree, what)
    return tree


def ensure_read_only(sql: str, dialect: str, what: str = "validator statement") -> str:
    parse_query(sql, dialect, what)
    return sql
