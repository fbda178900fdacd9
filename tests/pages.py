"""Reading the app's pages as a person would: the text they see, the links they can follow."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# Pages that are not read (they sign out, or are files rather than pages).
NOT_FOLLOWED = re.compile(r"/sign-out/|/admin/|/(pdf|xlsx)/|/download/")


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skipping += 1
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        for name in ("title", "placeholder", "aria-label", "alt"):
            if attributes.get(name):
                self.text.append(attributes[name])

    def handle_endtag(self, tag):
        if tag in {"script", "style"} and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.text.append(data)


def visible_text(html: str) -> str:
    """What the page says, as one line of words (no markup, scripts or styles)."""
    reader = _Reader()
    reader.feed(html)
    return " ".join(" ".join(reader.text).split())


def links(html: str, base: str) -> list[str]:
    reader = _Reader()
    reader.feed(html)
    return [urljoin(base, href).split("#")[0] for href in reader.links]


def walk(client, start: str = "/", *, per_shape: int = 2, limit: int = 150) -> dict[str, str]:
    """Every page reachable by links from `start`, as the signed-in user of `client`
    sees it: address to HTML. Addresses of one shape (the same path with other numbers)
    are read `per_shape` times, so a plan of many lines is not read line by line."""
    pages: dict[str, str] = {}
    shapes: dict[str, int] = {}
    queue = [start]
    while queue and len(pages) < limit:
        address = queue.pop(0)
        parts = urlsplit(address)
        if parts.netloc not in {"", "testserver"} or address in pages:
            continue
        if NOT_FOLLOWED.search(parts.path):
            continue
        shape = re.sub(r"\d+", "N", parts.path) + ("?" if parts.query else "")
        if shapes.get(shape, 0) >= per_shape:
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        response = client.get(address)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[address] = html
        queue.extend(link for link in links(html, address) if link not in pages)
    return pages


class _FormReader(HTMLParser):
    """Every form of a page as a browser would submit it unchanged: name to values."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self.by_id: dict[str, list[tuple[str, str]]] = {}  # a field's form="..." names one
        self._form: list[tuple[str, str]] | None = None
        self._into: list[tuple[str, str]] | None = None
        self._select: tuple | None = None  # name, chosen, first, the form's fields
        self._textarea: tuple | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = self.by_id.setdefault(a.get("id") or f"form-{len(self.forms)}", [])
            self.forms.append(self._form)
        if tag == "option" and self._select:
            value = a.get("value", "")
            if self._select[2] == [None]:
                self._select[2][0] = value
            if "selected" in a:
                self._select[1].append(value)
            return
        self._into = self.by_id.setdefault(a["form"], []) if a.get("form") else self._form
        if self._into is None:
            return
        if tag == "input" and a.get("name") and a.get("type") not in {"submit", "button"}:
            if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                return
            default = "on" if a.get("type") in {"checkbox", "radio"} else ""
            self._into.append((a["name"], a.get("value") or default))
        elif tag == "select" and a.get("name"):
            self._select = (a["name"], [], [] if "multiple" in a else [None], self._into)
        elif tag == "textarea" and a.get("name"):
            self._textarea = (a["name"], [], self._into)

    def handle_data(self, data):
        if self._textarea:
            self._textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select:
            name, chosen, first, into = self._select
            for value in chosen or [v for v in first if v is not None]:
                into.append((name, value))
            self._select = None
        elif tag == "textarea" and self._textarea:
            name, text, into = self._textarea
            into.append((name, "".join(text).lstrip("\n")))
            self._textarea = None


def filled_in(html: str, field: str) -> dict[str, list[str]]:
    """What the page's form holding `field` submits unchanged: name to its values (post
    it as a QueryDict or with lists)."""
    reader = _FormReader()
    reader.feed(html)
    for form in reader.forms:
        if any(name == field for name, _ in form):
            data: dict[str, list[str]] = {}
            for name, value in form:
                data.setdefault(name, []).append(value)
            return data
    raise LookupError(f"no form with a field {field!r}")
