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
