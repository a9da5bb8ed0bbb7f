"""A real agreement saved as an HTML page is scored on the words a browser shows."""

from __future__ import annotations

from pipeline.realtext import locate, read_text


def test_an_html_page_is_read_as_its_visible_words(tmp_path):
    page = tmp_path / "agreement.html"
    page.write_text(
        '<div class="ca-article"><h3>ARTICLE G.1: SICK LEAVE</h3>\n'
        "<p>G.1.1 A teacher&#x27;s sick leave shall be <b>twenty (20)</b>\n days a year.</p>"
        "<ul><li>a. one</li><li>b. two</li></ul></div>",
        encoding="utf-8",
    )
    text = read_text(page)
    assert text.split("\n") == [
        "## ARTICLE G.1: SICK LEAVE",
        "G.1.1 A teacher's sick leave shall be twenty (20) days a year.",
        "a. one",
        "b. two",
    ]
    assert locate(text, [{"start": "A teacher's sick leave", "end": "days a year."}]) != [None]
