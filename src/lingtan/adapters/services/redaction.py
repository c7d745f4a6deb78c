"""Paths out of messages: an error shown to a user never names the server's file system
(OWASP ASVS 4.0.3 V7.4.1, decision 0037).

Used by the job handlers (:mod:`lingtan.adapters.services.jobs`) and by the API's error
handlers (:mod:`lingtan.adapters.api.errors`), so it lives in the application layer, below both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path


def redact_paths(message: str, roots: Iterable[Path | str]) -> str:
    """``message`` with every path under one of ``roots`` replaced by its last part
    (``/srv/lingtan-data/orgs/acme/uploads/3f…/fuel.csv`` → ``fuel.csv``): errors shown to a
    client never reveal the server's file system (ASVS V7.4.1)."""
    for root in roots:
        for form in {str(root), str(Path(root).resolve())}:
            if not form or form == ".":
                continue
            pattern = re.escape(form.rstrip("/\\")) + r"(?:[/\\][^\s'\"]*)?"
            message = re.sub(
                pattern,
                lambda m: re.split(r"[/\\]", m.group(0).rstrip("/\\"))[-1] or "…",
                message,
            )
    return message
