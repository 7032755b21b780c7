"""`python -m bench.generate_ab REV [--rounds R]`: `b2b generate` of the default project as a
whole process (interpreter start to exit), at two commits, this checkout and REV, in paired
rounds.

Issue 14 set an absolute target (0.5 s) on a machine about twice as fast as the one its later
sessions ran on, where the same commit's cold generate moved from 0.97 s to 1.9 s between days.
So this reports what a slow or busy machine cannot blur: each round runs both commits back to
back (the order alternates per round), cold (a new out folder: no DDL cache) and warm (the same
folder again: every view from the cache), and the ratio of the medians. The project is the
demo's (catalogs off: the five core views in seven dialects, 35 files), written once by REV's
code (an older commit may not know a newer key) and read by both commits; no database is opened. REV runs from a throwaway worktree
under bench/.data/ab/ (kept for the next run; `git worktree remove` drops it). Written to
bench/results-generate-ab.{json,md}.
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
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.validate_ab import _git, worktree

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def generate(code: Path, project: Path, out: Path) -> float:
    """Seconds for one `b2b generate` process running `code`'s toolkit."""
    cmd = [sys.executable, "-m", "toolkit.cli", "generate", "--project-dir", str(project), "--out", str(out)]
    t = time.perf_counter()
    done = subprocess.run(
        cmd, cwd=code, env={**os.environ, "PYTHONPATH": str(code)}, capture_output=True, text=True
    )
    s = time.perf_counter() - t
    if done.returncode != 0:
        raise SystemExit(f"generate at {code} failed:\n{done.stderr[-2000:]}")
    return s


def measure(sides: dict[str, Path], project: Path, tmp: Path, rounds: int) -> dict[str, Any]:
    names = list(sides)
    times: dict[str, dict[str, list[float]]] = {n: {"cold": [], "warm": []} for n in names}
    outputs: dict[str, Path] = {}
    for name in names:  # warm-up: each commit's first run compiles its Jinja templates' cache
        outputs[name] = tmp / f"warm-{len(outputs)}"
        generate(sides[name], project, outputs[name])
    for r in range(rounds):
        for name in names if r % 2 == 0 else list(reversed(names)):
            cold = generate(sides[name], project, tmp / f"cold-{r}-{names.index(name)}")
            warm = generate(sides[name], project, outputs[name])
            times[name]["cold"].append(round(cold, 3))
            times[name]["warm"].append(round(warm, 3))
            print(f"round {r + 1} {name}: cold {cold:.3f} s, warm {warm:.3f} s", flush=True)
    same = all(
        (outputs[names[0]] / p.relative_to(outputs[names[1]])).read_bytes() == p.read_bytes()
        for p in outputs[names[1]].rglob("*.sql")
    )
    out: dict[str, Any] = {
        n: {state: {"runs": v, "median_s": round(statistics.median(v), 3)} for state, v in times[n].items()}
        for n in names
    }
    base, here = names[1], names[0]
    out["ratio"] = {
        state: round(out[here][state]["median_s"] / out[base][state]["median_s"], 3)
        for state in ("cold", "warm")
    }
    out["same_sql"] = same
    return out


def render(result: dict[str, Any]) -> str:
    sides = result["sides"]
    names = [n for n in sides if n not in ("ratio", "same_sql")]
    lines = [
        "# `b2b generate`, whole process, two commits, paired rounds",
        "",
        f"Reproduce: `{result['command']}`. The demo project with catalogs off ({result['files']} files). "
        "Per round, each commit's cold run (a new out folder) then warm run (the same folder again), "
        "the commit order alternating.",
        "",
        "| commit | cold median | warm median | cold runs (s) |",
        "|---|---|---|---|",
    ]
    for n in names:
        s = sides[n]
        lines.append(
            f"| {n} | {s['cold']['median_s']} s | {s['warm']['median_s']} s | "
            + ", ".join(str(x) for x in s["cold"]["runs"])
            + " |"
        )
    ratio = sides["ratio"]
    lines += [
        "",
        f"{names[0]} / {names[1]}: cold x{ratio['cold']}, warm x{ratio['warm']}. "
        f"Byte-identical SQL: {'yes' if sides['same_sql'] else 'no (the views changed between the commits)'}.",
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.generate_ab")
    ap.add_argument("rev")
    ap.add_argument("--rounds", type=int, default=15)
    args = ap.parse_args()
    dirty = "+changes" if _git("status", "--porcelain", "--untracked-files=no") else ""
    here = f"HEAD {_git('rev-parse', '--short', 'HEAD')}{dirty}"
    sha = _git("rev-parse", "--short", args.rev)
    sides_rev = worktree(sha)
    with tempfile.TemporaryDirectory(prefix="b2b-generate-ab-") as name:
        tmp = Path(name)
        project = tmp / "project"
        # written by REV's code: an older commit may not know a newer key; this one reads its file
        write = "import sys; from pathlib import Path; from toolkit.demo.run import write_demo_project; write_demo_project(Path(sys.argv[1]))"
        subprocess.run(
            [sys.executable, "-c", write, str(project)],
            cwd=sides_rev,
            env={**os.environ, "PYTHONPATH": str(sides_rev)},
            check=True,
        )
        yml = project / "b2b_project.yml"
        # the default project: the five core views (no catalogs, no CDI user sync views)
        text = yml.read_text().replace("catalogs: true", "catalogs: false")
        yml.write_text(re.sub(r"\n  user_sync:.*\n    identifier:.*", "", text))
        sides = {here: ROOT, f"{args.rev} {sha}": sides_rev}
        measured = measure(sides, project, tmp, args.rounds)
        files = len(list((tmp / "warm-0").rglob("*.sql")))
        shutil.rmtree(tmp, ignore_errors=True)
    result = {
        "command": f"python -m bench.generate_ab {args.rev} --rounds {args.rounds}",
        "rounds": args.rounds,
        "files": files,
        "sides": measured,
    }
    (HERE / "results-generate-ab.json").write_text(json.dumps(result, indent=2) + "\n")
    (HERE / "results-generate-ab.md").write_text(render(result))
    print(render(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
