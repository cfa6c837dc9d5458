"""The public "Photo credits" page, and credits beside every public image."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities.models import Licence, Photo, Status
from tests.factories import in_both_languages, make_city, make_photo

pytestmark = pytest.mark.django_db

CREDITS_URL = "/en/photo-credits/"  # the English page; Spanish is at /es/


def entry(html, photo):
    match = re.search(
        rf'<li class="credits-list__item" id="photo-{photo.pk}">(.*?)</li>', html, re.S
    )
    assert match, f"photo {photo.pk} is not listed"
    return " ".join(match.group(1).split())


def test_credits_list_every_published_photo_with_credit_licence_and_source(client):
    photo = make_photo(
        title="Calle Larga",
        author="Ana Tenesaca",
        holder="Municipio de Cuenca",
        licence=Licence.CC_BY_SA,
        source_url="https://example.org/calle-larga",
    )
    unknown = make_photo(title="Old square", author="", author_unknown=True)
    draft = make_photo(title="Not yet public", status=Status.DRAFT)

    html = client.get(CREDITS_URL).content.decode()

    text = entry(html, photo)
    assert "Photo: " in text and "Ana Tenesaca / Municipio de Cuenca" in text
    assert '<a href="https://example.org/calle-larga" rel="noopener">' in text
    assert (
        '<a href="https://creativecommons.org/licenses/by-sa/4.0/" rel="license noopener">' in text
    )
    assert "author unknown" in entry(html, unknown)
    assert draft.title not in html


def test_credits_say_where_each_photo_is_shown(client):
    city = make_city(name="Loja", slug="loja")  # with a cover photo
    in_gallery = make_photo(city=city, title="Market")
    unused = make_photo(title="Of no city")

    html = client.get(CREDITS_URL).content.decode()

    assert '<a href="/en/cities/loja/">Loja (cover)</a>' in entry(html, city.cover_photo)
    assert f'<a href="/en/cities/loja/#photo-{in_gallery.pk}">Loja (photos)</a>' in entry(
        html, in_gallery
    )
    assert "no page yet" in entry(html, unused)


def test_a_photo_of_a_draft_city_waits_for_it_on_the_credits_page_and_in_photos_csv(client):
    make_city(name="Loja", slug="loja")
    shown = make_photo(title="Of no city")
    draft_city = make_city(name="Hidden", slug="hidden", status=Status.DRAFT)
    waiting = make_photo(city=draft_city, title="Of a draft city")

    html = client.get(CREDITS_URL).content.decode()
    assert f'id="photo-{waiting.pk}"' not in html
    assert waiting.title not in html and "/cities/hidden/" not in html
    csv_rows = client.get("/data/photos.csv").content.decode()
    assert waiting.image.url not in csv_rows and "hidden" not in csv_rows
    # Both list the same photos.
    listed = set(map(int, re.findall(r'id="photo-(\d+)"', html)))
    in_csv = {photo.pk for photo in Photo.objects.all() if photo.image.url in csv_rows}
    assert listed == in_csv and shown.pk in listed


def test_credits_page_has_one_h1_and_is_linked_from_every_footer(client):
    city = make_city()
    for url in ("/en/", city.get_absolute_url(), CREDITS_URL):
        html = client.get(url).content.decode()
        footer = html[html.index('<footer class="site-footer">') :]
        assert f'<a href="{CREDITS_URL}">Photo credits</a>' in footer
    assert len(re.findall(r"<h1\b", client.get(CREDITS_URL).content.decode())) == 1


def count_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(CREDITS_URL).status_code == 200
    return len(queries)


def test_credits_query_count_does_not_grow_with_the_photos(client):
    make_city()
    few = count_queries(client)
    for _ in range(5):
        make_photo(city=make_city())

    assert count_queries(client) == few <= 4


def test_credits_are_listed_50_a_page(client):
    city = make_city(cover=False)
    image = make_photo(city=city, title="Photo 00").image.name
    Photo.objects.bulk_create(
        Photo(
            **in_both_languages(
                Photo,
                {
                    "image": image,
                    "width": 640,
                    "height": 400,
                    "title": f"Photo {number:02d}",
                    "alt_text": "A plaza with trees",
                    "author": "Ana Tenesaca",
                    "city": city,
                    "order": number,
                    "status": Status.PUBLISHED,
                },
            )
        )
        for number in range(1, 60)
    )
    first = client.get(CREDITS_URL).content.decode()
    assert len(re.findall(r'class="credits-list__item"', first)) == 50
    assert 'rel="next" href="?page=2#credits"' in first
    second = client.get(CREDITS_URL, {"page": 2}).content.decode()
    assert len(re.findall(r'class="credits-list__item"', second)) == 10
    assert "Photo 59" in second and "Photo 59" not in first
    assert f'<link rel="canonical" href="http://testserver{CREDITS_URL}?page=2">' in second


def test_every_public_image_has_its_credit_beside_it(client):
    city = make_city()
    make_photo(city=city, author="Ana Tenesaca", licence=Licence.CC_BY)

    for url in ("/en/", city.get_absolute_url()):
        html = client.get(url).content.decode()
        figures = re.findall(r"<figure.*?</figure>", html, re.S)
        assert figures
        assert len(re.findall(r"<img\b", html)) == len(figures)
        for figure in figures:
            assert '<span class="credit">Photo:' in figure
            alt = re.search(r'alt="([^"]*)"', figure).group(1)
            assert "Photo:" not in alt and "Photographer" not in alt


def test_what_uploaders_type_is_shown_as_text_never_as_markup(client):
    city = make_city()
    photo = make_photo(
        city=city,
        title='<b>Plaza</b> "mayor"',
        alt_text='A plaza" onerror="alert(1)',
        author="<script>alert(1)</script>",
        reference="<i>ref</i>",
        source_url='https://example.org/?a=1&b="2"',
    )

    for url in (city.get_absolute_url(), CREDITS_URL):
        html = client.get(url).content.decode()
        assert "<script>alert(1)" not in html and "<b>Plaza" not in html
        assert 'alt="A plaza&quot; onerror=&quot;alert(1)"' in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert '<span class="credit__ref">(&lt;i&gt;ref&lt;/<wbr>i&gt;)</span>' in html
        assert 'href="https://example.org/?a=1&amp;b=&quot;2&quot;"' in html
    city_page = client.get(city.get_absolute_url()).content.decode()
    assert (
        '<span class="photo__title">&lt;b&gt;Plaza&lt;/b&gt; &quot;mayor&quot;</span>' in city_page
    )
    assert f'id="photo-{photo.pk}"' in city_page
