"""`python -m bench.validate_ab REV [N] [--rounds R]`: `b2b validate` against its hand-written
baseline at two commits, this checkout and REV, on the same DuckDB org of N contacts (default
10,000,000), in paired rounds.

A "no ratio gets worse than today" target cannot be read off runs hours apart on this machine:
the same code's validate/hand-written ratio at 10M moved from x0.85 to x1.02 between runs of one
day. So each commit's pair runs in the same round, back to back, each call in a fresh process
(two commits' `toolkit` cannot share one interpreter), its own code timing only the call. Each
commit gets its own copy of the org (REV's views applied by REV's code, in a throwaway worktree
under bench/.data/ab/), and the per-round ratios are paired: a slow minute hits both calls of a
pair. Written to bench/results-validate-ab.{json,md}. The worktree stays registered for the next
run (`git worktree remove bench/.data/ab/tree-SHA` drops it).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

CHILD = r"""
import json, sys, time
from pathlib import Path
from bench.validate_case import run_handwritten, run_validate
from toolkit.context import ProjectContext
ctx = ProjectContext(Path(sys.argv[1]))
fn = {"validate": run_validate, "handwritten": run_handwritten}[sys.argv[2]]
t = time.perf_counter(); fn(ctx); s = time.perf_counter() - t
print("@@" + json.dumps({"s": round(s, 3)}))
"""


def _git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def _python(code: Path, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`script` in a fresh interpreter that imports `toolkit` and `bench` from `code`."""
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=code,
        env={**os.environ, "PYTHONPATH": str(code)},
        capture_output=True,
        text=True,
    )


def _run(code: Path, project: Path, what: str) -> float:
    done = _python(code, CHILD, str(project), what)
    if done.returncode != 0:
        raise SystemExit(f"{what} at {code} failed:\n{done.stderr[-2000:]}")
    # not the last line: an old commit's DuckDB connection may draw its progress bar on stdout
    found = re.search(r"@@(\{.*?\})", done.stdout)
    if found is None:
        raise SystemExit(f"{what} at {code} printed no timing:\n{done.stdout[-2000:]}")
    return float(json.loads(found.group(1))["s"])


APPLY = "import sys; from pathlib import Path; from toolkit.apply import apply; from toolkit.context import ProjectContext; apply(ProjectContext(Path(sys.argv[1])))"


def worktree(sha: str) -> Path:
    """A worktree of commit `sha` under bench/.data/ab/, kept for the next run."""
    tree = HERE / ".data" / "ab" / f"tree-{sha}"
    if not tree.exists():
        tree.parent.mkdir(parents=True, exist_ok=True)
        _git("worktree", "add", "--detach", "-f", str(tree), sha)
    return tree


def setup(sha: str, org: Path) -> tuple[Path, Path]:
    """A worktree of commit `sha` and a copy of the org with its views applied by its code."""
    tree, copy = worktree(sha), HERE / ".data" / "ab" / f"org-{sha}-{org.name}"
    if copy.exists() and (copy / "built.json").read_text() != (org / "built.json").read_text():
        shutil.rmtree(copy)  # the cached org was rebuilt since: copy it again
    if not copy.exists():
        shutil.copytree(org, copy)
    done = _python(tree, APPLY, str(copy))
    if done.returncode != 0:
        raise SystemExit(f"apply at {tree} failed:\n{done.stderr[-2000:]}")
    return tree, copy


def measure(sides: dict[str, tuple[Path, Path]], rounds: int) -> dict[str, Any]:
    """A warm-up of every call, then `rounds` rounds; each round runs every side's validate and
    hand-written back to back (the side order alternates per round)."""
    names = list(sides)
    for name in names:
        for what in ("validate", "handwritten"):
            _run(*sides[name], what)
    runs: dict[str, list[dict[str, float]]] = {n: [] for n in names}
    for r in range(rounds):
        for name in names if r % 2 == 0 else reversed(names):
            v = _run(*sides[name], "validate")
            h = _run(*sides[name], "handwritten")
            runs[name].append({"validate_s": v, "handwritten_s": h, "ratio": round(v / h, 3)})
            print(
                f"round {r + 1} {name}: validate {v:.1f} s, hand-written {h:.1f} s, x{v / h:.3f}", flush=True
            )
    return {
        n: {
            "rounds": runs[n],
            "median_ratio": round(statistics.median(x["ratio"] for x in runs[n]), 3),
            "min_ratio": min(x["ratio"] for x in runs[n]),
            "max_ratio": max(x["ratio"] for x in runs[n]),
        }
        for n in names
    }


def render(result: dict[str, Any]) -> str:
    lines = [
        "# `b2b validate` against its hand-written baseline, two commits, paired rounds",
        "",
        f"Reproduce: `{result['command']}`. Org: {result['contacts']:,} contacts (DuckDB). Each call in a "
        "fresh process; per round, each commit's validate and hand-written back to back.",
        "",
        "| commit | " + " | ".join(f"round {i + 1}" for i in range(result["rounds"])) + " | median |",
        "|---|" + "---|" * (result["rounds"] + 1),
    ]
    for name, side in result["sides"].items():
        cells = [
            f"x{x['ratio']} ({x['validate_s']:.1f} / {x['handwritten_s']:.1f} s)" for x in side["rounds"]
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | **x{side['median_ratio']}** |")
    return "\n".join(lines) + "\n"


def main() -> int:
    from bench.org import prepare

    ap = argparse.ArgumentParser(prog="python -m bench.validate_ab")
    ap.add_argument("rev")
    ap.add_argument("contacts", nargs="?", type=int, default=10_000_000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    org = prepare(args.contacts)
    dirty = "+changes" if _git("status", "--porcelain", "--untracked-files=no") else ""
    here = f"HEAD {_git('rev-parse', '--short', 'HEAD')}{dirty}"  # what ran, not only what is committed
    sha = _git("rev-parse", "--short", args.rev)
    sides = {here: (ROOT, org), f"{args.rev} {sha}": setup(sha, org)}
    result = {
        "command": f"python -m bench.validate_ab {args.rev} {args.contacts} --rounds {args.rounds}",
        "contacts": args.contacts,
        "rounds": args.rounds,
        "sides": measure(sides, args.rounds),
    }
    (HERE / "results-validate-ab.json").write_text(json.dumps(result, indent=2) + "\n")
    (HERE / "results-validate-ab.md").write_text(render(result))
    print(render(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
