"""Repeat-and-median timing: a warm-up, then N runs; the spread is (max - min) / median."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Timing:
    median_s: float
    min_s: float
    max_s: float
    runs: int

    @property
    def spread(self) -> float:
        return (self.max_s - self.min_s) / self.median_s if self.median_s else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "median_s": round(self.median_s, 4),
            "min_s": round(self.min_s, 4),
            "max_s": round(self.max_s, 4),
            "runs": self.runs,
        }


def measure(fn: Callable[[], Any], repeat: int = 5, warmup: int = 1) -> Timing:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return Timing(statistics.median(samples), min(samples), max(samples), repeat)


def interleaved(fns: dict[str, Callable[[], Any]], repeat: int = 5, warmup: int = 1) -> dict[str, Timing]:
    """Time several contenders round-robin in the same process, so that machine noise hits
    them alike and their ratio holds."""
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    samples: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - t)
    return {k: Timing(statistics.median(v), min(v), max(v), repeat) for k, v in samples.items()}
