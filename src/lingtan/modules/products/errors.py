"""Errors of the product-footprint module: one base class with specific subclasses."""

from __future__ import annotations

from lingtan.core.errors import LingtanError


class LcaError(LingtanError):
    """Base class of every error the product-footprint module raises on purpose."""


class InventoryDataError(LcaError):
    """Life-cycle inventory data are inconsistent (unknown process or flow, duplicate key,
    a process without exactly one reference product …). The message names the process,
    exchange or flow."""


class FactorisationError(LcaError):
    """The technosphere matrix cannot be factorised usefully: singular, or the LU factors
    would exceed the fill-in limit (decision 0020)."""


class BomError(LcaError):
    """A bill of materials cannot be expanded (unknown process, incompatible unit, recycled
    shares above 100 % …). The message names the product, configuration and BOM line."""


class ClaimError(LcaError):
    """A carbon-neutral claim cannot be made (credits missing, not retired, reused …)."""


class LciFileError(InventoryDataError):
    """An LCI exchange file (ecospold2, openLCA JSON-LD, PACT) cannot be used. Names the file,
    the element (path and id) and the reason; nothing from the import is kept."""

    def __init__(self, file: str, element: str, reason: str) -> None:
        super().__init__(f"{file}: {element}: {reason}" if element else f"{file}: {reason}")
        self.file = file
        self.element = element
        self.reason = reason
