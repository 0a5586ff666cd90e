"""Parse modes render like Telegram's, and markup Telegram refuses is refused here too."""

from __future__ import annotations

import pytest

from bot.sandbox.formatting import EntityParseError, command_entities, render, utf16_len

RENDERED = [
    ("plain text stays", None, "a <b> & *b*", []),
    ("HTML bold", "HTML", "<b>Hi</b> there", [{"type": "bold", "offset": 0, "length": 2}]),
    ("HTML escapes", "HTML", "1 &lt; 2 &amp;&amp; 3 &gt; 2", []),
    (
        "HTML link",
        "HTML",
        '<a href="https://example.org">help</a>',
        [{"type": "text_link", "offset": 0, "length": 4, "url": "https://example.org"}],
    ),
    (
        "HTML pre with language",
        "HTML",
        '<pre><code class="language-python">x = 1</code></pre>',
        [{"type": "pre", "offset": 0, "length": 5, "language": "python"}],
    ),
    (
        "offsets count UTF-16 units",
        "HTML",
        "🙂 <i>ok</i>",
        [{"type": "italic", "offset": 3, "length": 2}],
    ),
    ("MarkdownV2 escapes", "MarkdownV2", r"Call 1\-800\.", []),
    (
        "MarkdownV2 bold and italic",
        "MarkdownV2",
        "*calm* _breath_",
        [{"type": "bold", "offset": 0, "length": 4}, {"type": "italic", "offset": 5, "length": 6}],
    ),
    (
        "MarkdownV2 link",
        "MarkdownV2",
        "[plan](https://example.org/p)",
        [{"type": "text_link", "offset": 0, "length": 4, "url": "https://example.org/p"}],
    ),
    ("legacy Markdown", "Markdown", "*bold*", [{"type": "bold", "offset": 0, "length": 4}]),
]

PLAIN = {
    "plain text stays": "a <b> & *b*",
    "HTML bold": "Hi there",
    "HTML escapes": "1 < 2 && 3 > 2",
    "HTML link": "help",
    "HTML pre with language": "x = 1",
    "offsets count UTF-16 units": "🙂 ok",
    "MarkdownV2 escapes": "Call 1-800.",
    "MarkdownV2 bold and italic": "calm breath",
    "MarkdownV2 link": "plan",
    "legacy Markdown": "bold",
}

REFUSED = [
    ("a bare less-than in HTML", "HTML", "1 < 2", "Unsupported start tag"),
    ("an unknown HTML tag", "HTML", "line<br>break", 'Unsupported start tag "br"'),
    ("an unclosed HTML tag", "HTML", "<b>bold", "Can't find end tag"),
    ("crossed HTML tags", "HTML", "<b><i>x</b></i>", "Unmatched end tag"),
    ("an unescaped dot in MarkdownV2", "MarkdownV2", "Take care.", "Character '.' is reserved"),
    ("an unescaped dash in MarkdownV2", "MarkdownV2", "1-800", "Character '-' is reserved"),
    ("an unclosed MarkdownV2 bold", "MarkdownV2", "*open", "Can't find end of Bold entity"),
    ("an unclosed legacy Markdown italic", "Markdown", "_open", "Can't find end of the entity"),
]


@pytest.mark.parametrize(
    ("case", "mode", "text", "entities"), RENDERED, ids=[r[0] for r in RENDERED]
)
def test_a_parse_mode_renders_the_text_the_person_sees_and_its_entities(
    case: str, mode: str | None, text: str, entities: list[dict[str, object]]
) -> None:
    rendered = render(text, mode)
    assert rendered.text == PLAIN[case]
    assert rendered.entities == entities


@pytest.mark.parametrize(("case", "mode", "text", "reason"), REFUSED, ids=[r[0] for r in REFUSED])
def test_markup_telegram_cannot_parse_is_refused(
    case: str, mode: str, text: str, reason: str
) -> None:
    with pytest.raises(EntityParseError, match=reason):
        render(text, mode)


def test_commands_get_bot_command_entities_but_paths_do_not() -> None:
    assert command_entities("/start abc and /help@companion_bot, not a/b") == [
        {"type": "bot_command", "offset": 0, "length": 6},
        {"type": "bot_command", "offset": 15, "length": 19},
    ]


def test_utf16_length_counts_astral_characters_twice() -> None:
    assert utf16_len("a🙂") == 3
