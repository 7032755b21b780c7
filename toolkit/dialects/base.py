"""The base target dialect. Each warehouse gets a small subclass that overrides only what differs
(the sqlglot model: Redshift inherits from Postgres, Fabric from the base, and so on).

Templates are rendered to canonical SQL (sqlglot's default dialect) that may call a few
placeholder functions whose SQL differs by engine; `expand()` replaces them with this dialect's
own fragment, parsed in this dialect. Everything else is sqlglot's transpiler.

Placeholders:
  B2B_SF18(id)           the 18-char case-safe Salesforce id of a 15-char id (other lengths pass)
  B2B_SF18_SUFFIX(id)    the 3-char checksum of the first 15 chars of id (for validating 18-char ids)
  B2B_ID_ARRAY(id)       aggregate: the sorted, non-null ids of the group
  B2B_EMPTY_ID_ARRAY()   the empty value of B2B_ID_ARRAY's type
  B2B_JSON_OBJECT(k, v, ...)  a JSON object, as a string (one nested in another stays an object)
  B2B_JSON_ARRAY(ids)    an id array (B2B_ID_ARRAY's type) as a value inside B2B_JSON_OBJECT
  B2B_ISO8601(ts)        a timestamp as ISO 8601 text in UTC: 2024-01-31T09:00:00Z
  B2B_JSON_IS_OBJECT(s)  the string parses as a JSON object (validate)
  B2B_JSON_FIELD(s, 'k') the JSON text of the top-level key k of the JSON string s (validate)
  B2B_IS_TRUE(b), B2B_IS_NOT_TRUE(b), B2B_IS_NOT_FALSE(b)  boolean tests where NULL is neither
  B2B_STRING_AGG(s, sep) aggregate: the group's non-null strings joined by sep (any order; NULL if none)
  B2B_ADD_MICROS(ts, n)  the timestamp ts plus n microseconds (the sync ledger's UPDATED_AT)
  B2B_OR_ELSE(a, b)      a condition (a WHERE or ON conjunct): a, or else b, which is evaluated only
                         where a is not true. A boolean CASE: PostgreSQL estimates it at 1/2 (an OR
                         of two unknown equalities at 1/100), and DuckDB leaves it on the joined
                         pairs (`CASE ... END <> 0` it moved below a join, onto every row)
"""

from __future__ import annotations

from functools import cache
from typing import ClassVar, Literal, TypeVar

import sqlglot
from sqlglot import exp

from toolkit.errors import TemplateError

#: how ref_keys lays out a stored id's forms (TargetDialect.KEY_FORMS)
KeyForms = Literal["cross", "union"]

SF18_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
#: the stand-in function name of an 18-char conversion until generate() writes it out
LAZY_SF18 = "B2B_LAZY_SF18"

E = TypeVar("E", bound=exp.Expr)


def without_positions(tree: E) -> E:
    """`tree` without the parser's token positions (line, col, start, end: a dict on most
    identifiers), in place. Nothing reads them once a tree parsed; every copy of the tree
    deep-copies them one dict at a time, which was 40% of `b2b generate`'s compile time."""
    for node in tree.walk():
        node._meta = None
    return tree


def _atom(node: exp.Expr) -> exp.Expr:
    """`node`, parenthesised unless it reads as one unit wherever it is pasted."""
    if isinstance(node, exp.Column | exp.Cast | exp.Func | exp.Paren | exp.Literal):
        return node
    return exp.Paren(this=node)


def _closing_paren(sql: str, open_at: int) -> int:
    """The index of the parenthesis closing the one at `open_at`, skipping quoted text."""
    depth = 0
    i = open_at
    quote: str | None = None
    while i < len(sql):
        ch = sql[i]
        if quote:
            if ch == quote:
                if i + 1 < len(sql) and sql[i + 1] == quote:  # a doubled quote inside
                    i += 1
                else:
                    quote = None
            elif ch == "\\" and quote == "'":
                i += 1
        elif ch in ("'", '"', "`"):
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError(f"unbalanced {LAZY_SF18}( in generated SQL")


class TargetDialect:
    #: our name for the target (what `--dialect` takes and the folder under target/)
    name: ClassVar[str] = "base"
    #: sqlglot's name for the dialect
    sqlglot_name: ClassVar[str] = ""
    #: arrays are a real type (else opportunity_ids is a JSON array string)
    HAS_ARRAYS: ClassVar[bool] = True
    #: the engine has GRANT (DuckDB has not)
    SUPPORTS_GRANTS: ClassVar[bool] = True
    #: DDL can run inside a transaction that a failure rolls back
    SUPPORTS_TRANSACTIONAL_DDL: ClassVar[bool] = False
    #: the validator sends all its checks as one statement (shared CTEs, each view read once);
    #: False where the engine's planner cannot take it (Spark inlines every CTE): one per check,
    #: or one per view (CHECKS_PER_VIEW)
    CHECKS_IN_ONE_STATEMENT: ClassVar[bool] = True
    #: ...or in a few: one per view, one for the platform checks (each view still read once);
    #: where the engine runs in the client's process, its memory is the client's
    CHECKS_GROUPED: ClassVar[bool] = False
    #: where the planner takes one statement per view but not one with every check: why (the
    #: validator then always sends one per view, and the report says this)
    CHECKS_PER_VIEW: ClassVar[str | None] = None
    #: how the templates' ref_keys lays out the forms a stored id may take (sql/*/_people.sql):
    #: 'cross' (the relation read once, crossed with the forms; Spark needs it, PostgreSQL
    #: estimates it well) or 'union' (DuckDB: a UNION ALL over a CTE, so that its join order
    #: builds the hash tables on the small side; relation and role rows join converted)
    KEY_FORMS: ClassVar[KeyForms] = "cross"
    #: longest identifier, in bytes (None: no limit worth checking); longer names are refused,
    #: never truncated (PostgreSQL truncates silently, and two views could become one)
    MAX_IDENTIFIER_BYTES: ClassVar[int | None] = None
    #: fragments in this dialect, with :x as the argument
    ID_ARRAY_AGG: ClassVar[str] = "ARRAY_AGG(:x ORDER BY :x)"
    EMPTY_ID_ARRAY: ClassVar[str] = "ARRAY[]"
    #: boolean tests with NULL handled; `IS [NOT] TRUE` where the engine has it (it is estimable)
    IS_TRUE: ClassVar[str] = ":x IS TRUE"
    IS_NOT_TRUE: ClassVar[str] = ":x IS NOT TRUE"
    IS_NOT_FALSE: ClassVar[str] = ":x IS NOT FALSE"
    #: a condition: :x, or else :y (evaluated where :x is not true); in a WHERE or ON only
    OR_ELSE: ClassVar[str] = "CASE WHEN :x THEN TRUE ELSE :y END"
    #: JSON object builder (variadic key, value, ...) and how its result becomes a string
    JSON_OBJECT_FN: ClassVar[str] = "JSON_OBJECT"
    JSON_TO_TEXT: ClassVar[str] = "CAST(:x AS TEXT)"
    #: an id array as a JSON value (where arrays are JSON text already, the text parsed)
    JSON_ARRAY_VALUE: ClassVar[str] = ":x"
    #: a timestamp as ISO 8601 text (timestamps are taken as UTC, as the loaders write them)
    ISO8601: ClassVar[str] = "STRFTIME(:x, '%Y-%m-%dT%H:%M:%SZ')"
    #: validate: a string is a JSON object; the JSON text of a top-level key (:k the key, :p '$.key')
    JSON_IS_OBJECT: ClassVar[str] = "CASE WHEN JSON_VALID(:x) THEN JSON_TYPE(:x) = 'OBJECT' ELSE FALSE END"
    JSON_FIELD: ClassVar[str] = "CAST(JSON_EXTRACT(:x, :p) AS TEXT)"
    #: the sync ledger: an aggregate joining strings (:x) with a separator (:y); a timestamp (:x)
    #: plus :y microseconds
    STRING_AGG: ClassVar[str] = "STRING_AGG(:x, :y)"
    ADD_MICROS: ClassVar[str] = ":x + :y * INTERVAL '1 microsecond'"
    #: sync preview: how many top-level keys a JSON object string has (its attributes)
    JSON_KEY_COUNT: ClassVar[str] = "LEN(JSON_KEYS(:x))"
    #: a grant statement, with {view} and {role} replaced by sqlglot-quoted identifiers
    GRANT_SELECT: ClassVar[str] = "GRANT SELECT ON {view} TO {role}"
    GRANT_USAGE: ClassVar[str | None] = "GRANT USAGE ON SCHEMA {schema} TO {role}"
    #: `b2b connect check`'s fixes for an excess privilege: reading a table, creating in a schema
    REVOKE_SELECT: ClassVar[str] = "REVOKE SELECT ON {table} FROM {role}"
    REVOKE_CREATE: ClassVar[str] = "REVOKE CREATE ON SCHEMA {schema} FROM {role}"

    # ---- fragments -------------------------------------------------------------------------
    @classmethod
    @cache
    def _fragment(cls, sql: str) -> exp.Expr:
        return without_positions(sqlglot.parse_one(sql, read=cls.sqlglot_name))

    def fragment(self, sql: str, **args: exp.Expr) -> exp.Expr:
        return exp.replace_placeholders(self._fragment(sql), **args)  # it copies

    def sf18(self, id_expr: exp.Expr) -> exp.Expr:
        """The 18-char id of `id_expr` (built once per dialect, then copied with the argument in)."""
        return exp.replace_placeholders(self._sf18_template(), x=id_expr)  # it copies

    def sf18_suffix(self, id_expr: exp.Expr) -> exp.Expr:
        return exp.replace_placeholders(self._suffix_template(), x=id_expr)  # it copies

    @classmethod
    @cache
    def _sf18_template(cls) -> exp.Expr:
        x = exp.Placeholder(this="x")
        is_15 = exp.EQ(this=exp.Length(this=x.copy()), expression=exp.Literal.number(15))
        full = exp.DPipe(this=x.copy(), expression=cls._build_suffix(x), safe=True)
        return exp.Case(ifs=[exp.If(this=is_15, true=full)], default=x.copy())

    @classmethod
    @cache
    def _suffix_template(cls) -> exp.Expr:
        return cls._build_suffix(exp.Placeholder(this="x"))

    @staticmethod
    def _build_suffix(id_expr: exp.Expr) -> exp.Expr:
        """The checksum of the first 15 chars. Uppercase is tested by character code, never by a
        collation-dependent comparison (`c BETWEEN 'A' AND 'Z'` is wrong under a
        case-insensitive collation)."""
        suffix: list[exp.Expr] = []
        for group in range(3):
            bits: exp.Expr = exp.Literal.number(0)
            for j in range(5):
                pos = group * 5 + j + 1
                char_code = exp.func(
                    "ASCII",
                    exp.Substring(
                        this=id_expr.copy(), start=exp.Literal.number(pos), length=exp.Literal.number(1)
                    ),
                )
                is_upper = exp.Between(
                    this=char_code, low=exp.Literal.number(65), high=exp.Literal.number(90)
                )
                term = exp.Case(
                    ifs=[exp.If(this=is_upper, true=exp.Literal.number(2**j))], default=exp.Literal.number(0)
                )
                bits = term if j == 0 else exp.Add(this=bits, expression=term)
            suffix.append(
                exp.Substring(
                    this=exp.Literal.string(SF18_ALPHABET),
                    start=exp.Add(this=exp.Paren(this=bits), expression=exp.Literal.number(1)),
                    length=exp.Literal.number(1),
                )
            )
        out: exp.Expr = suffix[0]
        for part in suffix[1:]:
            out = exp.DPipe(this=out, expression=part, safe=True)
        return out

    def json_object(self, args: list[exp.Expr], as_text: bool = True) -> exp.Expr:
        built = exp.Anonymous(this=self.JSON_OBJECT_FN, expressions=[a.copy() for a in args])
        return self.fragment(self.JSON_TO_TEXT, x=built) if as_text else built

    def json_field(self, doc: exp.Expr, key: exp.Expr) -> exp.Expr:
        path = exp.Literal.string(f"$.{key.name}")
        return self.fragment(self.JSON_FIELD, x=doc, k=key.copy(), p=path)

    def id_array_agg(self, id_expr: exp.Expr) -> exp.Expr:
        return self.fragment(self.ID_ARRAY_AGG, x=id_expr)

    def empty_id_array(self) -> exp.Expr:
        return self.fragment(self.EMPTY_ID_ARRAY)

    # ---- tree transforms ------------------------------------------------------------------
    def expand(self, tree: exp.Expr) -> exp.Expr:
        """Replace the placeholder functions, then apply this dialect's fixes."""

        def sub(arg: exp.Expr) -> exp.Expr:
            """An argument with its own placeholders replaced, in place (the tree is ours)."""
            return arg.transform(_swap, copy=False)

        def _swap(node: exp.Expr) -> exp.Expr:
            if isinstance(node, exp.Anonymous):
                fname = node.name.upper()
                args = node.expressions
                if fname == "B2B_SF18":
                    # a stand-in call, written out as text after generation (generate()): the
                    # conversion is ~100 nodes, and generating it per call dominated generate
                    return exp.Anonymous(this=LAZY_SF18, expressions=[_atom(sub(args[0]))])
                if fname == "B2B_SF18_SUFFIX":
                    return self.sf18_suffix(args[0])
                if fname == "B2B_ID_ARRAY":
                    return self.id_array_agg(args[0])
                if fname == "B2B_EMPTY_ID_ARRAY":
                    return self.empty_id_array()
                tests = {
                    "B2B_IS_TRUE": self.IS_TRUE,
                    "B2B_IS_NOT_TRUE": self.IS_NOT_TRUE,
                    "B2B_IS_NOT_FALSE": self.IS_NOT_FALSE,
                }
                if fname in tests:
                    return self.fragment(tests[fname], x=sub(args[0]))
                if fname == "B2B_OR_ELSE":
                    return self.fragment(self.OR_ELSE, x=sub(args[0]), y=sub(args[1]))
                if fname == "B2B_JSON_OBJECT":
                    # its arguments may hold placeholders too; transform() does not revisit them.
                    # An object nested in another stays a JSON value (not its text).
                    inner = [
                        self.json_object([sub(v) for v in a.expressions], as_text=False)
                        if isinstance(a, exp.Anonymous) and a.name.upper() == "B2B_JSON_OBJECT"
                        else sub(a)
                        for a in args
                    ]
                    return self.json_object(inner)
                values = {
                    "B2B_JSON_ARRAY": self.JSON_ARRAY_VALUE,
                    "B2B_ISO8601": self.ISO8601,
                    "B2B_JSON_IS_OBJECT": self.JSON_IS_OBJECT,
                    "B2B_JSON_KEY_COUNT": self.JSON_KEY_COUNT,
                }
                if fname in values:
                    return self.fragment(values[fname], x=sub(args[0]))
                pairs = {"B2B_STRING_AGG": self.STRING_AGG, "B2B_ADD_MICROS": self.ADD_MICROS}
                if fname in pairs:
                    return self.fragment(pairs[fname], x=_atom(sub(args[0])), y=_atom(sub(args[1])))
                if fname == "B2B_JSON_FIELD":
                    return self.json_field(sub(args[0]), args[1])
            return node

        return self.fix(sub(tree))  # callers pass a tree they own

    def fix(self, tree: exp.Expr) -> exp.Expr:
        """Dialect-specific rewrites sqlglot does not do by itself. Default: none."""
        return tree

    # ---- DDL ------------------------------------------------------------------------------
    def generate(self, tree: exp.Expr, pretty: bool = True) -> str:
        # copy=False: callers hand over trees they own; copying big trees dominated generate time
        try:
            sql = tree.sql(
                dialect=self.sqlglot_name,
                pretty=pretty,
                unsupported_level=sqlglot.ErrorLevel.RAISE,
                copy=False,
            )
        except sqlglot.errors.UnsupportedError as exc:
            # a construct this engine has no form for: a clear exit 2, never a traceback (exit 1
            # would read as "a check failed")
            raise TemplateError(
                f"cannot express this statement in {self.name}: {str(exc).splitlines()[0]}",
                hint=f"leave {self.name} out of --dialect, or override the template that uses it in a templates_dir",
            ) from None
        return self._write_sf18(sql) if LAZY_SF18 in sql else sql

    @classmethod
    @cache
    def _sf18_text(cls) -> tuple[str, str]:
        """The conversion as text in this dialect, around a marker column for its argument."""
        marker = "b2b_sf18_argument_marker"
        tree = exp.replace_placeholders(cls._sf18_template(), x=exp.column(marker))
        text = tree.sql(dialect=cls.sqlglot_name, unsupported_level=sqlglot.ErrorLevel.RAISE)
        return text, marker

    def _write_sf18(self, sql: str) -> str:
        """Replace each LAZY_SF18(arg) with the conversion's text, the argument's text in it.
        The argument is an atom (a column, a cast, a function call or a parenthesised
        expression: see _atom), so it reads the same wherever the conversion puts it."""
        text, marker = self._sf18_text()
        out: list[str] = []
        i = 0
        opening = LAZY_SF18 + "("
        while (start := sql.find(opening, i)) >= 0:
            end = _closing_paren(sql, start + len(opening) - 1)
            arg = self._write_sf18(sql[start + len(opening) : end])
            out.append(sql[i:start])
            out.append(text.replace(marker, arg))
            i = end + 1
        out.append(sql[i:])
        return "".join(out)

    def create_view(self, name: exp.Table, query: exp.Expr) -> str:
        create = exp.Create(this=name, kind="VIEW", replace=True, expression=query)
        return self.generate(create)

    def create_schema(self, schema: exp.Table) -> str:
        return self.generate(exp.Create(this=schema, kind="SCHEMA", exists=True), pretty=False)

    def quote(self, name: str) -> str:
        return exp.to_identifier(name).sql(dialect=self.sqlglot_name)

    def principal(self, role: str) -> str:
        """How a grantee is written: a quoted identifier, unless the engine wants a string."""
        return self.quote(role)

    def string_literal(self, text: str) -> str:
        return exp.Literal.string(text).sql(dialect=self.sqlglot_name)

    def describe(
        self, view: exp.Table, description: str, columns: list[tuple[exp.Identifier, str]]
    ) -> list[str]:
        """Statements that give the view's columns their docs (the view's own description is its
        comment, which also holds the fingerprint: Adapter.set_fingerprint)."""
        out = []
        for ident, doc in columns:
            column = exp.Column(
                this=ident.copy(),
                table=view.this.copy(),
                db=view.args["db"].copy() if view.args.get("db") else None,
                catalog=view.args["catalog"].copy() if view.args.get("catalog") else None,
            )
            out.append(
                f"COMMENT ON COLUMN {column.sql(dialect=self.sqlglot_name)} IS {self.string_literal(doc)}"
            )
        return out

    def sql_name(self, table: exp.Table) -> str:
        return table.sql(dialect=self.sqlglot_name)

    #: Braze can connect to this engine as a connected source, and it has the grants for it
    CONNECTED_SOURCE: ClassVar[bool] = True
    #: its grants name schemas under their database (Snowflake) or catalog (Unity Catalog)
    GRANTS_NAME_DATABASE: ClassVar[bool] = False

    #: Braze's connected source, as templates with {role}, {database}, {warehouse}, {schema},
    #: {view}, {scratch}: what the role needs on the views' schema (a statement naming
    #: {database} or {warehouse} only when there is one), on each view, on views added later,
    #: and on the scratch schema (created first when it is another). PostgreSQL's and Redshift's
    CS_SCHEMA: ClassVar[tuple[str, ...]] = ("GRANT USAGE ON SCHEMA {schema} TO {role}",)
    CS_VIEW: ClassVar[str | None] = "GRANT SELECT ON {view} TO {role}"
    CS_FUTURE: ClassVar[tuple[str, ...]] = (
        "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT ON TABLES TO {role}",
    )
    CS_SCRATCH: ClassVar[tuple[str, ...]] = ("GRANT USAGE, CREATE ON SCHEMA {scratch} TO {role}",)

    def connected_source_grants(
        self,
        views: list[exp.Table],
        schema: exp.Table,
        scratch: exp.Table,
        role: str,
        warehouse: str | None = None,
    ) -> list[str]:
        """What Braze's connected-source role needs, and nothing more: read the views (and views
        added later), create its per-segment result tables in the scratch schema (created here
        when absent). Names are quoted by sqlglot; a repeated statement is sent once."""
        database = schema.args.get("db")
        names = {
            "role": self.principal(role),
            "schema": self.sql_name(schema),
            "scratch": self.sql_name(scratch),
            "database": self.sql_name(exp.Table(this=database.copy())) if database is not None else None,
            "warehouse": self.quote(warehouse) if warehouse else None,
        }

        def fill(templates: tuple[str, ...]) -> list[str]:
            return [
                t.format(**names)
                for t in templates
                if all(names[k] is not None for k in ("database", "warehouse") if "{" + k + "}" in t)
            ]

        out = fill(self.CS_SCHEMA)
        if self.CS_VIEW:
            out += [self.CS_VIEW.format(view=self.sql_name(v), role=names["role"]) for v in views]
        out += fill(self.CS_FUTURE)
        if names["scratch"] != names["schema"]:
            out.append(self.create_schema(scratch))
        return list(dict.fromkeys(out + fill(self.CS_SCRATCH)))

    def grants(self, views: list[exp.Table], schema: exp.Table, roles: list[str]) -> list[str]:
        if not self.SUPPORTS_GRANTS:
            return []
        out: list[str] = []
        for role in roles:
            r = self.principal(role)
            if self.GRANT_USAGE:
                out.append(self.GRANT_USAGE.format(schema=schema.sql(dialect=self.sqlglot_name), role=r))
            for view in views:
                out.append(self.GRANT_SELECT.format(view=view.sql(dialect=self.sqlglot_name), role=r))
        return out
