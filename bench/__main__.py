"""The benchmark harness: `python -m bench [--contacts 100000,1000000,10000000] [--repeat 3] ...`
runs the default case (`suite`); `python -m bench list` shows every case; `python -m bench run
NAME [ARGS]` runs one. The cases are in bench.registry; this module only dispatches."""

from __future__ import annotations

import importlib
import sys

from bench.registry import CASES


def _list() -> int:
    width = max(len(n) for n in CASES)
    for case in CASES.values():
        print(f"{case.name:<{width}}  python -m bench run {case.name} {case.usage}")
        print(f"{'':<{width}}  {case.measures}; writes bench/{case.writes}")
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["list"]:
        return _list()
    name, args = ("suite", argv)
    if argv[:1] == ["run"]:
        if len(argv) < 2 or argv[1] not in CASES:
            print(
                f"usage: python -m bench run NAME [ARGS]; NAME is one of: {', '.join(CASES)}", file=sys.stderr
            )
            return 2
        name, args = argv[1], argv[2:]
    case = CASES[name]
    sys.argv = [f"python -m bench run {name}", *args]
    result = importlib.import_module(case.module).main()
    return int(result or 0)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
