"""HTML pages for accounts that allauth does not provide: editing one's profile, a public user
page, and the page behind the emailed password-reset link (which API clients share); and
allauth's signup page, made to keep a chosen profile image when the form comes back with errors."""

from allauth.account import app_settings as allauth_settings
from allauth.account.forms import ResetPasswordKeyForm
from allauth.account.internal.templatekit import get_entrance_context_data
from allauth.account.views import SignupView as AllauthSignupView
from allauth.core import ratelimit
from allauth.core.exceptions import RateLimited
from allauth.utils import get_form_class
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.datastructures import MultiValueDict
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from forum.errors import wants_json
from forum.http_methods import form_page, read_only
from users import api, services
from users.forms import ProfileForm, add_refusal
from users.permissions import can_see_contact_details
from users.upload_views import anonymous_upload_of_session, session_anonymous_upload_ids, store_anonymous_upload
from users.uploads import UploadRejected

RESET_TEMPLATE = "account/password_reset_from_key.html"


class SignupView(AllauthSignupView):
    """allauth's signup page (``/accounts/signup/``), keeping the chosen profile image when the
    form comes back with errors.

    No browser fills a file input again, so on a failed submit the image is stored now as an
    anonymous upload of this session (``store_anonymous_upload``, as ``POST /uploads`` stores
    one) and the form comes back holding its id in ``profile_image_id``, named "Profile image:
    name (remove)"; the corrected submit claims it for the new account, as the JSON signup
    claims an uploaded id. Only an upload this session made is held
    (``anonymous_upload_of_session``); a newly chosen file replaces it. When the image cannot be
    kept (the upload rules or the upload rate refuse it) the page asks to choose it again.
    """

    held_profile_image = None
    profile_image_forgotten = False

    def post(self, request, *args, **kwargs):
        if "remove_profile_image" in request.POST:  # "(remove)": the form again, without the image
            return self.form_invalid(self.get_form())
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if "data" in kwargs:
            data = kwargs["data"].copy()
            held = None
            if "profile_image" not in kwargs["files"] and "remove_profile_image" not in data:
                held = anonymous_upload_of_session(self.request, data.get("profile_image_id"))
            data["profile_image_id"] = str(held.id) if held else ""
            kwargs["data"], self.held_profile_image = data, held
        return kwargs

    def form_invalid(self, form):
        return super().form_invalid(self._form_keeping_image(form))

    def _form_keeping_image(self, form):
        form.is_valid()
        image = form.cleaned_data.get("profile_image")
        if not image or form.has_error("profile_image") or form.has_error("profile_image_id"):
            return form
        try:
            self.held_profile_image = store_anonymous_upload(self.request, image)
        except (UploadRejected, RateLimited):
            self.profile_image_forgotten = True
            return form
        data = form.data.copy()
        data["profile_image_id"] = str(self.held_profile_image.id)
        kwargs = {**super().get_form_kwargs(), "data": data, "files": MultiValueDict()}
        again = self.get_form_class()(**kwargs)
        again.is_valid()
        return again

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["held_profile_image"] = self.held_profile_image
        context["profile_image_forgotten"] = self.profile_image_forgotten
        return context


signup = SignupView.as_view()


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
            services.update_profile(
                user=user, anonymous_upload_ids=session_anonymous_upload_ids(request), **form.profile_changes()
            )
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
