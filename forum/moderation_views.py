"""HTML views for moderation: thin, and one to one with ``forum/moderation_api.py``.

Fetch, check who may act, bind the form, call the service, respond:
- a full page redirects after a POST, back to ``next`` (a local URL) or to the page of what
  was acted on, and the message says what happened;
- an htmx request gets ``HX-Location`` back to the page it came from instead: htmx loads that
  page and swaps its ``#main`` into this one, with no page load;
- a form with errors comes back as its partial (htmx, status 200 so that htmx swaps it) or its
  page (status 400).
Anonymous visitors go to the login page; users who may not act get 403.
"""

import functools

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseLocation

from forum import moderation
from forum.http_methods import form_page, read_only
from forum.models import Comment, Discussion, Report
from forum.rate_limits import TooManyWrites
from forum.moderation_forms import (
    BanForm,
    DismissReportForm,
    LogFilterForm,
    ModerationReasonForm,
    ReportForm,
    ResolveReportForm,
    RoleForm,
)
from forum.permissions import (
    check_handle_reports,
    check_lock_discussion,
    check_pin_discussion,
    check_report_comment,
    check_view_moderation_log,
)
from users import services as user_services
from users.permissions import check_ban_user, check_set_role, check_unban_user

REPORTS_PER_PAGE = 20
LOG_ENTRIES_PER_PAGE = 50
QUEUE_TEMPLATE = "moderation/report_queue.html"


def login_required(view):
    """Anonymous visitors go to the login page (htmx: the whole window goes), then come back
    to the page they were on."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        back = _next_url(request) or (request.get_full_path() if request.method == "GET" else "/")
        response = redirect_to_login(back)
        return HttpResponseClientRedirect(response.url) if request.htmx else response

    return wrapper


# --- Discussions: lock and pin -------------------------------------------------------------------


def _discussion_action(request, discussion_id, check, service, done: str):
    discussion = get_object_or_404(Discussion.objects.visible_to(request.user), pk=discussion_id)
    check(request.user, discussion)
    form = ModerationReasonForm(request.POST)
    if not form.is_valid():
        raise BadRequest("The reason is too long.")
    service(actor=request.user, discussion=discussion, reason=form.cleaned_data["reason"])
    messages.success(request, done)
    return _back(request, discussion.get_absolute_url())


@require_POST
@login_required
def discussion_lock(request, discussion_id):
    done = "The discussion is locked: nobody can post in it."
    return _discussion_action(request, discussion_id, check_lock_discussion, moderation.lock_discussion, done)


@require_POST
@login_required
def discussion_unlock(request, discussion_id):
    done = "The discussion is unlocked."
    return _discussion_action(request, discussion_id, check_lock_discussion, moderation.unlock_discussion, done)


@require_POST
@login_required
def discussion_pin(request, discussion_id):
    done = "The discussion is pinned: lists show it first."
    return _discussion_action(request, discussion_id, check_pin_discussion, moderation.pin_discussion, done)


@require_POST
@login_required
def discussion_unpin(request, discussion_id):
    done = "The discussion is unpinned."
    return _discussion_action(request, discussion_id, check_pin_discussion, moderation.unpin_discussion, done)


# --- Users: bans and roles -----------------------------------------------------------------------


def _person(login: str):
    return get_object_or_404(get_user_model().objects.with_profile_image(), login=login)


@form_page
@login_required
def user_ban(request, login):
    """The ban form (GET: its page, or its partial for htmx) and its target (POST)."""
    person = _person(login)
    check_ban_user(request.user, person)
    form = BanForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            user_services.ban_user(actor=request.user, user=person, **form.ban_arguments())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{person.login} is banned.")
            return _back(request, person.get_absolute_url())
    context = {"person": person, "form": form, "next": _next_url(request)}
    return _form_page(request, "moderation/user_ban.html", "ban-form", context)


@require_POST
@login_required
def user_unban(request, login):
    person = _person(login)
    check_unban_user(request.user, person)
    user_services.unban_user(actor=request.user, user=person)
    messages.success(request, f"{person.login} is no longer banned.")
    return _back(request, person.get_absolute_url())


@require_POST
@login_required
def user_role(request, login):
    person = _person(login)
    check_set_role(request.user, person)
    form = RoleForm(request.POST)
    if not form.is_valid():
        raise BadRequest("Choose one of the roles: user, moderator, admin.")
    user_services.set_role(actor=request.user, user=person, role_type=form.cleaned_data["role_type"])
    messages.success(request, f"{person.login} is now {person.get_role_type_display().lower()}.")
    return _back(request, person.get_absolute_url())


# --- Reports ---------------------------------------------------------------------------------------


@form_page
@login_required
def comment_report(request, comment_id):
    """The report form of a comment (GET: its page, or its partial for htmx) and its target."""
    visible = Comment.objects.filter(discussion__in=Discussion.objects.visible_to(request.user))
    comment = get_object_or_404(visible.select_related("author", "discussion"), pk=comment_id)
    check_report_comment(request.user, comment)
    form = ReportForm(request.POST if request.method == "POST" else None)
    status = None
    if form.is_bound and form.is_valid():
        try:
            moderation.report_comment(reporter=request.user, comment=comment, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        except TooManyWrites as too_fast:
            form.add_error(None, ValidationError(too_fast.message, code="rate_limited"))
            status = 429
        else:
            return _reported(request, comment)
    context = {"comment": comment, "form": form, "next": _next_url(request)}
    return _form_page(request, "moderation/comment_report.html", "report-form", context, status=status)


def _reported(request, comment):
    if request.htmx:
        return render(request, "moderation/comment_report.html#report-done", {"comment": comment})
    messages.success(request, "Thank you: the moderators will look at this comment.")
    return redirect(_next_url(request) or comment.get_absolute_url())


@read_only
@login_required
def moderation_home(request):
    check_handle_reports(request.user)
    return redirect("moderation-reports")


@read_only
@login_required
def report_queue(request):
    """The open reports, oldest first, each with its comment in context."""
    check_handle_reports(request.user)
    return render(request, QUEUE_TEMPLATE, _queue_context(request))


def _queue_context(request, notice: str = "") -> dict:
    """The queue's page. After a report was handled, the page asked for may have gone (its
    last row was taken): then the nearest one is shown instead."""
    if notice:
        page = Paginator(moderation.reports(), REPORTS_PER_PAGE).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)
    else:
        page = _page(moderation.reports(), request.GET.get("page", 1), REPORTS_PER_PAGE)
    return {"page": page, "notice": notice}


def _report_action(request, report_id, form_class, service, done: str):
    check_handle_reports(request.user)
    report = get_object_or_404(Report.objects.select_related("comment__discussion", "reporter"), pk=report_id)
    form = form_class(request.POST)
    if not form.is_valid():
        raise BadRequest("The reason is too long.")
    try:
        service(actor=request.user, report=report, **form.cleaned_data)
    except ValidationError as error:  # handled by someone else meanwhile
        done = " ".join(error.messages)
    if request.htmx:
        return render(request, f"{QUEUE_TEMPLATE}#report-queue", _queue_context(request, notice=done))
    messages.info(request, done)
    return redirect(_next_url(request) or reverse("moderation-reports"))


@require_POST
@login_required
def report_resolve(request, report_id):
    return _report_action(request, report_id, ResolveReportForm, moderation.resolve_report, "Report resolved.")


@require_POST
@login_required
def report_dismiss(request, report_id):
    return _report_action(request, report_id, DismissReportForm, moderation.dismiss_report, "Report dismissed.")


# --- The audit log ---------------------------------------------------------------------------------


@read_only
@login_required
def moderation_log(request):
    """The audit log, latest first, filtered by kind, actor and user concerned."""
    check_view_moderation_log(request.user)
    form = LogFilterForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "page": None}
        return render(request, "moderation/moderation_log.html", context, status=400)
    page = _page(moderation.log_entries(**form.filters()), request.GET.get("page", 1), LOG_ENTRIES_PER_PAGE)
    return render(request, "moderation/moderation_log.html", {"form": form, "page": page})


# --- helpers -----------------------------------------------------------------------------------------


def _next_url(request) -> str | None:
    """``next`` from the form or the query string, when it is a URL of this site."""
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return None


def _back(request, default: str):
    """After a successful POST: back to ``next``, or to the page htmx was on, or ``default``."""
    url = _next_url(request)
    if request.htmx:
        url = url or request.htmx.current_url_abs_path or default
        return HttpResponseLocation(url, target="#main", select="#main", swap="outerHTML")
    return redirect(url or default)


def _form_page(request, template: str, partial: str, context: dict, *, status: int | None = None):
    """The form page (400 when it was sent and refused, or ``status``); htmx gets the form's
    partial with 200, which it swaps in."""
    if request.htmx:
        return render(request, f"{template}#{partial}", context)
    status = status or (400 if context["form"].is_bound else 200)
    return render(request, template, context, status=status)


def _page(queryset, number, per_page: int):
    """One page of ``queryset``: 400 for a page number that is not one, 404 past the last."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise BadRequest("The page number must be a whole number.")
    if number < 1:
        raise BadRequest("Pages are numbered from 1.")
    try:
        page = Paginator(queryset, per_page).page(number)
    except EmptyPage:
        raise Http404("No such page.")
    page.object_list = list(page.object_list)
    return page
