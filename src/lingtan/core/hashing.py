"""Canonical JSON and its SHA-256: the one way lingtan hashes a document (an edition's pinned
inputs, a ledger link, a scenario run …) so that the same content always gives the same hash.

Canonical form: keys sorted, no insignificant white space, UTF-8 without ``\\u`` escapes of
non-ASCII text, NaN and infinities refused (RFC 8785 in spirit; numbers as Python's ``repr``,
which round-trips every float). Pure."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(doc: Any) -> bytes:
    """``doc`` as canonical JSON bytes (UTF-8). Dates and other non-JSON values are refused:
    convert them first (``TypeError``), so that a hash never depends on ``str()`` of an object."""
    text = json.dumps(
        doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def canonical_sha256(doc: Any) -> str:
    """The lower-case hex SHA-256 of :func:`canonical_json` of ``doc``."""
    return hashlib.sha256(canonical_json(doc)).hexdigest()
