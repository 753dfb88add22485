"""Small rules of wording shared by every page: counts with their plural, and full stops after
user text (a name may end with one of its own: "Ana L.")."""

from __future__ import annotations


def count(n: int, one: str, many: str | None = None) -> str:
    """'1 interview', '2 interviews', '0 interviews'."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def full_stop_after(text: str) -> str:
    """The full stop that ends a sentence ending with `text`: none if it has its own ('Ana L.')."""
    return "" if text.rstrip().endswith((".", "!", "?", "…")) else "."


def full_stop(text: str) -> str:
    """`text` ended by a full stop, unless it ends with its own ('Ana L.', 'Why?')."""
    return text + full_stop_after(text)
