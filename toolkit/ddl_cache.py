"""`b2b generate`'s cache: a view's DDL in a dialect, keyed by what determines it, so that a
re-run over unchanged templates and config skips sqlglot (parse, expand, generate: nine tenths
of the command's time). Like dbt's partial parsing, it lives in the output folder
(<out>/.b2b_generate_cache.json) and holds, per dialect, the entries of the last run that
generated that dialect: `generate -d duckdb` does not evict the other dialects' DDL, and the file
stays bounded by dialects x views.

The key is a SHA-256 over the rendered SQL (templates, config and live bindings all show there),
the view's name, its template's label, the dialect, and the code that turns rendered SQL into
DDL: the sqlglot version and the bytes of toolkit/transpile.py and toolkit/dialects/*.py. So a
changed template, config key, sqlglot upgrade or dialect fix is a miss, never a stale hit."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

import sqlglot

CACHE_FILE = ".b2b_generate_cache.json"
FORMAT = 2  # entries: key -> [dialect, ddl]
_TOOLKIT = Path(__file__).resolve().parent


@cache
def code_fingerprint() -> str:
    h = hashlib.sha256(f"{FORMAT}|{sqlglot.__version__}".encode())
    for path in [_TOOLKIT / "transpile.py", *sorted((_TOOLKIT / "dialects").glob("*.py"))]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def key(text: str, view_name: str, template: str, dialect: str) -> str:
    h = hashlib.sha256(code_fingerprint().encode())
    for part in (dialect, view_name, template, text):
        h.update(b"\0")
        h.update(part.encode())
    return h.hexdigest()


class DdlCache:
    def __init__(self, out_dir: Path | None) -> None:
        self.path = out_dir / CACHE_FILE if out_dir is not None else None
        self.entries: dict[str, tuple[str, str]] = {}  # key -> (dialect, ddl)
        self.used: dict[str, tuple[str, str]] = {}
        if self.path is not None and self.path.is_file():
            try:
                doc = json.loads(self.path.read_text(encoding="utf-8"))
                if doc.get("format") == FORMAT and isinstance(doc.get("entries"), dict):
                    self.entries = {str(k): (str(d), str(v)) for k, (d, v) in doc["entries"].items()}
            except (OSError, ValueError, TypeError):  # unreadable or half-written: start cold
                self.entries = {}

    def get(self, k: str) -> str | None:
        hit = self.entries.get(k)
        if hit is not None:
            self.used[k] = hit
        return hit[1] if hit is not None else None

    def put(self, k: str, dialect: str, ddl: str) -> None:
        self.used[k] = (dialect, ddl)

    def save(self) -> None:
        """Write this run's entries, and the earlier entries of dialects this run did not
        generate (a dialect's stale entries go as soon as a run generates it again)."""
        if self.path is None:
            return
        ran = {d for d, _ in self.used.values()}
        kept = {k: e for k, e in self.entries.items() if e[0] not in ran}
        doc = {**kept, **self.used}
        if doc == self.entries:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"format": FORMAT, "entries": doc}), encoding="utf-8")
            tmp.replace(self.path)
        except OSError:  # a cache that cannot be written is a cold start next time, not an error
            pass
