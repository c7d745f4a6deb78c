"""Errors of the file readers in the user's language (decision 0053, readers addendum).

The factor-file reader (:class:`~lingtan.core.errors.FactorError`), the published-figures reader
(:class:`~lingtan.adapters.io.published_figures.PublishedFiguresError`, an
:class:`~lingtan.core.errors.InputFileError` with ``issues``) and the reference-table readers
(:class:`~lingtan.core.errors.InputFileError`) carry their explanation as a catalogue key
(``reader.*``, ``i18n/readers.<locale>.json``). :func:`error_text` renders any of them in a
locale; :func:`keyed_cause` finds one behind a service's refusal (``raise … from exc``), so a page
or the CLI can show the reader's own words instead of the service's English.
"""

from __future__ import annotations

from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.i18n.rows import file_error_text, issue_line, render
from lingtan.core.errors import FactorError, InputFileError


def error_text(exc: BaseException, locale: str) -> str | None:
    """The text of a keyed reader error in ``locale``: ``file: reason`` for a file error (each
    problem on its own line below, for a file refused with a list of issues), ``where: reason``
    for a factor error; None for an error without a key."""
    if isinstance(exc, InputFileError):
        text = file_error_text(exc, locale)
        issues = getattr(exc, "issues", None)
        if issues:
            text += "".join(f"\n  {issue_line(i, locale)}" for i in issues)
        return text
    if isinstance(exc, FactorError) and exc.message is not None:
        return render(exc.message, locale)
    return None


def keyed_cause(exc: BaseException) -> BaseException | None:
    """``exc`` or the first error behind it (``__cause__``, then ``__context__``) that a reader
    raised with a key: a :class:`FactorError` with a message, or an :class:`InputFileError`."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, InputFileError) or (
            isinstance(cur, FactorError) and cur.message is not None
        ):
            return cur
        cur = cur.__cause__ or cur.__context__
    return None


def cause_text(exc: BaseException, locale: str) -> str | None:
    """:func:`error_text` of the keyed reader error behind ``exc``, None when there is none."""
    cause = keyed_cause(exc)
    return None if cause is None else error_text(cause, locale)


#: the refusals :func:`refusal_text` renders from their key (set-up services and commands);
#: others keep their own message (their English is what existing callers expect)
REFUSAL_KEYS = (
    "setup.err.",
    "cli.setup.",
    "supplier",
    "pact.",
    "certs.",
    "zerocarbon.",
    # climate risk (issue 17): register, aspects, scenarios, physical risk, governance, demo
    "risk.",
    "aspects.",
    "scenarios.",
    "hazards.",
    "governance.",
    "risk_demo.",
    # carbon inclusion (issue 18): incl_meth., incl_prog., incl_ev., incl_push., incl_camp., …
    "incl_",
    # disclosure (issue 19): disc_map., disc_ed., disc_render., disc_ghg., disc_pil., disc_demo.;
    # circularity ledgers; the control tower
    "disc_",
    "circ.",
    "tower.",
)


def refusal_text(exc: BaseException, locale: str) -> str | None:
    """What a command line or page shows for ``exc`` in ``locale``: a keyed reader error (or the
    one behind ``exc``), or a refusal carrying a catalogue ``key`` and ``params`` (a service's
    ``SetupError``; its ``detail`` becomes the reader's words when a reader error is behind it);
    None when ``exc`` has no key (show ``str(exc)``)."""
    key = getattr(exc, "key", None)
    params = getattr(exc, "params", None)
    if isinstance(key, str) and key.startswith(REFUSAL_KEYS) and isinstance(params, dict):
        t = Translator(locale)
        if t.has(key):
            shown = dict(params)
            detail = cause_text(exc, locale) if "detail" in shown else None
            if detail:
                shown["detail"] = detail
            try:
                return t(key, **shown)
            except (KeyError, IndexError, ValueError):
                return None
    return cause_text(exc, locale)
