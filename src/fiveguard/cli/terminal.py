"""Text from users' files reaching the terminal, with its control characters made visible.

A model's names, a file's name or a key in a YAML file can hold escape sequences: printed
raw, they could retitle the terminal window, rewrite lines already shown (hiding a
problem), or reorder text with bidirectional overrides. Every character that controls
the terminal rather than showing a glyph is written as a ``\\uXXXX`` escape instead, which
reads plainly in a message and, inside a JSON string, means the same character.

:class:`TerminalConsole` applies this to everything it prints (tables, messages, what-if
text, progress), leaving the styling Rich adds itself untouched; :func:`escape_controls`
is for text written around it (one-line problem messages, JSON documents).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.segment import Segment
from rich.text import Text

_CONTROLS = [
    *range(0x00, 0x09),  # C0 controls, keeping tab and newline
    *range(0x0B, 0x20),  # … including ESC and carriage return
    0x7F,  # delete
    *range(0x80, 0xA0),  # C1 controls (0x9B is a one-byte CSI on some terminals)
    0x061C,  # Arabic letter mark
    0x200E,  # left-to-right and right-to-left marks
    0x200F,
    *range(0x202A, 0x202F),  # bidirectional embeddings and overrides
    *range(0x2066, 0x206A),  # bidirectional isolates
]
_ESCAPES = {code: f"\\u{code:04x}" for code in _CONTROLS}
_ONE_LINE_ESCAPES = {**_ESCAPES, 0x09: "\\t", 0x0A: "\\n"}


def escape_controls(text: str, *, one_line: bool = False) -> str:
    """``text`` with control characters written as escapes; with ``one_line``, tabs and
    newlines too (for a message that must stay on its line)."""
    return text.translate(_ONE_LINE_ESCAPES if one_line else _ESCAPES)


PIPED_WIDTH = 100_000
"""The width of output that goes to a pipe or a file: wide enough that neither a line nor
a table is wrapped (at 80 columns Rich would fold every long line and cell)."""
RULE_WIDTH = 80
"""A rule drawn in piped output is this wide, not as wide as the (unbounded) page."""


class TerminalConsole(Console):
    """A Rich console that escapes control characters in the text it prints.

    Rich keeps what it writes itself (colours, cursor movement for progress bars) apart
    from the text: styles beside each segment, cursor moves as control segments. Only
    the text of the other segments is escaped, just before Rich turns them into output.

    Printed to a pipe or a file (and no ``COLUMNS`` given), nothing is wrapped: lines and
    tables keep their length, so ``grep`` finds a whole finding and a table pastes whole.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.piped = "width" not in kwargs and "COLUMNS" not in os.environ and not self.is_terminal
        if self.piped:
            self.width = PIPED_WIDTH

    def rule(self, title: Any = "", *args: Any, **kwargs: Any) -> None:
        """A rule; piped, a line of :data:`RULE_WIDTH` with the title, not one page wide."""
        if self.piped and self.width == PIPED_WIDTH:
            plain = Text.from_markup(title).plain if isinstance(title, str) else str(title)
            side = "─" * max((RULE_WIDTH - len(plain) - 2) // 2, 2)
            self.print(f"{side} {title} {side}" if plain else "─" * RULE_WIDTH)
            return
        super().rule(title, *args, **kwargs)

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            segment if segment.control else Segment(escape_controls(segment.text), segment.style)
            for segment in buffer
        )
