"""Salesforce record ids: the 15 -> 18 char case-safe checksum, in Python.

The SQL form lives in `toolkit.dialects.base.TargetDialect.sf18`; this one is the reference the
tests compare it with, and the one the demo generator's manifest uses.
"""

from __future__ import annotations

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def to_18(record_id: str) -> str:
    """`003G000001SUbc4` -> `003G000001SUbc4IAD`; ids of any other length pass through."""
    if len(record_id) != 15:
        return record_id
    suffix = ""
    for group in range(3):
        bits = 0
        for j, ch in enumerate(record_id[group * 5 : group * 5 + 5]):
            if "A" <= ch <= "Z":
                bits |= 1 << j
        suffix += ALPHABET[bits]
    return record_id + suffix
