"""`b2b validate --format html`: one self-contained file (inline CSS and SVG, no script, no
network) that people look at: the summary, each people view's match rate against its threshold,
the misses by cause as a bar chart, and every check with its failing count, sample and SQL.

Every number is written from the same ValidationReport as `--format json`, and carried in
`data-*` attributes too, so a test (or a scraper) reads them back without parsing prose. The JSON
report itself is embedded as `application/json` for tools.
"""

from __future__ import annotations

import datetime as dt
import json
from html import escape

from toolkit.validate.checks import CAUSES
from toolkit.validate.results import CheckResult, ValidationReport, format_rate

COLORS = {"pass": "#1a7f37", "warn": "#9a6700", "fail": "#cf222e", "error": "#8250df", "info": "#57606a"}
CAUSE_COLORS = {
    "case_mismatch": "#0969da",
    "whitespace": "#1f883d",
    "salesforce_15_vs_18": "#bf8700",
    "converted_lead": "#8250df",
    "merged_contact": "#a475f9",
    "email_as_id": "#bc4c00",
    "unknown": "#6e7781",
}
CSS = """
body{font:14px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif;color:#1f2328;margin:24px auto;max-width:1100px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.muted{color:#57606a}.badge{display:inline-block;padding:2px 10px;border-radius:12px;color:#fff;font-weight:600;font-size:12px;text-transform:uppercase}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:14px 0}.card{border:1px solid #d0d7de;border-radius:8px;padding:10px 14px;min-width:110px}
.card b{display:block;font-size:22px}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
th{background:#f6f8fa;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
details{margin:2px 0}summary{cursor:pointer;color:#0969da}pre{background:#f6f8fa;padding:10px;border-radius:6px;overflow:auto;max-height:320px;font-size:12px}
ul.sample{margin:4px 0;padding-left:18px;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
"""


def _badge(status: str) -> str:
    return f'<span class="badge" style="background:{COLORS.get(status, "#57606a")}">{escape(status)}</span>'


def _rate_bar(r: CheckResult) -> str:
    """A horizontal bar: the match rate, with the threshold as a vertical mark."""
    w, h = 520, 26
    rate = r.rate or 0.0
    thr = r.threshold or 0.0
    fill = COLORS["pass"] if r.status == "pass" else COLORS.get(r.status, COLORS["fail"])
    x_thr = round(thr * w, 1)
    return (
        f'<svg width="{w + 170}" height="{h + 18}" role="img" aria-label="match rate {rate:.4f}, threshold {thr}">'
        f'<rect x="0" y="4" width="{w}" height="{h}" fill="#eaeef2" rx="4"/>'
        f'<rect x="0" y="4" width="{round(rate * w, 1)}" height="{h}" fill="{fill}" rx="4"/>'
        f'<line x1="{x_thr}" x2="{x_thr}" y1="0" y2="{h + 8}" stroke="#1f2328" stroke-width="2"/>'
        f'<text x="{x_thr}" y="{h + 17}" font-size="11" text-anchor="middle">threshold {thr:g}</text>'
        f'<text x="{w + 8}" y="{h - 2}" font-size="14" font-weight="600">{format_rate(rate, thr, percent=True)}</text>'
        "</svg>"
    )


def _cause_chart(r: CheckResult, causes: tuple[str, ...]) -> str:
    """Bars: the misses by cause, in the validator's order, of the causes the CRM declares."""
    counts = [(c, (r.diagnosis or {}).get(c, 0)) for c in causes]
    top = max((n for _c, n in counts), default=0) or 1
    bar_w, row_h, label_w = 420, 24, 160
    rows = []
    for i, (cause, n) in enumerate(counts):
        y = i * row_h
        width = round(n / top * bar_w, 1)
        rows.append(
            f'<g data-cause="{cause}" data-count="{n}">'
            f'<text x="{label_w - 8}" y="{y + 16}" font-size="12" text-anchor="end">{cause}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{width}" height="{row_h - 8}" fill="{CAUSE_COLORS[cause]}" rx="3"/>'
            f'<text x="{label_w + width + 6}" y="{y + 16}" font-size="12">{n:,}</text></g>'
        )
    height = len(counts) * row_h
    return (
        f'<svg width="{label_w + bar_w + 80}" height="{height}" role="img" '
        f'aria-label="misses by cause on {escape(r.view)}">{"".join(rows)}</svg>'
    )


def _check_row(r: CheckResult) -> str:
    failing = "" if r.failing is None else f"{r.failing:,}"
    total = "" if r.total is None else f"{r.total:,}"
    detail = []
    if r.rate is not None:
        detail.append(f"match rate {format_rate(r.rate, r.threshold)} (threshold {r.threshold})")
    if r.diagnosis:
        detail.append(", ".join(f"{k}: {v:,}" for k, v in r.diagnosis.items() if v))
    if r.message:
        detail.append(r.message)
    sample = "".join(f"<li>{escape(str(s))}</li>" for s in r.sample)
    body = (f'<ul class="sample">{sample}</ul>' if sample else "") + f"<pre>{escape(r.sql)}</pre>"
    attrs = (
        f'data-check="{escape(r.name)}" data-view="{escape(r.view)}" data-status="{r.status}" '
        f'data-failing="{"" if r.failing is None else r.failing}" data-total="{"" if r.total is None else r.total}"'
    )
    return (
        f"<tr {attrs}><td>{escape(r.name)}</td><td>{escape(r.view)}</td><td>{_badge(r.status)}</td>"
        f'<td class="num">{failing}</td><td class="num">{total}</td>'
        f"<td>{escape('; '.join(detail))}<details><summary>sample and SQL</summary>{body}</details></td></tr>"
    )


def to_html(report: ValidationReport, project: str = "") -> str:
    data = report.as_dict()
    s = data["summary"]
    cards = "".join(
        f'<div class="card" data-summary="{k}"><span class="muted">{label}</span><b>{s[k]:,}</b></div>'
        for k, label in (
            ("checks", "checks"),
            ("passed", "passed"),
            ("warned", "warned"),
            ("failed", "failed"),
            ("errored", "errored"),
            ("rows_fetched", "rows fetched"),
        )
    )
    matches = [r for r in report.results if r.name == "user_id_in_platform"]
    causes = report.causes or CAUSES
    match_html = (
        "".join(
            f'<div class="match" data-view="{escape(r.view)}" data-rate="{r.rate}" data-threshold="{r.threshold}" '
            f'data-status="{r.status}"><h3>{escape(r.view)} {_badge(r.status)}</h3>'
            f'<p class="muted">{(r.total or 0) - (r.failing or 0):,} of {r.total or 0:,} user ids found among the '
            f"platform's external IDs</p>{_rate_bar(r)}</div>"
            for r in matches
            if r.rate is not None
        )
        or '<p class="muted">No platform match check ran (platform.external_ids not set, or the check is off).</p>'
    )
    causes_html = (
        "".join(
            f'<div class="causes" data-view="{escape(r.view)}"><h3>{escape(r.view)}: {r.failing or 0:,} misses</h3>'
            f"{_cause_chart(r, causes)}</div>"
            for r in matches
            if r.failing
        )
        or '<p class="muted">No misses.</p>'
    )
    rows = "".join(_check_row(r) for r in report.results)
    embedded = json.dumps(data).replace("</", "<\\/")
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    title = f"b2b validate: {project or report.target}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><style>{CSS}</style></head>
<body>
<h1>{escape(title)} {_badge(s["status"])}</h1>
<p class="muted">target {escape(str(s["target"]))} &middot; {escape(when)} &middot; {s["elapsed_s"]} s &middot;
{report.statements} statement(s); only counts and bounded samples left the warehouse</p>
<div class="cards">{cards}</div>
<h2>Match rate against the platform's external IDs</h2>
{match_html}
<h2>Misses by cause</h2>
<p class="muted">Each miss gets the first cause that fits, in this order: {", ".join(causes)}.</p>
{causes_html}
<h2>Every check</h2>
<table><thead><tr><th>check</th><th>view</th><th>status</th><th>failing</th><th>total</th><th>detail</th></tr></thead>
<tbody>{rows}</tbody></table>
<script type="application/json" id="b2b-report">{embedded}</script>
</body></html>
"""
