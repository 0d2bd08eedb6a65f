"""HTML pages for accounts that allauth does not provide: editing one's profile, a public user
page, and the page behind the emailed password-reset link (which API clients share)."""

from allauth.account import app_settings as allauth_settings
from allauth.account.forms import ResetPasswordKeyForm
from allauth.account.internal.templatekit import get_entrance_context_data
from allauth.core import ratelimit
from allauth.utils import get_form_class
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from forum.errors import wants_json
from forum.http_methods import form_page, read_only
from users import api, services
from users.forms import ProfileForm, add_refusal
from users.permissions import can_see_contact_details
from users.uploads import UploadRejected

RESET_TEMPLATE = "account/password_reset_from_key.html"


@form_page
@login_required
def profile_edit(request):
    """GET/POST /accounts/profile/: the logged-in user's names, phone number and avatar
    (``PATCH /me`` in JSON). Redirects back here after a successful save."""
    user = request.user
    form = ProfileForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        user=user,
        initial=ProfileForm.initial_for(user),
    )
    if form.is_bound and form.is_valid():
        try:
            services.update_profile(user=user, **form.profile_changes())
        except (ValidationError, UploadRejected) as error:
            user.refresh_from_db()
            add_refusal(form, error)
        else:
            messages.success(request, "Your profile has been saved.")
            return redirect("profile-edit")
    status = 400 if form.is_bound else 200
    return render(request, "users/profile_edit.html", {"form": form}, status=status)


@read_only
def user_profile(request, login: str):
    """GET /u/<login>/: a user's public page (email and phone only for themself and staff)."""
    person = get_object_or_404(get_user_model().objects.with_profile_image(), login=login)
    context = {"person": person, "show_contact": can_see_contact_details(request.user, person)}
    return render(request, "users/user_profile.html", context)


@csrf_exempt  # each face checks what it must: the HTML form its CSRF token, the API its JSON body
def password_reset_procedure(request, reset_id: str):
    """/password-reset-procedure/<reset_id>, the link in the reset email: a JSON client
    (``Accept`` or ``Content-Type`` JSON) gets ``api.password_reset_procedure``, a browser the
    HTML form (``password_reset_procedure_page``)."""
    if wants_json(request):
        return api.password_reset_procedure(request, reset_id)
    return password_reset_procedure_page(request, reset_id)


@form_page
@csrf_protect
def password_reset_procedure_page(request, reset_id: str):
    """The HTML form behind the emailed reset link: choose a new password (works without JS).

    404 or 410 with an explanation when the link is unknown or spent; after a successful POST,
    allauth's "password changed" page. Uses allauth's template, form and flow.
    """
    context = get_entrance_context_data(request)
    try:
        link = services.find_password_reset_link(reset_id)
    except services.ResetLinkUnknown:
        return render(request, RESET_TEMPLATE, {**context, "token_fail": True}, status=404)
    except services.ResetLinkGone:
        return render(request, RESET_TEMPLATE, {**context, "token_fail": True}, status=410)
    if request.method == "POST":
        limited = ratelimit.consume_or_429(request, action="reset_password_from_key")
        if limited:
            return limited
    form_class = get_form_class(allauth_settings.FORMS, "reset_password_from_key", ResetPasswordKeyForm)
    form = form_class(request.POST if request.method == "POST" else None, user=link.user, temp_key=link.key)
    if form.is_bound and form.is_valid():
        services.reset_password_with_link(request=request, link=link, form=form)
        return redirect("account_reset_password_from_key_done")
    status = 400 if form.is_bound else 200
    return render(request, RESET_TEMPLATE, {**context, "form": form, "action_url": request.path}, status=status)
