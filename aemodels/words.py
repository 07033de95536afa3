"""Small helpers for text shown to people."""

from __future__ import annotations

import re


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``1 image``, ``2 images``, ``1,000 images``: the number with the noun in the right form."""
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"


SAFE_LABEL_LENGTH = 40
_UNSAFE = re.compile(r"[^\w \-.,:;'=+%/()@]")


def safe_label(text: str) -> str:
    """A name from a file (a class folder, a file name) reduced to characters that mean nothing
    to HTML, Markdown, Plotly or MathJax: letters, digits, spaces and ``-_.,:;'=+%/()@``.
    No ``<>&[]$`` and no backslash, so no tags, entities, links or math; at most
    ``SAFE_LABEL_LENGTH`` characters, never empty."""
    cleaned = " ".join(_UNSAFE.sub("", str(text)).split())[:SAFE_LABEL_LENGTH].strip()
    return cleaned or "unnamed"


def safe_labels(names) -> tuple[str, ...]:
    """``safe_label`` of each name, made unique again with " (2)", " (3)"... where two became one."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        label = safe_label(name)
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return tuple(out)
