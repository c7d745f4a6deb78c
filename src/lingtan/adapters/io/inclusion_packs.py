"""Methodology pack files (issue 18 item 2; decision 0087): one YAML document a pack, read and
checked by :func:`lingtan.modules.inclusion.methodology.parse_pack`.

- :func:`parse_pack_text` — a pack from the text of a file (an organisation's own pack version);
- :func:`read_pack_file` — the same from a path;
- :func:`shipped_packs` — the packs lingtan ships (``lingtan/data/inclusion/packs/*.yaml``,
  read once from the installed package).

A bad file is refused with a :class:`PackFileError` naming the file, the field (``parameters.
ef_grid.unit``) and the reason, keyed for the catalogue (``incl_meth.err.file``).
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

import yaml

from lingtan.adapters.i18n.messages import catalogue
from lingtan.core.errors import MessageError
from lingtan.core.messages import msg, render
from lingtan.modules.inclusion.errors import MethodologyError
from lingtan.modules.inclusion.methodology import Pack, parse_pack

#: largest pack file [bytes]
MAX_PACK_BYTES = 256 * 1024
#: where the shipped packs are, inside the ``lingtan`` package
SHIPPED_DIR = ("data", "inclusion", "packs")


class PackFileError(MessageError):
    """A pack file was refused: ``file``, ``field`` and the keyed reason (``message``)."""

    def __init__(self, file: str, field: str, reason: MethodologyError | str) -> None:
        inner = reason.message if isinstance(reason, MethodologyError) else msg(reason)
        message = msg("incl_meth.err.file", file=file, field=field, reason=inner)
        super().__init__(message, field)
        self.file = file
        self.args = (render(message, catalogue("en").get, ", "),)  # English text, for logs


def parse_pack_text(text: str, name: str) -> Pack:
    """The pack of a YAML text named ``name`` (the file name, for errors).

    Raises:
        PackFileError: too large, not YAML, not one mapping, or a field refused by the pack's
            checks (named).
    """
    if len(text.encode("utf-8")) > MAX_PACK_BYTES:
        raise PackFileError(name, "file", "incl_meth.err.too_large")
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "file"
        raise PackFileError(name, where, "incl_meth.err.yaml") from None
    try:
        return parse_pack(doc)
    except MethodologyError as exc:
        raise PackFileError(name, exc.field or "file", exc) from None


def read_pack_file(path: Path) -> Pack:
    """The pack of the file at ``path`` (UTF-8).

    Raises:
        PackFileError: unreadable or refused (:func:`parse_pack_text`).
    """
    try:
        data = path.read_bytes()
    except OSError:
        raise PackFileError(path.name, "file", "incl_meth.err.unreadable") from None
    if len(data) > MAX_PACK_BYTES:
        raise PackFileError(path.name, "file", "incl_meth.err.too_large")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PackFileError(path.name, "file", "incl_meth.err.encoding") from None
    return parse_pack_text(text, path.name)


@functools.cache
def shipped_packs() -> tuple[Pack, ...]:
    """Every pack lingtan ships, sorted by id and version (read once).

    Raises:
        PackFileError: a shipped file is invalid (a packaging error; tests read them all).
    """
    folder = resources.files("lingtan").joinpath(*SHIPPED_DIR)
    packs = [
        parse_pack_text(entry.read_text(encoding="utf-8"), entry.name)
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".yaml")
    ]
    return tuple(sorted(packs, key=lambda p: (p.id, p.version)))
