"""`b2b demo`: a synthetic org in an embedded DuckDB, then generate, apply, count (and validate
and preview a segment, once those exist), saying where everything is."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.config.profiles import PROFILES_FILE
from toolkit.config.project import PROJECT_FILE
from toolkit.demo import hubspot_org
from toolkit.demo.synthetic import Manifest, build
from toolkit.scaffold import profiles_yaml, project_yaml

DEMO_DB = "demo.duckdb"


@dataclass
class DemoResult:
    directory: Path
    database: Path
    manifest: Manifest | hubspot_org.HubSpotManifest
    generated: list[Path] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    validation: dict[str, Any] = field(default_factory=dict)
    report: Any = None
    segment: Any = None
    sync: Any = None
    ledger: Any = None  # the sync ledger's first run (output.user_sync.mode: ledger)


DEMO_SEGMENTS = """
segments:
  software_open_pipeline:
    description: Contacts at Software accounts with more than 1,000 employees and an open opportunity over 50k
    where:
      all:
        - {field: person.person_type, eq: contact}
        - {field: account.industry, eq: Software}
        - {field: account.number_of_employees, gt: 1000}
        - {field: opportunity.is_closed, eq: false}
        - {field: opportunity.amount, gt: 50000}
  emea_event_leads:
    description: Open leads from events in EMEA
    where:
      all:
        - {field: person.person_type, eq: lead}
        - {field: lead.lead_source, eq: Event}
        - {field: lead.country, in: [GB, DE, FR, NL, ES, IT]}
  no_open_pipeline:
    description: Contacts with an account and no open opportunity (their account's or through a contact role)
    where:
      all:
        - {field: person.person_type, eq: contact}
        - {field: person.account_id, is_null: false}
        - not: {field: opportunity.is_closed, eq: false}
  vp_mid_market:
    description: VPs at accounts with 1M-5M revenue and at most 4,000 employees
    where:
      all:
        - {field: contact.title, contains: vp}
        - {field: account.annual_revenue, between: [1000000, 5000000]}
        - {field: account.number_of_employees, lte: 4000}
  nurture_or_japan:
    description: Nurturing leads outside retail and media, or contacts in Japan not at partners
    where:
      any:
        - all:
            - {field: lead.status, eq: Nurturing}
            - {field: lead.industry, not_in: [Retail, Media]}
        - all:
            - {field: contact.country, eq: JP}
            - {field: account.account_type, ne: Partner}
  closing_in_q2:
    description: People with an opportunity closing in Q2 2025 (and a hostile literal that stays a literal)
    where:
      all:
        - {field: opportunity.close_date, gte: 2025-04-01}
        - {field: opportunity.close_date, lt: 2025-07-01}
        - {field: opportunity.stage_name, ne: "x' OR '1'='1"}
        - {field: person.email, is_null: false}
  target_accounts:
    kind: accounts
    description: Software and financial-services companies with open pipeline, for a LinkedIn company list
    where:
      all:
        - {field: account.industry, in: [Software, Financial Services]}
        - {field: opportunity.is_closed, eq: false}
"""


# the same six people segments and the accounts segment, in a HubSpot portal's values (lead
# source, lifecycle stages, company types, the synthetic portal's close dates)
DEMO_SEGMENTS_HUBSPOT = (
    DEMO_SEGMENTS.replace("Open leads from events in EMEA", "Open leads from offline sources in EMEA")
    .replace("{field: lead.lead_source, eq: Event}", "{field: lead.lead_source, eq: OFFLINE}")
    .replace("Nurturing leads outside", "Marketing-qualified leads outside")
    .replace("{field: lead.status, eq: Nurturing}", "{field: lead.status, eq: marketingqualifiedlead}")
    .replace("not at partners", "not at partner companies")
    .replace("{field: account.account_type, ne: Partner}", "{field: account.account_type, ne: PARTNER}")
    .replace("closing in Q2 2025", "closing in Q2 2023")
    .replace("gte: 2025-04-01}", "gte: 2023-04-01}")
    .replace("lt: 2025-07-01}", "lt: 2023-07-01}")
)


@dataclass(frozen=True)
class DemoOrg:
    """One CRM's synthetic org for `b2b demo`: what builds it and the project written over it."""

    what: str  # for the progress line
    build: Callable[[Any, int], Manifest | hubspot_org.HubSpotManifest]
    project: dict[str, str]  # project_yaml() arguments
    segments: str
    drop: str = ""  # a scaffold line that does not apply to this CRM


DEMO_ORGS = {
    "salesforce": DemoOrg(
        "Salesforce org",
        build,
        {"name": "demo", "extra_fields": "  account: {territory: territory__c}\n"},
        DEMO_SEGMENTS,
    ),
    "hubspot": DemoOrg(
        "HubSpot portal",
        hubspot_org.build,
        {
            "name": "demo_hubspot",
            "crm": "hubspot",
            "source_schema": "hubspot",
            "extra_fields": "  account: {}\n",
        },
        DEMO_SEGMENTS_HUBSPOT,
        drop="  salesforce_ids: to_18            # to_18 | keep\n",
    ),
}


def write_demo_project(
    directory: Path,
    max_contacts: int = 1000,
    catalogs: bool = True,
    user_sync: bool = True,
    crm: str = "salesforce",
) -> None:
    org = DEMO_ORGS[crm]
    directory.mkdir(parents=True, exist_ok=True)
    text = project_yaml(**org.project, max_contacts=max_contacts)  # type: ignore[arg-type]
    text = _copy_path(text.replace(org.drop, "") if org.drop else text, catalogs, user_sync)
    (directory / PROJECT_FILE).write_text(text + org.segments, encoding="utf-8")
    (directory / PROFILES_FILE).write_text(profiles_yaml(DEMO_DB), encoding="utf-8")


def _copy_path(text: str, catalogs: bool, user_sync: bool) -> str:
    """Turn the scaffold's copy-path keys on: output.catalogs, output.user_sync."""
    if catalogs:
        text = text.replace("  catalogs: false", "  catalogs: true")
    if user_sync:
        text = text.replace(
            "  # user_sync:                     # the CDI user sync: profile attributes + account_linked events\n"
            "  #   identifier: external_id",
            "  user_sync:                       # the CDI user sync: profile attributes + account_linked events\n"
            "    identifier: external_id  ",
        )
    return text


def build_demo_database(
    path: Path, contacts: int, crm: str = "salesforce"
) -> Manifest | hubspot_org.HubSpotManifest:
    import duckdb

    if path.exists():
        path.unlink()
    wal = path.with_name(path.name + ".wal")
    if wal.exists():
        wal.unlink()
    con = duckdb.connect(str(path))
    try:
        return DEMO_ORGS[crm].build(con, contacts)
    finally:
        con.close()


def run_demo(
    directory: Path,
    contacts: int,
    step: Callable[[str], None] = lambda _: None,
    crm: str = "salesforce",
) -> DemoResult:
    from toolkit.apply import apply
    from toolkit.context import ProjectContext
    from toolkit.dialects import TARGETS
    from toolkit.transpile import compile_views, write_views

    directory = directory.resolve()
    timings: dict[str, float] = {}
    t = time.perf_counter()
    write_demo_project(directory, crm=crm)
    step(f"building a synthetic {DEMO_ORGS[crm].what} with {contacts:,} contacts in {directory / DEMO_DB}")
    manifest = build_demo_database(directory / DEMO_DB, contacts, crm)
    timings["build"] = time.perf_counter() - t

    ctx = ProjectContext(directory)
    t = time.perf_counter()
    step("generating the views for every dialect")
    generated = write_views(compile_views(ctx, list(TARGETS)), directory / "target")
    timings["generate"] = time.perf_counter() - t

    t = time.perf_counter()
    step("applying the views to the demo warehouse")
    apply(ctx)
    timings["apply"] = time.perf_counter() - t
    ledger = None
    if ctx.config.output.user_sync and ctx.config.output.user_sync.mode == "ledger":
        from toolkit.ledger.run import sync_run

        t = time.perf_counter()
        step("sync run: the ledger's first run, a full snapshot for Braze's first CDI sync")
        ledger = sync_run(ctx)
        timings["sync run"] = time.perf_counter() - t

    t = time.perf_counter()
    counts: dict[str, int] = {}
    with ctx.adapter() as adapter:
        for entity in ctx.project.entities():
            name = ctx.renderer().view(entity).sql(dialect="duckdb")
            counts[ctx.project.view_name(entity)] = int(
                adapter.fetchall(f"SELECT COUNT(*) FROM {name}")[0][0]
            )
    timings["count"] = time.perf_counter() - t

    from toolkit.segments.run import preview
    from toolkit.validate.runner import run_validation

    t = time.perf_counter()
    step("validating the views against the platform's external IDs")
    report = run_validation(ctx)
    timings["validate"] = time.perf_counter() - t
    t = time.perf_counter()
    step("previewing the segment software_open_pipeline")
    seg = preview(ctx, "software_open_pipeline")
    timings["segment"] = time.perf_counter() - t
    sync = None
    if ctx.config.output.user_sync:
        from toolkit.sync_preview import sync_preview

        t = time.perf_counter()
        step("previewing the CDI syncs: rows and data points of a first sync")
        sync = sync_preview(ctx, None)
        timings["sync"] = time.perf_counter() - t
    return DemoResult(
        directory,
        directory / DEMO_DB,
        manifest,
        generated,
        counts,
        timings,
        report.as_dict()["summary"],
        report,
        seg,
        sync,
        ledger,
    )
