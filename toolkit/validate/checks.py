"""The checks, as data: each is a name, a view, a default severity, the SQL that counts (a CTE
producing one row of metrics) and the SQL that samples failing values (bounded by sample_size).

`build_plan` assembles every enabled check into ONE read-only statement over shared CTEs, so
each view is read once for all its checks (dbt runs one query per test). Each check also keeps
a standalone statement computing its own numbers, which the report shows and which the
benchmark runs as the one-query-per-check baseline.

All SQL is canonical (sqlglot's default dialect) with quoted identifiers; the target dialect
module expands the placeholders (B2B_SF18) and sqlglot transpiles it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from sqlglot import exp

from toolkit.config.project import ProjectConfig
from toolkit.errors import ConfigError
from toolkit.render import ViewRenderer, ident, parse_table_name
from toolkit.source.crm import Crm

# every CRM's causes, in the order a miss is diagnosed; a CRM declares which of the CRM-specific
# ones apply (crm.yml: id_style salesforce -> salesforce_15_vs_18; former_ids.cause)
CAUSES = (
    "case_mismatch",
    "whitespace",
    "salesforce_15_vs_18",
    "converted_lead",
    "merged_contact",
    "email_as_id",
    "unknown",
)
FORMER_ID_CAUSES = ("converted_lead", "merged_contact")


def crm_causes(crm: Crm) -> tuple[str, ...]:
    """The causes a miss can have on this CRM, in diagnosis order: only those it declares (a
    Salesforce org never has a merged_contact, a HubSpot portal never a 15-char id)."""
    declared = {"salesforce_15_vs_18"} if crm.id_style == "salesforce" else set()
    declared |= {crm.former_id_cause} if crm.former_id_cause else set()
    return tuple(c for c in CAUSES if c not in {"salesforce_15_vs_18", *FORMER_ID_CAUSES} or c in declared)


PEOPLE = ("contacts", "leads")
VIEW_COLUMNS = {
    "contacts": (
        "user_id",
        "contact_id",
        "account_id",
        "converted_from_lead_id",
        "email",
        "is_person_account",
    ),
    "leads": ("user_id", "lead_id", "email"),
    "accounts": ("user_id", "account_id", "parent_account_id"),
    "opportunities": ("user_id", "opportunity_id", "account_id"),
    "users": ("user_id",),
}
GRAIN = {
    "contacts": ("user_id",),
    "leads": ("user_id",),
    "accounts": ("user_id", "account_id"),
    "opportunities": ("user_id", "opportunity_id"),
    "users": ("user_id",),
}
ID_COLUMNS = {
    "contacts": ("contact_id", "account_id", "converted_from_lead_id"),
    "leads": ("lead_id",),
    "accounts": ("account_id", "parent_account_id"),
    "opportunities": ("opportunity_id", "account_id"),
    "users": (),
}
DEFAULT_SEVERITY = {
    "user_id_not_null": "error",
    "grain_unique": "error",
    "user_id_format": "error",
    "user_id_in_platform": "error",
    "platform_coverage": "info",
    "converted_lead_duplicates": "warn",
    "orphan_contacts": "warn",
    "account_skew": "warn",
    "relationship_integrity": "warn",
    "salesforce_id_checksum": "warn",
    # on the CDI sync views (output.user_sync, output.catalogs)
    "sync_payload_object": "error",
    "sync_opportunity_ids": "error",
    "sync_updated_at": "error",
    "sync_identifier": "error",
    # on the source, not the views (toolkit.validate.source_checks)
    "source_drift": "error",
    "source_freshness": "warn",
}


# the CDI sync views: their identifier columns (one identifier type per view)
SYNC_IDENTIFIERS = {
    "cdi_user_attributes": None,  # external_id, or alias_name + alias_label (output.user_sync)
    "cdi_user_events": None,
    "cdi_accounts": ("id",),
    "cdi_catalog_accounts": ("id",),
    "cdi_catalog_opportunities": ("id",),
}


def lit(value: str) -> str:
    return exp.Literal.string(value).sql()


def q(name: str) -> str:
    return ident(name).sql()


@dataclass
class CheckSQL:
    name: str
    entity: str  # the view's entity
    severity: str
    metrics_cte: str  # name of the CTE with one row of metrics
    metrics: dict[str, str]  # CTE name -> SQL, in dependency order, that this check needs
    labels: tuple[str, ...]  # metric columns: 'total', 'failing' or diagnosis labels
    samples: list[str] = field(default_factory=list)  # SELECTs returning (label, value), already bounded
    needs: dict[str, str] = field(default_factory=dict)  # CTEs for the metrics and the samples


@dataclass
class Plan:
    checks: list[CheckSQL]
    ctes: dict[str, str]  # every CTE, in dependency order
    statement: str = ""  # canonical SQL of the combined statement

    def standalone(self, check: CheckSQL) -> str:
        """The check's own numbers, as one statement a user can rerun."""
        return _with(check.metrics, f"SELECT * FROM {check.metrics_cte}")

    def single(self, check: CheckSQL) -> str:
        """The check's numbers and samples, alone (for engines that run checks one by one)."""
        return combined_statement(Plan([check], check.needs))


def _with(ctes: dict[str, str], body: str) -> str:
    if not ctes:
        return body
    return "WITH " + ",\n".join(f"{name} AS (\n{sql}\n)" for name, sql in ctes.items()) + "\n" + body


class CheckBuilder:
    """Builds the checks for one project (and one CRM)."""

    def __init__(self, config: ProjectConfig, renderer: ViewRenderer, salesforce_ids: bool) -> None:
        self.config = config
        self.renderer = renderer
        self.salesforce_ids = salesforce_ids
        self.k = config.checks.sample_size
        self.ctes: dict[str, str] = {}

    # ---- CTEs ---------------------------------------------------------------------------
    def view_cte(self, entity: str) -> str:
        name = f"v_{entity}"
        if name not in self.ctes:
            cols = ", ".join(q(c) for c in VIEW_COLUMNS[entity])
            self.ctes[name] = f"SELECT {cols} FROM {self.renderer.view(entity).sql()}"
        return name

    @staticmethod
    def _shown(cols: tuple[str, ...]) -> str:
        """A sampled row's key columns as one text value, NULLs spelled out."""
        return " || ' / ' || ".join(f"COALESCE(CAST({q(c)} AS TEXT), 'NULL')" for c in cols)

    def _bad_format(self) -> str:
        u = q("user_id")
        controls = " OR ".join(f"POSITION(CHR({c}) IN {u}) > 0" for c in (9, 10, 13))
        return f"({u} <> TRIM({u}) OR {controls})"

    def _email_shaped(self) -> str:
        return f"{q('user_id')} LIKE '%_@_%._%'"

    def _bad_id_of(self, c: str) -> str:
        return f"(LENGTH({c}) = 15 OR (LENGTH({c}) = 18 AND SUBSTRING({c}, 16, 3) <> B2B_SF18_SUFFIX({c})))"

    def agg_cte(self, entity: str) -> str:
        name = f"agg_{entity}"
        if name not in self.ctes:
            v = self.view_cte(entity)
            parts = ["COUNT(*) AS total", f"COUNT({q('user_id')}) AS non_null"]
            if entity in PEOPLE:
                parts.append(f"COUNT(CASE WHEN {self._bad_format()} THEN 1 END) AS bad_format")
                parts.append(f"COUNT(CASE WHEN {self._email_shaped()} THEN 1 END) AS email_shaped")
            self.ctes[name] = f"SELECT {', '.join(parts)} FROM {v}"
        return name

    def keys_cte(self, entity: str) -> str:
        name = f"keys_{entity}"
        if name not in self.ctes:
            keys = ", ".join(q(c) for c in GRAIN[entity])
            self.ctes[name] = f"SELECT {keys}, COUNT(*) AS n FROM {self.view_cte(entity)} GROUP BY {keys}"
        return name

    def platform_cte(self) -> str:
        name = "platform"
        if name in self.ctes:
            return name
        ids = self.config.platform.external_ids
        if ids is None:
            raise ConfigError(
                "b2b_project.yml: platform.external_ids is not set; the platform checks need it",
                hint="set platform.external_ids.table and .column (or .query), or turn the checks off in checks.severity",
            )
        self.ctes[name] = self.platform_select()
        return name

    def platform_select(self) -> str:
        """The platform's external ids as a SELECT over its table (or query). Inline, where a
        planner needs the table's statistics: a CTE read many times is materialised on
        PostgreSQL, and its ids are then estimated at 200 distinct values (at 1M HubSpot
        contacts that put a nested loop of 20k merged contacts x 1M platform ids x 50 positions
        in validate, which ran past 12 minutes)."""
        ids = self.config.platform.external_ids
        assert ids is not None  # platform_cte() asked first
        col = exp.column(ident(ids.column), table=ident("ps")).sql()
        if ids.table is not None:
            source = parse_table_name(ids.table, "platform.external_ids.table").sql()
        else:
            source = f"({self._platform_query()})"
        return f"SELECT CAST({col} AS TEXT) AS external_id FROM {source} AS ps WHERE {col} IS NOT NULL"

    def _platform_query(self) -> str:
        from toolkit.validate.guard import parse_query

        query = self.config.platform.external_ids.query  # type: ignore[union-attr]
        # the user's own SQL, in their warehouse's dialect: parsed, checked read-only, re-emitted
        tree = parse_query(query or "", self.dialect_for_user_sql, "platform.external_ids.query")
        return tree.sql()

    dialect_for_user_sql = ""

    def people_cte(self) -> str:
        if "people" not in self.ctes:
            c, l_ = self.view_cte("contacts"), self.view_cte("leads")
            self.ctes["people"] = (
                f"SELECT 'contacts' AS entity, user_id, contact_id, email FROM {c} WHERE user_id IS NOT NULL\n"
                f"UNION ALL\nSELECT 'leads' AS entity, user_id, CAST(NULL AS TEXT) AS contact_id, email FROM {l_} WHERE user_id IS NOT NULL"
            )
        return "people"

    def diagnosed_cte(self) -> str:
        if "diagnosed" in self.ctes:
            return "diagnosed"
        p, pe = self.platform_cte(), self.people_cte()
        self.ctes["unmatched"] = (
            f"SELECT pe.* FROM {pe} AS pe WHERE NOT EXISTS (SELECT 1 FROM {p} AS p WHERE p.external_id = pe.user_id)"
        )
        # One small candidate set per cause: the platform keys that equal some unmatched id's key.
        # Each is a semi-join (IN) probing the platform ids with the few unmatched ones, then a
        # LEFT JOIN per cause. No correlated subquery inside CASE: Spark and Redshift reject or
        # mis-plan those.
        crm = self.renderer.crm
        former = crm.former_id_cause
        causes = [
            ("case_mismatch", "LOWER(p.external_id)", "LOWER(u.user_id)", "1 = 1"),
            ("whitespace", "TRIM(p.external_id)", "TRIM(u.user_id)", "1 = 1"),
        ]
        if self.salesforce_ids:
            causes += [
                ("sf15", "p.external_id", "SUBSTRING(u.user_id, 1, 15)", "LENGTH(u.user_id) = 18"),
                ("sf18", "SUBSTRING(p.external_id, 1, 15)", "u.user_id", "LENGTH(u.user_id) = 15"),
            ]
        if former:
            causes.append(("former", "", "u.contact_id", "u.contact_id IS NOT NULL"))
        causes.append(("email_as_id", "LOWER(p.external_id)", "LOWER(TRIM(u.email))", "u.email IS NOT NULL"))
        for name, pkey, ukey, guard in causes:
            if name == "former":
                # the contacts that had, before, an id the platform holds (a converted lead, a
                # merged contact; the old record may be gone from the CRM: its profile outlives it)
                former_ids = self.template_cte("former_ids")
                self.ctes[f"cand_{name}"] = (
                    f"SELECT DISTINCT fi.contact_id AS k FROM {former_ids} AS fi "
                    f"WHERE fi.former_id IN (SELECT p.external_id FROM ({self.platform_select()}) AS p) "
                    f"AND fi.contact_id IN (SELECT {ukey} FROM unmatched AS u WHERE {guard})"
                )
                continue
            extra = " AND LENGTH(p.external_id) = 18" if name == "sf18" else ""
            self.ctes[f"cand_{name}"] = (
                f"SELECT DISTINCT {pkey} AS k FROM {p} AS p WHERE {pkey} IN (SELECT {ukey} FROM unmatched AS u WHERE {guard}){extra}"
            )
        joins = "\n".join(
            f"LEFT JOIN cand_{name} AS c_{name} ON {guard} AND c_{name}.k = {ukey}"
            for name, _p, ukey, guard in causes
        )
        labels = {"sf15": "salesforce_15_vs_18", "sf18": "salesforce_15_vs_18", "former": former}
        # the first cause that fits, in the documented order (CAUSES)
        whens = "\n".join(
            f"  WHEN c_{name}.k IS NOT NULL THEN {lit(labels.get(name, name) or name)}" for name, *_ in causes
        )
        self.ctes["diagnosed"] = f"""SELECT u.entity, u.user_id, CASE
{whens}
  ELSE 'unknown'
END AS cause
FROM unmatched AS u
{joins}"""
        return "diagnosed"

    def template_cte(self, name: str) -> str:
        """A CTE from the CRM's checks/<name>.sql (it reads the CRM tables)."""
        if name not in self.ctes:
            template = self.renderer.env.get_template(f"checks/{name}.sql")
            self.ctes[name] = template.render(**self.renderer.context()).strip()
        return name

    def live_accounts_cte(self) -> str:
        return self.template_cte("live_accounts")

    def sync_identifiers(self, entity: str) -> tuple[str, ...]:
        fixed = SYNC_IDENTIFIERS[entity]
        if fixed:
            return fixed
        sync = self.config.output.user_sync
        return ("alias_name", "alias_label") if sync and sync.identifier == "alias" else ("external_id",)

    def sync_cte(self, entity: str) -> str:
        """One row of the sync view's shape metrics: every rule counted in one read of the view.
        The view is read once into flags (each rule as 1/0) and the identifier as the samples
        show it: the payload, the wide column, is tested once per row and never held for the
        samples (holding it cost a third of these statements on DuckDB at 10M contacts)."""
        name = f"sync_{entity}"
        if name in self.ctes:
            return name
        rules = self._sync_rules(entity)
        shown = self._shown(self.sync_identifiers(entity))
        flags = ", ".join(f"CASE WHEN {bad} THEN 1 ELSE 0 END AS {label}" for label, bad in rules.items())
        self.ctes[f"v_{entity}"] = f"SELECT {shown} AS shown, {flags} FROM {self.renderer.view(entity).sql()}"
        parts = [
            "COUNT(*) AS total",
            *(f"COUNT(CASE WHEN {label} = 1 THEN 1 END) AS {label}" for label in rules),
        ]
        self.ctes[name] = f"SELECT {', '.join(parts)} FROM v_{entity}"
        return name

    def _sync_rules(self, entity: str) -> dict[str, str]:
        """label -> the predicate of a failing row."""
        p = q("payload")
        rules = {"not_object": f"{p} IS NULL OR NOT B2B_JSON_IS_OBJECT({p})"}
        if entity == "cdi_user_attributes":
            # one id as the views carry it: 18 characters once converted, else the CRM's pattern
            one = "[A-Za-z0-9]{18}" if self.renderer.ids_to_18 else self.renderer.crm.id_pattern
            # a JSON array of ids, whatever spacing the engine writes: brackets tested by
            # position, the inside by a regex with no bracket or backslash to escape (Java's
            # regex, Spark's, reads `[]]` as an open class; Spark string literals eat backslashes)
            # read only from an object (extracting from a string that is not JSON raises)
            field = f"(CASE WHEN B2B_JSON_IS_OBJECT({p}) THEN B2B_JSON_FIELD({p}, 'opportunityIds') END)"
            inside = f"SUBSTRING({field}, 2, LENGTH({field}) - 2)"
            pattern = f'^ *("{one}" *(, *"{one}" *)*)?$'
            well_formed = (
                f"SUBSTRING({field}, 1, 1) = '[' "
                f"AND SUBSTRING({field}, LENGTH({field}), 1) = ']' AND REGEXP_LIKE({inside}, {lit(pattern)})"
            )
            if self.renderer.ledger_mode:
                # a ledger row carries only what changed: the ids when present, null when removed
                rules["bad_opportunity_ids"] = (
                    f"{field} IS NOT NULL AND {field} <> 'null' AND NOT ({well_formed})"
                )
            else:
                rules["bad_opportunity_ids"] = f"{field} IS NULL OR NOT ({well_formed})"
        u = q("updated_at")
        rules["bad_updated_at"] = f"{u} IS NULL OR {u} > CURRENT_TIMESTAMP"
        ids = self.sync_identifiers(entity)
        rules["bad_identifier"] = " OR ".join(f"{q(c)} IS NULL OR TRIM({q(c)}) = ''" for c in ids)
        return rules

    # ---- checks -------------------------------------------------------------------------
    def _needs(self, *names: str) -> dict[str, str]:
        """The CTEs these names depend on, in dependency order (all CTEs defined so far, filtered)."""
        wanted: set[str] = set()
        frontier = list(names)
        while frontier:
            n = frontier.pop()
            if n in wanted:
                continue
            wanted.add(n)
            frontier += [other for other in self.ctes if other != n and _refers(self.ctes[n], other)]
        return {n: s for n, s in self.ctes.items() if n in wanted}

    def _check(
        self, name: str, entity: str, metrics_sql: str, labels: tuple[str, ...], samples: list[str]
    ) -> CheckSQL:
        cte = f"m_{name}_{entity}"
        self.ctes[cte] = metrics_sql
        sampled = [n for n in self.ctes if any(_refers(sample, n) for sample in samples)]
        return CheckSQL(
            name,
            entity,
            DEFAULT_SEVERITY[name],
            cte,
            self._needs(cte),
            labels,
            samples,
            self._needs(cte, *sampled),
        )

    def _sample(
        self, label_sql: str, value_sql: str, source: str, where: str, order: str | None = None
    ) -> str:
        order = order or value_sql
        return f"SELECT {label_sql} AS label, CAST({value_sql} AS TEXT) AS value FROM {source} WHERE {where} ORDER BY {order} LIMIT {self.k}"

    def not_null(self, entity: str) -> CheckSQL:
        agg = self.agg_cte(entity)
        return self._check(
            "user_id_not_null",
            entity,
            f"SELECT total, total - non_null AS failing FROM {agg}",
            ("total", "failing"),
            [],
        )

    def grain(self, entity: str) -> CheckSQL:
        agg, keys = self.agg_cte(entity), self.keys_cte(entity)
        shown = self._shown(GRAIN[entity])
        return self._check(
            "grain_unique",
            entity,
            f"SELECT (SELECT total FROM {agg}) AS total, COALESCE(SUM(n) - COUNT(*), 0) AS failing FROM {keys}",
            ("total", "failing"),
            [self._sample("'duplicate_key'", shown, keys, "n > 1")],
        )

    def user_id_format(self, entity: str) -> CheckSQL:
        agg, v = self.agg_cte(entity), self.view_cte(entity)
        return self._check(
            "user_id_format",
            entity,
            f"SELECT non_null AS total, bad_format AS whitespace_or_control, email_shaped FROM {agg}",
            ("total", "whitespace_or_control", "email_shaped"),
            [
                self._sample(
                    f"CASE WHEN {self._bad_format()} THEN 'whitespace_or_control' ELSE 'email_shaped' END",
                    "user_id",
                    v,
                    f"{self._bad_format()} OR {self._email_shaped()}",
                )
            ],
        )

    def checksum(self, entity: str) -> CheckSQL:
        # Counts distinct ids (an account id repeats on every row of its people). The checksum is
        # the costly predicate: it runs once per distinct id, and only the bad ids are kept, for
        # the counts and the sample. It tests a value that depends on the group's count: a
        # predicate on the grouping column alone is pushed below the GROUP BY by the planners,
        # back onto every row and into the view (Spark then inlines the view's own 15->18
        # conversion into it: a plan of megabytes that ran a 1 GiB driver out of heap).
        agg, v = self.agg_cte(entity), self.view_cte(entity)
        cols = ID_COLUMNS[entity]
        bad = f"bad_ids_{entity}"
        kept = "(CASE WHEN d.n > 0 THEN d.value END)"
        self.ctes[bad] = "\nUNION ALL\n".join(
            f"SELECT {lit(c)} AS label, d.value FROM (SELECT {q(c)} AS value, COUNT(*) AS n FROM {v} GROUP BY {q(c)}) AS d "
            f"WHERE {self._bad_id_of(kept)}"
            for c in cols
        )
        metrics = ", ".join(f"COUNT(CASE WHEN label = {lit(c)} THEN 1 END) AS {q(c)}" for c in cols)
        return self._check(
            "salesforce_id_checksum",
            entity,
            f"SELECT (SELECT total FROM {agg}) AS total, {metrics} FROM {bad}",
            ("total", *cols),
            [self._sample("label", "value", bad, "1 = 1")],
        )

    def in_platform(self, entity: str) -> CheckSQL:
        agg, d = self.agg_cte(entity), self.diagnosed_cte()
        counts = ", ".join(f"COUNT(CASE WHEN d.cause = {lit(c)} THEN 1 END) AS {c}" for c in CAUSES)
        return self._check(
            "user_id_in_platform",
            entity,
            f"SELECT (SELECT non_null FROM {agg}) AS total, {counts} FROM {d} AS d WHERE d.entity = {lit(entity)}",
            ("total", *CAUSES),
            [self._sample("cause", "user_id", d, f"entity = {lit(entity)}")],
        )

    def coverage(self) -> CheckSQL:
        p, pe = self.platform_cte(), self.people_cte()
        self.ctes["no_person"] = (
            f"SELECT p.external_id FROM {p} AS p WHERE NOT EXISTS (SELECT 1 FROM {pe} AS pe WHERE pe.user_id = p.external_id)"
        )
        return self._check(
            "platform_coverage",
            "users",
            f"SELECT (SELECT COUNT(DISTINCT external_id) FROM {p}) AS total, COUNT(DISTINCT external_id) AS failing FROM no_person",
            ("total", "failing"),
            [self._sample("'no_person'", "external_id", "no_person", "1 = 1")],
        )

    def converted_duplicates(self) -> CheckSQL:
        c, l_, p = self.view_cte("contacts"), self.view_cte("leads"), self.platform_cte()
        in_leads = f"EXISTS (SELECT 1 FROM {l_} AS l WHERE l.lead_id = c.converted_from_lead_id)"
        self.ctes["dup"] = f"""SELECT c.user_id, 'lead_in_views' AS cause FROM {c} AS c
WHERE c.converted_from_lead_id IS NOT NULL AND {in_leads}
UNION ALL
SELECT c.user_id, 'both_in_platform' AS cause FROM {c} AS c
WHERE c.converted_from_lead_id IS NOT NULL AND NOT {in_leads}
  AND EXISTS (SELECT 1 FROM {p} AS p WHERE p.external_id = c.converted_from_lead_id)
  AND EXISTS (SELECT 1 FROM {p} AS p2 WHERE p2.external_id = c.user_id)"""
        return self._check(
            "converted_lead_duplicates",
            "contacts",
            f"SELECT (SELECT COUNT(*) FROM {c} WHERE converted_from_lead_id IS NOT NULL) AS total, "
            "COUNT(CASE WHEN cause = 'lead_in_views' THEN 1 END) AS lead_in_views, "
            "COUNT(CASE WHEN cause = 'both_in_platform' THEN 1 END) AS both_in_platform FROM dup",
            ("total", "lead_in_views", "both_in_platform"),
            [self._sample("cause", "user_id", "dup", "1 = 1")],
        )

    def orphans(self) -> CheckSQL:
        c, a, agg = self.view_cte("contacts"), self.view_cte("accounts"), self.agg_cte("contacts")
        self.ctes[
            "orphans"
        ] = f"""SELECT c.user_id, 'no_account' AS cause FROM {c} AS c WHERE c.account_id IS NULL
UNION ALL
SELECT c.user_id, 'missing_account' AS cause FROM {c} AS c
WHERE c.account_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM {a} AS a WHERE a.user_id = c.user_id AND a.account_id = c.account_id)"""
        return self._check(
            "orphan_contacts",
            "contacts",
            f"SELECT (SELECT total FROM {agg}) AS total, COUNT(CASE WHEN cause = 'no_account' THEN 1 END) AS no_account, "
            "COUNT(CASE WHEN cause = 'missing_account' THEN 1 END) AS missing_account FROM orphans",
            ("total", "no_account", "missing_account"),
            [self._sample("cause", "user_id", "orphans", "1 = 1")],
        )

    def skew(self) -> CheckSQL:
        c = self.view_cte("contacts")
        limit = int(self.config.checks.max_contacts_per_account)
        self.ctes["per_account"] = (
            f"SELECT account_id, COUNT(*) AS n FROM {c} WHERE account_id IS NOT NULL "
            "AND B2B_IS_NOT_TRUE(is_person_account) GROUP BY account_id"
        )
        return self._check(
            "account_skew",
            "accounts",
            f"SELECT COUNT(*) AS total, COUNT(CASE WHEN n > {limit} THEN 1 END) AS failing FROM per_account",
            ("total", "failing"),
            [
                self._sample(
                    "CAST(n AS TEXT)", "account_id", "per_account", f"n > {limit}", "n DESC, account_id"
                )
            ],
        )

    def integrity(self, entity: str) -> CheckSQL:
        v, live, agg = self.view_cte(entity), self.live_accounts_cte(), self.agg_cte(entity)
        col = "parent_account_id" if entity == "accounts" else "account_id"
        name = f"integrity_{entity}"
        self.ctes[name] = (
            f"SELECT {q('user_id')}, {q(col)} AS ref FROM {v} WHERE {q(col)} IS NOT NULL "
            f"AND NOT EXISTS (SELECT 1 FROM {live} AS la WHERE la.account_id = {v}.{q(col)})"
        )
        return self._check(
            "relationship_integrity",
            entity,
            f"SELECT (SELECT total FROM {agg}) AS total, COUNT(*) AS {q('missing_' + col)} FROM {name}",
            ("total", f"missing_{col}"),
            [self._sample(lit(f"missing_{col}"), "user_id || ' -> ' || ref", name, "1 = 1")],
        )

    def sync_check(self, name: str, entity: str) -> CheckSQL:
        label = {
            "sync_payload_object": "not_object",
            "sync_opportunity_ids": "bad_opportunity_ids",
            "sync_updated_at": "bad_updated_at",
            "sync_identifier": "bad_identifier",
        }[name]
        metrics = self.sync_cte(entity)
        return self._check(
            name,
            entity,
            f"SELECT total, {label} AS failing FROM {metrics}",
            ("total", "failing"),
            [self._sample(lit(label), "shown", f"v_{entity}", f"{label} = 1")],
        )


def sync_entities(config: ProjectConfig) -> list[str]:
    """The CDI sync views this project builds."""
    out = []
    if config.output.catalogs:
        out += ["cdi_catalog_accounts", "cdi_catalog_opportunities", "cdi_accounts"]
    if config.output.user_sync:
        out += ["cdi_user_attributes", "cdi_user_events"]
    return out


def _refers(sql: str, name: str) -> bool:
    import re

    return re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", sql) is not None


def check_names() -> tuple[str, ...]:
    return tuple(DEFAULT_SEVERITY)


def severities(config: ProjectConfig) -> dict[str, str]:
    out = dict(DEFAULT_SEVERITY)
    if config.identity.strategy == "email":
        out["user_id_format"] = "warn"  # the user chose email as the key: say so, do not fail
    for name, level in config.checks.severity.items():
        if name not in out:
            guess = difflib.get_close_matches(name, list(out), n=1)
            raise ConfigError(
                f"b2b_project.yml: checks.severity.{name}: unknown check",
                hint=f"did you mean {guess[0]!r}?" if guess else f"checks: {', '.join(out)}",
            )
        out[name] = level
    return out


def build_plan(
    config: ProjectConfig, renderer: ViewRenderer, salesforce_ids: bool, user_dialect: str
) -> Plan:
    levels = severities(config)
    b = CheckBuilder(config, renderer, salesforce_ids)
    b.dialect_for_user_sql = user_dialect
    on = lambda name: levels[name] != "off"  # noqa: E731
    checks: list[CheckSQL] = []
    entities = ("contacts", "leads", "accounts", "opportunities", "users")
    for e in entities:
        if on("user_id_not_null"):
            checks.append(b.not_null(e))
        if on("grain_unique"):
            checks.append(b.grain(e))
    for e in PEOPLE:
        if on("user_id_format"):
            checks.append(b.user_id_format(e))
        if on("user_id_in_platform"):
            checks.append(b.in_platform(e))
    if on("platform_coverage"):
        checks.append(b.coverage())
    if on("converted_lead_duplicates"):
        checks.append(b.converted_duplicates())
    if on("orphan_contacts"):
        checks.append(b.orphans())
    if on("account_skew"):
        checks.append(b.skew())
    if on("relationship_integrity"):
        checks += [b.integrity("accounts"), b.integrity("opportunities")]
    if on("salesforce_id_checksum") and salesforce_ids:
        checks += [b.checksum(e) for e in entities if ID_COLUMNS[e]]
    for e in sync_entities(config):
        for name in ("sync_payload_object", "sync_opportunity_ids", "sync_updated_at", "sync_identifier"):
            if on(name) and (name != "sync_opportunity_ids" or e == "cdi_user_attributes"):
                checks.append(b.sync_check(name, e))
    for c in checks:
        c.severity = levels[c.name]
    plan = Plan(checks, dict(b.ctes))
    plan.statement = combined_statement(plan)
    return plan


def grouped(plan: Plan) -> list[Plan]:
    """The checks in a few statements instead of one: a statement per view, and one per check
    that reads the platform's IDs (the match of both people views shares its diagnosis). Each view is
    still read once for all its checks; what a statement holds in memory (its CTEs, its GROUP
    BY hash tables) is one view's worth, not all of them at once."""
    groups: dict[str, list[CheckSQL]] = {}
    for c in plan.checks:
        # a check that reads the platform's IDs by its name: both views' user_id_in_platform
        # share the diagnosis; coverage and the converted-lead duplicates hash other things
        key = f"platform:{c.name}" if ("platform" in c.needs or "people" in c.needs) else c.entity
        groups.setdefault(key, []).append(c)
    out = []
    for checks in groups.values():
        wanted = {n for c in checks for n in c.needs}
        p = Plan(checks, {n: sql for n, sql in plan.ctes.items() if n in wanted})
        p.statement = combined_statement(p)
        out.append(p)
    return out


def combined_statement(plan: Plan) -> str:
    """One statement: every check's metrics unpivoted to (kind, check, entity, label, n, value)
    rows, plus the bounded samples. Rows returned: a few per check, whatever the data size."""
    branches: list[str] = []
    for c in plan.checks:
        for label in c.labels:
            branches.append(
                f"SELECT 'count' AS kind, {lit(c.name)} AS check_name, {lit(c.entity)} AS entity, {lit(label)} AS label, "
                f"CAST({q(label)} AS BIGINT) AS n, CAST(NULL AS TEXT) AS value FROM {c.metrics_cte}"
            )
        for s in c.samples:
            branches.append(
                f"SELECT 'sample', {lit(c.name)}, {lit(c.entity)}, s.label, CAST(NULL AS BIGINT), s.value FROM ({s}) AS s"
            )
    return _with(plan.ctes, "\nUNION ALL\n".join(branches))
