#!/usr/bin/env bash
# The wheel as users install it (issue 30): build it, list what it holds (the CRMs' crm.yml and
# templates must be inside, bench/ and tests/ must not), install it with pip into a clean venv,
# and run `b2b --version` and `b2b demo` from a temporary folder outside the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$PY" -m pip install -q build
"$PY" -m build -q --wheel --outdir "$work/dist" . >/dev/null
wheel="$(ls "$work"/dist/*.whl)"
echo "wheel: $(basename "$wheel")"
"$PY" - "$wheel" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
print(f"wheel holds {len(names)} files; data: {sum(n.startswith('toolkit/sql/') for n in names)} under toolkit/sql/")
for name in sorted(names):
    print(f"    {name}")
for need in ("toolkit/sql/salesforce/crm.yml", "toolkit/sql/hubspot/crm.yml", "toolkit/sql/_shared/users.sql",
             "toolkit/sql/salesforce/checks/former_ids.sql", "toolkit/sql/hubspot/docs.yml", "toolkit/py.typed"):
    assert need in names, f"missing from the wheel: {need}"
    print(f"  has {need}")
bad = [n for n in names if n.startswith(("bench/", "tests/"))]
assert not bad, f"the wheel must hold toolkit only: {bad[:5]}"
PY
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q --upgrade pip
"$work/venv/bin/python" -m pip install -q "$wheel"
cd "$work"
"$work/venv/bin/b2b" --version
"$work/venv/bin/b2b" demo --contacts 2000 --dir "$work/demo"
echo "wheel_check: ok"
