"""Server settings, read from the environment.

========================  ==================================================  ===================
variable                  meaning                                             default
========================  ==================================================  ===================
LINGTAN_DATA_DIR          folder of the organisations' workspaces             ./lingtan-data
                          (``orgs/<slug>/``) and of the default SQLite store
LINGTAN_DATABASE_URL      SQLAlchemy URL of the store                         sqlite in data dir
LINGTAN_WORKERS           background-job worker threads in the server         2
LINGTAN_DB_SESSIONS       requests holding a store connection at once (per    16
                          process; others wait without a thread; the pool
                          keeps this + 2 per job thread + 1: decision 0038)
LINGTAN_SECRET            secret for signing (CSRF tokens of the web pages)   random per process
LINGTAN_BASE_URL          public address of the server (links, cookies)       http://127.0.0.1:8000
LINGTAN_MAX_UPLOAD_MB     largest accepted upload                             200
LINGTAN_JOB_TIME_BUDGET_S a job running longer is stopped and failed [s]     1800
                          (0 = no budget; decision 0036)
LINGTAN_LOCK_TIMEOUT_S    wait for a workspace's write lock before "busy" [s] 30
LINGTAN_MAX_BODY_KB       largest request body of any other route [KiB]       1024
LINGTAN_RATE_PER_S        requests per second of one client address           50
                          (token bucket; 0 = no limit)
LINGTAN_RATE_BURST        requests one client address may send at once        500
LINGTAN_RATE_EXEMPT       client addresses without a rate limit (comma-       127.0.0.1,::1
                          separated addresses or networks: a reverse proxy;
                          empty = none)
LINGTAN_MAX_ROWS,         rows, columns, cell length, XLSX expansion of an    see
  _COLUMNS, _CELL_CHARS,  activity file (:mod:`lingtan.adapters.io.           file_limits
  _XLSX_EXPANDED_MB,      file_limits`)
  _XLSX_RATIO
LINGTAN_INVITATION_DAYS   an invitation link expires after [days]             7
LINGTAN_RESET_MINUTES     a password-reset link expires after [min]           60
LINGTAN_SESSION_DAYS      absolute lifetime of a web session [days]           14
LINGTAN_SESSION_IDLE_MIN  a web session unused this long ends [min]           120
LINGTAN_LOGIN_MAX_FAILS   failed logins of one account that lock it           5
LINGTAN_LOGIN_MAX_FAILS_  failed logins from one client address that lock it  50
  PER_ADDRESS
LINGTAN_LOCKOUT_S         first lockout; doubles each time [s]                60
LINGTAN_LOCKOUT_MAX_S     longest lockout [s]                                 3600
LINGTAN_MQTT_URL          MQTT broker (``mqtt://host:1883``) of the meter-    none (off)
                          reading listeners, one per organisation with an
                          ``mqtt.yaml`` (decision 0072; docs/mqtt.md)
========================  ==================================================  ===================

(The account settings: decision 0034, docs/security.md §3.1.)
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
    #: requests that hold a store connection at once, per process (decision 0038)
    db_sessions: int = 16
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    base_url: str = "http://127.0.0.1:8000"
    max_upload_mb: int = 200
    #: request limits before anything else (decision 0037, ASVS V12.1.1, V13.1)
    max_body_kb: int = 1024
    rate_per_s: float = 50.0
    rate_burst: int = 500
    rate_exempt: tuple[str, ...] = ("127.0.0.1", "::1")
    #: a running job whose heartbeat is older than this was left by a dead process [s]
    stale_after_s: float = 60.0
    #: how often an idle worker looks for queued jobs [s]
    poll_interval_s: float = 0.5
    #: a job running longer than this is stopped and failed [s] (0: none; decision 0036)
    job_time_budget_s: float = 1800.0
    #: accounts (decision 0034): invitation and reset-link lifetimes, session timeouts
    invitation_days: int = 7
    reset_minutes: int = 60
    session_days: int = 14
    session_idle_minutes: int = 120
    #: login throttle (ASVS V2.2.1): thresholds and lockout delays [s]
    login_max_failures: int = 5
    login_max_failures_per_address: int = 50
    lockout_s: int = 60
    lockout_max_s: int = 3600
    #: roles that must enrol a second factor before anything else (ASVS V2.8; empty: optional)
    require_second_factor: tuple[str, ...] = ()
    #: MQTT broker of the meter-reading listeners (empty: no listener; decision 0072)
    mqtt_url: str = ""

    @classmethod
    def from_env(cls) -> ServerSettings:
        """Settings from ``LINGTAN_*`` environment variables."""
        data_dir = Path(os.environ.get("LINGTAN_DATA_DIR") or "lingtan-data")
        return cls(
            database_url=os.environ.get("LINGTAN_DATABASE_URL") or "",
            data_dir=data_dir,
            workers=_int("LINGTAN_WORKERS", 2),
            db_sessions=max(1, _int("LINGTAN_DB_SESSIONS", 16)),
            secret=os.environ.get("LINGTAN_SECRET") or secrets.token_urlsafe(32),
            base_url=os.environ.get("LINGTAN_BASE_URL") or "http://127.0.0.1:8000",
            max_upload_mb=_int("LINGTAN_MAX_UPLOAD_MB", 200),
            job_time_budget_s=float(_int("LINGTAN_JOB_TIME_BUDGET_S", 1800)),
            max_body_kb=_int("LINGTAN_MAX_BODY_KB", 1024),
            rate_per_s=float(_int("LINGTAN_RATE_PER_S", 50)),
            rate_burst=_int("LINGTAN_RATE_BURST", 500),
            rate_exempt=tuple(
                a.strip()
                for a in os.environ.get("LINGTAN_RATE_EXEMPT", "127.0.0.1,::1").split(",")
                if a.strip()
            ),
            invitation_days=_int("LINGTAN_INVITATION_DAYS", 7),
            reset_minutes=_int("LINGTAN_RESET_MINUTES", 60),
            session_days=_int("LINGTAN_SESSION_DAYS", 14),
            session_idle_minutes=_int("LINGTAN_SESSION_IDLE_MIN", 120),
            login_max_failures=_int("LINGTAN_LOGIN_MAX_FAILS", 5),
            login_max_failures_per_address=_int("LINGTAN_LOGIN_MAX_FAILS_PER_ADDRESS", 50),
            lockout_s=_int("LINGTAN_LOCKOUT_S", 60),
            require_second_factor=tuple(
                r.strip()
                for r in os.environ.get("LINGTAN_REQUIRE_SECOND_FACTOR", "").split(",")
                if r.strip()
            ),
            lockout_max_s=_int("LINGTAN_LOCKOUT_MAX_S", 3600),
            mqtt_url=os.environ.get("LINGTAN_MQTT_URL", "").strip(),
        )

    @property
    def pool_size(self) -> int:
        """Connections the store pool keeps: one per request slot, two per job thread (a job's
        queue session and its workspace session), one for the heartbeat (decision 0038)."""
        return self.db_sessions + 2 * self.workers + 1

    @property
    def store_url(self) -> str:
        """The store URL: ``database_url``, else ``<data_dir>/lingtan.db`` (SQLite)."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'lingtan.db').resolve()}"

    @property
    def cookie_secure(self) -> bool:
        """Send cookies only over HTTPS when the server is served over HTTPS."""
        return self.base_url.startswith("https://")
