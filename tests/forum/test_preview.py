"""Preview: the text rendered by the function that renders it when saved, with htmx beside
the textarea, without JavaScript as a submit button that re-renders the form, and over JSON."""

import pytest
from django.urls import reverse

from forum.markdown import render_markdown
from forum.models import Comment, Discussion
from tests.forum.helpers import assert_json_error

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
SAMPLE = "**Hi** <script>alert(1)</script> [x](javascript:alert(1))"


def test_comment_form_has_a_preview_button_that_works_both_ways(logged_in_client, discussion):
    content = logged_in_client.get(discussion.get_absolute_url()).content.decode()

    assert 'id="comment-preview"' in content
    assert f'hx-post="{reverse("comment-preview")}" hx-target="#comment-preview"' in content
    assert '<button type="submit" name="preview" value="1"' in content  # without JavaScript


def test_preview_over_htmx_answers_exactly_what_would_be_stored(logged_in_client):
    response = logged_in_client.post(reverse("comment-preview"), {"comment_text": SAMPLE}, headers=HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert render_markdown(SAMPLE) in content
    assert "<script>" not in content
    assert "<html" not in content


def test_preview_of_nothing_says_so(client):
    content = client.post(reverse("comment-preview"), {"comment_text": ""}, headers=HTMX).content.decode()
    assert "Nothing to preview yet." in content


def test_preview_without_javascript_re_renders_the_form_with_the_preview_and_posts_nothing(logged_in_client, discussion):
    response = logged_in_client.post(
        reverse("comment-create", args=[discussion.id]) + "?page=1", {"comment_text": "# Heading", "preview": "1"}
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" in content
    assert '<div class="card-body comment-body"><h1>Heading</h1></div>' in content
    assert "# Heading</textarea>" in content
    assert not Comment.objects.exists()
    assert Discussion.objects.get(pk=discussion.pk).comments_count == 0


def test_preview_over_htmx_from_the_comment_form_falls_back_to_the_form(logged_in_client, discussion):
    """A Preview submitted to the comment URL (JavaScript half loaded) still posts nothing."""
    response = logged_in_client.post(
        reverse("comment-create", args=[discussion.id]), {"comment_text": "_x_", "preview": "1"}, headers=HTMX
    )

    assert response.content.decode().strip().startswith('<div id="comment-form"')
    assert "<p><em>x</em></p>" in response.content.decode()
    assert not Comment.objects.exists()


def test_new_discussion_page_previews_the_first_comment(logged_in_client):
    content = logged_in_client.get(reverse("discussion-create")).content.decode()
    assert f'hx-post="{reverse("comment-preview")}"' in content

    response = logged_in_client.post(
        reverse("discussion-create"), {"name": "Idea", "comment_text": "*draft*", "preview": "1"}
    )

    assert "<p><em>draft</em></p>" in response.content.decode()
    assert not Discussion.objects.exists()


def test_preview_answers_405_to_get(client):
    assert client.get(reverse("comment-preview")).status_code == 405


def test_preview_json_answers_the_html_that_would_be_stored(api_client):
    response = api_client.post_json("/comments/preview", {"comment_text": SAMPLE})

    assert response.status_code == 200
    assert response.json() == {"comment_text": SAMPLE, "html": render_markdown(SAMPLE)}


@pytest.mark.parametrize("body", [{"comment_text": 3}, {"comment_text": "x" * 20_001}])
def test_preview_json_refuses_bad_text(api_client, body):
    assert_json_error(api_client.post_json("/comments/preview", body), 400, "comment_text")


def test_preview_json_writes_nothing(logged_in_api_client, discussion):
    logged_in_api_client.post_json("/comments/preview", {"comment_text": "hello"})
    assert not Comment.objects.exists()
