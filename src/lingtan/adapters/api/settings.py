"""Server settings, read from the environment.

========================  ==================================================  ===================
variable                  meaning                                             default
========================  ==================================================  ===================
LINGTAN_DATA_DIR          folder of the organisations' workspaces             ./lingtan-data
                          (``orgs/<slug>/``) and of the default SQLite store
LINGTAN_DATABASE_URL      SQLAlchemy URL of the store                         sqlite in data dir
LINGTAN_WORKERS           background-job worker threads in the server         2
LINGTAN_SECRET            secret for signing (CSRF tokens of the web pages)   random per process
LINGTAN_BASE_URL          public address of the server (links, cookies)       http://127.0.0.1:8000
LINGTAN_MAX_UPLOAD_MB     largest accepted upload                             200
========================  ==================================================  ===================
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name}={raw!r}: expected a whole number") from exc


@dataclass(frozen=True)
class ServerSettings:
    """How a lingtan server runs (see the module docstring for the environment variables)."""

    database_url: str = ""
    data_dir: Path = Path("lingtan-data")
    workers: int = 2
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    base_url: str = "http://127.0.0.1:8000"
    max_upload_mb: int = 200
    #: a running job whose heartbeat is older than this was left by a dead process [s]
    stale_after_s: float = 60.0
    #: how often an idle worker looks for queued jobs [s]
    poll_interval_s: float = 0.5

    @classmethod
    def from_env(cls) -> ServerSettings:
        """Settings from ``LINGTAN_*`` environment variables."""
        data_dir = Path(os.environ.get("LINGTAN_DATA_DIR") or "lingtan-data")
        return cls(
            database_url=os.environ.get("LINGTAN_DATABASE_URL") or "",
            data_dir=data_dir,
            workers=_int("LINGTAN_WORKERS", 2),
            secret=os.environ.get("LINGTAN_SECRET") or secrets.token_urlsafe(32),
            base_url=os.environ.get("LINGTAN_BASE_URL") or "http://127.0.0.1:8000",
            max_upload_mb=_int("LINGTAN_MAX_UPLOAD_MB", 200),
        )

    @property
    def store_url(self) -> str:
        """The store URL: ``database_url``, else ``<data_dir>/lingtan.db`` (SQLite)."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'lingtan.db').resolve()}"

    @property
    def cookie_secure(self) -> bool:
        """Send cookies only over HTTPS when the server is served over HTTPS."""
        return self.base_url.startswith("https://")
