"""Microsoft Fabric Warehouse (T-SQL): no boolean type (a predicate cannot be a select item), no
arrays (opportunity_ids is a JSON array string from STRING_AGG), no ARRAY_AGG, CREATE OR ALTER
VIEW, and collations that may be case-insensitive.

T-SQL surface area in Fabric: https://learn.microsoft.com/fabric/data-warehouse/tsql-surface-area
STRING_AGG: https://learn.microsoft.com/sql/t-sql/functions/string-agg-transact-sql
"""

from sqlglot import exp

from toolkit.dialects.base import TargetDialect


class Fabric(TargetDialect):
    name = "fabric"
    sqlglot_name = "tsql"
    HAS_ARRAYS = False
    MAX_IDENTIFIER_BYTES = 128 * 2  # sysname: 128 UTF-16 characters
    SUPPORTS_TRANSACTIONAL_DDL = True
    # Braze's connected sources are Snowflake, Redshift, BigQuery and Databricks
    CONNECTED_SOURCE = False
    # bit columns: no boolean tests in T-SQL
    IS_TRUE = "COALESCE(:x, 0) = 1"
    IS_NOT_TRUE = "COALESCE(:x, 0) = 0"
    IS_NOT_FALSE = "COALESCE(:x, 1) = 1"
    # a CASE cannot return a predicate; as a WHERE/ON conjunct, the OR filters the same rows
    OR_ELSE = "(:x OR :y)"
    ID_ARRAY_AGG = "'[' + STRING_AGG(CONCAT('\"', :x, '\"'), ',') WITHIN GROUP (ORDER BY :x) + ']'"
    EMPTY_ID_ARRAY = "'[]'"
    GRANT_SELECT = "GRANT SELECT ON {view} TO {role}"
    GRANT_USAGE = None

    JSON_ARRAY_VALUE = "JSON_QUERY(:x)"
    ISO8601 = "CONCAT(CONVERT(VARCHAR(19), :x, 126), 'Z')"
    JSON_IS_OBJECT = "CASE WHEN ISJSON(:x) = 1 AND LEFT(LTRIM(:x), 1) = '{' THEN 1 ELSE 0 END = 1"
    JSON_FIELD = "JSON_QUERY(:x, :p)"
    ADD_MICROS = "DATEADD(MICROSECOND, :y, :x)"
    JSON_KEY_COUNT = "(SELECT COUNT(*) FROM OPENJSON(:x))"

    def json_object(self, args: list[exp.Expr], as_text: bool = True) -> exp.Expr:
        # T-SQL (SQL Server 2022, Fabric): JSON_OBJECT('key': value, ...) returns the string itself
        pairs = [
            exp.JSONKeyValue(this=k.copy(), expression=v.copy())
            for k, v in zip(args[::2], args[1::2], strict=True)
        ]
        return exp.JSONObject(expressions=pairs)

    def fix(self, tree: exp.Expr) -> exp.Expr:
        def _bit(node: exp.Expr) -> exp.Expr:
            # a predicate as a select item becomes CAST(CASE WHEN p THEN 1 ELSE 0 END AS BIT)
            if isinstance(node, exp.Select):
                for i, item in enumerate(node.expressions):
                    inner = item.this if isinstance(item, exp.Alias) else item
                    if isinstance(inner, exp.Predicate):
                        as_bit = exp.cast(
                            exp.Case(
                                ifs=[exp.If(this=inner.copy(), true=exp.Literal.number(1))],
                                default=exp.Literal.number(0),
                            ),
                            exp.DataType.build("BIT", dialect="tsql"),
                        )
                        node.expressions[i] = (
                            exp.alias_(as_bit, item.alias) if isinstance(item, exp.Alias) else as_bit
                        )
            return node

        return tree.transform(_bit, copy=False)

    def describe(
        self, view: exp.Table, description: str, columns: list[tuple[exp.Identifier, str]]
    ) -> list[str]:
        return []  # Fabric's warehouse has no comments (extended properties are unsupported)
