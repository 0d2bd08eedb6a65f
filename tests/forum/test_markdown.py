"""Comment Markdown: rendered once when saved, cleaned by an allowlist, printed as stored; the
JSON API keeps answering the raw text."""

import importlib
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from forum.markdown import clean_html, render_markdown
from forum.models import Comment
from forum.services import edit_comment, post_comment
from tests.factories import CommentFactory
from tests.forum.helpers import api_client_for

pytestmark = pytest.mark.django_db

# Each of these tries to run script in the reader's browser; every one must come out inert.
HOSTILE = {
    "script tag": "<script>alert(1)</script>",
    "script in a paragraph": "Hello <script>alert(document.cookie)</script> there",
    "img onerror": '<img src="x" onerror="alert(1)">',
    "a onclick": '<a href="https://example.com" onclick="alert(1)">click</a>',
    "svg onload": "<svg onload=alert(1)>",
    "iframe": '<iframe src="https://evil.example"></iframe>',
    "style": "<style>body{display:none}</style>",
    "javascript link": "[click](javascript:alert(1))",
    "javascript link, mixed case": "[click](JaVaScRiPt:alert(1))",
    "javascript link, entity": "[click](java&#115;cript:alert(1))",
    "javascript autolink": "<javascript:alert(1)>",
    "vbscript link": "[click](vbscript:msgbox(1))",
    "data link": "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "data image": "![pic](data:image/png;base64,iVBORw0KGgo=)",
    "data svg image": "![pic](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)",
    "javascript image": "![pic](javascript:alert(1))",
    "title attribute breakout": '[t](https://example.com "x\\" onmouseover=\\"alert(1)")',
    "html comment": "<!-- <script>alert(1)</script> -->",
    "form": '<form action="https://evil.example"><input name="password"></form>',
}


SAFE_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code", "em", "strong",
    "del", "s", "a", "ul", "ol", "li", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
SAFE_ATTRIBUTES = {"href", "src", "alt", "title", "rel", "loading", "referrerpolicy", "start"}
SAFE_URL = re.compile(r"^(https?:|mailto:|[^:]*$)", re.IGNORECASE)


class _Elements(HTMLParser):
    """Every element of a fragment with its attributes, as a browser would read them
    (entities in attribute values decoded)."""

    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))


def assert_inert(html: str) -> None:
    """Only the allowlisted tags and attributes; no handler; links and images only to http,
    https, mailto or relative URLs. Text that merely reads "javascript:" is fine."""
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.elements:
        assert tag in SAFE_TAGS, (tag, html)
        for name, value in attrs:
            assert name in SAFE_ATTRIBUTES, (name, html)
            if name in ("href", "src"):
                assert SAFE_URL.match(value.strip()), (value, html)


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_render_markdown_renders_hostile_input_inert(text):
    assert_inert(render_markdown(text))


@pytest.mark.parametrize(
    "html",
    [
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" JAVASCRIPT:alert(1)">x</a>',
        '<img src="data:image/png;base64,AA" onerror="alert(1)">',
        "<script>alert(1)</script>",
        '<p style="color:red" onclick="alert(1)">a</p>',
        '<iframe src="https://evil.example"></iframe>',
        '<a href="https://example.com" rel="opener" target="_blank">x</a>',
    ],
)
def test_clean_html_is_a_second_wall_behind_the_parser(html):
    """Should the parser ever let raw HTML through, the allowlist still stops it."""
    cleaned = clean_html(html)
    assert_inert(cleaned)
    assert "alert" not in cleaned


def test_assert_inert_catches_what_it_is_meant_to():
    for active in ('<a href="javascript:x">', '<img src="x" onerror="y">', "<script>", '<a href="data:text/html,x">'):
        with pytest.raises(AssertionError):
            assert_inert(active)


def test_render_markdown_renders_commonmark():
    html = render_markdown("# Title\n\n**bold** and _it_\nnext line\n\n- one\n- two\n\n> quoted\n\n`x<y`")

    assert "<h1>Title</h1>" in html
    assert "<strong>bold</strong> and <em>it</em><br>\nnext line" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert "<blockquote>\n<p>quoted</p>\n</blockquote>" in html
    assert "<code>x&lt;y</code>" in html


def test_render_markdown_keeps_http_https_mailto_and_relative_links_with_rel():
    html = render_markdown("[a](https://example.com) [b](http://example.com) [c](mailto:x@example.com) [d](/t/1/)")

    parser = _Elements()
    parser.feed(html)

    links = [dict(attrs) for tag, attrs in parser.elements if tag == "a"]
    assert [link["href"] for link in links] == ["https://example.com", "http://example.com", "mailto:x@example.com", "/t/1/"]
    assert all(link["rel"] == "nofollow ugc noopener" for link in links)


def test_render_markdown_keeps_remote_images_lazy_and_without_referrer():
    parser = _Elements()
    parser.feed(render_markdown("![cat](https://example.com/cat.png)"))

    (image,) = [attrs for tag, attrs in parser.elements if tag == "img"]
    assert dict(image) == {"src": "https://example.com/cat.png", "alt": "cat", "loading": "lazy", "referrerpolicy": "no-referrer"}


def test_render_markdown_shows_raw_html_as_text():
    assert render_markdown("<b>hi</b>") == "<p>&lt;b&gt;hi&lt;/b&gt;</p>"


def test_render_markdown_of_nothing_is_nothing():
    assert render_markdown("") == ""


# --- stored once, by the services -----------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_post_comment_stores_hostile_markdown_inert(discussion, user, text):
    comment = post_comment(author=user, discussion=discussion, text=text)

    stored = Comment.objects.get(pk=comment.pk)
    assert stored.text == text
    assert stored.html == render_markdown(text)
    assert_inert(stored.html)


def test_edit_comment_stores_the_new_text_rendered(discussion, user):
    comment = post_comment(author=user, discussion=discussion, text="plain")

    edit_comment(actor=user, comment=comment, text="**now bold** <img src=x onerror=alert(1)>")

    stored = Comment.objects.get(pk=comment.pk)
    assert stored.html == "<p><strong>now bold</strong> &lt;img src=x onerror=alert(1)&gt;</p>"


def test_discussion_page_prints_the_stored_html_without_rendering_again(client, discussion):
    CommentFactory(discussion=discussion, text="**bold**", html="<p><em>stored</em></p>")

    content = client.get(discussion.get_absolute_url()).content.decode()

    assert '<div class="comment-body"><p><em>stored</em></p></div>' in content
    assert "<strong>bold</strong>" not in content


@pytest.mark.parametrize("text", [HOSTILE["script tag"], HOSTILE["javascript link"], HOSTILE["img onerror"]])
def test_comment_posted_through_the_html_form_is_stored_inert(logged_in_client, discussion, text):
    logged_in_client.post(reverse("comment-create", args=[discussion.id]), {"comment_text": text})

    comment = Comment.objects.get()
    assert_inert(comment.html)
    page = logged_in_client.get(discussion.get_absolute_url()).content.decode()
    assert_inert(page.split('<div class="comment-body">', 1)[1].split("</div>", 1)[0])


@pytest.mark.parametrize("text", [HOSTILE["script tag"], HOSTILE["data link"], HOSTILE["a onclick"]])
def test_comment_posted_over_json_is_stored_inert_and_answered_raw(logged_in_api_client, discussion, text):
    response = logged_in_api_client.post_json(f"/{discussion.id}/comments", {"comment_text": text})

    assert response.status_code == 201
    assert response.json()["comment_text"] == text  # JSON clients get what was written
    assert_inert(Comment.objects.get().html)


def test_json_answers_the_raw_markdown_not_the_html(discussion, other_user):
    comment = CommentFactory(discussion=discussion, text="**bold**")

    data = api_client_for(other_user).get(f"/comments/{comment.id}").json()

    assert data["comment_text"] == "**bold**"
    assert "html" not in data


# --- the data migration ---------------------------------------------------------------------------


def test_data_migration_renders_the_comments_written_before(discussion):
    old = [CommentFactory(discussion=discussion, text=f"**old {i}**", html="") for i in range(3)]
    empty = CommentFactory(discussion=discussion, text="", html="")
    migration = importlib.import_module("forum.migrations.0004_render_comment_html")

    migration.render_existing_comments(django_apps, None)

    for comment in old:
        comment.refresh_from_db()
        assert comment.html == render_markdown(comment.text)
    empty.refresh_from_db()
    assert empty.html == ""


def test_data_migration_works_in_batches(discussion, monkeypatch):
    migration = importlib.import_module("forum.migrations.0004_render_comment_html")
    monkeypatch.setattr(migration, "BATCH_SIZE", 2)
    comments = [CommentFactory(discussion=discussion, text=f"_{i}_", html="") for i in range(5)]

    migration.render_existing_comments(django_apps, None)

    assert all(Comment.objects.get(pk=c.pk).html == f"<p><em>{i}</em></p>" for i, c in enumerate(comments))
