"""Two languages: Spanish by default at /es/, English at /en/, content field by field."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cities.models import City, Program, SiteText

from .factories import make_city, make_criterion, make_photo, make_program, make_user
from .public_helpers import load_seed

pytestmark = pytest.mark.django_db


def test_the_home_address_sends_visitors_to_spanish_by_default():
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/es/"


def test_an_address_without_language_is_sent_to_the_browsers_language(client):
    response = client.get("/cities/loja/", headers={"accept-language": "es-EC,es;q=0.9"})
    assert response["Location"] == "/es/cities/loja/"


def seeded_page_in_both_languages(client, path):
    """The text of the seeded site's page at `path`, in Spanish and in English."""
    load_seed()
    return tuple(client.get(f"/{language}{path}").content.decode() for language in ("es", "en"))


def assert_shows(html, *texts):
    missing = [text for text in texts if text not in html]
    assert missing == []


def test_a_browser_asking_for_english_is_sent_to_english(client):
    response = client.get("/", headers={"accept-language": "en-GB,en;q=0.9"})
    assert response["Location"] == "/en/"


def test_the_admin_is_outside_the_language_prefix(client):
    assert client.get("/admin/login/").status_code == 200
    assert client.get("/es/admin/login/").status_code == 404


def test_interface_strings_are_spanish_at_es_and_english_at_en(client):
    spanish, english = seeded_page_in_both_languages(client, "/")
    assert_shows(
        spanish,
        '<html lang="es">',
        "Saltar al contenido principal",
        "¿Qué es una ciudad del aprendizaje?",
    )
    assert_shows(english, '<html lang="en">', "Skip to main content")


def test_the_language_switcher_stays_on_the_same_page(client):
    load_seed()
    html = client.get("/es/cities/quito/").content.decode()
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)
    assert 'href="http://testserver/en/cities/quito/"' in switcher
    assert 'hreflang="en"' in switcher and 'lang="en"' in switcher
    assert 'aria-current="true">Español' in switcher


def test_switching_language_keeps_the_directory_filters(client):
    load_seed()
    html = client.get("/es/cities/?year=2018").content.decode()
    assert 'href="http://testserver/en/cities/?year=2018"' in html


def test_hreflang_alternates_name_both_languages_and_a_default(client):
    load_seed()
    html = client.get("/en/cities/loja/").content.decode()
    assert '<link rel="alternate" hreflang="es" href="http://testserver/es/cities/loja/">' in html
    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/cities/loja/">' in html
    assert 'hreflang="x-default" href="http://testserver/cities/loja/"' in html


def test_seed_content_is_in_both_languages(client):
    spanish, english = seeded_page_in_both_languages(client, "/cities/quito/")
    assert_shows(
        spanish,
        "Políticas sociales alineadas con los Objetivos de Desarrollo Sostenible.",
        "Sistema Integral de Atención a Personas Adultas Mayores",
    )
    assert_shows(
        english,
        "Social policies aligned with the Sustainable Development Goals.",
        "Integrated Care System for Older Adults",
    )
    # Proper names stay as they are in both languages.
    for name in ("Bájale al Acoso", "Jóvenes Quito", "Guagua Centros"):
        assert name in spanish and name in english
    assert "not yet available" not in english.lower()
    assert "Aún no disponible" not in spanish


def test_a_missing_translation_shows_the_other_language_with_a_note(client):
    make_city(
        slug="ibarra",
        name="Ibarra",
        narrative_es="",
        narrative_en="<p>Ibarra learns in English.</p>",
    )
    html = client.get("/es/cities/ibarra/").content.decode()
    assert "Aún no disponible en su idioma: se muestra en inglés." in html
    assert '<div class="prose" lang="en"><p>Ibarra learns in English.</p></div>' in html


def test_a_program_summary_and_description_in_the_other_language_share_one_note(client):
    city = make_city(slug="ibarra")
    make_program(
        city,
        summary_en="",
        summary_es="Un resumen.",
        description_en="",
        description_es="<p>Una descripción.</p>",
    )
    make_program(city, summary="Read together.", description_en="", description_es="<p>Leer.</p>")
    html = client.get("/en/cities/ibarra/").content.decode()
    assert html.count("Not yet available in your language: shown in Spanish.") == 2
    assert '<p lang="es">Un resumen.</p>' in html
    assert '<div class="prose" lang="es"><p>Una descripción.</p></div>' in html
    assert "<p>Read together.</p>" in html
    assert '<div class="prose" lang="es"><p>Leer.</p></div>' in html


def test_names_and_titles_shown_in_the_other_language_are_marked_with_it(client):
    city = make_city(slug="ibarra", tagline_en="", tagline_es="Aprender en cada barrio")
    make_program(city, name="Ibarra emprende", slug="emprende")
    criterion = make_criterion(kind="building_block", title_en="", title_es="Aprender juntos")
    make_program(
        city, criteria=[criterion], name_en="", name_es="Escuelas abiertas", slug="escuelas"
    )
    make_photo(
        city=city, title_en="", title_es="La laguna", alt_text_en="", alt_text_es="Una laguna"
    )
    for url in ("/en/cities/ibarra/", "/en/cities/", "/en/criteria/", "/en/photo-credits/"):
        html = client.get(url).content.decode()
        marked = re.findall(r'lang="es">(Escuelas abiertas|Aprender juntos|La laguna)<', html)
        assert marked, url
    city_page = client.get("/en/cities/ibarra/").content.decode()
    assert '<h3 class="program__name" lang="es">Escuelas abiertas</h3>' in city_page
    assert re.search(r'alt="Una laguna" lang="es"', city_page)
    for url in ("/en/", "/en/cities/", "/en/cities/ibarra/"):
        html = client.get(url).content.decode()
        assert re.search(r'<p[^>]* lang="es">Aprender en cada barrio</p>', html), url
    # A name written in both languages carries no mark of its own.
    assert '<h3 class="program__name">Ibarra emprende</h3>' in city_page


def test_a_complete_translation_shows_no_note(client):
    make_city(slug="ibarra", narrative_es="Ibarra aprende.", narrative_en="Ibarra learns.")
    html = client.get("/en/cities/ibarra/").content.decode()
    assert "Ibarra learns." in html
    assert "Not yet available" not in html


def test_load_seed_is_idempotent():
    load_seed()
    counts = City.objects.count(), Program.objects.count()
    output = call_command("load_seed") or ""
    assert (City.objects.count(), Program.objects.count()) == counts
    assert "new rows" not in output


def test_load_seed_fills_only_empty_spanish_texts_and_never_edits(settings):
    load_seed()
    quito = City.objects.get(slug="quito")
    quito.narrative_es = "Texto escrito por una editora."
    quito.tagline_es = ""
    quito.tagline_en = "An editor's English tagline."
    quito.save()
    load_seed()
    quito.refresh_from_db()
    assert quito.narrative_es == "Texto escrito por una editora."
    assert quito.tagline_en == "An editor's English tagline."
    assert quito.tagline_es.startswith("Políticas sociales")


def test_the_original_column_holds_text_for_the_default_language():
    load_seed()
    with translation.override("en"):
        names = list(City.objects.filter(name="Quito").values_list("slug", flat=True))
    assert names == ["quito"]


def test_editors_see_both_languages_on_one_form(client):
    load_seed()
    client.force_login(make_user(is_staff=True, is_superuser=True))
    quito = City.objects.get(slug="quito")
    html = client.get(reverse("admin:cities_city_change", args=[quito.pk])).content.decode()
    for field in ("name_es", "name_en", "narrative_es", "narrative_en", "tagline_en"):
        assert f'name="{field}"' in html
    # The program inline is translated too.
    assert 'name="programs-0-name_es"' in html and 'name="programs-0-name_en"' in html


def test_every_interface_string_has_a_spanish_translation():
    po = (settings.BASE_DIR / "locale" / "es" / "LC_MESSAGES" / "django.po").read_text()
    entries = po.split("\n\n")[1:]
    assert len(entries) > 200
    assert "#, fuzzy" not in po
    untranslated = [entry for entry in entries if re.search(r'^msgstr(\[\d\])? ""\Z', entry, re.M)]
    assert untranslated == []


def test_a_site_text_missing_in_spanish_is_shown_in_english_with_a_note(client):
    load_seed()
    benefits = SiteText.objects.get(key=SiteText.Key.BENEFITS)
    benefits.text_es = ""
    benefits.save()
    html = client.get("/es/").content.decode()
    assert '<p class="benefits" lang="en">Following these guidelines' in html
    assert "Aún no disponible en su idioma: se muestra en inglés." in html
    assert '<p class="intro">La UNESCO define una ciudad del aprendizaje' in html
