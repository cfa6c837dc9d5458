import base64
import datetime
import hashlib
import json
import re
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse

from cities.seo import absolute_url
from learningcities import settings as project_settings
from tests.factories import make_city, make_user

PRODUCTION_ENV = {
    "PATH": "/usr/bin:/bin",
    "DJANGO_SETTINGS_MODULE": "learningcities.settings",
    "DJANGO_SECRET_KEY": "k7Qw-9vXr2LpZt4Ns8Hb3Jm6Yc1Fd5Ge0Ua7Wi2Ro9Tq4Sx8Vn3Ek6Bl1Mh5Pz0Cj",
    "DJANGO_ALLOWED_HOSTS": "learningcities.example.org",
}


def run_in_production(code, **env):
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**PRODUCTION_ENV, **env},
        cwd=project_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def production_settings(*names, **env):
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}))"
    )
    result = run_in_production(code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_deployment_checklist_reports_nothing_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=PRODUCTION_ENV,
        cwd=project_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_defaults_are_the_safe_ones():
    values = production_settings(
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_HTTPONLY",
        "SECURE_PROXY_SSL_HEADER",
        "CSRF_TRUSTED_ORIGINS",
    )
    assert values == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_HTTPONLY": True,
        # Trusting X-Forwarded-Proto is opt-in: without a proxy that sets it, clients could.
        "SECURE_PROXY_SSL_HEADER": None,
        "CSRF_TRUSTED_ORIGINS": [],
    }


def test_the_proxy_settings_come_from_the_environment():
    values = production_settings(
        "SECURE_PROXY_SSL_HEADER",
        "CSRF_TRUSTED_ORIGINS",
        "SECURE_HSTS_SECONDS",
        DJANGO_SECURE_PROXY_SSL_HEADER="on",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://learningcities.example.org",
        DJANGO_SECURE_HSTS_SECONDS="63072000",
    )
    assert values == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "CSRF_TRUSTED_ORIGINS": ["https://learningcities.example.org"],
        "SECURE_HSTS_SECONDS": 63_072_000,
    }


@pytest.fixture
def behind_tls_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.ALLOWED_HOSTS = ["learningcities.example.org"]
    # SecurityMiddleware reads its settings when the handler is built, so a fresh client.
    settings.SECURE_SSL_REDIRECT = True
    return Client(HTTP_HOST="learningcities.example.org")


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(behind_tls_proxy):
    overview = reverse("cities:overview")
    response = behind_tls_proxy.get(overview)
    assert response.status_code == 301
    assert response["Location"] == f"https://learningcities.example.org{overview}"


@pytest.mark.django_db
def test_https_through_the_proxy_is_served_with_hsts(behind_tls_proxy):
    response = behind_tls_proxy.get(reverse("cities:overview"), HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


@pytest.mark.django_db
def test_the_health_check_is_not_redirected_for_the_load_balancer(behind_tls_proxy):
    assert behind_tls_proxy.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_secure_and_http_only(behind_tls_proxy):
    make_user("editor", is_staff=True)
    login = reverse("admin:login")
    page = behind_tls_proxy.get(login, HTTP_X_FORWARDED_PROTO="https")
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]
    response = behind_tls_proxy.post(
        login,
        {"username": "editor", "password": "pw", "csrfmiddlewaretoken": page.context["csrf_token"]},
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_REFERER="https://learningcities.example.org" + login,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]


def directives(policy):
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/cities/nowhere/", "/admin/login/", "/healthz"])
def test_every_page_carries_the_security_headers(client, url):
    make_city()
    response = client.get(url, follow=True)
    assert response.status_code in (200, 404)
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def assert_only_its_own_inline_style_is_allowed(response):
    """The standalone error pages: the CSP allows exactly the hash of their one <style>."""
    style = re.search(r"<style>(.*?)</style>", response.text, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    policy = directives(response["Content-Security-Policy"])
    assert policy["style-src"] == ["'self'", f"'sha256-{digest}'"]
    assert policy["script-src"] == ["'self'"]
    assert "<link" not in response.text and "<script" not in response.text


def test_the_server_error_page_keeps_its_inline_style_and_nothing_more(settings):
    settings.ROOT_URLCONF = "tests.urls_failing"
    client = Client(raise_request_exception=False)
    response = client.get("/fail/")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert_only_its_own_inline_style_is_allowed(response)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/en/", "/en/cities/quito/", "/admin/"])
def test_an_unknown_host_gets_the_sites_bad_request_page(url):
    response = Client(raise_request_exception=False).get(url, HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "<h1>Bad request · Solicitud incorrecta</h1>" in response.text
    assert "attacker.example" not in response.text
    assert_only_its_own_inline_style_is_allowed(response)
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_a_form_refused_by_csrf_protection_explains_itself_and_saves_nothing():
    city = make_city(name="Loja")
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="es")
    client.force_login(make_user(is_staff=True, is_superuser=True))
    change_url = reverse("admin:cities_city_change", args=[city.pk])

    response = client.post(change_url, {"name": "Changed without a token"})

    assert response.status_code == 403
    assert "<h1>No se pudo enviar el formulario</h1>" in response.text
    assert "No se guardó nada." in response.text
    assert f'<a class="button" href="{change_url}">' in response.text
    assert "CSRF verification failed" not in response.text
    city.refresh_from_db()
    assert city.name == "Loja"


def test_uploaded_media_are_served_sandboxed_and_never_sniffed(client, settings):
    # An HTML file that got into media storage somehow must not run as a page of the site.
    settings.MEDIA_ROOT.mkdir(parents=True)
    (settings.MEDIA_ROOT / "evil.html").write_text("<script>alert(document.cookie)</script>")
    response = client.get("/media/evil.html")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'none'"]
    assert "sandbox" in policy


def test_security_txt_names_a_contact_and_a_future_expiry(client, settings):
    settings.SECURITY_CONTACT = "mailto:security@learningcities.example.org"
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fields = dict(line.split(": ", 1) for line in response.text.strip().splitlines())
    assert fields["Contact"] == "mailto:security@learningcities.example.org"
    expires = datetime.datetime.fromisoformat(fields["Expires"])
    now = datetime.datetime.now(datetime.UTC)
    # RFC 9116: in the future, and less than a year ahead.
    assert now < expires < now + datetime.timedelta(days=365)
    assert fields["Canonical"] == "http://testserver/.well-known/security.txt"


ABSOLUTE_ADDRESS = re.compile(r'(?:href|content)="(\w+:)?//([^/"]*)')


def addresses_elsewhere(html):
    """The hosts of the absolute addresses in a page that are not the site's own."""
    return {host for _scheme, host in ABSOLUTE_ADDRESS.findall(html) if host != "testserver"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["//evil.example/es/cities/", "///evil.example", "/\\evil.example", "//evil.example"]
)
def test_the_404_page_writes_no_link_to_the_address_asked_for(client, path):
    response = client.get("/", PATH_INFO=path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "evil.example" not in html
    # Canonical, hreflang, og:url and the visible language links lead to the home page.
    assert '<link rel="canonical" href="http://testserver/en/">' in html
    assert '<a href="http://testserver/es/" hreflang="es" lang="es">' in html
    assert addresses_elsewhere(html) <= {"www.uil.unesco.org"}


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["next=//evil.example/", "sort=///evil.example", "q=/\\evil"])
def test_a_page_links_only_to_its_own_host_whatever_its_query(client, query):
    city = make_city(slug="loja")
    for path in ("/es/", "/es/cities/", city.get_absolute_url()):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 200
        html = response.content.decode()
        assert f'<link rel="canonical" href="http://testserver{path}">' in html
        assert addresses_elsewhere(html) <= {"www.uil.unesco.org"}


@pytest.mark.parametrize("path", ["//evil.example/es/", "///evil.example", "/\\evil.example"])
def test_absolute_addresses_are_built_on_the_sites_own_host(rf, path):
    assert absolute_url(rf.get("/"), path).startswith("http://testserver/")


def test_make_serve_prepares_under_a_lock_so_two_at_once_take_turns():
    # Two collectstatic runs at once raced; `make -n` shows the commands without running them.
    run = subprocess.run(
        ["make", "-n", "--no-print-directory", "serve", "-o", "install", "-o", "messages"],
        cwd=project_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    commands = run.stdout.splitlines()
    locked = [line for line in commands if line.startswith("flock .serve.lock ")]
    assert locked and locked[0].endswith("serve-prepare")
    assert commands.index(locked[0]) < next(
        i for i, line in enumerate(commands) if "manage.py serve " in line
    )
    prepare = subprocess.run(
        ["make", "-n", "serve-prepare"],
        cwd=project_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "update_static" in prepare and "migrate" in prepare
