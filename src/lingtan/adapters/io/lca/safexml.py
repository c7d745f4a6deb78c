"""A small, safe XML reader for LCA exchange files.

Built on the standard library's expat with the protections ``defusedxml`` applies: a document
type declaration, any entity declaration and any external entity reference are refused (no
billion-laughs expansion, no external entity or DTD fetch). Elements keep their line number and
their path (``/ecoSpold/activityDataset/flowData/intermediateExchange[3]``) so errors can name
them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.parsers import expat

from lingtan.modules.products.errors import LciFileError


@dataclass
class Node:
    """One XML element: local tag (namespace stripped), attributes, text, children."""

    tag: str
    attrib: dict[str, str]
    line: int
    path: str
    children: list[Node] = field(default_factory=list)
    text: str = ""

    def find(self, tag: str) -> Node | None:
        """First child with local tag ``tag``."""
        for c in self.children:
            if c.tag == tag:
                return c
        return None

    def findall(self, tag: str) -> list[Node]:
        """Children with local tag ``tag``."""
        return [c for c in self.children if c.tag == tag]

    def child_text(self, tag: str) -> str:
        """Stripped text of the first child ``tag`` ("" when absent)."""
        c = self.find(tag)
        return c.text.strip() if c is not None else ""

    def where(self) -> str:
        """``line N, /path (id=…)`` for error messages."""
        ident = self.attrib.get("id") or self.attrib.get("intermediateExchangeId") or ""
        return f"line {self.line}, {self.path}" + (f" (id={ident})" if ident else "")


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


def parse_xml(data: bytes, source: str) -> Node:
    """Parse ``data`` into a :class:`Node` tree.

    Raises:
        LciFileError: not well-formed XML (with line and column), or a DTD / entity
            declaration / external entity is present (refused, never resolved).
    """
    parser = expat.ParserCreate(namespace_separator=" ")
    stack: list[Node] = []
    counts: list[dict[str, int]] = [{}]
    root: list[Node] = []

    def refuse(what: str) -> None:
        raise LciFileError(source, f"line {parser.CurrentLineNumber}", f"{what} refused")

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = _local(name)
        seen = counts[-1]
        seen[tag] = seen.get(tag, 0) + 1
        parent = stack[-1].path if stack else ""
        node = Node(
            tag,
            {_local(k): v for k, v in attrs.items()},
            parser.CurrentLineNumber,
            f"{parent}/{tag}[{seen[tag]}]" if stack else f"/{tag}",
        )
        if stack:
            stack[-1].children.append(node)
        else:
            root.append(node)
        stack.append(node)
        counts.append({})

    def end(_name: str) -> None:
        stack.pop()
        counts.pop()

    def chars(text: str) -> None:
        if stack:
            stack[-1].text += text

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars

    def no_doctype(*_: object) -> None:
        refuse("document type declaration (DTD)")

    def no_entity(*_: object) -> None:
        refuse("entity declaration")

    def no_external(*_: object) -> int:
        refuse("external entity reference")
        return 0

    parser.StartDoctypeDeclHandler = no_doctype
    parser.EntityDeclHandler = no_entity
    parser.ExternalEntityRefHandler = no_external
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise LciFileError(
            source,
            f"line {exc.lineno}, column {exc.offset}",
            f"not well-formed XML ({expat.ErrorString(exc.code)})",
        ) from None
    if not root:
        raise LciFileError(source, "", "no root element")
    return root[0]
