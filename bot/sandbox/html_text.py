"""Telegram's HTML parse mode: the supported tags, entities and errors."""

from __future__ import annotations

import html
import re

from bot.sandbox.entities import EntityParseError, Opened, Output, Rendered, byte_offset

HTML_TAGS: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
HTML_NAMED_ENTITIES = frozenset({"lt", "gt", "amp", "quot"})
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s[^<>]*)?)>")
ATTRIBUTE = re.compile(r"""([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
CHARACTER_REFERENCE = re.compile(r"&(#[xX][0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);")


class HtmlReader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.out = Output()
        self.stack: list[Opened] = []

    def fail(self, message: str) -> EntityParseError:
        return EntityParseError(message)

    def read(self) -> Rendered:
        i = 0
        text = self.text
        while i < len(text):
            char = text[i]
            if char == "<":
                i = self._tag(i)
            elif char == "&":
                i = self._reference(i)
            else:
                self.out.add(char)
                i += 1
        if self.stack:
            raise self.fail(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        return self.out.rendered()

    def _reference(self, i: int) -> int:
        match = CHARACTER_REFERENCE.match(self.text, i)
        if match is None:
            self.out.add("&")
            return i + 1
        name = match.group(1)
        if name.startswith("#") or name in HTML_NAMED_ENTITIES:
            self.out.add(html.unescape(match.group()))
        else:
            self.out.add(match.group())
        return match.end()

    def _tag(self, i: int) -> int:
        match = TAG.match(self.text, i)
        at = byte_offset(self.text, i)
        if match is None:
            word = re.match(r"</?([^\s<>]*)", self.text[i:])
            name = word.group(1) if word else ""
            raise self.fail(f'Unsupported start tag "{name}" at byte offset {at}')
        closing, name, rest = match.group(1), match.group(2).lower(), match.group(3)
        if closing:
            self._close(name, at)
        else:
            self._open(name, rest, at)
        return match.end()

    def _open(self, name: str, rest: str, at: int) -> None:
        attributes = {
            m.group(1).lower(): next((g for g in m.groups()[1:] if g is not None), "")
            for m in ATTRIBUTE.finditer(rest)
        }
        if name not in HTML_TAGS or (name == "span" and attributes.get("class") != "tg-spoiler"):
            raise self.fail(f'Unsupported start tag "{name}" at byte offset {at}')
        kind = HTML_TAGS[name]
        if name == "blockquote" and "expandable" in attributes:
            kind = "expandable_blockquote"
        self.stack.append(Opened(name, kind, self.out.offset, at, attributes))

    def _close(self, name: str, at: int) -> None:
        if not self.stack:
            raise self.fail(f"Unexpected end tag at byte offset {at}")
        top = self.stack[-1]
        if top.name != name:
            raise self.fail(
                f'Unmatched end tag at byte offset {at}, expected "</{top.name}>", '
                f'found "</{name}>"'
            )
        self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        language = top.attributes.get("class", "").removeprefix("language-") or None
        if top.kind == "code" and parent is not None and parent.kind == "pre":
            parent.language = language
            return
        if top.kind == "text_link":
            href = top.attributes.get("href")
            if href:
                self.out.entity("text_link", top.start, url=href)
            return
        if top.kind == "custom_emoji":
            self.out.entity(
                "custom_emoji", top.start, custom_emoji_id=top.attributes.get("emoji-id")
            )
            return
        self.out.entity(top.kind, top.start, language=top.language)
