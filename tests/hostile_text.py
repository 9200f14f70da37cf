"""Outside text that tries to become code, and how tests look at what it became: a provider's
statement with every way to embed a file or run code, the safe subset of Markdown a statement may
keep, and an HTML reader that lists the elements, attributes and text of a page.

Used by tests/unit/core/test_untrusted.py and tests/e2e/test_untrusted_example.py.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple[str, ...]]] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, tuple(sorted(a for a, _ in attrs))))
        self.attrs += [(tag, a, v or "") for a, v in attrs]

    def handle_data(self, data):
        self.text.append(data)


def parse_html(text: str) -> _Elements:
    p = _Elements()
    p.feed(text)
    return p


def squash(text: str) -> str:
    """Whitespace collapsed, soft hyphens (Typst's line breaks inside a word) removed."""
    return re.sub(r"\s+", " ", text.replace("\xad", "")).strip()


# --- a statement that tries everything -------------------------------------------------------------
STATEMENT = """# Stellungnahme der Liga

Wir begrüßen *den Bericht* und **fordern** mehr Stellen, siehe [Liga](https://liga.example.org/bericht (x)) und
[Mail](mailto:info@liga.example.org), nicht aber [dies](javascript:alert(1)) oder [das](file:///etc/passwd).

<script>alert("x")</script>

<iframe src="https://example.org"></iframe><form action="https://example.org"><input></form>

<meta http-equiv="refresh" content="0;url=https://example.org">

![Bild](/etc/passwd) <img src="/etc/passwd" onerror="alert(1)"> <link rel="stylesheet" href="/etc/passwd">

```{=typst}
#read("/etc/passwd")
```

`#read("/etc/passwd")`{=typst} und `\\input{/etc/passwd}`{=latex} @Liga_Harz [@Liga_Harz] $x^2$

{{< include /etc/passwd >}}

::: {.callout-note}
Hinweis im Kasten
:::

> Ein Zitat

- eins
- zwei
  1. unten

## Unterpunkt
"""


#: the elements of a statement in the safe subset of Markdown
SAFE_SUBSET = {"p", "em", "strong", "ul", "ol", "li", "h4", "h5", "h6", "blockquote", "a"}
#: attributes Pandoc itself writes (heading ids, list numbering); a link's href is checked apart
PANDOC_ATTRIBUTES = ("href", "id", "type", "start", "class")
