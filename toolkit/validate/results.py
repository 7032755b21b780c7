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


@dataclass
class ValidationReport:
    target: str
    results: list[CheckResult]
    rows_fetched: int
    elapsed_s: float
    statements: int
    statements_why: str | None = None  # why one statement or one per view (DuckDB)

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
