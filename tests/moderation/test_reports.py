"""Reports: any logged-in user reports a comment; moderators see the open ones with the comment
in context and resolve (optionally deleting the comment) or dismiss each with one click."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from forum.models import Comment, ModerationAction, Report, Visibility
from forum.moderation import dismiss_report, report_comment, resolve_report
from tests.factories import CommentFactory, DiscussionFactory, UserFactory
from tests.moderation.helpers import (
    HTMX,
    REPORT_KEYS,
    USER_KEYS,
    api_client_for,
    assert_json_error,
    assert_login_redirect,
    log_kinds,
)

pytestmark = pytest.mark.django_db

NO_ID = "00000000-0000-0000-0000-000000000000"


@pytest.fixture
def report(user, rude_comment):
    return report_comment(reporter=user, comment=rude_comment, reason="Insults everybody")


# --- Reporting --------------------------------------------------------------------------------------


def test_report_comment_opens_a_report(user, rude_comment):
    report = report_comment(reporter=user, comment=rude_comment, reason="  Insults  ")

    assert (report.status, report.reporter, report.comment, report.reason) == ("open", user, rude_comment, "Insults")
    assert not ModerationAction.objects.exists()  # a report is not a moderator's act


def test_one_open_report_per_reporter_and_comment(user, other_user, rude_comment, moderator):
    first = report_comment(reporter=user, comment=rude_comment, reason="Insults")
    with pytest.raises(ValidationError, match="already"):
        report_comment(reporter=user, comment=rude_comment, reason="Again")
    report_comment(reporter=moderator, comment=rude_comment, reason="Me too")  # someone else may

    dismiss_report(actor=moderator, report=first)
    assert report_comment(reporter=user, comment=rude_comment, reason="Still rude").status == "open"


def test_a_report_needs_a_reason(user, rude_comment):
    with pytest.raises(ValidationError) as error:
        report_comment(reporter=user, comment=rude_comment, reason="  ")
    assert "reason" in error.value.error_dict


def test_nobody_reports_their_own_or_a_deleted_comment(user, other_user, rude_comment):
    with pytest.raises(PermissionDenied, match="own"):
        report_comment(reporter=other_user, comment=rude_comment, reason="Oops")
    Comment.objects.filter(pk=rude_comment.pk).update(is_deleted=True)
    rude_comment.refresh_from_db()
    with pytest.raises(PermissionDenied, match="deleted"):
        report_comment(reporter=user, comment=rude_comment, reason="Rude")


def test_report_json_answers_201_and_the_report(user, rude_comment):
    response = api_client_for(user).post_json(f"/comments/{rude_comment.id}/report", {"reason": "Insults"})

    assert response.status_code == 201
    data = response.json()
    assert set(data) == REPORT_KEYS and set(data["reporter"]) == USER_KEYS
    assert (data["status"], data["reason"], data["handled_by"]) == ("open", "Insults", None)
    assert data["comment"]["id"] == str(rude_comment.id)
    assert data["discussion"] == {"id": str(rude_comment.discussion_id), "name": "Public talk"}
    assert Report.objects.get().reporter == user


def test_report_json_answers_401_to_anonymous(api_client, rude_comment):
    assert_json_error(api_client.post_json(f"/comments/{rude_comment.id}/report", {"reason": "x"}), 401)


def test_report_json_answers_404_in_a_discussion_you_cannot_see(user, other_user):
    secret = DiscussionFactory(creator=other_user, visibility=Visibility.PRIVATE)
    hidden = CommentFactory(discussion=secret, author=other_user)

    assert_json_error(api_client_for(user).post_json(f"/comments/{hidden.id}/report", {"reason": "x"}), 404)
    assert_json_error(api_client_for(user).post_json(f"/comments/{NO_ID}/report", {"reason": "x"}), 404)
    assert not Report.objects.exists()


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": ["x"]}, {"reason": "x" * 1001}])
def test_report_json_answers_400_to_a_bad_reason(user, rude_comment, body):
    assert_json_error(api_client_for(user).post_json(f"/comments/{rude_comment.id}/report", body), 400, "reason")


def test_report_json_answers_400_to_a_second_open_report(user, report, rude_comment):
    body = assert_json_error(api_client_for(user).post_json(f"/comments/{rude_comment.id}/report", {"reason": "x"}), 400)

    assert "already" in body["message"]


def test_report_json_answers_403_to_the_author(other_user, rude_comment):
    assert_json_error(api_client_for(other_user).post_json(f"/comments/{rude_comment.id}/report", {"reason": "x"}), 403)


def test_report_page_shows_the_form_and_reports(client, user, rude_comment):
    client.force_login(user)
    page = client.get(f"/c/{rude_comment.id}/report/")
    assert page.status_code == 200 and "You are all idiots" in page.content.decode()

    response = client.post(f"/c/{rude_comment.id}/report/", {"reason": "Insults", "next": rude_comment.get_absolute_url()})

    assert response.status_code == 302 and response.url == rude_comment.get_absolute_url()
    assert Report.objects.get().reason == "Insults"


def test_report_form_with_htmx_answers_a_thank_you(client, user, rude_comment):
    client.force_login(user)

    form = client.get(f"/c/{rude_comment.id}/report/", **HTMX).content.decode()
    done = client.post(f"/c/{rude_comment.id}/report/", {"reason": "Insults"}, **HTMX).content.decode()

    assert "<html" not in form and 'class="report-form' in form
    assert "<html" not in done and "Thank you" in done


def test_report_form_errors(client, user, rude_comment, report):
    client.force_login(user)

    blank = client.post(f"/c/{rude_comment.id}/report/", {"reason": ""})
    again = client.post(f"/c/{rude_comment.id}/report/", {"reason": "Again"}, **HTMX)

    assert blank.status_code == 400
    assert again.status_code == 200 and "already" in again.content.decode()
    assert Report.objects.count() == 1


def test_report_page_sends_anonymous_visitors_to_log_in_and_hides_private_comments(client, user, other_user):
    secret = DiscussionFactory(creator=other_user, visibility=Visibility.PRIVATE)
    hidden = CommentFactory(discussion=secret, author=other_user)

    assert_login_redirect(client.get(f"/c/{hidden.id}/report/"))
    client.force_login(user)
    assert client.get(f"/c/{hidden.id}/report/").status_code == 404


def test_comments_show_report_to_logged_in_users_but_not_on_their_own(client, user, other_user, rude_comment, discussion):
    client.force_login(user)
    assert f"/c/{rude_comment.id}/report/" in client.get(discussion.get_absolute_url()).content.decode()

    client.force_login(other_user)
    assert f"/c/{rude_comment.id}/report/" not in client.get(discussion.get_absolute_url()).content.decode()

    client.logout()
    assert "/report/" not in client.get(discussion.get_absolute_url()).content.decode()


# --- Resolving and dismissing -----------------------------------------------------------------------


def test_resolve_closes_the_report_and_logs_it(moderator, report):
    resolve_report(actor=moderator, report=report, reason="Talked to them")

    report.refresh_from_db()
    assert (report.status, report.handled_by) == ("resolved", moderator) and report.handled_at
    entry = ModerationAction.objects.get()
    assert (entry.kind, entry.comment, entry.target_user, entry.reason) == (
        "resolve_report", report.comment, report.comment.author, "Talked to them"
    )
    assert entry.details["report_reason"] == "Insults everybody"
    report.comment.refresh_from_db()
    assert not report.comment.is_deleted


def test_resolve_deleting_the_comment_goes_through_delete_comment_and_closes_the_others(moderator, report, other_moderator):
    other = report_comment(reporter=other_moderator, comment=report.comment, reason="Same")

    resolve_report(actor=moderator, report=report, delete_comment=True)

    comment = Comment.objects.get(pk=report.comment_id)
    assert comment.is_deleted and comment.deleted_by == moderator
    other.refresh_from_db()
    assert other.status == "resolved"
    assert log_kinds() == ["delete_comment", "resolve_report"]
    assert ModerationAction.objects.get(kind="delete_comment").reason == "Insults everybody"


def test_dismiss_closes_the_report_and_logs_it(moderator, report):
    dismiss_report(actor=moderator, report=report)

    report.refresh_from_db()
    assert report.status == "dismissed"
    assert log_kinds() == ["dismiss_report"]


def test_a_handled_report_cannot_be_handled_again(moderator, report):
    dismiss_report(actor=moderator, report=report)

    with pytest.raises(ValidationError, match="handled already"):
        resolve_report(actor=moderator, report=report)


def test_plain_users_do_not_handle_reports(user, report):
    with pytest.raises(PermissionDenied):
        dismiss_report(actor=user, report=report)


# --- The queue, JSON --------------------------------------------------------------------------------


def test_report_list_json_shows_open_reports_with_their_comment(moderator, report):
    response = api_client_for(moderator).get("/moderation/reports")

    assert response.status_code == 200 and response["X-Total-Count"] == "1"
    [data] = response.json()
    assert set(data) == REPORT_KEYS
    assert data["comment"]["comment_text"] == "You are all idiots"
    assert data["comment"]["author"]["login"] == "bob"


def test_report_list_json_filters_by_status(moderator, report):
    dismiss_report(actor=moderator, report=report)
    client = api_client_for(moderator)

    assert client.get("/moderation/reports").json() == []
    assert [r["status"] for r in client.get("/moderation/reports?status=dismissed").json()] == ["dismissed"]
    assert len(client.get("/moderation/reports?status=all").json()) == 1
    assert_json_error(client.get("/moderation/reports?status=weird"), 400, "status")


def test_report_list_json_answers_403_and_401(user, api_client, report):
    assert_json_error(api_client_for(user).get("/moderation/reports"), 403)
    assert_json_error(api_client.get("/moderation/reports"), 401)


def test_report_list_json_runs_a_constant_number_of_queries(moderator, django_assert_max_num_queries, discussion):
    previous = None
    for n in range(30):
        previous = CommentFactory(discussion=discussion, replied_to=previous)  # replies, each to the last
        report_comment(reporter=UserFactory(), comment=previous, reason=f"Reason {n}")
    client = api_client_for(moderator)

    with django_assert_max_num_queries(6):  # session, user, count, reports, comments, attachments
        response = client.get("/moderation/reports?per_page=30")
    assert len(response.json()) == 30


def test_resolve_json_answers_the_report(moderator, report):
    response = api_client_for(moderator).post_json(f"/moderation/reports/{report.id}/resolve", {"delete_comment": True})

    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "resolved" and data["handled_by"]["login"] == "mod"
    assert data["comment"]["is_deleted"] is True
    assert data["comment"]["comment_text"] == "You are all idiots"  # staff still read it


def test_dismiss_json_answers_the_report(moderator, report):
    response = api_client_for(moderator).post_json(f"/moderation/reports/{report.id}/dismiss", {"reason": "Fine"})

    assert response.status_code == 200 and response.json()["status"] == "dismissed"


@pytest.mark.parametrize("action", ["resolve", "dismiss"])
def test_report_actions_json_bad_input(moderator, user, api_client, report, action):
    assert_json_error(api_client_for(user).post_json(f"/moderation/reports/{report.id}/{action}", {}), 403)
    assert_json_error(api_client.post_json(f"/moderation/reports/{report.id}/{action}", {}), 401)
    assert_json_error(api_client_for(moderator).post_json(f"/moderation/reports/999999/{action}", {}), 404)
    report.refresh_from_db()
    assert report.status == "open"
    assert api_client_for(moderator).post_json(f"/moderation/reports/{report.id}/{action}", {}).status_code == 200
    body = assert_json_error(api_client_for(moderator).post_json(f"/moderation/reports/{report.id}/{action}", {}), 400)
    assert "handled already" in body["message"]


# --- The queue, HTML --------------------------------------------------------------------------------


def test_queue_page_shows_the_comment_in_context(client, moderator, report):
    client.force_login(moderator)

    response = client.get("/moderation/reports/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Insults everybody" in content  # the reason
    assert "You are all idiots" in content  # the comment
    assert "Public talk" in content and report.comment.discussion.get_absolute_url() in content
    assert report.comment.get_absolute_url() in content and "/u/bob/" in content
    assert f"/moderation/reports/{report.id}/resolve/" in content and f"/moderation/reports/{report.id}/dismiss/" in content


def test_queue_page_answers_403_to_users_and_sends_anonymous_to_log_in(client, user):
    assert_login_redirect(client.get("/moderation/reports/"))
    client.force_login(user)
    assert client.get("/moderation/reports/").status_code == 403


def test_queue_page_runs_a_constant_number_of_queries(client, moderator, discussion, django_assert_max_num_queries):
    for n in range(25):
        report_comment(reporter=UserFactory(), comment=CommentFactory(discussion=discussion), reason=f"Reason {n}")
    client.force_login(moderator)

    with django_assert_max_num_queries(4):  # session, user, count, the page with everything joined
        response = client.get("/moderation/reports/")
    assert response.content.decode().count('class="report card') == 20


def test_resolve_with_htmx_removes_the_row(client, moderator, report, other_user, discussion):
    keep = report_comment(reporter=other_user, comment=CommentFactory(discussion=discussion, text="Meh"), reason="Boring")
    client.force_login(moderator)

    response = client.post(f"/moderation/reports/{report.id}/resolve/?page=1", {"delete_comment": "on"}, **HTMX)

    content = response.content.decode()
    assert response.status_code == 200 and "<html" not in content
    assert f'id="report-{report.id}"' not in content and f'id="report-{keep.id}"' in content
    assert "Report resolved." in content
    assert Comment.objects.get(pk=report.comment_id).is_deleted


def test_dismiss_without_javascript_redirects_to_the_queue(client, moderator, report):
    client.force_login(moderator)

    response = client.post(f"/moderation/reports/{report.id}/dismiss/")

    assert response.status_code == 302 and response.url == "/moderation/reports/"
    assert "Report dismissed." in client.get(response.url).content.decode()


def test_resolve_html_bad_input(client, user, moderator, report):
    assert_login_redirect(client.post(f"/moderation/reports/{report.id}/resolve/"))
    client.force_login(user)
    assert client.post(f"/moderation/reports/{report.id}/resolve/").status_code == 403
    client.force_login(moderator)
    assert client.post("/moderation/reports/999999/resolve/").status_code == 404
    assert client.get(f"/moderation/reports/{report.id}/resolve/").status_code == 405
    report.refresh_from_db()
    assert report.status == "open"


def test_handling_a_report_twice_in_html_just_says_so(client, moderator, report):
    client.force_login(moderator)
    client.post(f"/moderation/reports/{report.id}/dismiss/")

    response = client.post(f"/moderation/reports/{report.id}/resolve/", **HTMX)

    assert response.status_code == 200 and "handled already" in response.content.decode()
    assert Report.objects.get().status == "dismissed"


def test_the_queue_empties_the_last_page_gracefully(client, moderator, discussion):
    reports = [report_comment(reporter=UserFactory(), comment=CommentFactory(discussion=discussion), reason="x") for _ in range(21)]
    client.force_login(moderator)

    response = client.post(f"/moderation/reports/{reports[-1].id}/dismiss/?page=2", **HTMX)

    assert response.status_code == 200 and response.content.decode().count('class="report card') == 20
