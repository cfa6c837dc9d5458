"""Two-factor login for staff (django-otp): a code from an authenticator app after the password.

The password alone never logs a member of staff in while `REQUIRE_2FA` is on: it only opens
the second step, kept in the session for a few minutes. Staff without an authenticator app are
enrolled there, and only with the enrolment code an administrator gave them (`create_user` and
`reset_2fa` print it, the admin shows it to whoever adds a member of staff there; it expires,
and is spent by the first complete login), so that a password
alone never enrols someone else's app. Each view of the set-up page draws a new secret (QR code
drawn on the server, the secret in text), and only that session's can be confirmed by a code;
then ten single-use recovery codes are shown once, and can be made anew later. Wrong codes are
login failures for django-axes, so they count towards the same lockout as wrong passwords; the
failure count is reset only by a complete login, not by the password step.
"""

import secrets
import time
from base64 import b32encode
from hashlib import sha256

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME, SESSION_KEY, get_user_model, user_login_failed
from django.contrib.auth import login as auth_login
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import LoginView
from django.contrib.sessions.models import Session
from django.core import checks, signing
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import devices_for_user, user_has_device, verify_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

PENDING_SESSION_KEY = "two_factor_pending"
# The pending member of staff who gave a right enrolment code, in this session.
ENROLMENT_SESSION_KEY = "two_factor_enrolment"
ENROLMENT_CODE_SALT = "learningcities.two_factor.enrolment"
# Time an enrolment code is good for, from when it is made.
ENROLMENT_CODE_DAYS = 7
ENROLMENT_CODE_SECONDS = ENROLMENT_CODE_DAYS * 24 * 60 * 60
# Time between a right password and its second factor, after which the password is asked again.
SECOND_STEP_SECONDS = 10 * 60
RECOVERY_CODE_COUNT = 10


def second_factor_required(user):
    return settings.REQUIRE_2FA and user.is_staff


def second_factor_missing(user):
    """Whether `user` (request.user, as django-otp's middleware leaves it) is staff who must
    give a second factor and has not in this session."""
    return second_factor_required(user) and not user.is_verified()


class VerifiedStaffMiddleware:
    """Staff whose session has not given its second factor are visitors on every page: no
    draft, preview or private photo file for a password alone (or for a session whose
    authenticator app was removed by `reset_2fa`). The admin's own log-in steps work on the
    session, not on request.user. Placed after django-otp's middleware; as lazy as it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        request.user = SimpleLazyObject(
            lambda: AnonymousUser() if second_factor_missing(user) else user
        )
        return self.get_response(request)


def end_sessions(user):
    """Logs `user` out everywhere, e.g. once their second factor is removed: their sessions
    are deleted (sessions live in the database: `sessions_in_the_database`)."""
    theirs = [
        session.session_key
        for session in Session.objects.iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(session_key__in=theirs).delete()
    return len(theirs)


DATABASE_SESSIONS = "django.contrib.sessions.backends.db"


def sessions_in_the_database(app_configs, **kwargs):
    """A system check (learningcities.apps): `end_sessions` ends a person's sessions by
    deleting their rows, so sessions must live in the database and nowhere else. Kept in the
    cache or in signed cookies there would be no rows; with "cached_db" the cached copy would
    outlive the row, and `reset_2fa` would leave the person logged in."""
    if settings.SESSION_ENGINE == DATABASE_SESSIONS:
        return []
    return [
        checks.Error(
            f"SESSION_ENGINE is {settings.SESSION_ENGINE!r}: reset_2fa could not end a "
            "person's sessions.",
            hint=f"Keep sessions in the database: SESSION_ENGINE = {DATABASE_SESSIONS!r}.",
            id="learningcities.E001",
        )
    ]


def enrolment_state(user):
    """What an enrolment code is bound to: the person, their password and their last
    complete login, so that a code is spent by the login that enrols (and ends with a new
    password)."""
    state = f"{user.pk}:{user.password}:{user.last_login}"
    return sha256(state.encode()).hexdigest()[:20]


def new_enrolment_code(user):
    """A code, signed with SECRET_KEY, that lets `user` enrol an authenticator app within
    ENROLMENT_CODE_SECONDS; nothing is stored."""
    return signing.dumps(enrolment_state(user), salt=ENROLMENT_CODE_SALT)


def enrolment_code_message(user):
    """The enrolment code of `user` and how to hand it over (`create_user`, `reset_2fa`)."""
    return (
        f"Enrolment code for {user.username} (good for {ENROLMENT_CODE_DAYS} days, once):\n"
        f"{new_enrolment_code(user)}\n"
        "Give it to them apart from the password; they enter it after the password at their "
        "first login, to set up their authenticator app."
    )


def enrolment_code_notice(user, address):
    """The same, for the administrator who made `user` staff in the admin: in their language,
    with the `address` where the new member of staff enrols."""
    return gettext(
        "Enrolment code for %(username)s (good for %(days)d days, once): %(code)s — give it "
        "to them apart from the password. At %(address)s they enter it after the password, to "
        "set up their authenticator app. It is not shown again."
    ) % {
        "username": user.get_username(),
        "days": ENROLMENT_CODE_DAYS,
        "code": new_enrolment_code(user),
        "address": address,
    }


def needs_enrolment_code(user):
    """Whether `user` can log in with a password but has no second factor to log in with."""
    return second_factor_required(user) and user.has_usable_password() and not user_has_device(user)


def is_enrolment_code_of(user, code):
    try:
        state = signing.loads(code, salt=ENROLMENT_CODE_SALT, max_age=ENROLMENT_CODE_SECONDS)
    except signing.BadSignature:  # expired codes too
        return False
    return secrets.compare_digest(state, enrolment_state(user))


def new_recovery_code():
    """Sixteen letters and digits (80 random bits), written in groups of four."""
    letters = b32encode(secrets.token_bytes(10)).decode().lower()
    return "-".join(letters[i : i + 4] for i in range(0, 16, 4))


def recovery_code_hash(code):
    """What is stored of a recovery code: django-otp's static tokens keep codes as they are
    given (16 characters at most), so they are given this hash, and a stolen database copy
    reveals no usable code. 80 random bits need no slow hash."""
    normalised = "".join(code.split()).replace("-", "").lower()
    return b32encode(sha256(normalised.encode()).digest()).decode()[:16]


def record_failed_code(request, user):
    """A wrong code is a failed login for django-axes, for this username from this address."""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )


class CodeThrottled(Exception):
    """A wrong code was given a moment ago: django-otp refuses any code, even the right one,
    for a few seconds (twice as many after each further wrong one)."""


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split())


class EnrolmentCodeForm(CodeForm):
    code = forms.CharField(
        label=_("Enrolment code"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )


class PasswordStepLoginView(LoginView):
    """Django's admin login, which hands staff who need a second factor over to it instead of
    logging them in."""

    def form_valid(self, form):
        user = form.get_user()
        if not second_factor_required(user):
            return super().form_valid(form)
        self.request.session[PENDING_SESSION_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "since": time.time(),
        }
        return HttpResponseRedirect(reverse("admin:two_factor"))


class AdminSite(admin.AdminSite):
    """The admin site, open to staff only once they have given their second factor (while
    `REQUIRE_2FA` is on). Installed as Django's default site by learningcities.apps."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pages = []

    def has_permission(self, request):
        # The device that verified this session: set by django-otp's middleware, or by
        # django_otp.login() for the request that completes a login.
        verified = getattr(request.user, "otp_device", None) is not None
        return super().has_permission(request) and (not settings.REQUIRE_2FA or verified)

    def register_page(self, route, view, name):
        """Add a page of an app's own to the admin, not a model's (the activity log):
        at `route`, named `admin:<name>`, behind the admin's login. `view(request, site)`."""
        self.pages.append(
            path(route, self.admin_view(lambda request: view(request, self)), name=name)
        )

    def get_urls(self):
        return [
            path("two-factor/", self.second_step, name="two_factor"),
            path("two-factor/setup/", self.enrolment, name="two_factor_setup"),
            path(
                "two-factor/recovery-codes/",
                self.admin_view(self.recovery_codes),
                name="two_factor_recovery_codes",
            ),
            *self.pages,
            *super().get_urls(),
        ]

    def login(self, request, extra_context=None):
        """Django's AdminSite.login with PasswordStepLoginView: the view is chosen inside that
        method, so its few lines of context are repeated here."""
        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        context = {
            **self.each_context(request),
            "title": _("Log in"),
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
        }
        if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
            context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=self.name)
        context.update(extra_context or {})
        request.current_app = self.name
        return PasswordStepLoginView.as_view(
            extra_context=context,
            authentication_form=AdminAuthenticationForm,
            template_name="admin/login.html",
        )(request)

    def pending_user(self, request):
        """The member of staff whose password was right a moment ago, if any."""
        pending = request.session.get(PENDING_SESSION_KEY)
        if not pending or time.time() - pending["since"] > SECOND_STEP_SECONDS:
            return None
        return get_user_model().objects.filter(pk=pending["user"], is_active=True).first()

    def complete_login(self, request, user, device):
        pending = request.session.pop(PENDING_SESSION_KEY)
        request.session.pop(ENROLMENT_SESSION_KEY, None)
        # A new session key; django-axes resets this person's failure count.
        auth_login(request, user, backend=pending["backend"])
        otp_login(request, device)
        return pending["next"]

    def refuse_code(self, request, user, form, message=None):
        record_failed_code(request, user)
        if getattr(request, "axes_locked_out", False):
            # django-axes' middleware answers with the lockout page; the password is asked
            # again once the lockout ends.
            request.session.pop(PENDING_SESSION_KEY, None)
        form.add_error("code", message or _("This code is not right. Try again with a new code."))

    def checked_code(self, request, user, form, devices):
        """The one of `devices` that accepts the form's code, or None with the form's error."""
        try:
            device = self.matching_device(user, devices, form.cleaned_data["code"])
        except CodeThrottled:
            # Still a try towards the lockout, though the code was not looked at.
            self.refuse_code(
                request,
                user,
                form,
                _("A wrong code was given a moment ago. Wait a few seconds, then try again."),
            )
            return None
        if device is None:
            self.refuse_code(request, user, form)
        return device

    def render(self, request, template, form, user, **context):
        return TemplateResponse(
            request,
            f"admin/two_factor/{template}",
            {
                **self.each_context(request),
                "form": form,
                "username": user.get_username(),
                **context,
            },
        )

    def locked_out(self, request, user):
        credentials = {"username": user.get_username()}
        if AxesProxyHandler.is_allowed(request, credentials):
            return None
        request.session.pop(PENDING_SESSION_KEY, None)
        return get_lockout_response(request, None, credentials)

    @method_decorator(never_cache)
    @method_decorator(sensitive_post_parameters("code"))
    def second_step(self, request):
        """The code from the authenticator app, or a recovery code."""
        user = self.pending_user(request)
        if user is None:
            return HttpResponseRedirect(reverse("admin:login", current_app=self.name))
        if not user_has_device(user):
            return HttpResponseRedirect(reverse("admin:two_factor_setup", current_app=self.name))
        if lockout := self.locked_out(request, user):
            return lockout
        form = CodeForm(request.POST or None)
        if form.is_valid():
            device = self.checked_code(request, user, form, devices_for_user(user))
            if device is not None:
                return HttpResponseRedirect(self.complete_login(request, user, device))
        return self.render(
            request, "second_step.html", form, user, title=gettext("Two-factor authentication")
        )

    @staticmethod
    def matching_device(user, devices, code):
        """The one of `devices` that accepts the code: six digits are an app's, anything else
        may be a recovery code (used up by django-otp when it is accepted). Raises
        CodeThrottled if the device that would check it refuses any code for now."""
        is_app_code = code.isdigit() and len(code) == 6
        for device in devices:
            if isinstance(device, TOTPDevice) and is_app_code:
                token = code
            elif isinstance(device, StaticDevice) and not is_app_code:
                token = recovery_code_hash(code)
            else:
                continue
            if not device.verify_is_allowed()[0]:
                raise CodeThrottled
            if verified := verify_token(user, device.persistent_id, token):
                return verified
        return None

    @method_decorator(never_cache)
    @method_decorator(sensitive_post_parameters("code"))
    def enrolment(self, request):
        """A new authenticator app, for whoever gave the enrolment code: its QR code and
        secret, confirmed by a first code."""
        user = self.pending_user(request)
        if user is None:
            return HttpResponseRedirect(reverse("admin:login", current_app=self.name))
        if user_has_device(user):
            return HttpResponseRedirect(reverse("admin:two_factor", current_app=self.name))
        if lockout := self.locked_out(request, user):
            return lockout
        if request.session.get(ENROLMENT_SESSION_KEY) != user.pk:
            return self.enrolment_code(request, user)
        pending = request.session[PENDING_SESSION_KEY]
        if request.method == "POST":
            # The app of this session's last view of the page: another session's (or an
            # earlier view's) secret is never confirmed here.
            device = TOTPDevice.objects.filter(
                pk=pending.get("device"), user=user, confirmed=False
            ).first()
            if device is None:
                return HttpResponseRedirect(request.path)
            form = CodeForm(request.POST)
            if form.is_valid() and self.checked_code(request, user, form, [device]):
                codes = self.new_recovery_codes(device)
                next_url = self.complete_login(request, user, device)
                return self.render_recovery_codes(request, user, codes, next_url)
        else:
            form = CodeForm()
            # A new secret for each view: one shown before is never good again.
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            device = TOTPDevice.objects.create(
                user=user, name=gettext("Authenticator app"), confirmed=False
            )
            pending["device"] = device.pk
            request.session.modified = True
        secret = b32encode(device.bin_key).decode()
        return self.render(
            request,
            "enrolment.html",
            form,
            user,
            title=gettext("Set up two-factor authentication"),
            qr_code=segno.make(device.config_url, error="m").svg_data_uri(scale=4),
            secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        )

    def enrolment_code(self, request, user):
        """The code an administrator gave for enrolling (see `new_enrolment_code`)."""
        form = EnrolmentCodeForm(request.POST or None)
        if form.is_valid():
            if is_enrolment_code_of(user, form.cleaned_data["code"]):
                request.session[ENROLMENT_SESSION_KEY] = user.pk
                return HttpResponseRedirect(request.path)
            self.refuse_code(
                request,
                user,
                form,
                _(
                    "This enrolment code is not right, or has expired. Ask an administrator "
                    "for a new one."
                ),
            )
        return self.render(
            request,
            "enrolment_code.html",
            form,
            user,
            title=gettext("Set up two-factor authentication"),
        )

    def render_recovery_codes(self, request, user, codes, next_url, renewed=False):
        return self.render(
            request,
            "recovery_codes.html",
            None,
            user,
            title=gettext("Your recovery codes"),
            codes=codes,
            next_url=next_url,
            renewed=renewed,
        )

    @method_decorator(sensitive_post_parameters("code"))
    def recovery_codes(self, request):
        """How many recovery codes the person has left, and ten new ones for a right code
        (the old ones stop working)."""
        user = request.user
        form = CodeForm(request.POST or None)
        if form.is_valid():
            device = self.checked_code(request, user, form, devices_for_user(user))
            if device is not None:
                codes = self.new_recovery_codes(device)
                next_url = reverse("admin:index", current_app=self.name)
                return self.render_recovery_codes(request, user, codes, next_url, renewed=True)
        return self.render(
            request,
            "renew_recovery_codes.html",
            form,
            user,
            title=gettext("Your recovery codes"),
            left=StaticToken.objects.filter(device__user=user).count(),
        )

    @staticmethod
    @transaction.atomic
    def new_recovery_codes(device):
        """Confirms the app `device` (if it is not yet) and gives its owner new recovery
        codes instead of any they had, returned to be shown once."""
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # The device stays (a session it verified stays verified); its codes are replaced.
        recovery, _created = StaticDevice.objects.get_or_create(
            user=device.user, defaults={"name": gettext("Recovery codes")}
        )
        recovery.token_set.all().delete()
        codes = [new_recovery_code() for _number in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(
            StaticToken(device=recovery, token=recovery_code_hash(code)) for code in codes
        )
        return codes
