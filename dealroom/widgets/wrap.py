"""Lines of tokens that wrap between tokens, never inside one: a stage and its date, a
forecast's "next 3 months 1.2M (5)"."""

from __future__ import annotations

from rich.text import Text


def wrapped(tokens: list[Text], separator: Text, width: int) -> Text:
    """The tokens joined by ``separator``, a new line begun wherever the next token (with
    the separator after it) would not fit in ``width``: no token is ever broken."""
    out = Text()
    used = 0
    for i, token in enumerate(tokens):
        piece = token.copy()
        if i < len(tokens) - 1:
            piece.append_text(separator)
        need = piece.cell_len if i < len(tokens) - 1 else token.cell_len
        if used and used + need > width:
            out.rstrip()
            out.append("\n")
            used = 0
        out.append_text(piece)
        used += piece.cell_len
    return out
