"""HTML views for discussions and comments: thin, and one to one with ``forum/api.py``.

Fetch what the user may see, bind the form, call the service, respond: a full page redirects
after a POST; an htmx request gets the named partial of the same template.
"""

import uuid

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, push_url, reswap, retarget

from forum.forms import CommentForm, StartDiscussionForm
from forum.models import Comment, Discussion
from forum.permissions import post_comment_refusal, start_discussion_refusal
from forum.services import post_comment, start_discussion

DISCUSSIONS_PER_PAGE = 20
COMMENTS_PER_PAGE = 20
PARTICIPANTS_SHOWN = 20
DETAIL_TEMPLATE = "forum/discussion_detail.html"


def discussion_list(request):
    discussions = Discussion.objects.visible_to(request.user).in_list_order()
    return _render_discussion_list(request, discussions, tab="all")


@login_required
def discussion_list_mine(request):
    discussions = Discussion.objects.of_participant(request.user).in_activity_order()
    return _render_discussion_list(request, discussions, tab="mine")


@login_required
def discussion_create(request):
    form = StartDiscussionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            discussion = start_discussion(creator=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(discussion)
    context = {"form": form, "refusal": start_discussion_refusal(request.user)}
    return render(request, "forum/discussion_create.html", context)


def discussion_detail(request, discussion_id):
    discussion = _visible_discussion(request, discussion_id)
    reply_to = _reply_quote(discussion, request.GET.get("reply_to"))
    form = CommentForm(initial={"replied_message": reply_to.pk} if reply_to else None)
    if reply_to:
        form.fields["comment_text"].widget.attrs["autofocus"] = True
    page = _comment_page(discussion, request.GET.get("page", 1))
    context = _detail_context(request, discussion, page, form, reply_to=reply_to)
    if request.htmx and "reply_to" in request.GET:
        return render(request, f"{DETAIL_TEMPLATE}#comment-form", context)
    return render(request, DETAIL_TEMPLATE, context)


@require_POST
def comment_create(request, discussion_id):
    discussion = _visible_discussion(request, discussion_id)
    if not request.user.is_authenticated:
        return _login_redirect(request, discussion)
    form = CommentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            comment = post_comment(author=request.user, discussion=discussion, **form.post_comment_arguments())
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as denied:
            return _comment_form_again(request, discussion, form, form_error=str(denied), status=403)
        else:
            return _comment_posted(request, discussion, comment)
    return _comment_form_again(request, discussion, form)


def comment_permalink(request, comment_id):
    """A comment's lasting address: the page of its discussion that shows it."""
    visible = Comment.objects.filter(discussion__in=Discussion.objects.visible_to(request.user))
    comment = get_object_or_404(visible.select_related("discussion"), pk=comment_id)
    return redirect(_comment_url(comment))


# --- helpers ------------------------------------------------------------------------------


def _render_discussion_list(request, discussions, *, tab: str):
    page = _page(discussions.select_related("creator__profile_image"), request.GET.get("page", 1), DISCUSSIONS_PER_PAGE)
    return render(request, "forum/discussion_list.html", {"page": page, "tab": tab})


def _visible_discussion(request, discussion_id) -> Discussion:
    visible = Discussion.objects.visible_to(request.user).select_related("creator")
    return get_object_or_404(visible, pk=discussion_id)


def _page(queryset, number, per_page: int):
    """One page of ``queryset``; ``number`` is a whole number from 1, or "last".
    400 for a number that is not one, 404 past the last page."""
    paginator = Paginator(queryset, per_page)
    if number == "last":
        number = paginator.num_pages
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise BadRequest("The page number must be a whole number.")
    if number < 1:
        raise BadRequest("Pages are numbered from 1.")
    try:
        page = paginator.page(number)
    except EmptyPage:
        raise Http404("No such page.")
    page.object_list = list(page.object_list)
    return page


def _comment_page(discussion: Discussion, number):
    return _page(discussion.comments.with_related().in_time_order(), number, COMMENTS_PER_PAGE)


def _comment_page_number(comment: Comment) -> int:
    position = Comment.objects.filter(discussion_id=comment.discussion_id).up_to(comment).count()
    return (position - 1) // COMMENTS_PER_PAGE + 1


def _comment_url(comment: Comment) -> str:
    discussion_url = reverse("discussion-detail", kwargs={"discussion_id": comment.discussion_id})
    return f"{discussion_url}?page={_comment_page_number(comment)}#comment-{comment.id}"


def _reply_quote(discussion: Discussion, comment_id) -> Comment | None:
    """The comment a reply would answer, for showing its quote above the form; None when the
    id is missing or names no live comment of this discussion (the service has the last word)."""
    try:
        comment_id = uuid.UUID(str(comment_id))
    except ValueError:
        return None
    live = discussion.comments.filter(is_deleted=False).select_related("author")
    return live.filter(pk=comment_id).first()


def _detail_context(request, discussion, page, form, *, reply_to=None, form_error=None) -> dict:
    return {
        "discussion": discussion,
        "participants": discussion.participants.select_related("user__profile_image")[: PARTICIPANTS_SHOWN + 1],
        "participants_shown": PARTICIPANTS_SHOWN,
        "page": page,
        "page_comment_ids": {comment.id for comment in page.object_list},
        "form": form,
        "reply_to": reply_to,
        "posting_refusal": post_comment_refusal(request.user, discussion),
        "form_error": form_error,
    }


def _login_redirect(request, discussion):
    """To the login page, and back to the discussion after (a POST-only URL cannot be "next")."""
    response = redirect_to_login(discussion.get_absolute_url())
    return HttpResponseClientRedirect(response.url) if request.htmx else response


def _comment_posted(request, discussion, comment):
    """A full page goes to the new comment; htmx gets the comment list at the page that ends
    with it, and a fresh form."""
    page_number = _comment_page_number(comment)
    if not request.htmx:
        return redirect(f"{discussion.get_absolute_url()}?page={page_number}#comment-{comment.id}")
    page = _comment_page(discussion, page_number)
    context = _detail_context(request, discussion, page, CommentForm())
    response = render(request, f"{DETAIL_TEMPLATE}#comment-list", context)
    reswap(response, f"outerHTML show:#comment-{comment.id}:top")
    return push_url(response, f"{discussion.get_absolute_url()}?page={page_number}")


def _comment_form_again(request, discussion, form, *, form_error=None, status=200):
    """The form with its errors and the text kept. htmx gets just the form (with status 200,
    which htmx swaps), retargeted from the comment list to the form itself."""
    reply_to = _reply_quote(discussion, form.data.get("replied_message"))
    page = _comment_page(discussion, request.GET.get("page", 1))
    context = _detail_context(request, discussion, page, form, reply_to=reply_to, form_error=form_error)
    if request.htmx:
        response = render(request, f"{DETAIL_TEMPLATE}#comment-form", context)
        return reswap(retarget(response, "#comment-form"), "outerHTML")
    return render(request, DETAIL_TEMPLATE, context, status=status)
