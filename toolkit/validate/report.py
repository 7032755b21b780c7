"""Render a ValidationReport: a rich table (text), the SPEC's JSON object, JUnit XML, or HTML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from io import StringIO

from toolkit.validate.results import CheckResult, ValidationReport, format_rate

STATUS_STYLE = {"pass": "green", "warn": "yellow", "fail": "bold red", "error": "bold magenta"}


def to_json(report: ValidationReport) -> str:
    return json.dumps(report.as_dict(), indent=2, sort_keys=False) + "\n"


def to_junit(report: ValidationReport) -> str:
    summary = report.as_dict()["summary"]
    suite = ET.Element(
        "testsuite",
        name=f"b2b validate ({report.target})",
        tests=str(len(report.results)),
        failures=str(summary["failed"]),
        errors=str(summary["errored"]),
        skipped="0",
        time=f"{report.elapsed_s:.3f}",
    )
    for r in report.results:
        case = ET.SubElement(suite, "testcase", classname=r.view, name=r.name, time="0")
        detail = _detail(r)
        if r.status == "fail":
            ET.SubElement(case, "failure", message=detail, type=r.severity).text = _body(r)
        elif r.status == "error":
            ET.SubElement(case, "error", message=r.message or "error").text = r.sql
        elif r.status == "warn":
            out = ET.SubElement(case, "system-out")
            out.text = f"WARNING: {detail}\n{_body(r)}"
    root = ET.Element("testsuites", name="b2b-connected-source")
    root.append(suite)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _detail(r: CheckResult) -> str:
    if r.status == "error":
        return r.message or "error"
    text = f"{r.failing:,} of {r.total:,} failing" if r.total is not None and r.failing is not None else ""
    if r.rate is not None:
        text = f"match rate {format_rate(r.rate, r.threshold)} (threshold {r.threshold})"
    if r.diagnosis:
        text += "; " + ", ".join(f"{k}={v:,}" for k, v in r.diagnosis.items() if v)
    if r.message:
        text += f"; {r.message}"
    return text.strip("; ")


def _body(r: CheckResult) -> str:
    sample = "\n".join(f"  {s!r}" for s in r.sample)
    return f"sample:\n{sample}\n\nsql:\n{r.sql}" if sample else f"sql:\n{r.sql}"


def to_text(report: ValidationReport, color: bool = True, width: int = 120) -> str:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    # warehouse values (samples, messages, names) are data, never rich markup: an email of
    # `[/]pwn@evil.example` must print as itself, not crash the report (issue 33)
    table = Table(
        title=escape(f"b2b validate: target {report.target!r}"), title_justify="left", show_lines=False
    )
    table.add_column("check")
    table.add_column("view")
    table.add_column("status")
    table.add_column("failing", justify="right")
    table.add_column("total", justify="right")
    table.add_column("detail", overflow="fold")
    for r in report.results:
        style = STATUS_STYLE.get(r.status, "")
        detail = _detail(r)
        if r.sample and r.status in ("warn", "fail"):
            detail += f"\ne.g. {', '.join(repr(s) for s in r.sample[:3])}"
        table.add_row(
            escape(r.name),
            escape(r.view),
            f"[{style}]{escape(r.status)}[/]",
            "" if r.failing is None else f"{r.failing:,}",
            "" if r.total is None else f"{r.total:,}",
            escape(detail) if r.status != "pass" or r.severity == "info" else "",
        )
    buf = StringIO()
    console = Console(file=buf, force_terminal=color, no_color=not color, width=width)
    console.print(table)
    s = report.as_dict()["summary"]
    console.print(
        f"{s['checks']} checks: [green]{s['passed']} passed[/], [yellow]{s['warned']} warned[/], "
        f"[red]{s['failed']} failed[/], {s['errored']} errored; "
        f"{s['rows_fetched']} rows fetched in {report.statements} statement(s), {s['elapsed_s']}s"
    )
    if report.statements_why:
        console.print(escape(f"checks in {report.statements_why}"), style="dim")
    return buf.getvalue()


def render(report: ValidationReport, fmt: str, color: bool = True, project: str = "") -> str:
    if fmt == "html":
        from toolkit.validate.html_report import to_html

        return to_html(report, project)
    if fmt == "json":
        return to_json(report)
    if fmt == "junit":
        return to_junit(report)
    return to_text(report, color=color)
