"""The validator is read only. Every statement it sends is parsed with sqlglot in the target's
dialect first, and refused unless it is exactly one query with no write anywhere inside it
(a data-modifying CTE, SELECT ... INTO, a command). On PostgreSQL the checks also run inside a
READ ONLY transaction, so the server refuses what a parser might miss."""

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
    return tree


def ensure_read_only(sql: str, dialect: str, what: str = "validator statement") -> str:
    parse_query(sql, dialect, what)
    return sql
