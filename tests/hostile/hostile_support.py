"""Shared helpers of the hostile-input tests: profiles with a value in every field, and
checks over a built site (every HTML file parsed with BeautifulSoup)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from bs4 import BeautifulSoup, Tag
from section_samples import sample_item

from cvsite.model import SECTION_TYPES

Text = Callable[[str], str]
"""Gives the value for a field, from the field's dotted name (so each field can differ)."""

URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "poster", "data", "background",
                  "srcset", "cite", "longdesc", "usemap", "manifest", "ping", "codebase")
SAFE_SCHEMES = {"", "http", "https", "mailto"}
ACTIVE_TAGS = ("iframe", "object", "embed", "svg", "math", "form", "button", "base", "img", "video",
               "audio", "source", "input", "textarea", "frame", "frameset", "applet", "template")


def profile_data(text: Text, url: Text, *, items: int = 1, tag: str = "python") -> dict[str, Any]:
    """A profile with every text field filled by `text(field)` and every URL by `url(field)`."""
    data: dict[str, Any] = {
        "name": text("name"), "headline": text("headline"), "pitch": text("pitch"),
        "location": text("location"), "summary": text("summary"),
        "contact": {"email": "me@example.com", "phone": text("contact.phone"),
                    "website": url("contact.website"), "github": text("contact.github"),
                    "linkedin": text("contact.linkedin"), text("contact.label"): url("contact.extra")},
        **{section.name: [] for section in SECTION_TYPES},
        "interests": [{"name": text("interest"), "keywords": [text("interest.kw")]}],
        "references": [{"name": text("reference.name"), "reference": text("reference.text")}],
    }
    for n in range(items):
        data["experience"].append({
            "role": text(f"exp{n}.role"), "org": text(f"exp{n}.org"), "start": "2020-01", "end": "present",
            "location": text(f"exp{n}.location"), "url": url(f"exp{n}.url"),
            "summary": text(f"exp{n}.summary"),
            "org_description": text(f"exp{n}.org_description"), "tags": [tag, text(f"exp{n}.tag") + " t"],
            "highlights": [text(f"exp{n}.h0"), {"text": text(f"exp{n}.h1"), "tags": [tag]}]})
        data["projects"].append({
            "title": text(f"proj{n}.title"), "summary": text(f"proj{n}.summary"),
            "contribution": text(f"proj{n}.contribution"), "outcome": text(f"proj{n}.outcome"),
            "links": {text(f"proj{n}.link"): url(f"proj{n}.link")}, "date": "2021",
            "highlights": [text(f"proj{n}.h0")], "roles": [text(f"proj{n}.role")],
            "entity": text(f"proj{n}.entity"), "kind": text(f"proj{n}.kind"),
            "keywords": [text(f"proj{n}.keyword")], "tags": [tag, text(f"proj{n}.tag") + " t"]})
        data["contributions"].append({
            "kind": "talk", "title": text(f"contrib{n}.title"), "where": text(f"contrib{n}.where"),
            "url": url(f"contrib{n}.url"), "date": "2022-05", "summary": text(f"contrib{n}.summary"),
            "tags": [tag]})
        data["education"].append({
            "degree": text(f"edu{n}.degree"), "institution": text(f"edu{n}.institution"), "start": "2010",
            "end": "2014", "location": text(f"edu{n}.location"), "summary": text(f"edu{n}.summary"),
            "url": url(f"edu{n}.url"), "area": text(f"edu{n}.area"), "study_type": text(f"edu{n}.study_type"),
            "score": text(f"edu{n}.score"), "courses": [text(f"edu{n}.course")], "tags": [tag]})
        data["skills"].append({"name": text(f"skill{n}.name"), "aliases": [text(f"skill{n}.alias")],
                               "group": text(f"skill{n}.group"), "level": text(f"skill{n}.level"),
                               "tags": [tag]})
        data["languages"].append({"name": text(f"lang{n}.name"), "level": text(f"lang{n}.level")})
        data["publications"].append({
            "title": text(f"pub{n}.title"), "authors": [text(f"pub{n}.author")],
            "venue": text(f"pub{n}.venue"), "date": "2019",
            "doi": "10.5555/" + (text(f"pub{n}.doi").split() or ["x"])[-1], "url": url(f"pub{n}.url"),
            "summary": text(f"pub{n}.summary"), "tags": [tag]})
    for section in SECTION_TYPES:  # a section added since: every field from its model
        if not data[section.name]:
            letters = re.sub(r"[^a-z]", "", section.name)
            data[section.name] = [{**sample_item(section, text, url, f"{letters}{n}"), "tags": [tag]}
                                  for n in range(items)]
    return data


def job_data(text: Text, url: Text, *, tag: str = "python", **extra: Any) -> dict[str, Any]:
    """A job with every text field filled by `text(field)`; the posting is inline text."""
    return {"company": text("job.company"), "role": text("job.role"), "headline": text("job.headline"),
            "pitch": text("job.pitch"), "note": text("job.note"), "posting": text("job.posting"),
            "url": url("job.url"), "tags": {tag: 2}, "listed": True, **extra}


def write_workspace(root: Path, profile: dict[str, Any], jobs: dict[str, dict[str, Any]]) -> Path:
    """Write profile.yaml and jobs/<slug>.yaml under root; return root."""
    (root / "jobs").mkdir(parents=True, exist_ok=True)
    dump = {"allow_unicode": True, "sort_keys": False, "width": 10_000}
    (root / "profile.yaml").write_text(yaml.safe_dump(profile, **dump), encoding="utf-8")
    for slug, job in jobs.items():
        (root / "jobs" / f"{slug}.yaml").write_text(yaml.safe_dump(job, **dump), encoding="utf-8")
    return root


def html_files(out: Path) -> Iterator[tuple[Path, BeautifulSoup]]:
    for path in sorted(out.rglob("*.html")):
        yield path, BeautifulSoup(path.read_text("utf-8"), "html.parser")


def jsonld(soup: BeautifulSoup) -> dict[str, Any]:
    """The page's one JSON-LD block, parsed (fails the test if it is not valid JSON)."""
    (block,) = soup.find_all("script", type="application/ld+json")
    return json.loads(block.string)


def scheme(url: str) -> str:
    """The scheme a browser would see: entities are already decoded, controls and spaces dropped."""
    cleaned = "".join(ch for ch in url if ord(ch) > 0x20 and ch != "\x7f")
    return urlsplit(cleaned).scheme.lower() if ":" in cleaned.split("/", 1)[0] else ""


def active_content(soup: BeautifulSoup) -> list[str]:
    """Everything in a page that could run or fetch something it should not, described."""
    found: list[str] = []
    for script in soup.find_all("script"):
        if script.get("type") != "application/ld+json":
            found.append(f"script element {str(script)[:80]}")
    for element in soup.find_all(True):
        assert isinstance(element, Tag)
        found += [f"<{element.name} {name}=…>" for name in element.attrs if name.lower().startswith("on")]
        for name in URL_ATTRIBUTES:
            value = element.get(name)
            if isinstance(value, str) and not _allowed_url(element, name, value):
                found.append(f"<{element.name} {name}={value[:60]!r}>")
        if element.name in ACTIVE_TAGS:
            found.append(f"<{element.name}> element")
        if element.name == "meta" and element.get("http-equiv"):
            found.append("meta http-equiv")
        if element.name == "style" and element.find_parent("body") is not None:
            found.append("style element in the body")
        if element.get("style"):
            found.append(f"style attribute on <{element.name}>")
    return found


def _allowed_url(element: Tag, attribute: str, value: str) -> bool:
    kind = scheme(value)
    if kind in SAFE_SCHEMES:
        return True
    if kind == "tel":  # the phone contact link: digits and + only, made by render_html
        return all(ch.isdigit() or ch == "+" for ch in value[4:])
    # The theme's empty favicon, which stops browsers asking the server for /favicon.ico.
    return kind == "data" and value == "data:," and element.name == "link" and "icon" in element["rel"]
