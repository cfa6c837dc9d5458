"""A draft's preview says what the page will weigh once published (its HTML as sent and its
images at their largest), against the stated budget; neither visitors nor shared links see it."""

import gzip

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from cities import page_weight, preview_links, review
from cities.images import Rendition
from cities.models import Status

from .factories import (
    draft_of,
    logged_in_client,
    make_city,
    make_photo,
    make_publisher,
    make_staff,
    review_url,
)

pytestmark = pytest.mark.django_db


def largest_file(photo):
    """The widest rendition of the picture's first source's type (AVIF or WebP, taken by
    today's browsers before the JPEG)."""
    kind = photo.picture.sources[0].type
    renditions = [r for r in Rendition.load(photo.renditions) if r.type == kind]
    return default_storage.size(max(renditions, key=lambda rendition: rendition.width).name)


@pytest.fixture
def quito():
    return make_city(name="Quito", slug="quito", tagline="Learning in every parish")


@pytest.fixture
def publisher():
    return make_publisher(username="pablo")


def preview(client, draft):
    response = client.get(reverse("cities:draft_preview", args=[draft.pk]))
    assert response.status_code == 200
    return response


def test_the_preview_weighs_the_page_with_the_changes(quito, publisher):
    gallery = make_photo(city=quito, title="Market day")
    draft = draft_of(quito, publisher, narrative_en="<p>Learning in every market.</p>" * 40)
    response = preview(logged_in_client(publisher), draft)

    weight = response.context["page_weight"]
    assert weight.image_count == 2 and weight.unknown == 0
    assert weight.images == largest_file(quito.cover_photo) + largest_file(gallery)
    # The HTML as sent, the long drafted narrative in it, without the note about its weight.
    page = response.content.decode()
    without_note = page.replace(page[page.index('<p class="notice') : page.index("</p>\n") + 5], "")
    assert "Learning in every market" in page
    assert 0 < weight.html <= len(gzip.compress(response.content))
    assert abs(weight.html - len(gzip.compress(without_note.encode()))) < 400
    assert "Once published, this page weighs" in page
    assert "2 images, each at its largest size" in page
    assert "Within the budget." in page


def test_a_page_over_the_budget_says_so(quito, publisher, monkeypatch):
    monkeypatch.setattr(page_weight, "IMAGES_BUDGET", 10)
    draft = draft_of(quito, publisher, tagline_en="Heavier")
    page = preview(logged_in_client(publisher), draft).content.decode()
    assert "Over the budget" in page
    assert "Budget: 40.0\xa0KB of HTML and 10\xa0bytes of images." in page


def test_the_note_is_in_spanish_for_spanish_staff(quito, publisher):
    draft = draft_of(quito, publisher, tagline_es="Aprender en cada mercado")
    client = logged_in_client(publisher, language="es")
    response = client.get(reverse("cities:draft_preview", args=[draft.pk]).replace("/en/", "/es/"))
    assert "Una vez publicada, esta página pesa" in response.content.decode()


def test_visitors_and_shared_links_never_see_the_weight(quito, publisher):
    draft = draft_of(quito, publisher, tagline_en="Shared")
    link = preview_links.make_link(draft.pk, publisher)
    shared = Client().get(link.get_absolute_url())
    assert shared.status_code == 200
    assert "page_weight" not in shared.context or shared.context["page_weight"] is None
    assert "this page weighs" not in shared.content.decode()
    public = Client().get(quito.get_absolute_url())
    assert "this page weighs" not in public.content.decode()


def test_a_private_photos_file_is_found_through_the_checked_view(quito):
    photo = make_photo(city=quito, status=Status.DRAFT)
    rendition = Rendition.load(photo.renditions)[0]
    address = photo.file_url(rendition.name)
    assert address.startswith("/photo-files/")
    assert page_weight.stored_name(address) == rendition.name


def test_the_widest_candidate_counts_and_unknown_images_are_counted_apart(quito):
    photo = quito.cover_photo
    first, second = Rendition.load(photo.renditions)[:2]
    url = photo.file_url
    html = (
        # A picture: its first source's widest candidate, not its img's.
        f'<picture><source type="{first.type}" srcset="{url(first.name)} 10w, '
        f'{url(second.name)} 20w"><img src="{url(first.name)}" alt=""></picture>'
        # An img alone: its srcset's widest candidate, not its src.
        f'<img src="{url(first.name)}" srcset="{url(first.name)} 5w, {url(second.name)} 9w" alt="">'
        '<img src="https://elsewhere.example/a.jpg" alt="">'
        '<img src="/media/photos/gone.jpg" alt="">'
    )
    weight = page_weight.page_weight(html.encode())
    assert weight.image_count == 4
    assert weight.images == 2 * default_storage.size(second.name)
    assert weight.unknown == 2


def test_the_review_page_of_a_draft_says_what_the_page_will_weigh(quito, publisher):
    make_photo(city=quito, title="Market day")
    author = make_staff("Editors", username="eva")
    draft = draft_of(quito, author, narrative_en="<p>Learning in every market.</p>" * 40)
    submission = review.submit(quito, author, draft=draft)
    client = logged_in_client(publisher)
    previewed = preview(client, draft).context["page_weight"]

    response = client.get(review_url(submission))

    weight = response.context["page_weight"]
    assert (weight.images, weight.image_count) == (previewed.images, 2)
    assert abs(weight.html - previewed.html) < 100  # the same page; only its nonces differ
    page = response.content.decode()
    assert "Once published, this page weighs" in page
    assert "Budget: 40.0\xa0KB of HTML and 1.5\xa0MB of images." in page
    assert "Within the budget." in page


def test_the_review_page_says_when_the_page_is_over_its_budget(quito, publisher, monkeypatch):
    monkeypatch.setattr(page_weight, "HTML_BUDGET", 1024)
    author = make_staff("Editors", username="eva")
    submission = review.submit(quito, author, draft=draft_of(quito, author, tagline_en="Heavy"))

    page = logged_in_client(publisher).get(review_url(submission)).content.decode()

    assert "Over the budget" in page and "Budget: 1.0\xa0KB of HTML" in page
