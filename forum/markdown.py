"""Comment Markdown to safe HTML: the one place that decides what a comment may look like.

Two walls, so that a mistake in one is caught by the other:

1. markdown-it-py parses CommonMark with raw HTML turned off: ``<script>``, ``<img onerror>``
   and the like come out as escaped text, and links or images to other than http, https, mailto
   and relative URLs stay literal text. Tables and ~~strikethrough~~ are on (what forum users
   expect from GitHub and Discourse), and a single line break is kept as a line break (``breaks``),
   as people write in a comment box.
2. nh3 (ammonia) cleans the output against an allowlist: only the tags Markdown produces, only
   harmless attributes, and in ``href``/``src`` only http, https, mailto and relative URLs (no
   ``javascript:``, ``data:`` or ``vbscript:``). Every link gets ``rel="nofollow ugc noopener"``;
   images load lazily and send no referrer.

Rendering happens once, when a comment is saved (``forum.services``); the stored result
(``Comment.html``) is printed as it is.
"""

import re
from functools import cache

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code",
    "em", "strong", "del", "s", "a", "ul", "ol", "li", "img",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}
URL_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
LINK_REL = "nofollow ugc noopener"
# Removed with everything inside them (the parser already escapes them; this is the second wall).
CONTENT_DROPPED_TAGS = {"script", "style", "iframe", "frame", "frameset", "object", "embed", "template", "noscript"}


def render_markdown(text: str) -> str:
    """``text`` (CommonMark) as cleaned HTML, ready to be printed unescaped."""
    if not text:
        return ""
    return clean_html(_parser().render(text)).strip()


def clean_html(html: str) -> str:
    """``html`` reduced to the allowlist above."""
    return _cleaner().clean(html)


def is_allowed_url(url: str) -> bool:
    """True for a relative URL or one whose scheme is in ``URL_SCHEMES``."""
    scheme = URL_SCHEME.match(url)
    return scheme is None or scheme.group(1).lower() in URL_SCHEMES


@cache
def _parser() -> MarkdownIt:
    """The parser; a link or image to any other URL stays literal text (``[x](javascript:...)``)."""
    parser = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(["table", "strikethrough"])
    parser.validateLink = is_allowed_url
    return parser


@cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        clean_content_tags=CONTENT_DROPPED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        set_tag_attribute_values={"img": {"loading": "lazy", "referrerpolicy": "no-referrer"}},
        strip_comments=True,
    )
