"""An uploader adds a photo in a real browser and finds it, credited, on the city page."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from cities.models import Photo
from tests import photo_samples as samples
from tests.factories import (
    jpeg_bytes,
    loaded_width,
    log_in_in_browser,
    make_photo,
    make_publisher,
    make_publishing_uploader,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]
ADD_PHOTO = "/admin/cities/photo/add/"


@pytest.fixture
def uploader(site):
    """Rosa, an uploader who may also publish: what is tested here is uploading and crediting
    (tests/test_review_browser.py has an uploader who submits for review)."""
    return make_publishing_uploader(username="rosa")


def choose_file(page, name, content, mime="image/jpeg"):
    page.set_input_files("#id_image", files=[{"name": name, "mimeType": mime, "buffer": content}])


def test_uploader_uploads_a_photo_and_sees_it_credited_on_the_city_page(site, uploader, page):
    log_in_in_browser(page, site, "rosa", ADD_PHOTO, next_path=ADD_PHOTO)

    # Both languages on one form; Spanish, the default, is required.
    page.fill("#id_title_es", "Mercado de Loja")
    page.fill("#id_title_en", "Market of Loja")
    page.fill("#id_alt_text_es", "Puestos de fruta bajo un techo largo, gente comprando guineos")
    page.fill("#id_alt_text_en", "Stalls with fruit under a long roof, people buying bananas")
    page.select_option("#id_city", label="Loja")
    page.select_option("#id_status", "published")
    page.fill("#id_author", "Rosa Quizhpe")
    page.select_option("#id_licence", label="CC BY 4.0")

    # A script dressed up as a photo is refused with a message, and the form is kept.
    choose_file(page, "market.jpg", b"<script>alert(1)</script>" * 10)
    page.click("input[name=_save]")
    assert "not a photo in an accepted format" in page.locator(".errorlist").inner_text()
    assert page.input_value("#id_title_en") == "Market of Loja"

    choose_file(page, "market.jpg", samples.jpeg_with_private_metadata(1600, 1000))
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/cities/photo/")
    assert "was added successfully" in page.locator(".messagelist").inner_text()

    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{site}/cities/loja/")
        figure = page.locator("figure", has_text="Market of Loja")
        image = figure.locator("img")
        assert loaded_width(image) > 0
        # Chromium takes the AVIF source, sized for the layout rather than the original.
        assert image.evaluate("img => img.currentSrc").endswith(".avif")
        assert image.get_attribute("alt").startswith("Stalls with fruit")
        caption = figure.locator("figcaption")
        assert caption.is_visible()
        assert "Photo: Rosa Quizhpe · CC BY 4.0" in caption.inner_text()
        licence = caption.get_by_role("link", name="CC BY 4.0")
        assert licence.get_attribute("href") == "https://creativecommons.org/licenses/by/4.0/"


def test_photo_credits_page_fits_a_phone(site, page):
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{site}/photo-credits/")

    assert page.locator("h1").inner_text() == "Photo credits"
    assert page.locator(".credits-list__item").count() == 4
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_editor_sets_the_focal_point_by_clicking_the_subject(site, page):
    # A publisher: the photo is public, and others' changes to it wait in a draft.
    make_publisher(username="elena")
    quito = Photo.objects.get(reference="Patrimonio_Quito_01")
    change = f"/admin/cities/photo/{quito.pk}/change/"
    log_in_in_browser(page, site, "elena", change, next_path=change)

    picture = page.locator("[data-focal-picker] img")
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * 0.2, "y": box["height"] * 0.7})
    assert (page.input_value("#id_focal_x"), page.input_value("#id_focal_y")) == ("20", "70")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/cities/photo/")

    quito.refresh_from_db()
    assert (quito.focal_x, quito.focal_y) == (20, 70)
    page.goto(f"{site}/")
    card_image = page.locator(".city-card", has_text="Quito").locator("img")
    assert card_image.get_attribute("class") == "focus-x-20 focus-y-70"
    assert card_image.evaluate("img => getComputedStyle(img).objectPosition") == "20% 70%"


def test_uploader_fixes_a_refused_form_without_choosing_the_photo_again(site, uploader, page):
    log_in_in_browser(page, site, "rosa", ADD_PHOTO, next_path=ADD_PHOTO)
    page.fill("#id_title_es", "Río Tomebamba")
    page.fill("#id_alt_text_es", "Casas blancas con balcones sobre la orilla del río")
    page.select_option("#id_city", label="Cuenca")
    choose_file(page, "tomebamba.jpg", samples.jpeg(1200, 800))

    # The credit is left empty: refused, but the photo is kept and offered again.
    page.click("input[name=_save]")
    assert "Give the credit" in page.locator(".errorlist.nonfield").inner_text()
    kept = page.locator(".kept-upload")
    assert "Kept: tomebamba.jpg (1200 by 800 pixels" in kept.inner_text()
    thumbnail = kept.locator("img")
    assert loaded_width(thumbnail) == 96
    assert page.input_value("#id_image") == ""

    page.fill("#id_author", "Rosa Quizhpe")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/cities/photo/")
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    photo = Photo.objects.get(title_es="Río Tomebamba")
    assert (photo.width, photo.height, photo.credit) == (1200, 800, "Rosa Quizhpe")
    assert photo.renditions


def click_the_subject_at(page, across, down):
    """Clicks the picker's picture `across` % from its left edge and `down` % from its top;
    returns the distance in pixels from the click to the centre of the mark drawn."""
    picture = page.locator("[data-focal-picker] img")
    picture.scroll_into_view_if_needed()
    box = picture.bounding_box()
    x, y = box["x"] + box["width"] * across / 100, box["y"] + box["height"] * down / 100
    page.mouse.click(x, y)
    mark = page.locator(".focal-picker__mark").bounding_box()
    centre = mark["x"] + mark["width"] / 2, mark["y"] + mark["height"] / 2
    return abs(centre[0] - x) + abs(centre[1] - y)


def test_the_focal_point_is_set_before_the_first_save_and_marked_where_clicked(
    site, uploader, page
):
    log_in_in_browser(page, site, "rosa", ADD_PHOTO, next_path=ADD_PHOTO)
    assert not page.locator("[data-focal-picker]").is_visible()
    choose_file(page, "plaza.jpg", jpeg_bytes(1200, 800))
    page.locator("[data-focal-picker] img").wait_for()
    assert click_the_subject_at(page, 72, 55) <= 3
    assert (page.input_value("#id_focal_x"), page.input_value("#id_focal_y")) == ("72", "55")
    page.fill("#id_title_es", "Plaza de San Francisco")
    page.fill("#id_alt_text_es", "Una plaza empedrada con una iglesia blanca al fondo")
    page.select_option("#id_city", label="Loja")
    page.fill("#id_author", "Rosa Quizhpe")
    page.select_option("#id_licence", label="CC BY 4.0")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/cities/photo/")
    # Stored where the click was, with the first save.
    saved = Photo.objects.get(title_es="Plaza de San Francisco")
    assert (saved.focal_x, saved.focal_y) == (72, 55)

    # On a saved photo's form too: its picture is narrower than the form's row.
    photo = make_photo(uploaded_by=User.objects.get(username="rosa"))
    page.goto(site + reverse("admin:cities_photo_change", args=[photo.pk]))
    assert click_the_subject_at(page, 72, 55) <= 3
    assert (page.input_value("#id_focal_x"), page.input_value("#id_focal_y")) == ("72", "55")
