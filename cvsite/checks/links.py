"""`links`: web addresses that will not work once the page is published.

The model already refuses values that are not URLs at all; this catches what
passes a pattern but fails a reader: a host without a domain (`https://github`),
an empty label (`example..com`), a link to localhost, a mistyped scheme
(`http//`), and markdown links with no target, a bare `mailto:` or a relative
path, which breaks in the PDF.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from cvsite.checks.common import markdown_links, strings, warning, without_code
from cvsite.errors import Problem
from cvsite.loader import Workspace

CODE = "links"
_SKIP = ("$schema", "posting")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$", re.IGNORECASE)
_TLD = re.compile(r"^([a-z]{2,63}|xn--[a-z0-9-]+)$", re.IGNORECASE)
_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
_BAD_SCHEME = re.compile(
    r"\b(https?//|https?:/(?!/)|htps?://|htttps?://|hhttps?://|https?:///)(?:[^\s)]*[^\s).,;:!?'\"])?",
    re.IGNORECASE,
)
_DOMAIN_LIKE = re.compile(r"^(www\.|[\w-]+\.(com|org|net|io|dev|de|uk|eu|ai|app|co)\b)", re.IGNORECASE)
_OTHER_SCHEMES = ("tel:", "#")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def check_links(ws: Workspace) -> list[Problem]:
    problems = []
    for file, doc in ws.documents.items():
        for loc, value in strings(doc, skip=_SKIP):
            for message, suggestion in _value_problems(value):
                problems.append(warning(ws, file, loc, CODE, message, suggestion))
    return problems


def _value_problems(value: str) -> list[tuple[str, str]]:
    """What is wrong with one string: as a URL itself, and with the links written inside it."""
    found = []
    stripped = value.strip()
    if re.match(r"^(https?|mailto):", stripped, re.IGNORECASE) and " " not in stripped:
        found += _url_problems(stripped)
    prose = without_code(value)
    for target in markdown_links(prose):
        found += _target_problems(target)
    bad = _BAD_SCHEME.search(prose)
    if bad and not re.match(r"^(https?|mailto):", stripped, re.IGNORECASE):
        found.append((f"'{bad.group(0)}' has a mistyped scheme", "write it as https://…"))
    return found


def _target_problems(target: str) -> list[tuple[str, str]]:
    if not target:
        return [("a markdown link has no target", "put the address in the parentheses: [text](https://…)")]
    if re.match(r"^(https?|mailto):", target, re.IGNORECASE):
        return _url_problems(target)
    if target.lower().startswith(_OTHER_SCHEMES):
        return []
    if _SCHEME.match(target):
        return [(f"link '{target}' is not a web address", "link to an https://… page")]
    if _DOMAIN_LIKE.match(target):
        return [(f"link '{target}' has no scheme, so it is read as a path on your own site",
                 f"write it as https://{target}")]
    return [(f"link '{target}' is relative; it breaks in the PDF and on pages at other depths",
             "use the full https://… address")]


def _url_problems(url: str) -> list[tuple[str, str]]:
    """A URL whose scheme is fine but whose address is not."""
    if url.lower().startswith("mailto:"):
        address = url[len("mailto:"):].split("?")[0]
        if "@" not in address or address.startswith("@") or address.endswith("@"):
            return [(f"'{url}' has no e-mail address", "write it as mailto:you@your-domain.org")]
        return []
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return [(f"'{url}' is not a valid address", "check the brackets and the port number")]
    if host in ("localhost", "127.0.0.1", "0.0.0.0") or host.endswith(".local"):
        return [(f"'{url}' points at your own computer", "link to the published address instead")]
    if _IPV4.match(host):
        return []
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return [(f"'{url}' has no valid domain", "check the address; it should look like https://name.org/…")]
    labels = host.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels) or not _TLD.match(labels[-1]):
        return [(f"'{url}' has no valid domain ('{host or 'nothing'}')",
                 "check the address; it should look like https://name.org/…")]
    return []
