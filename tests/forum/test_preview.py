"""Preview: the text rendered by the function that renders it when saved, with htmx beside
the textarea, without JavaScript as a submit button that re-renders the form, and over JSON."""

import pytest
from django.urls import reverse

from django.core.files.uploadedfile import SimpleUploadedFile

from forum.forms import MAX_ATTACHMENTS
from forum.markdown import render_markdown
from forum.models import Comment, Discussion
from tests.factories import UserFactory
from tests.forum.helpers import assert_json_error
from users.models import Upload

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


# --- files chosen before a Preview without JavaScript -----------------------------------------


def create_url(discussion) -> str:
    return reverse("comment-create", args=[discussion.id]) + "?page=1"


def attached(upload) -> str:
    """The markup that keeps an upload in the re-rendered form, and offers to remove it."""
    return (
        f'<input type="hidden" name="attachments" value="{upload.id}">'
        f'Attached: <span class="attachment-name text-break">{upload.name}</span> '
        f'(<button type="submit" name="remove_attachment" value="{upload.id}"'
    )


def test_preview_without_javascript_stores_the_chosen_file_and_keeps_it_in_the_form(
    logged_in_client, discussion, user, png_file
):
    response = logged_in_client.post(
        create_url(discussion), {"comment_text": "Look", "preview": "1", "files": [png_file("sunset.png")]}
    )

    content = response.content.decode()
    upload = Upload.objects.get()
    assert response.status_code == 200
    assert (upload.owner, upload.name, upload.content_type) == (user, "sunset.png", "image/png")
    assert attached(upload) in content
    assert content.count('name="attachments"') == 1
    assert "<p>Look</p>" in content
    assert not Comment.objects.exists()


def test_the_file_kept_by_a_preview_is_attached_when_the_comment_is_posted(logged_in_client, discussion, png_file):
    logged_in_client.post(create_url(discussion), {"comment_text": "Look", "preview": "1", "files": [png_file()]})
    upload = Upload.objects.get()

    response = logged_in_client.post(create_url(discussion), {"comment_text": "Look", "attachments": [str(upload.id)]})

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert list(comment.attachments.all()) == [upload]
    assert Upload.objects.count() == 1  # stored once, not again on posting


def test_a_second_preview_keeps_the_first_file_and_adds_the_new_one(
    logged_in_client, discussion, user, make_upload, png_file
):
    first = make_upload(user, "first.png")

    content = logged_in_client.post(
        create_url(discussion), {"preview": "1", "attachments": [str(first.id)], "files": [png_file("second.png")]}
    ).content.decode()

    second = Upload.objects.get(name="second.png")
    assert attached(first) in content and attached(second) in content
    assert content.index(attached(first)) < content.index(attached(second))


def test_remove_takes_a_kept_file_out_of_the_form_without_posting(logged_in_client, discussion, user, make_upload):
    keep, drop = make_upload(user, "keep.png"), make_upload(user, "drop.png")

    response = logged_in_client.post(
        create_url(discussion),
        {"comment_text": "Draft", "attachments": [str(keep.id), str(drop.id)], "remove_attachment": str(drop.id)},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert attached(keep) in content
    assert str(drop.id) not in content
    assert "Draft</textarea>" in content
    assert not Comment.objects.exists()


def test_remove_over_htmx_answers_the_form(logged_in_client, discussion, user, make_upload):
    keep, drop = make_upload(user, "keep.png"), make_upload(user, "drop.png")

    response = logged_in_client.post(
        create_url(discussion),
        {"attachments": [str(keep.id), str(drop.id)], "remove_attachment": str(drop.id)},
        headers=HTMX,
    )

    content = response.content.decode()
    assert content.strip().startswith('<div id="comment-form"')
    assert attached(keep) in content and str(drop.id) not in content


def test_preview_refuses_a_file_the_upload_checks_refuse_and_stores_nothing(logged_in_client, discussion, png_bytes):
    """The same checks as on posting: here Pillow finds the image cut short."""
    broken = SimpleUploadedFile("broken.png", png_bytes[: len(png_bytes) // 2], content_type="image/png")

    response = logged_in_client.post(create_url(discussion), {"comment_text": "Look", "preview": "1", "files": [broken]})

    content = response.content.decode()
    assert response.status_code == 200
    assert "broken.png: The image is damaged and could not be read." in content
    assert not Upload.objects.exists()
    assert 'name="attachments"' not in content
    assert "Look</textarea>" in content


def test_preview_stores_no_file_beyond_the_attachment_limit(logged_in_client, discussion, user, make_upload, png_file):
    held = [make_upload(user, f"{i}.png") for i in range(MAX_ATTACHMENTS)]

    content = logged_in_client.post(
        create_url(discussion), {"preview": "1", "attachments": [str(u.id) for u in held], "files": [png_file("extra.png")]}
    ).content.decode()

    assert f"Attach at most {MAX_ATTACHMENTS} files" in content
    assert not Upload.objects.filter(name="extra.png").exists()
    assert all(attached(upload) in content for upload in held)


def test_preview_keeps_only_uploads_the_user_may_attach(logged_in_client, discussion, other_user, make_upload):
    theirs = make_upload(other_user, "theirs.png")

    content = logged_in_client.post(
        create_url(discussion), {"preview": "1", "attachments": [str(theirs.id)]}
    ).content.decode()

    assert str(theirs.id) not in content
    assert "theirs.png" not in content


def test_preview_stores_no_file_for_someone_who_may_not_post(client, discussion, png_file):
    client.force_login(UserFactory(is_banned=True))

    client.post(create_url(discussion), {"comment_text": "Look", "preview": "1", "files": [png_file()]})

    assert not Upload.objects.exists()


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
