"""HTML views for discussions and comments: thin, and one to one with ``forum/api.py``.

Fetch what the user may see, bind the form, call the service, respond: a full page redirects
after a POST; an htmx request gets the named partial of the same template.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS, BadRequest, PermissionDenied, ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, push_url, reswap, retarget

from forum import page_cache
from forum.http_methods import form_page, read_only
from forum.forms import (
    CommentForm,
    DeleteCommentForm,
    EditCommentForm,
    InviteParticipantForm,
    PreviewForm,
    StartDiscussionForm,
)
from forum.markdown import render_markdown
from forum.models import Comment, Discussion, participants_count_and_viewer
from forum.pagination import DeferredJoin
from forum.rate_limits import TooManyWrites
from forum.permissions import (
    can_delete_comment,
    can_edit_comment,
    can_invite_participant,
    can_view_discussion,
    check_delete_comment,
    check_edit_comment,
    is_staff_member,
    note_participation,
    post_comment_refusal,
    start_discussion_refusal,
)
from forum.services import (
    delete_comment,
    edit_comment,
    invite_participant,
    post_comment,
    start_discussion,
    store_attachments,
)
from users.models import Upload

DISCUSSIONS_PER_PAGE = 20
COMMENTS_PER_PAGE = 20
PARTICIPANTS_SHOWN = 20
# New comments that one poll answers with at most; the next poll fetches the rest.
NEW_COMMENTS_PER_POLL = 50
COMMENT_POLL_SECONDS = 5
ACTIVITY_POLL_SECONDS = 20
DETAIL_TEMPLATE = "forum/discussion_detail.html"
LIST_TEMPLATE = "forum/discussion_list.html"


@read_only
def discussion_list(request):
    discussions = Discussion.objects.visible_to(request.user).in_list_order()
    return _render_discussion_list(request, discussions, tab="all")


@read_only
@login_required
def discussion_list_mine(request):
    discussions = Discussion.objects.of_participant(request.user).in_activity_order()
    return _render_discussion_list(request, discussions, tab="mine")


@read_only
def discussion_activity(request):
    """Polled by the list pages: 204 while no discussion in the tab's scope has had activity
    since ``?since=``, else a notice inviting a refresh (which ends the polling). One EXISTS query."""
    since = _since(request)
    tab = "mine" if request.GET.get("tab") == "mine" and request.user.is_authenticated else "all"
    if tab == "mine":
        discussions = Discussion.objects.of_participant(request.user)
    else:
        discussions = Discussion.objects.visible_to(request.user)
    if not discussions.filter(last_activity_at__gt=since).exists():
        return HttpResponse(status=204)
    refresh_url = reverse("discussion-list-mine" if tab == "mine" else "discussion-list")
    return render(request, f"{LIST_TEMPLATE}#activity-notice", {"refresh_url": refresh_url})


@form_page
@login_required
def discussion_create(request):
    form = StartDiscussionForm(request.POST or None)
    preview_html, status = None, 200
    if request.method == "POST" and "preview" in request.POST:
        form.is_valid()  # show the errors too, but write nothing
        preview_html = render_markdown(form.cleaned_data.get("comment_text", ""))
    elif request.method == "POST" and form.is_valid():
        try:
            discussion = start_discussion(creator=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        except TooManyWrites as too_fast:
            form.add_error(None, ValidationError(too_fast.message, code="rate_limited"))
            status = 429
        else:
            return redirect(discussion)
    context = {"form": form, "refusal": start_discussion_refusal(request.user), "preview_html": preview_html}
    return render(request, "forum/discussion_create.html", context, status=status)


@read_only
def discussion_detail(request, discussion_id):
    """A page of the discussion's comments; for anonymous visitors from the page cache while
    the discussion has not changed, and 304 for a browser that has this version already."""
    if page_cache.is_shareable(request):  # its version alone first: one small query
        visible = Discussion.objects.visible_to(request.user).filter(pk=discussion_id)
        version = visible.values_list("changed_at", flat=True).first()
        copy = page_cache.shared_copy(request, version) if version is not None else None
        if copy is not None:
            return copy
    discussion = _visible_discussion(request, discussion_id)

    def render_page(shared: bool):
        reply_to = _reply_quote(discussion, request.GET.get("reply_to"))
        form = CommentForm(initial={"replied_message": reply_to.pk} if reply_to else None)
        if reply_to:
            form.fields["comment_text"].widget.attrs["autofocus"] = True
        page = _comment_page(discussion, request.GET.get("page", 1), cached=True)
        context = _detail_context(request, discussion, page, form, reply_to=reply_to, cached=True)
        if request.htmx and "reply_to" in request.GET:
            return render(request, f"{DETAIL_TEMPLATE}#reply-field-swap", context)
        page_cache.render_comments(
            request, context, page.object_list, template_name=DETAIL_TEMPLATE, version=discussion.changed_at
        )
        return render(request, DETAIL_TEMPLATE, {**context, "shared_page": shared})

    return page_cache.serve(request, version=discussion.changed_at, render=render_page)


@require_POST
def comment_create(request, discussion_id):
    discussion = _visible_discussion(request, discussion_id)
    if not request.user.is_authenticated:
        return _login_redirect(request, discussion)
    form = CommentForm(request.POST, request.FILES)
    if "preview" in request.POST or "remove_attachment" in request.POST:
        return _comment_form_again(request, discussion, form, preview="preview" in request.POST, keep_files=True)
    if form.is_valid():
        try:
            comment = post_comment(author=request.user, discussion=discussion, **form.post_comment_arguments())
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as denied:
            return _comment_form_again(request, discussion, form, form_error=str(denied), status=403)
        except TooManyWrites as too_fast:
            return _comment_form_again(request, discussion, form, form_error=too_fast.message, status=429)
        else:
            return _comment_posted(request, discussion, comment)
    return _comment_form_again(request, discussion, form)


@read_only
def comment_poll(request, discussion_id):
    """Polled by the last page of a discussion: the comments after ``?after=`` (all of them when
    it is empty), appended in place of the poller, with a fresh poller; 204 when there are none.
    That common answer costs one small indexed query after the discussion's. With new comments,
    when the number of participants differs from the page's (``?participants=``: someone new
    has commented), the participants' count and names come too, swapped out of band."""
    discussion = _visible_discussion(request, discussion_id, for_page=False)
    after = _comment_id_or_none(request.GET.get("after"))
    comments = discussion.comments.with_related().in_time_order()
    if after is not None:
        comments = comments.newer_than_id(after)
    comments = list(comments[:NEW_COMMENTS_PER_POLL])
    if not comments:
        return HttpResponse(status=204)
    context = _comment_context(request, discussion, comments, page_number=_page_number(request))
    context.update(new_comments=comments, last_comment_id=comments[-1].id, was_empty=after is None, watch_for_new=True)
    shown = _participants_shown(request)
    if shown is not None:
        discussion.participants_count = discussion.participants.count()
        if discussion.participants_count != shown:
            context.update(_participants_context(request, discussion, cached=True), participants_changed=True)
    return render(request, f"{DETAIL_TEMPLATE}#new-comments", context)


@require_POST
def comment_preview(request):
    """The htmx Preview: the text rendered by the very function that renders it when saved."""
    form = PreviewForm(request.POST)
    text = form.cleaned_data["comment_text"] if form.is_valid() else ""
    return render(request, f"{DETAIL_TEMPLATE}#comment-preview", {"preview_html": render_markdown(text)})


@read_only
def comment_permalink(request, comment_id):
    """A comment's lasting address: the page of its discussion that shows it. htmx gets the
    comment itself (what "Cancel" on an edit swaps back in)."""
    if request.htmx:
        comment = _visible_comment(request, comment_id)
        return _render_comment(request, comment)
    visible = Comment.objects.filter(discussion__in=Discussion.objects.visible_to(request.user))
    comment = get_object_or_404(visible.select_related("discussion"), pk=comment_id)
    return redirect(_comment_url(comment))


@form_page
@login_required
def comment_edit(request, comment_id):
    """The author's edit form in place of the comment (htmx), or on a page of its own."""
    comment = _visible_comment(request, comment_id)
    check_edit_comment(request.user, comment)
    form = EditCommentForm(_posted(request), initial={"comment_text": comment.text}, auto_id=_auto_id(comment))
    context = {"preview_html": None, "form_error": None}
    if request.method == "POST" and "preview" in request.POST:
        form.is_valid()
        context["preview_html"] = render_markdown(form.cleaned_data.get("comment_text", ""))
    elif request.method == "POST" and form.is_valid():
        try:
            edit_comment(actor=request.user, comment=comment, text=form.cleaned_data["comment_text"])
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as denied:
            context["form_error"] = str(denied)
        else:
            return _comment_changed(request, comment)
    return _render_comment_form(request, comment, form, "comment-edit-form", "forum/comment_edit.html", context)


@form_page
@login_required
def comment_delete(request, comment_id):
    """A confirmation in place of the comment (htmx), or on a page of its own; a moderator
    deleting someone else's comment gives a reason for the audit log."""
    comment = _visible_comment(request, comment_id)
    check_delete_comment(request.user, comment)
    form = DeleteCommentForm(_posted(request), auto_id=_auto_id(comment))
    context = {"form_error": None, "deleting_own": comment.author_id == request.user.pk}
    if request.method == "POST" and form.is_valid():
        try:
            delete_comment(actor=request.user, comment=comment, reason=form.cleaned_data["reason"])
        except PermissionDenied as denied:
            context["form_error"] = str(denied)
        else:
            return _comment_changed(request, comment)
    return _render_comment_form(request, comment, form, "comment-delete-form", "forum/comment_delete.html", context)


@require_POST
def participant_create(request, discussion_id):
    """Invite someone by login. htmx gets the participant list again (with the form's errors
    or a confirmation); a full page redirects back to the discussion with a message."""
    discussion = _visible_discussion(request, discussion_id)
    if not request.user.is_authenticated:
        return _login_redirect(request, discussion)
    form = InviteParticipantForm(request.POST)
    invited, invite_error, status = None, None, 400
    if form.is_valid():
        try:
            invited = invite_participant(inviter=request.user, discussion=discussion, login=form.cleaned_data["login"])
            discussion.participants_count, _ = participants_count_and_viewer(discussion, request.user)
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as denied:
            invite_error, status = str(denied), 403
        except TooManyWrites as too_fast:
            invite_error, status = too_fast.message, 429
    if invited is not None and not request.htmx:
        messages.success(request, f"{invited.user.display_name} (@{invited.user.login}) is now a participant.")
        return redirect(f"{discussion.get_absolute_url()}#participant-list")
    context = _participants_context(request, discussion)
    context.update(invited=invited, invite_error=invite_error)
    if context["invite_form"] is not None and invited is None:
        context["invite_form"] = form
    if request.htmx:
        return render(request, f"{DETAIL_TEMPLATE}#participant-list", context)
    page = _comment_page(discussion, 1)
    context = {**_detail_context(request, discussion, page, CommentForm()), **context}
    return render(request, DETAIL_TEMPLATE, context, status=status)


# --- helpers ------------------------------------------------------------------------------


def _render_discussion_list(request, discussions, *, tab: str):
    """The list, versioned by the latest change of a discussion (``page_cache``): of any for the
    shared copy, of those the viewer can see otherwise. Its poller asks for activity since the
    list was read (``_list_read_at``)."""
    if page_cache.is_shareable(request):
        version = page_cache.list_version()
    else:
        version = page_cache.list_version_seen_by(request.user)

    def render_list(shared: bool):
        since = _list_read_at(request)
        page = _page(discussions, request.GET.get("page", 1), DISCUSSIONS_PER_PAGE)
        page_cache.render_discussion_rows(request, page.object_list, template_name=LIST_TEMPLATE)
        context = {
            "page": page,
            "tab": tab,
            "since": since,
            "activity_poll_seconds": ACTIVITY_POLL_SECONDS,
            "shared_page": shared,
        }
        return render(request, LIST_TEMPLATE, context)

    return page_cache.serve(request, version=version, render=render_list)


def _list_read_at(request):
    """The time the list shows activity up to, read before the list itself. For anonymous
    visitors, whose copy is shared and must be the same bytes until a public discussion changes,
    the latest change of a public discussion; for people logged in, now."""
    if request.user.is_authenticated:
        return timezone.now()
    return page_cache.public_list_version() or page_cache.BEFORE_EVERYTHING


def _since(request):
    """``?since=``: an ISO 8601 time with its offset; 400 otherwise."""
    since = parse_datetime(request.GET.get("since", ""))
    if since is None or since.tzinfo is None:
        raise BadRequest("since must be an ISO 8601 time with a UTC offset.")
    return since


def _visible_discussion(request, discussion_id, *, for_page: bool = True) -> Discussion:
    """The discussion if the user may see it (404 otherwise, as if it did not exist) and, for
    its page, its creator, how many take part and whether the user does.

    Fetched by primary key and judged by ``can_view_discussion`` rather than through
    ``visible_to`` with the participation and the count annotated: building that query took the
    ORM a millisecond, ten times what running it takes. Off the page, whether the user takes part
    is asked only of a private discussion or by a permission that needs it."""
    user = request.user
    discussions = Discussion.objects.select_related("creator") if for_page else Discussion.objects
    discussion = get_object_or_404(discussions, pk=discussion_id)
    if for_page:
        discussion.participants_count, takes_part = participants_count_and_viewer(discussion, user)
        note_participation(discussion, user, takes_part)
    if not can_view_discussion(user, discussion):
        raise Http404("No discussion matches the given query.")
    return discussion


def _visible_comment(request, comment_id) -> Comment:
    """The comment if its discussion is visible to the user (404 otherwise), with everything its
    partial shows."""
    visible = Comment.objects.filter(discussion__in=Discussion.objects.visible_to(request.user))
    return get_object_or_404(visible.with_related().select_related("discussion"), pk=comment_id)


def _page(queryset, number, per_page: int, *, count: int | None = None):
    """One page of ``queryset``; ``number`` is a whole number from 1, or "last". ``count``, when
    known (a kept counter), saves the COUNT query. 400 for a number that is not one, 404 past
    the last page."""
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count
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


def _page_number(request) -> int:
    """``?page=`` of a fragment's links (the page the browser shows); 1 when missing or bad."""
    try:
        return max(1, int(request.GET.get("page", 1)))
    except (TypeError, ValueError):
        return 1


def _comment_page(discussion: Discussion, number, *, cached: bool = False):
    """A page of the discussion's comments; the last page costs what the first does (the
    page's ids from the index, then its rows: ``DeferredJoin``). ``cached``: from the page
    cache for this version of the discussion (only where ``discussion.changed_at`` is as read,
    not after a write)."""
    comments = DeferredJoin(
        discussion.comments.in_time_order(),
        rows=Comment.objects.with_related(),
        count=discussion.comments_count,
        remember_as=("comments", discussion.pk, discussion.changed_at) if cached else None,
    )
    page = _page(comments, number, COMMENTS_PER_PAGE)
    for comment in page.object_list:
        comment.discussion = discussion  # the permission checks read it: no query per comment
    return page


def _comment_page_number(comment: Comment) -> int:
    position = Comment.objects.filter(discussion_id=comment.discussion_id).up_to(comment).count()
    return (position - 1) // COMMENTS_PER_PAGE + 1


def _comment_url(comment: Comment) -> str:
    discussion_url = reverse("discussion-detail", kwargs={"discussion_id": comment.discussion_id})
    return f"{discussion_url}?page={_comment_page_number(comment)}#comment-{comment.id}"


def _participants_shown(request) -> int | None:
    """``?participants=``: how many participants the polling page shows; None when not said."""
    try:
        return int(request.GET.get("participants", ""))
    except ValueError:
        return None


def _comment_id_or_none(value) -> uuid.UUID | None:
    """``?after=``: empty for "from the start"; 400 for anything but a UUID."""
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise BadRequest("after must be a comment id.")


def _posted(request):
    """The POST data to bind a form to (even when empty), or None for a GET."""
    return request.POST if request.method == "POST" else None


def _auto_id(comment: Comment) -> str:
    """Field ids unique on the page, beside the comment form's own."""
    return f"id_%s_{comment.id.hex}"


def _reply_quote(discussion: Discussion, comment_id) -> Comment | None:
    """The comment a reply would answer, for showing its quote above the form; None when the
    id is missing or names no live comment of this discussion (the service has the last word)."""
    try:
        comment_id = uuid.UUID(str(comment_id))
    except ValueError:
        return None
    live = discussion.comments.filter(is_deleted=False).select_related("author")
    return live.filter(pk=comment_id).first()


def _comment_context(request, discussion, comments, *, page_number: int) -> dict:
    """What the ``comment`` partial reads besides the comment: which of ``comments`` the user
    may edit or delete, whether they read deleted ones, the page number for reply links. Asked
    per comment of objects in hand: no query."""
    user = request.user
    return {
        "discussion": discussion,
        "discussion_url": discussion.get_absolute_url(),
        "page_number": page_number,
        "page_comment_ids": {comment.id for comment in comments},
        "posting_refusal": post_comment_refusal(user, discussion),
        "editable_comment_ids": {comment.id for comment in comments if can_edit_comment(user, comment)},
        "deletable_comment_ids": {comment.id for comment in comments if can_delete_comment(user, comment)},
        "sees_deleted": is_staff_member(user),
        "comment_poll_seconds": COMMENT_POLL_SECONDS,
    }


def _participants_context(request, discussion, *, cached: bool = False) -> dict:
    """``cached``: the participants may come from the page cache, for this version of the
    discussion (only where ``discussion.changed_at`` is as read, not after a write)."""

    def participants_now():
        return list(discussion.participants.select_related("user__profile_image", "invited_by")[:PARTICIPANTS_SHOWN])

    if cached:
        participants = page_cache.remember(("participants", discussion.pk, discussion.changed_at), participants_now)
    else:
        participants = participants_now()
    can_invite = can_invite_participant(request.user, discussion)
    return {
        "discussion": discussion,
        "participants": participants,
        "participants_more": max(0, discussion.participants_count - len(participants)),
        "invite_form": InviteParticipantForm() if can_invite else None,
    }


def _detail_context(
    request, discussion, page, form, *, reply_to=None, form_error=None, preview_html=None, cached: bool = False
) -> dict:
    on_last_page = page.number == page.paginator.num_pages
    last_comment = page.object_list[-1] if page.object_list else None
    return {
        **_comment_context(request, discussion, page.object_list, page_number=page.number),
        **_participants_context(request, discussion, cached=cached),
        "page": page,
        "form": form,
        "reply_to": reply_to,
        "form_error": form_error,
        "preview_html": preview_html,
        "watch_for_new": on_last_page,
        "last_comment_id": last_comment.id if last_comment else "",
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


def _comment_form_again(request, discussion, form, *, form_error=None, status=200, preview=False, keep_files=False):
    """The form with its errors (or its preview), the text and the attachments it holds kept
    (``keep_files``: the files just chosen too, ``_form_keeping_files``). htmx gets just the form
    (with status 200, which htmx swaps), retargeted from the comment list to the form itself."""
    if keep_files:
        form, form_error, status = _form_keeping_files(request, discussion, form)
    preview_html = None
    if preview:
        form.is_valid()
        preview_html = render_markdown(form.cleaned_data.get("comment_text", ""))
    reply_to = _reply_quote(discussion, form.data.get("replied_message"))
    page = _comment_page(discussion, request.GET.get("page", 1))
    context = _detail_context(
        request, discussion, page, form, reply_to=reply_to, form_error=form_error, preview_html=preview_html
    )
    context["attached_uploads"] = _attached_uploads(request, form)
    if request.htmx:
        response = render(request, f"{DETAIL_TEMPLATE}#comment-form", context)
        return reswap(retarget(response, "#comment-form"), "outerHTML")
    return render(request, DETAIL_TEMPLATE, context, status=status)


def _form_keeping_files(request, discussion, form):
    """A Preview (or a "remove") of the comment form: no browser fills a file input again, so
    the files chosen are stored now as the user's uploads (``store_attachments``, the way posting
    stores them) and the form is bound again without them, naming them in ``attachments`` after
    those it holds already (less the one removed), which posting then attaches. Files the form
    refuses (too many, empty) are not stored, and their errors stay. Returns the form, an error
    and a status."""
    form.is_valid()
    removed = request.POST.get("remove_attachment", "")
    held = [upload_id for upload_id in form.cleaned_data.get("attachments", []) if str(upload_id) != removed]
    errors = {name: form.errors[name].as_data() for name in ("files", NON_FIELD_ERRORS) if name in form.errors}
    files = form.cleaned_data.get("files") or []
    if files and not errors:
        try:
            stored = store_attachments(author=request.user, discussion=discussion, files=files)
            held += [upload.id for upload in stored]
        except ValidationError as refusal:
            errors = refusal.error_dict
        except PermissionDenied as denied:
            return form, str(denied), 403
    data = request.POST.copy()
    data.setlist("attachments", [str(upload_id) for upload_id in held])
    data.pop("remove_attachment", None)
    again = CommentForm(data)
    again.is_valid()
    for name, field_errors in errors.items():
        again.add_error(None if name == NON_FIELD_ERRORS else name, ValidationError(field_errors))
    return again, None, 200


def _attached_uploads(request, form) -> list:
    """The uploads that ``form`` holds in ``attachments`` and the user may still attach, in
    order, shown as "Attached: name (remove)" with their ids (any other id is dropped)."""
    if not form.is_bound or not request.user.is_authenticated:
        return []
    form.is_valid()  # cleaned already on every path here; this only makes sure
    upload_ids = form.cleaned_data.get("attachments")
    if not upload_ids:
        return []
    uploads = {upload.pk: upload for upload in Upload.objects.attachable_by(request.user).filter(pk__in=upload_ids)}
    return [uploads[upload_id] for upload_id in upload_ids if upload_id in uploads]


def _render_comment(request, comment):
    """The ``comment`` partial for one comment (htmx swaps it in place)."""
    context = _comment_context(request, comment.discussion, [comment], page_number=_page_number(request))
    return render(request, f"{DETAIL_TEMPLATE}#comment", {**context, "comment": comment})


def _comment_changed(request, comment):
    """After an edit or a delete: htmx gets the comment as it is now; a full page goes to it."""
    if request.htmx:
        return _render_comment(request, comment)
    return redirect(_comment_url(comment))


def _render_comment_form(request, comment, form, partial: str, page_template: str, context: dict):
    """An edit or delete form: in place of the comment for htmx (status 200, which htmx swaps),
    else on a page of its own (400 with the form's errors, 403 when the service refused)."""
    context = {
        **_comment_context(request, comment.discussion, [comment], page_number=_page_number(request)),
        **context,
        "comment": comment,
        "form": form,
    }
    if request.htmx:
        return render(request, f"{DETAIL_TEMPLATE}#{partial}", context)
    status = 403 if context.get("form_error") else 400 if form.errors else 200
    return render(request, page_template, {**context, "comment_url": _comment_url(comment)}, status=status)
