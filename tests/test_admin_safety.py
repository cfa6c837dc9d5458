"""Login protection, idle sessions and creating users in groups."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from .factories import make_user, posted

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
STRONG_PASSWORD = "lifelong-learning-in-Loja-2022"


@pytest.fixture
def editor_user():
    user = make_user("editor", is_staff=True)
    user.set_password(STRONG_PASSWORD)
    user.save()
    return user


def log_in(client, password, username="editor", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def fail(client, times, **extra):
    """Log in with a wrong password; the attempt that reaches the limit gets the lockout."""
    for attempt in range(1, times + 1):
        response = log_in(client, "wrong password", **extra)
        if attempt < settings.AXES_FAILURE_LIMIT:
            assert response.status_code == 200
            assert "Please enter the correct username and password" in response.text
        else:
            assert response.status_code == 429


def test_default_limit_is_five_failed_attempts():
    assert settings.AXES_FAILURE_LIMIT == 5


def test_after_the_limit_even_the_right_password_is_locked_out(client, editor_user):
    fail(client, 4)
    assert log_in(client, STRONG_PASSWORD).status_code == 302  # the fifth try, right
    client.logout()
    fail(client, 5)
    response = log_in(client, STRONG_PASSWORD)
    assert response.status_code == 429
    assert "Too many failed logins" in response.text
    assert "after 5 failed login attempts" in response.text
    assert "try again in 30 minutes" in response.text
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_for_one_username_from_one_address(client, editor_user):
    fail(client, 5)
    other = make_user("other", is_staff=True)
    other.set_password(STRONG_PASSWORD)
    other.save()
    assert log_in(client, STRONG_PASSWORD, username="other").status_code == 302
    client.logout()
    assert log_in(client, STRONG_PASSWORD, REMOTE_ADDR="10.0.0.9").status_code == 302


class TestBehindTheTlsProxy:
    """Every visitor reaches the site from the proxy's address; X-Forwarded-For tells them apart."""

    PROXY = {"REMOTE_ADDR": "10.0.0.1"}

    def test_two_visitors_behind_a_trusted_proxy_are_told_apart(
        self, client, editor_user, settings
    ):
        settings.TRUSTED_PROXIES = 1
        attacker = {**self.PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
        fail(client, 5, **attacker)
        assert log_in(client, STRONG_PASSWORD, **attacker).status_code == 429
        owner = {**self.PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.4"}
        assert log_in(client, STRONG_PASSWORD, **owner).status_code == 302
        assert AccessAttempt.objects.get().ip_address == "203.0.113.7"

    def test_only_the_address_the_proxy_wrote_counts(self, client, editor_user, settings):
        # The proxy appends the address it saw; what the attacker wrote before it is ignored.
        settings.TRUSTED_PROXIES = 1
        for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"):
            log_in(client, "wrong password", HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.7")
        assert (
            log_in(client, STRONG_PASSWORD, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7")
        ).status_code == 429

    def test_without_a_trusted_proxy_a_forged_header_is_ignored(
        self, client, editor_user, settings
    ):
        assert settings.TRUSTED_PROXIES == 0
        for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"):
            log_in(client, "wrong password", HTTP_X_FORWARDED_FOR=forged)
        assert log_in(client, STRONG_PASSWORD, HTTP_X_FORWARDED_FOR="9.9.9.9").status_code == 429
        assert AccessAttempt.objects.get().ip_address == "127.0.0.1"


def test_failures_during_a_lockout_do_not_make_it_longer(client, editor_user):
    fail(client, 5)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=25))
    # 25 minutes into the lockout, the attacker tries again: still refused...
    assert log_in(client, "wrong password").status_code == 429
    # ...and the lockout still ends 30 minutes after it began, not 30 after that try.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=6))
    assert log_in(client, STRONG_PASSWORD).status_code == 302


def test_the_limit_and_cool_off_come_from_settings(client, editor_user, settings):
    settings.AXES_FAILURE_LIMIT = 2
    fail(client, 2)
    assert log_in(client, STRONG_PASSWORD).status_code == 429


def test_a_successful_login_resets_the_count(client, editor_user):
    fail(client, 4)
    assert log_in(client, STRONG_PASSWORD).status_code == 302
    client.logout()
    fail(client, 4)
    assert log_in(client, STRONG_PASSWORD).status_code == 302


def test_the_lockout_message_is_translated(client, editor_user):
    fail(client, 5)
    response = log_in(client, STRONG_PASSWORD, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 429
    assert "Demasiados intentos fallidos" in response.text


def test_superusers_see_lockouts_and_can_lift_them(client, editor_user):
    fail(client, 5)
    attempt = AccessAttempt.objects.get(username="editor")
    chief = make_user("chief", is_staff=True, is_superuser=True)
    client.force_login(chief)
    listing = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "editor" in listing.text
    client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    client.logout()
    assert log_in(client, STRONG_PASSWORD).status_code == 302


def test_sessions_expire_after_the_idle_time_and_each_request_renews_them(client, editor_user):
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE == 2 * 60 * 60
    log_in(client, STRONG_PASSWORD)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert response.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE


def test_an_idle_session_ends_and_an_active_one_is_renewed(client, editor_user):
    log_in(client, STRONG_PASSWORD)
    session = Session.objects.get(session_key=client.session.session_key)
    # As if the editor had been away for the whole idle time.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(1))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/login/" in response["Location"]

    log_in(client, STRONG_PASSWORD)
    key = client.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get(reverse("admin:index")).status_code == 200
    renewed = Session.objects.get(pk=key).expire_date
    assert renewed > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_password_validators_are_on():
    names = [
        validator["NAME"].rsplit(".", 1)[-1] for validator in settings.AUTH_PASSWORD_VALIDATORS
    ]
    assert "MinimumLengthValidator" in names and "CommonPasswordValidator" in names


class TestCreateUser:
    @pytest.fixture
    def editors(self):
        # get_or_create: the photos work creates the group by a data migration.
        return Group.objects.get_or_create(name="Editors")[0]

    def test_creates_a_staff_user_in_the_group(self, editors, monkeypatch):
        monkeypatch.setenv("DJANGO_USER_PASSWORD", STRONG_PASSWORD)
        call_command("create_user", "maria", "--group", "Editors", "--email", "m@example.org")
        user = get_user_model().objects.get(username="maria")
        assert user.is_staff and not user.is_superuser
        assert list(user.groups.all()) == [editors]
        assert user.check_password(STRONG_PASSWORD)

    def test_an_editor_created_by_the_command_can_work_in_the_admin(self, client, monkeypatch):
        monkeypatch.setenv("DJANGO_USER_PASSWORD", STRONG_PASSWORD)
        call_command("create_user", "maria", "--group", "Editors")
        assert log_in(client, STRONG_PASSWORD, username="maria").status_code == 302
        assert client.get(reverse("admin:cities_city_changelist")).status_code == 200
        assert client.get(reverse("admin:auth_user_changelist")).status_code == 403

    def test_refuses_an_unknown_group_and_names_the_existing_ones(self, editors, monkeypatch):
        monkeypatch.setenv("DJANGO_USER_PASSWORD", STRONG_PASSWORD)
        with pytest.raises(
            CommandError, match=r"No group named 'Editrs'\. Existing groups: .*Editors"
        ):
            call_command("create_user", "maria", "--group", "Editrs")
        assert not get_user_model().objects.filter(username="maria").exists()

    def test_refuses_a_weak_password(self, editors, monkeypatch):
        monkeypatch.setenv("DJANGO_USER_PASSWORD", "12345678")
        with pytest.raises(CommandError, match="too common"):
            call_command("create_user", "maria", "--group", "Editors")
        assert not get_user_model().objects.filter(username="maria").exists()

    def test_refuses_without_password_group_or_with_a_taken_name(self, editors, monkeypatch):
        monkeypatch.delenv("DJANGO_USER_PASSWORD", raising=False)
        with pytest.raises(CommandError, match="DJANGO_USER_PASSWORD"):
            call_command("create_user", "maria", "--group", "Editors")
        with pytest.raises(CommandError, match="at least one --group"):
            call_command("create_user", "maria")
        make_user("taken")
        with pytest.raises(CommandError, match="already exists"):
            call_command("create_user", "taken", "--group", "Editors")

    def test_refuses_a_name_taken_in_another_case(self, editors, monkeypatch):
        monkeypatch.setenv("DJANGO_USER_PASSWORD", STRONG_PASSWORD)
        make_user("editor")
        with pytest.raises(CommandError, match="'editor' already exists; usernames that differ"):
            call_command("create_user", "Editor", "--group", "Editors")
        assert list(get_user_model().objects.values_list("username", flat=True)) == ["editor"]

    def test_the_admin_refuses_renaming_someone_to_a_name_taken_in_another_case(self, admin_client):
        make_user("editor")
        maria = make_user("maria")
        url = reverse("admin:auth_user_change", args=[maria.pk])
        form = admin_client.get(url).context["adminform"].form
        response = admin_client.post(url, posted(form) | {"username": "Editor"})
        assert response.status_code == 200
        assert response.context["adminform"].form.has_error("username", "unique")
        maria.refresh_from_db()
        assert maria.username == "maria"
        # A new case of her own name is not taken by anyone else.
        response = admin_client.post(url, posted(form) | {"username": "Maria"})
        assert response.status_code == 302
        maria.refresh_from_db()
        assert maria.username == "Maria"

    def test_logging_in_still_compares_usernames_exactly(self, client):
        make_user("editor")
        assert not client.login(username="EDITOR", password="pw")
        assert client.login(username="editor", password="pw")

    def test_creates_the_first_superuser(self, monkeypatch):
        monkeypatch.setenv("DJANGO_USER_PASSWORD", STRONG_PASSWORD)
        call_command("create_user", "admin", "--superuser")
        assert get_user_model().objects.get(username="admin").is_superuser
