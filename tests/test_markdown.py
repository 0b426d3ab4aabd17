from hypothesis import given
from hypothesis import strategies as st

from cvsite.markdown import is_safe_link, plain_text, render_inline, render_markdown


def test_raw_html_is_shown_as_text():
    html = render_markdown('Hi <script>alert("x")</script> <b>bold</b>')
    assert "<script" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;bold&lt;/b&gt;" in html


def test_only_http_https_and_mailto_links_survive():
    html = render_markdown(
        "[a](https://a.example) [b](http://b.example) [c](mailto:c@d.example) "
        "[d](javascript:alert(1)) [e](jav&#x61;script:alert(1)) [f](data:text/html,x) [g](/relative)"
    )
    assert html.count("<a ") == 3
    assert 'href="https://a.example"' in html and 'href="mailto:c@d.example"' in html
    assert "javascript:" not in html.split("<a ")[-1].split(">")[0]
    assert "[d](javascript:alert(1))" in html and "[g](/relative)" in html


def test_images_and_headings_are_not_rendered():
    html = render_markdown("# Title\n\n![x](https://tracker.example/pixel.png)")
    assert "<img" not in html and "<h1" not in html
    assert "# Title" in html


def test_block_markdown_keeps_lists_and_emphasis():
    html = render_markdown("Some **bold** text\n\n- one\n- two")
    assert "<strong>bold</strong>" in html and html.count("<li>") == 2


def test_inline_variant_has_no_paragraph():
    assert render_inline("Cut *p99* by 40%") == "Cut <em>p99</em> by 40%"
    assert render_inline(None) == "" and render_markdown("") == ""


def test_plain_text_drops_markup_but_keeps_words():
    assert plain_text("Built **fast** [APIs](https://x.example) in `Go`") == "Built fast APIs in Go"


def test_link_scheme_check_ignores_case_and_whitespace():
    assert is_safe_link(" HTTPS://x.example")
    assert not is_safe_link("ftp://x.example")


@given(st.text())
def test_no_text_can_inject_a_tag(text):
    html = render_markdown(text) + render_inline(text)
    for tag in ("<script", "<img", "<iframe", "<style", "<svg"):
        assert tag not in html.lower()
