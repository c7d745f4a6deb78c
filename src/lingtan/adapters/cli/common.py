"""What every workspace command shares: the consoles, the ``--workspace`` and ``--year``
options, the local context (decision 0049) and the one mapping of a failure to a message and an
exit code.

Exit codes: 0 success; 1 an input could not be used at all (``LingtanError``: nothing changed);
2 the command finished but some input rows were rejected, or some activities could not be
calculated; a service's refusal (``ServiceError``) exits with the code of its kind
(:data:`lingtan.adapters.services.errors.EXIT_CODES`: 2 invalid or too large, 3 not found,
4 forbidden, 5 conflict); 75 (sysexits ``EX_TEMPFAIL``) the workspace was busy.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, cast

import typer
from rich.console import Console
from rich.markup import escape

from lingtan.adapters.i18n.readers import refusal_text
from lingtan.adapters.i18n.rows import cli_locale as cli_locale  # the CLI's one language rule
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.services.errors import EXIT_CODES, KeyedError, ServiceError
from lingtan.core.errors import LingtanError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from lingtan.adapters.i18n.messages import Translator

T = TypeVar("T")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

WorkspaceOpt = Annotated[
    Path, typer.Option("--workspace", "-w", help="Workspace folder (default: current folder).")
]
YearOpt = Annotated[str, typer.Option("--year", "-y", help="Fiscal year, e.g. FY2023/24.")]

#: sysexits EX_TEMPFAIL: the workspace was busy (another writer); nothing changed, try again
EXIT_BUSY = 75

#: what a command catches and hands to :func:`fail`: an unusable input, a service's refusal
FAILURES = (LingtanError, ServiceError)


def fail(exc: Exception | str, code: int | None = None) -> typer.Exit:
    """Print ``exc`` (an error or a message) as the command's error and return the exit to
    raise: a :class:`ServiceError` exits with the code of its kind (:data:`EXIT_CODES`),
    anything else with ``code`` (default 1, an input that could not be used)."""
    # keyed file/reader errors and refusals in LINGTAN_LANG / LANG (decision 0053 + addendum)
    shown = None if isinstance(exc, str) else refusal_text(exc, cli_locale())
    if shown is not None:
        err.print(f"[bold red]error:[/] {escape(shown)}", highlight=False)
    else:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
    if isinstance(exc, ServiceError):
        return typer.Exit(EXIT_CODES.get(exc.kind, 1))
    return typer.Exit(1 if code is None else code)


def read_file(path: Path) -> bytes:
    """The bytes of the file ``path``; the command fails (:func:`fail`, exit 1) when it cannot
    be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise fail(exc) from exc


def is_busy(exc: Exception) -> bool:
    """True when ``exc`` says another writer held the workspace (``WorkspaceBusyError``)."""
    return type(exc).__name__ == "WorkspaceBusyError"


def local_context(path: Path) -> LocalContext:
    """The context of the workspace folder ``path``, opened now; prints a warning for each
    record whose files are missing, named with its fix (decision 0036).

    Raises:
        WorkspaceError: the folder is not a workspace or its configuration is invalid.
    """
    ctx = LocalContext(path)
    for problem in ctx.workspace().problems:
        err.print(f"[bold yellow]warning:[/] {escape(str(problem))}", highlight=False)
    return ctx


def say(key: str, **params: Any) -> None:
    """Print the catalogue text of ``key`` in the command line's language (:func:`cli_locale`)."""
    from lingtan.adapters.i18n.messages import Translator

    out.print(escape(Translator(cli_locale())(key, **params)), highlight=False)


@contextmanager
def store_session(ctx: LocalContext) -> Iterator[Session]:
    """A store session of the workspace's organisation, acting as the command line's user."""
    from lingtan.adapters.store.scoping import tenant_session

    ws = ctx.workspace()
    with tenant_session(ws.engine, ws.organisation_id, actor=ctx.actor) as db:
        yield db


def run_in_store(
    workspace: Path,
    call: Callable[[Session, LocalContext], T],
    failed: Callable[[Exception], typer.Exit] | None = None,
) -> T:
    """``call(db, ctx)`` on the workspace folder's store; a failure (:data:`FAILURES`) printed
    in the command line's language and turned into the exit code of its kind (by ``failed``
    when given)."""
    try:
        ctx = local_context(workspace)
        with store_session(ctx) as db:
            return call(db, ctx)
    except FAILURES as exc:
        if failed is not None:
            raise failed(exc) from exc
        raise fail(exc, EXIT_BUSY if is_busy(exc) else None) from exc


def run_keyed(
    workspace: Path,
    call: Callable[[Session, LocalContext], T],
    prefix: str,
    *,
    commit: bool = False,
    label_key: str | None = None,
) -> T:
    """:func:`run_in_store` for a service refusing with keyed errors: a
    :class:`~lingtan.adapters.services.errors.KeyedError` whose key starts with ``prefix`` rolls
    the session back and is printed in the command line's language (after the text of
    ``label_key``, default ``error:``; the file first when the refusal names one with
    ``label_key``), exiting with the code of its kind; ``commit`` commits what ``call``
    changed before the session closes."""
    from lingtan.adapters.i18n.messages import Translator

    def guarded(db: Session, ctx: LocalContext) -> tuple[T | None, KeyedError | None]:
        try:
            got = call(db, ctx)
            if commit:
                db.commit()
            return got, None
        except KeyedError as exc:
            if not exc.key.startswith(prefix):
                raise
            db.rollback()
            return None, exc

    got, refusal = run_in_store(workspace, guarded)
    if refusal is None:
        return cast("T", got)
    t = Translator(cli_locale())
    text = t(refusal.key, **refusal.params)
    label = "error:"
    if label_key is not None:
        label = t(label_key)
        if "file" in refusal.params:
            text = f"{refusal.params['file']}: {text}"
    err.print(f"[bold red]{label}[/] {escape(text)}", highlight=False)
    raise typer.Exit(EXIT_CODES.get(refusal.kind, 1))


def plain(text: str) -> None:
    """Print ``text`` as it is (no markup, no highlighting)."""
    out.print(text, highlight=False, markup=False)


def print_json(doc: Any) -> None:
    """Print ``doc`` as JSON (non-ASCII kept, dates and the like as strings)."""
    out.print_json(json.dumps(doc, ensure_ascii=False, default=str))


def listing(
    rows: list[dict[str, Any]],
    as_json: bool,
    none_key: str,
    line: Callable[[Translator, dict[str, Any]], str],
) -> None:
    """Print ``rows`` as JSON (``as_json``), or a line each (``line(t, row)`` in the command
    line's language), or the catalogue text ``none_key`` when there is none."""
    from lingtan.adapters.i18n.messages import Translator

    if as_json:
        print_json(rows)
        return
    if not rows:
        say(none_key)
    t = Translator(cli_locale())
    for row in rows:
        plain(line(t, row))


def export_register(
    workspace: Path,
    file: Path,
    export: Callable[[Session, LocalContext, str], bytes],
    count: Callable[[Session, LocalContext], int],
    key: str,
    runner: Callable[[Path, Callable[[Session, LocalContext], int]], int] = run_in_store,
) -> None:
    """Write a register to ``file`` (XLSX for ``.xlsx``, else CSV) with ``export(db, ctx,
    fmt)`` and say ``key`` with ``n`` (``count(db, ctx)`` rows) and ``file``."""
    fmt = "xlsx" if file.suffix.lower() == ".xlsx" else "csv"

    def write(db: Session, ctx: LocalContext) -> int:
        file.write_bytes(export(db, ctx, fmt))
        return count(db, ctx)

    say(key, n=runner(workspace, write), file=str(file))
