"""Small helpers for text shown to people."""

from __future__ import annotations


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``1 image``, ``2 images``, ``1,000 images``: the number with the noun in the right form."""
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"
