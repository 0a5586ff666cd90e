"""Telegram's MarkdownV2 and legacy Markdown parse modes (closely, if not exactly)."""

from __future__ import annotations

import re

from bot.sandbox.entities import EntityParseError, Opened, Output, Rendered, byte_offset

MARKDOWN_V2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
MARKDOWN_V2_NAMES = {
    "*": "Bold",
    "_": "Italic",
    "__": "Underline",
    "~": "Strikethrough",
    "||": "Spoiler",
    "[": "TextUrl",
}
MARKDOWN_V2_TYPES = {
    "*": "bold",
    "_": "italic",
    "__": "underline",
    "~": "strikethrough",
    "||": "spoiler",
}
LEGACY_MARKERS = {"*": "bold", "_": "italic"}


class MarkdownV2Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.out = Output()
        self.stack: list[Opened] = []
        self.quote_start: int | None = None

    def fail_at(self, message: str) -> EntityParseError:
        return EntityParseError(message)

    def read(self) -> Rendered:
        text = self.text
        i = 0
        while i < len(text):
            if i == 0 or text[i - 1] == "\n":
                i = self._line_start(i)
                if i >= len(text):
                    break
            char = text[i]
            if char == "\\" and i + 1 < len(text) and 0 < ord(text[i + 1]) < 127:
                self.out.add(text[i + 1])
                i += 2
            elif text.startswith("```", i):
                i = self._pre(i)
            elif char == "`":
                i = self._code(i)
            elif text.startswith("__", i) or text.startswith("||", i):
                self._toggle(text[i : i + 2], i)
                i += 2
            elif char in "*_~":
                self._toggle(char, i)
                i += 1
            elif char == "[":
                self.stack.append(Opened("[", "text_link", self.out.offset, i))
                i += 1
            elif char == "]" and self.stack and self.stack[-1].name == "[":
                i = self._link_end(i)
            elif char in MARKDOWN_V2_RESERVED:
                raise self.fail_at(
                    f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
                )
            else:
                self.out.add(char)
                i += 1
        self._end_quote()
        if self.stack:
            top = self.stack[-1]
            raise self.fail_at(
                f"Can't find end of {MARKDOWN_V2_NAMES[top.name]} entity at byte offset "
                f"{byte_offset(text, top.at)}"
            )
        return self.out.rendered()

    def _line_start(self, i: int) -> int:
        if self.text.startswith(">", i):
            if self.quote_start is None:
                self.quote_start = self.out.offset
            return i + 1
        self._end_quote()
        return i

    def _end_quote(self) -> None:
        if self.quote_start is not None:
            self.out.entity("blockquote", self.quote_start)
            self.quote_start = None

    def _toggle(self, marker: str, i: int) -> None:
        if self.stack and self.stack[-1].name == marker:
            top = self.stack.pop()
            self.out.entity(top.kind, top.start)
            return
        if any(item.name == marker for item in self.stack):
            top = self.stack[-1]
            raise self.fail_at(
                f"Can't find end of {MARKDOWN_V2_NAMES[top.name]} entity at byte offset "
                f"{byte_offset(self.text, top.at)}"
            )
        self.stack.append(Opened(marker, MARKDOWN_V2_TYPES[marker], self.out.offset, i))

    def _link_end(self, i: int) -> int:
        opened = self.stack.pop()
        if not self.text.startswith("(", i + 1):
            raise self.fail_at(
                "Character ']' is reserved and must be escaped with the preceding '\\'"
            )
        url, end = self._until(i + 2, ")", "TextUrl", opened.at)
        self.out.entity("text_link", opened.start, url=url)
        return end

    def _until(self, i: int, closer: str, name: str, opened_at: int) -> tuple[str, int]:
        """Text up to ``closer`` (``\\`` escapes it), and the index after the closer."""
        pieces: list[str] = []
        text = self.text
        while i < len(text):
            if text[i] == "\\" and i + 1 < len(text):
                pieces.append(text[i + 1])
                i += 2
            elif text.startswith(closer, i):
                return "".join(pieces), i + len(closer)
            else:
                pieces.append(text[i])
                i += 1
        raise self.fail_at(
            f"Can't find end of {name} entity at byte offset {byte_offset(text, opened_at)}"
        )

    def _code(self, i: int) -> int:
        content, end = self._until(i + 1, "`", "Code", i)
        start = self.out.offset
        self.out.add(content)
        self.out.entity("code", start)
        return end

    def _pre(self, i: int) -> int:
        content, end = self._until(i + 3, "```", "Pre", i)
        language: str | None = None
        first, newline, rest = content.partition("\n")
        if newline and first and " " not in first:
            language, content = first, rest
        start = self.out.offset
        self.out.add(content)
        self.out.entity("pre", start, language=language)
        return end


class LegacyMarkdownReader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.out = Output()

    def read(self) -> Rendered:
        text = self.text
        i = 0
        while i < len(text):
            char = text[i]
            if char == "\\" and i + 1 < len(text) and text[i + 1] in "*_`[":
                self.out.add(text[i + 1])
                i += 2
            elif text.startswith("```", i):
                i = self._span(i, "```", "pre")
            elif char in "*_`":
                i = self._span(i, char, LEGACY_MARKERS.get(char, "code"))
            elif char == "[":
                i = self._link(i)
            else:
                self.out.add(char)
                i += 1
        return self.out.rendered()

    def _span(self, i: int, marker: str, kind: str) -> int:
        end = self.text.find(marker, i + len(marker))
        if end < 0:
            raise EntityParseError(
                f"Can't find end of the entity starting at byte offset {byte_offset(self.text, i)}"
            )
        start = self.out.offset
        self.out.add(self.text[i + len(marker) : end])
        self.out.entity(kind, start)
        return end + len(marker)

    def _link(self, i: int) -> int:
        match = re.compile(r"\[([^\]]*)\]\(([^)]*)\)").match(self.text, i)
        if match is None:
            raise EntityParseError(
                f"Can't find end of the entity starting at byte offset {byte_offset(self.text, i)}"
            )
        start = self.out.offset
        self.out.add(match.group(1))
        self.out.entity("text_link", start, url=match.group(2))
        return match.end()
