"""Fields of the typed result records of the link and key-rate functions (frozen dataclasses).

Each field carries its ``unit`` ("1" for a pure number, "" for a label or an object) and its ``meaning`` in
:func:`dataclasses.fields` metadata, as the published catalogue does for its numbers.
"""

from __future__ import annotations

from dataclasses import MISSING, field
from typing import Any


def quantity(unit: str, meaning: str, default: Any = MISSING) -> Any:
    """A record field of unit ``unit`` (optional with ``default``), described by ``meaning``."""
    return field(default=default, metadata={"unit": unit, "meaning": meaning})
