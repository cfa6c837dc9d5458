"""The admin as a Spanish-speaking editor reads it: Django's own words corrected where they
read wrong, and one kind of quotation marks (“…”) in the whole catalogue."""

import json
import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from cities import review
from cities.models import OutgoingMail, ReviewRequest

from .factories import (
    change_url,
    logged_in_client,
    make_city,
    make_publisher,
    make_staff,
    make_user,
    review_url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher():
    return logged_in_client(make_publisher(username="pablo"), language="es")


def test_the_dashboard_greets_one_person_and_its_links_say_ver(publisher):
    page = publisher.get(reverse("admin:index")).content.decode()
    assert "Hola," in page
    assert "Bienvenidos" not in page
    # The review requests can only be looked at: their link says "Ver", not "Vista".
    assert re.search(r">\s*Ver\s*</a>", page)
    assert "Vista<" not in page
    # "Mis cambios recientes", before any.
    assert "Nada todavía: aquí aparece lo que guarde, publique o apruebe." in page


def test_list_filters_offer_one_word_for_every_gender(publisher):
    make_city()
    page = publisher.get(reverse("admin:cities_city_changelist")).content.decode()
    # “Todos” años, but “Todas” las provincias: "Cualquiera" fits both.
    # Publication, year joined, province, missing translation, unpublished changes.
    assert page.count(">Cualquiera</a>") == 5
    assert ">Todos</a>" not in page


def test_the_unpublished_changes_filter_says_sin_cambios_pendientes(publisher):
    make_city()
    page = publisher.get(reverse("admin:cities_city_changelist")).content.decode()
    assert re.search(r'href="\?draft=no"[^>]*>sin cambios pendientes</a>', page)


def test_the_city_form_names_its_unesco_section_with_a_capital(publisher):
    page = publisher.get(change_url(make_city())).content.decode()
    assert re.search(r'class="fieldset-heading">Perfil en la UNESCO</h2>', page)


def test_the_submitted_mail_asks_to_approve_or_reject_it_with_an_accent():
    make_publisher(username="pablo", language="es", email="pablo@example.org")
    review.submit(make_city(status="draft", cover=False), make_user(username="eva"))
    (mail,) = OutgoingMail.objects.all()
    assert "Apruébelo o rechácelo aquí:" in mail.body
    assert "recházelo" not in mail.body


def test_the_city_form_adds_programs_with_anadir(publisher):
    page = publisher.get(change_url(make_city())).content.decode()
    inlines = re.findall(r'data-inline-formset="([^"]*)"', page)
    add_texts = [json.loads(unescape(inline))["options"]["addText"] for inline in inlines]
    # Django gives the name a capital: "Añadir: Programa", not "Añadir Programa" mid-sentence.
    assert add_texts[0] == "Añadir: Programa"
    assert not [text for text in add_texts if "adicional" in text]


def test_an_editor_refused_a_page_is_sent_to_the_sites_administrator():
    uploader = logged_in_client(make_staff("Photo uploaders"), language="es")
    response = uploader.get(reverse("admin:cities_city_add"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "pida al administrador del sitio" in page
    assert "pida a un editor" not in page


def test_the_review_page_says_who_submitted_it_in_plain_spanish(publisher):
    eva = make_staff("Editors", username="eva")
    review = ReviewRequest.objects.create(item=make_city(), submitted_by=eva)
    page = publisher.get(review_url(review)).content.decode()
    assert re.search(r"Ciudad, que eva envió a revisión el \d", page)


def test_the_catalogue_quotes_with_one_kind_of_quotation_marks():
    catalogue = Path(settings.LOCALE_PATHS[0]) / "es" / "LC_MESSAGES" / "django.po"
    translations = [
        line for line in catalogue.read_text().splitlines() if not line.startswith(("#", "msgid"))
    ]
    assert translations
    assert not [line for line in translations if "«" in line or "»" in line]
