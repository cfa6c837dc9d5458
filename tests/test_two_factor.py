"""Two-factor login for staff (learningcities/two_factor.py), turned on here: pyproject.toml
turns it off for the rest of the suite, which logs staff in with force_login()."""

import base64
import datetime
import io
import re
from base64 import b32encode

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.management.commands import changepassword
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cities.models import Draft, Status
from learningcities.two_factor import AdminSite, is_enrolment_code_of, new_enrolment_code
from tests.factories import (
    change_url,
    loaded_width,
    log_in_in_browser,
    logged_in_client,
    make_city,
    make_photo,
    make_user,
    posted,
)
from tests.test_drafts import save_draft
from tests.test_security import production_settings
from tests.test_security_browser import RECORD_VIOLATIONS

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"


@pytest.fixture(autouse=True)
def two_factor_required(settings):
    settings.REQUIRE_2FA = True
    settings.AXES_FAILURE_LIMIT = 3


def another_person():
    return Client(headers={"accept-language": "en"})


def code_of(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def wrong_code_for(device):
    return f"{(int(code_of(device)) + 500_000) % 1_000_000:06d}"


def enrolled(user):
    """A confirmed authenticator app and the recovery codes, as enrolment leaves them."""
    device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    return device, AdminSite.new_recovery_codes(device)


def enter_password(client, username="maria", password="pw"):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password, "next": ADMIN}
    )


def enter_code(client, code):
    return client.post(reverse("admin:two_factor"), {"code": code})


def enter_enrolment_code(client, code):
    return client.post(reverse("admin:two_factor_setup"), {"code": code})


def shown_secret(page):
    return re.search(r'<code id="two-factor-secret">([A-Z2-7 ]+)</code>', page.text).group(1)


def app_code(secret):
    """The code an app that scanned `secret` shows now."""
    key = base64.b32decode(secret.replace(" ", ""))
    return f"{totp(key):06d}"


def is_logged_in(client):
    return SESSION_KEY in client.session


def test_the_password_alone_logs_no_staff_in(client):
    enrolled(make_user("maria", is_staff=True))
    response = enter_password(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:two_factor")
    assert not is_logged_in(client)
    assert client.get(ADMIN)["Location"].startswith(reverse("admin:login"))
    page = client.get(reverse("admin:two_factor"))
    assert "enter the six-digit code your authenticator app shows" in page.text


def test_staff_without_an_app_set_one_up_before_any_admin_page(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the right code at once after the stale one
    user = make_user("maria", is_staff=True)
    enter_password(client)
    response = client.get(reverse("admin:two_factor"))
    assert response["Location"] == reverse("admin:two_factor_setup")
    assert client.get(ADMIN).status_code == 302
    entered = enter_enrolment_code(client, new_enrolment_code(user))
    assert entered["Location"] == reverse("admin:two_factor_setup")

    page = client.get(reverse("admin:two_factor_setup"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert re.search(
        r'<img class="two-factor-qr" src="data:image/svg\+xml;charset=utf-8,', page.text
    )
    assert shown_secret(page).replace(" ", "") == b32encode(device.bin_key).decode()
    # Reloading draws a new secret: the one shown before is good no more.
    reloaded = client.get(reverse("admin:two_factor_setup"))
    assert shown_secret(reloaded) != shown_secret(page)
    stale = client.post(reverse("admin:two_factor_setup"), {"code": app_code(shown_secret(page))})
    assert "This code is not right" in stale.text
    device = TOTPDevice.objects.get(user=user)

    done = client.post(reverse("admin:two_factor_setup"), {"code": code_of(device)})
    codes = re.findall(r"<li><code>([a-z2-7-]{19})</code></li>", done.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert is_logged_in(client)
    assert client.get(ADMIN).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    # Only hashes of the recovery codes are stored.
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & ({code.replace("-", "") for code in codes} | set(codes))


def test_a_password_alone_does_not_reach_enrolment(client):
    user = make_user("maria", is_staff=True)
    enter_password(client)
    page = client.get(reverse("admin:two_factor_setup"))
    assert "enter the enrolment code an administrator gave you" in page.text
    assert "two-factor-secret" not in page.text
    refused = enter_enrolment_code(client, "not-a-code")
    assert "This enrolment code is not right, or has expired" in refused.text
    someone_elses = enter_enrolment_code(client, new_enrolment_code(make_user("pedro")))
    assert "This enrolment code is not right" in someone_elses.text
    assert "two-factor-secret" not in client.get(reverse("admin:two_factor_setup")).text
    assert not TOTPDevice.objects.filter(user=user).exists()
    # Wrong enrolment codes count towards the lockout.
    assert AccessAttempt.objects.get(username="maria").failures_since_start == 2


def test_an_enrolment_code_expires_after_a_week(client):
    user = make_user("maria", is_staff=True)
    with time_machine.travel(timezone.now() - datetime.timedelta(days=7, minutes=1)):
        old_code = new_enrolment_code(user)
    enter_password(client)
    assert "has expired" in enter_enrolment_code(client, old_code).text


def test_create_user_prints_an_enrolment_code_that_is_spent_by_the_first_login(client, monkeypatch):
    monkeypatch.setenv("DJANGO_USER_PASSWORD", "a long passphrase 42")
    out = io.StringIO()
    call_command("create_user", "maria", "--group", "Editors", stdout=out)
    code = re.search(r"Enrolment code for maria .*:\n(\S+)\n", out.getvalue()).group(1)

    enter_password(client, password="a long passphrase 42")
    enter_enrolment_code(client, code)
    page = client.get(reverse("admin:two_factor_setup"))
    client.post(reverse("admin:two_factor_setup"), {"code": app_code(shown_secret(page))})
    assert client.get(ADMIN).status_code == 200

    # After a reset the old code is spent, and the one reset_2fa prints works.
    out = io.StringIO()
    call_command("reset_2fa", "maria", stdout=out)
    new_code = re.search(r"Enrolment code for maria .*:\n(\S+)\n", out.getvalue()).group(1)
    again = another_person()
    enter_password(again, password="a long passphrase 42")
    assert "This enrolment code is not right" in enter_enrolment_code(again, code).text
    assert enter_enrolment_code(again, new_code)["Location"] == reverse("admin:two_factor_setup")


def shown_enrolment_code(page, username):
    """The enrolment code the admin's message on `page` gives for `username`, if any."""
    found = re.search(
        rf"Enrolment code for {username} \(good for \d+ days, once\): (\S+) ", page.text
    )
    return found and found.group(1)


def test_staff_added_in_the_admin_enrol_with_the_code_shown_to_whoever_added_them(client):
    administrator = logged_in_with_app(client, "pedro")
    added = administrator.post(
        reverse("admin:auth_user_add"),
        {
            "username": "lucia",
            "usable_password": "true",
            "password1": "a long passphrase 42",
            "password2": "a long passphrase 42",
            "is_staff": "on",
        },
        follow=True,
    )
    code = shown_enrolment_code(added, "lucia")
    assert code
    assert "At http://testserver/admin/two-factor/setup/ they enter it after the password" in (
        added.text
    )
    # Once: the next page shows it no more.
    lucia = get_user_model().objects.get(username="lucia")
    assert not shown_enrolment_code(administrator.get(change_url(lucia)), "lucia")

    # The password alone still does not reach enrolment ...
    stranger = another_person()
    enter_password(stranger, "lucia", "a long passphrase 42")
    page = stranger.get(reverse("admin:two_factor_setup"))
    assert "enter the enrolment code an administrator gave you" in page.text
    assert "two-factor-secret" not in page.text
    # ... the code after it does.
    newcomer = another_person()
    enter_password(newcomer, "lucia", "a long passphrase 42")
    assert enter_enrolment_code(newcomer, code)["Location"] == reverse("admin:two_factor_setup")
    secret = shown_secret(newcomer.get(reverse("admin:two_factor_setup")))
    newcomer.post(reverse("admin:two_factor_setup"), {"code": app_code(secret)})
    assert newcomer.get(ADMIN).status_code == 200


def test_making_someone_staff_in_the_admin_shows_their_enrolment_code(client):
    administrator = logged_in_with_app(client, "pedro")
    reader = make_user("lucia")
    form = administrator.get(change_url(reader)).context["adminform"].form
    changed = administrator.post(change_url(reader), posted(form) | {"is_staff": "on"}, follow=True)
    code = shown_enrolment_code(changed, "lucia")
    assert code and is_enrolment_code_of(reader, code)
    # Saving the form again shows none.
    form = administrator.get(change_url(reader)).context["adminform"].form
    again = administrator.post(change_url(reader), posted(form), follow=True)
    assert "Enrolment code" not in again.text


def test_a_secret_seen_by_someone_else_is_not_the_owners(client):
    """Someone with the password (and here even the code) opens the set-up page and leaves;
    the owner enrols later: the intruder's secret makes no code that logs in."""
    user = make_user("maria", is_staff=True)
    intruder = another_person()
    enter_password(intruder)
    enter_enrolment_code(intruder, new_enrolment_code(user))
    intruders_secret = shown_secret(intruder.get(reverse("admin:two_factor_setup")))

    enter_password(client)
    enter_enrolment_code(client, new_enrolment_code(user))
    owners_secret = shown_secret(client.get(reverse("admin:two_factor_setup")))
    assert owners_secret != intruders_secret
    confirm = client.post(reverse("admin:two_factor_setup"), {"code": app_code(owners_secret)})
    assert confirm.status_code == 200 and is_logged_in(client)
    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert b32encode(TOTPDevice.objects.get(user=user).bin_key).decode() == owners_secret.replace(
        " ", ""
    )
    # The intruder's session can confirm nothing, and their app's codes log nobody in.
    late = intruder.post(reverse("admin:two_factor_setup"), {"code": app_code(intruders_secret)})
    assert not is_logged_in(intruder) and late.status_code == 302
    later = another_person()
    enter_password(later)
    assert "not right" in enter_code(later, app_code(intruders_secret)).text


def test_a_wrong_code_at_set_up_confirms_nothing(client):
    user = make_user("maria", is_staff=True)
    enter_password(client)
    enter_enrolment_code(client, new_enrolment_code(user))
    client.get(reverse("admin:two_factor_setup"))
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("admin:two_factor_setup"), {"code": wrong_code_for(device)})
    assert "This code is not right" in response.text
    assert not is_logged_in(client)
    assert not TOTPDevice.objects.get(user=user).confirmed
    assert not StaticDevice.objects.filter(user=user).exists()


def test_staff_log_in_with_the_code_of_their_app(client):
    device, _codes = enrolled(make_user("maria", is_staff=True))
    enter_password(client)
    response = enter_code(client, code_of(device))
    assert response.status_code == 302
    assert response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_a_wrong_code_is_refused_and_logs_nobody_in(client):
    device, _codes = enrolled(make_user("maria", is_staff=True))
    enter_password(client)
    response = enter_code(client, wrong_code_for(device))
    assert response.status_code == 200
    assert "This code is not right" in response.text
    assert not is_logged_in(client)
    assert client.get(ADMIN).status_code == 302
    assert AccessAttempt.objects.get(username="maria").failures_since_start == 1


def test_wrong_codes_lock_the_account_out_like_wrong_passwords(client, settings):
    device, codes = enrolled(make_user("maria", is_staff=True))
    enter_password(client, password="wrong")  # one failure from the password
    enter_password(client)
    enter_code(client, wrong_code_for(device))
    locked = enter_code(client, wrong_code_for(device))
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.text
    assert AccessAttempt.objects.get(username="maria").failures_since_start == 3
    # Neither the right code nor the right password opens the admin until the lockout ends.
    assert enter_code(client, codes[0])["Location"] == reverse("admin:login")
    assert enter_password(client).status_code == 429
    assert not is_logged_in(client)


def test_a_right_code_just_after_a_wrong_one_is_told_to_wait(client):
    device, _codes = enrolled(make_user("maria", is_staff=True))
    enter_password(client)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        enter_code(client, wrong_code_for(device))
        too_soon = enter_code(client, code_of(device))
        assert "A wrong code was given a moment ago. Wait a few seconds" in too_soon.text
        assert "not right" not in too_soon.text and not is_logged_in(client)
        clock.shift(datetime.timedelta(seconds=5))
        assert enter_code(client, code_of(device))["Location"] == ADMIN


def test_staff_see_how_many_recovery_codes_are_left_and_make_new_ones(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the right code at once after a wrong one
    device, codes = enrolled(make_user("maria", is_staff=True))
    enter_password(client)
    enter_code(client, codes[0])
    recovery_page = reverse("admin:two_factor_recovery_codes")
    assert recovery_page in client.get(ADMIN).text
    page = client.get(recovery_page)
    assert "You have 9 recovery codes left." in page.text

    assert "This code is not right" in client.post(recovery_page, {"code": "000000"}).text
    assert StaticToken.objects.filter(device__user__username="maria").count() == 9
    renewed = client.post(recovery_page, {"code": code_of(device)})
    assert "the old ones no longer work" in renewed.text
    new_codes = re.findall(r"<li><code>([a-z2-7-]{19})</code></li>", renewed.text)
    assert len(set(new_codes)) == 10 and not set(new_codes) & set(codes)
    assert "You have 10 recovery codes left." in client.get(recovery_page).text

    later = another_person()
    enter_password(later)
    assert "This code is not right" in enter_code(later, codes[1]).text
    assert enter_code(later, new_codes[0])["Location"] == ADMIN


def test_the_recovery_codes_page_needs_a_verified_session(client):
    enrolled(make_user("maria", is_staff=True))
    client.force_login(get_user_model().objects.get(username="maria"))
    response = client.get(reverse("admin:two_factor_recovery_codes"))
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_recovery_code_logs_in_once(client):
    _device, codes = enrolled(make_user("maria", is_staff=True))
    enter_password(client)
    # However it is typed: capitals, spaces instead of dashes.
    response = enter_code(client, codes[0].upper().replace("-", " "))
    assert response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200

    again = another_person()
    enter_password(again)
    assert "This code is not right" in enter_code(again, codes[0]).text
    assert not is_logged_in(again)
    assert enter_code(again, codes[1])["Location"] == ADMIN
    assert StaticToken.objects.filter(device__user__username="maria").count() == 8


def test_two_staff_set_up_their_apps_at_the_same_time(settings):
    # A wrong code holds the app back for a second (django-otp's throttling), less than a
    # person takes to type again; a test is faster.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    maria, pedro = make_user("maria", is_staff=True), make_user("pedro", is_staff=True)
    first, second = another_person(), another_person()
    enter_password(first, "maria")
    enter_password(second, "pedro")
    enter_enrolment_code(first, new_enrolment_code(maria))
    enter_enrolment_code(second, new_enrolment_code(pedro))
    first.get(reverse("admin:two_factor_setup"))
    second.get(reverse("admin:two_factor_setup"))
    maria_app, pedro_app = TOTPDevice.objects.get(user=maria), TOTPDevice.objects.get(user=pedro)
    assert maria_app.key != pedro_app.key
    # Each one's code confirms only their own app.
    crossed = second.post(reverse("admin:two_factor_setup"), {"code": code_of(maria_app)})
    assert "This code is not right" in crossed.text
    first.post(reverse("admin:two_factor_setup"), {"code": code_of(maria_app)})
    pedro_app.refresh_from_db()
    second.post(reverse("admin:two_factor_setup"), {"code": code_of(pedro_app)})
    assert first.get(ADMIN).status_code == second.get(ADMIN).status_code == 200
    assert StaticToken.objects.filter(device__user=maria).count() == 10
    assert StaticToken.objects.filter(device__user=pedro).count() == 10


def test_a_session_without_the_second_factor_does_not_reach_the_admin(client):
    client.force_login(make_user("maria", is_staff=True, is_superuser=True))
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_second_step_needs_a_right_password_first(client):
    assert client.get(reverse("admin:two_factor"))["Location"] == reverse("admin:login")
    assert client.get(reverse("admin:two_factor_setup"))["Location"] == reverse("admin:login")
    assert client.post(reverse("admin:two_factor"), {"code": "123456"}).status_code == 302


def test_reset_2fa_removes_the_app_and_the_recovery_codes(client):
    user = make_user("maria", is_staff=True)
    device, _codes = enrolled(user)
    enter_password(client)
    enter_code(client, code_of(device))
    assert client.get(ADMIN).status_code == 200

    call_command("reset_2fa", "maria")
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    # The session verified by the removed app no longer reaches the admin ...
    assert client.get(ADMIN).status_code == 302
    # ... and the next login sets up a new one.
    enter_password(client)
    assert client.get(reverse("admin:two_factor"))["Location"] == reverse("admin:two_factor_setup")


def staff_only_pages(settings, user):
    """A page of each kind that only staff may read: a draft city, its preview, the preview
    of changes waiting in a draft, and the file of a photo that is not public."""
    city = make_city(slug="hidden", status=Status.DRAFT)
    settings.REQUIRE_2FA = False  # the draft is saved by the admin's form
    save_draft(logged_in_client(user), make_city(cover=False), narrative_en="<p>Changed.</p>")
    settings.REQUIRE_2FA = True
    draft = Draft.objects.get()
    photo = make_photo(city=city, status=Status.DRAFT)
    return [
        "/en/cities/hidden/",
        reverse("cities:preview", args=["hidden"]),
        reverse("cities:draft_preview", args=[draft.pk]),
        photo.file_url(photo.image.name),
    ]


def answers(client, urls):
    return [client.get(url).status_code for url in urls]


def logged_in_with_app(client, username):
    device, _codes = enrolled(make_user(username, is_staff=True, is_superuser=True))
    enter_password(client, username)
    enter_code(client, code_of(device))
    return client


def test_staff_only_pages_need_the_second_factor_too(client, settings):
    maria = make_user("maria", is_staff=True, is_superuser=True)
    urls = staff_only_pages(settings, maria)
    verified = logged_in_with_app(another_person(), "pedro")
    assert answers(verified, urls) == [200, 200, 200, 200]

    # A session that has not given it (here made without the login steps) reads none of them.
    client.force_login(maria)
    assert answers(client, urls) == [404, 403, 403, 404]


def test_reset_2fa_ends_the_persons_sessions(client, settings):
    logged_in_with_app(client, "maria")
    urls = staff_only_pages(settings, get_user_model().objects.get(username="maria"))
    assert answers(client, urls) == [200, 200, 200, 200]
    someone_else = logged_in_with_app(another_person(), "pedro")

    call_command("reset_2fa", "maria", stdout=io.StringIO())
    assert answers(client, urls) == [404, 403, 403, 404]
    assert not is_logged_in(client)
    assert answers(someone_else, urls) == [200, 200, 200, 200]
    assert Session.objects.count() == 1


def test_a_new_password_ends_the_persons_other_sessions(client):
    logged_in_with_app(client, "maria")
    administrator = logged_in_with_app(another_person(), "pedro")
    maria = get_user_model().objects.get(username="maria")
    password_form = reverse("admin:auth_user_password_change", args=[maria.pk])
    new_password = {"password1": "a fresh passphrase 42", "password2": "a fresh passphrase 42"}
    assert administrator.post(password_form, new_password).status_code == 302
    assert client.get(ADMIN)["Location"].startswith(reverse("admin:login"))
    assert not is_logged_in(client)


def test_a_new_password_from_changepassword_ends_the_persons_sessions(client, monkeypatch):
    logged_in_with_app(client, "maria")
    monkeypatch.setattr(
        changepassword.Command, "_get_pass", lambda command, prompt="": "a fresh passphrase 42"
    )
    call_command("changepassword", "maria", stdout=io.StringIO())
    assert client.get(ADMIN)["Location"].startswith(reverse("admin:login"))
    assert not is_logged_in(client)


@pytest.mark.parametrize(
    "engine",
    [
        "django.contrib.sessions.backends.cache",
        "django.contrib.sessions.backends.cached_db",
        "django.contrib.sessions.backends.signed_cookies",
    ],
)
def test_the_site_does_not_start_with_sessions_that_reset_2fa_cannot_end(settings, engine):
    # The security checks only: earlier tests may leave the admin's classes changed.
    call_command("check", tag=["security"], stdout=io.StringIO())
    settings.SESSION_ENGINE = engine
    with pytest.raises(SystemCheckError, match=r"learningcities\.E001"):
        call_command("check", tag=["security"], stdout=io.StringIO())


def test_nobody_reads_an_authenticator_secret_in_the_admin(client):
    device, _codes = enrolled(make_user("maria", is_staff=True))
    superuser = logged_in_with_app(client, "pedro")
    secret = b32encode(device.bin_key).decode()
    change_page = superuser.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert change_page.status_code == 200 and "maria" in change_page.text
    assert device.key not in change_page.text and secret not in change_page.text
    listing = superuser.get(reverse("admin:otp_totp_totpdevice_changelist"))
    assert "maria" in listing.text and "qrcode" not in listing.text.lower()
    for view in ("admin:otp_totp_totpdevice_config", "admin:otp_totp_totpdevice_qrcode"):
        assert superuser.get(reverse(view, args=[device.pk])).status_code == 403


def test_reset_2fa_names_an_unknown_user():
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("reset_2fa", "nobody")


def test_visitors_and_people_who_are_not_staff_are_not_asked(client):
    assert client.get("/en/").status_code == 200
    client.force_login(make_user("reader"))
    assert client.get("/en/").status_code == 200
    # The admin still refuses them as before, without a second step.
    response = enter_password(another_person(), "reader")
    assert response.status_code == 200
    assert "correct username and password for a staff account" in response.text


def test_the_turned_off_setting_logs_staff_in_with_the_password(client, settings):
    settings.REQUIRE_2FA = False
    make_user("maria", is_staff=True)
    assert enter_password(client)["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_two_factor_is_required_by_default_without_debug_only():
    assert production_settings("REQUIRE_2FA") == {"REQUIRE_2FA": True}
    with_debug = production_settings("REQUIRE_2FA", DJANGO_DEBUG="on")
    assert with_debug == {"REQUIRE_2FA": False}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_setting_up_an_app_in_a_browser_breaks_no_rule_of_the_csp(live_server, page):
    user = make_user("maria", is_staff=True)
    page.add_init_script(RECORD_VIOLATIONS)
    log_in_in_browser(page, live_server.url, "maria", reverse("admin:two_factor_setup"))
    page.fill("#id_code", new_enrolment_code(user))
    page.click("input[type=submit]")
    qr = page.locator("img.two-factor-qr")
    assert loaded_width(qr) > 0
    violations = page.evaluate("window.cspViolations")

    page.fill("#id_code", code_of(TOTPDevice.objects.get(user=user)))
    page.click("input[type=submit]")
    assert page.locator("#recovery-codes li").count() == 10
    violations += page.evaluate("window.cspViolations")
    page.click("text=continue")
    page.wait_for_url(live_server.url + ADMIN)
    violations += page.evaluate("window.cspViolations")
    assert violations == []
