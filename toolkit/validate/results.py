"""What validate reports: one result per check and view, and the run's summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class CheckResult:
    name: str
    view: str
    status: str  # pass | warn | fail | error
    severity: str  # error | warn | info
    failing: int | None
    total: int | None
    rate: float | None = None
    threshold: float | None = None
    diagnosis: dict[str, int] | None = None
    sample: list[str] = field(default_factory=list)
    sql: str = ""
    message: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "view": self.view,
            "status": self.status,
            "severity": self.severity,
            "failing": self.failing,
            "total": self.total,
        }
        if self.rate is not None:
            out["rate"] = self.rate
        if self.threshold is not None:
            out["threshold"] = self.threshold
        if self.diagnosis is not None:
            out["diagnosis"] = self.diagnosis
        out["sample"] = self.sample
        if self.message:
            out["message"] = self.message
        out["sql"] = self.sql
        return out


def format_rate(rate: float, threshold: float | None, percent: bool = False) -> str:
    """`rate` at 2 decimals (percent) or 4, with more digits where rounding would put it on the
    other side of its threshold (21,564 of 21,782 is 98.999%, not "99.00%" against 0.99)."""
    for digits in range(2 if percent else 4, 10):
        text = f"{rate:.{digits}%}" if percent else f"{rate:.{digits}f}"
        shown = float(text.rstrip("%")) / (100 if percent else 1)
        if threshold is None or (shown >= threshold) == (rate >= threshold):
            return text
    return text


@dataclass
class ValidationReport:
    target: str
    results: list[CheckResult]
    rows_fetched: int
    elapsed_s: float
    statements: int
    statements_why: str | None = None  # why one statement or one per view (DuckDB)
    causes: tuple[str, ...] = ()  # the diagnosis causes this CRM declares, in order

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def status(self) -> str:
        if self.count("error"):
            return "error"
        return "fail" if self.count("fail") else ("warn" if self.count("warn") else "pass")

    @property
    def exit_code(self) -> int:
        if self.count("error"):
            return 3
        return 1 if self.count("fail") else 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "summary": {
                "status": self.status,
                "checks": len(self.results),
                "passed": self.count("pass"),
                "warned": self.count("warn"),
                "failed": self.count("fail"),
                "errored": self.count("error"),
                "rows_fetched": self.rows_fetched,
                "elapsed_s": round(self.elapsed_s, 3),
                "target": self.target,
            },
            "checks": [r.as_dict() for r in self.results],
        }
