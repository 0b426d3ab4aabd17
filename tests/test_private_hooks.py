"""Pins for the private parts of WeasyPrint and PyYAML that cvsite still relies on.

Each test states what cvsite assumes of a library's internals, so that an
upgrade which changes them fails here, loudly, instead of silently turning
off page fitting or the YAML nesting bound.

WeasyPrint has no public API for the laid-out boxes: `Document.pages` gives
`Page` objects whose public attributes are the page size, links, anchors and
bookmarks only. cvsite's PDF fitting (cvsite/render_pdf.py) reads the box tree
through `Page._page_box` to measure the elements it may cut, to find how far
the content runs, and to remove the lone "page 1 of 1" margin box.

PyYAML's documented way to build a loader is to combine its Reader, Scanner,
Parser, Composer, Constructor and Resolver classes (that is how `SafeLoader`
and `CSafeLoader` are defined). cvsite.yamlsource does the same, and overrides
two methods to bound the work: `Composer.compose_node` (nesting depth) and, for
the pure-Python scanner, `Scanner.fetch_flow_collection_start` (flow depth).
"""

from __future__ import annotations

import inspect
import io

import pytest
import weasyprint
import yaml
from pypdf import PdfReader
from yaml.composer import Composer
from yaml.scanner import Scanner

from cvsite.errors import CvsiteError
from cvsite.yamlsource import MAX_DEPTH, parse_yaml

# --- WeasyPrint -----------------------------------------------------------------------------------

PAGE = """<html><head><style>
@page { size: 200px 300px; margin: 40px; @bottom-right { content: "page " counter(page); } }
body { margin: 0; font-size: 10px; }
.block { height: 100px; }
.chip { display: inline-block; width: 30px; height: 10px; }
</style></head><body>
<div class="block" data-key="item-1">first</div>
<p><span class="chip" data-key="chip-1">a</span></p>
</body></html>"""


@pytest.fixture(scope="module")
def document():
    return weasyprint.HTML(string=PAGE).render()


def _walk(box):
    for child in getattr(box, "children", []):
        yield child
        yield from _walk(child)


def test_a_page_exposes_its_box_tree_as_page_box(document):
    page = document.pages[0]
    assert (page.width, page.height) == (200, 300), "the public page size, in CSS px"
    root = page._page_box
    assert root.width == pytest.approx(120), "page box width is the content width (200 - 2 * 40)"
    assert root.content_box_y() == pytest.approx(40)
    assert isinstance(root.children, (list, tuple)) and root.children


def test_boxes_carry_their_element_and_measure_themselves(document):
    boxes = {}
    for box in _walk(document.pages[0]._page_box):
        element = getattr(box, "element", None)
        key = element.get("data-key") if element is not None else None
        if key and key not in boxes:
            boxes[key] = box
    block, chip = boxes["item-1"], boxes["chip-1"]
    assert block.margin_height() == pytest.approx(100)
    assert block.margin_width() == pytest.approx(120)
    assert block.position_y == pytest.approx(40)
    assert chip.margin_width() == pytest.approx(30)
    assert any(type(box).__name__ == "LineBox" for box in _walk(document.pages[0]._page_box))


def test_removing_a_margin_box_from_page_box_removes_its_text_from_the_pdf():
    document = weasyprint.HTML(string=PAGE).render()
    page = document.pages[0]._page_box
    margin = [c for c in page.children if type(c).__name__ == "MarginBox"]
    assert len(margin) == 1, "the @bottom-right box is a child of the page box named MarginBox"
    before = PdfReader(io.BytesIO(document.write_pdf())).pages[0].extract_text()
    assert "page 1" in before
    page.children = [c for c in page.children if c not in margin]
    after = PdfReader(io.BytesIO(document.write_pdf())).pages[0].extract_text()
    assert "page 1" not in after and "first" in after


# --- PyYAML ---------------------------------------------------------------------------------------


def test_the_methods_yamlsource_overrides_exist_with_the_same_signature():
    assert list(inspect.signature(Composer.compose_node).parameters) == ["self", "parent", "index"]
    assert list(inspect.signature(Scanner.fetch_flow_collection_start).parameters) == ["self", "TokenClass"]
    assert callable(Composer.get_single_node) and callable(yaml.parser.Parser.peek_event)
    scanner = yaml.SafeLoader("")
    assert scanner.flow_level == 0, "the scanner counts open flow collections in flow_level"
    if hasattr(yaml, "CParser"):
        for method in ("check_event", "peek_event", "get_event"):
            assert callable(getattr(yaml.CParser, method)), "our Python composer reads libyaml's events"


def _nested(depth: int) -> str:
    return "".join("  " * level + f"k{level}:\n" for level in range(depth)) + "  " * depth + "x: 1\n"


def test_the_depth_bound_is_ours_and_exact():
    """`compose_node` is called once per node on the way down: a document MAX_DEPTH nodes
    deep (the root mapping, the nested ones, the innermost value) loads; one more level is
    refused with our message on the line that goes too deep, before anything is built."""
    doc = parse_yaml(_nested(MAX_DEPTH - 2), "deep.yaml")
    deepest_key = tuple(f"k{level}" for level in range(MAX_DEPTH - 2))
    assert doc.where(deepest_key) == (MAX_DEPTH - 2, 2 * MAX_DEPTH - 5)
    with pytest.raises(CvsiteError) as error:
        parse_yaml(_nested(MAX_DEPTH - 1), "deep.yaml")
    problem = error.value.problems[0]
    assert problem.message.endswith(f"nesting deeper than {MAX_DEPTH} levels")
    assert problem.line == MAX_DEPTH
