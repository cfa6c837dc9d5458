"""Autosave: what is typed in a change form is kept as the item's draft, never published,
never over someone else's newer draft; a sitting's autosaves are one draft in the history."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cities import drafts
from cities.models import ContentVersion, Draft, DraftState, OutgoingMail, Photo, Status

from .factories import (
    change_url,
    draft_of,
    logged_in_client,
    make_city,
    make_photo,
    make_publisher,
    make_staff,
    saved_by,
    staff_with,
)
from .test_edit_conflicts import opened_form

pytestmark = pytest.mark.django_db

LIVE_TAGLINE = "Learning in every parish"


def autosave_url(item):
    opts = item._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_autosave", args=[item.pk])


def autosave(client, item, form, **typed):
    """What the form's script posts after a pause: the form as it stands, `typed` in."""
    data = {key: value for key, value in (form | typed).items() if key != "_save"}
    return client.post(autosave_url(item), data)


def history_size(*items):
    """The versions of the items in their history, and the drafts of them."""
    versions = sum(item.history.count() for item in items)
    return versions + Draft.objects.filter(object_id__in=[item.pk for item in items]).count()


@pytest.fixture
def quito():
    return make_city(name="Quito", slug="quito", tagline=LIVE_TAGLINE, cover=False)


@pytest.fixture
def publisher():
    return make_publisher(username="pablo", first_name="Pablo", last_name="Vera")


def test_a_live_items_autosave_is_its_draft_and_the_public_page_is_unchanged(quito, publisher):
    client = logged_in_client(publisher)
    form = opened_form(client, quito)
    response = autosave(client, quito, form, tagline_en="Learning in every market")

    assert response.status_code == 200
    answer = response.json()
    assert answer["saved"] is True and answer["message"].startswith("Saved as a draft at ")
    draft = Draft.objects.get()
    assert answer["revision"] == draft.revision == 1
    assert draft.data["tagline_en"] == ["Learning in every market"]
    quito.refresh_from_db()
    assert quito.tagline_en == LIVE_TAGLINE
    assert "every market" not in logged_in_client(publisher).get("/en/cities/quito/").text
    assert 'value="Learning in every market"' in client.get(change_url(quito)).text


def test_an_unpublished_items_autosave_is_never_published_and_saving_the_form_keeps_it(
    publisher,
):
    city = make_city(name="Ibarra", slug="ibarra", status=Status.DRAFT, cover=False)
    client = logged_in_client(publisher)
    form = opened_form(client, city)
    versions = city.history.count()
    # Even with "published" chosen in the form: autosave only keeps a draft.
    answer = autosave(client, city, form, tagline_en="Lakes", status=Status.PUBLISHED).json()
    assert answer["saved"] is True
    city.refresh_from_db()
    assert city.status == Status.DRAFT and city.tagline_en != "Lakes"
    assert city.history.count() == versions

    page = client.get(change_url(city)).text
    assert "This form shows changes kept as a draft" in page
    assert 'value="Lakes"' in page
    # The form's own save writes it into the item and closes the draft.
    saved = opened_form(client, city)
    assert saved["_draft_revision"] == "1"
    assert client.post(change_url(city), saved).status_code == 302
    city.refresh_from_db()
    assert city.tagline_en == "Lakes"
    assert Draft.objects.get().state == DraftState.PUBLISHED


def test_a_sittings_autosaves_are_one_draft_and_no_version(quito, publisher):
    client = logged_in_client(publisher)
    form = opened_form(client, quito)
    before = history_size(quito)
    for number in range(1, 7):
        answer = autosave(client, quito, form, tagline_en=f"Typing {number}").json()
        assert answer["revision"] == number
        form["_draft_revision"] = str(answer["revision"])
    assert history_size(quito) == before + 1
    assert Draft.objects.get().data["tagline_en"] == ["Typing 6"]


def test_autosaves_leave_the_cached_public_pages_alone(quito, publisher):
    client = logged_in_client(publisher)
    form = opened_form(client, quito)
    version = ContentVersion.current().version
    for number in range(3):
        answer = autosave(client, quito, form, tagline_en=f"Typing {number}").json()
        form["_draft_revision"] = str(answer["revision"])
    assert ContentVersion.current().version == version


def test_an_eight_editor_morning_adds_one_draft_per_sitting(publisher):
    cities = [make_city(name=f"City {n}", slug=f"city-{n}", cover=False) for n in range(8)]
    editors = [make_staff("Editors", username=f"editor{n}") for n in range(8)]
    clients = [logged_in_client(editor) for editor in editors]
    forms = [opened_form(client, city) for client, city in zip(clients, cities, strict=True)]
    before = history_size(*cities)
    # Each types for a while; their autosaves come in turn, interleaved.
    for keystrokes in range(10):
        for client, city, form in zip(clients, cities, forms, strict=True):
            answer = autosave(client, city, form, tagline_en=f"{city.name}, pass {keystrokes}")
            form["_draft_revision"] = str(answer.json()["revision"])
    assert history_size(*cities) == before + 8
    for city in cities:
        draft = Draft.objects.of(city).get()
        assert draft.revision == 10
        assert draft.data["tagline_en"] == [f"{city.name}, pass 9"]
        city.refresh_from_db()
        assert city.tagline_en != f"{city.name}, pass 9"


def test_an_autosave_that_meets_someone_elses_newer_draft_stops_and_says_whose(quito, publisher):
    ana = make_publisher(username="ana", first_name="Ana", last_name="Torres")
    ana_client, pablo_client = logged_in_client(ana), logged_in_client(publisher)
    ana_form, pablo_form = opened_form(ana_client, quito), opened_form(pablo_client, quito)
    assert autosave(ana_client, quito, ana_form, tagline_en="Ana's words").json()["saved"]

    response = autosave(pablo_client, quito, pablo_form, tagline_en="Pablo's words")
    assert response.status_code == 409
    answer = response.json()
    assert answer["saved"] is False and answer["stop"] is True
    assert answer["message"].startswith("Autosave stopped. Ana Torres saved this draft at")
    assert Draft.objects.get().data["tagline_en"] == ["Ana's words"]


def test_an_autosave_after_someone_else_published_a_save_stops_and_says_whose(quito, publisher):
    ana = make_publisher(username="ana", first_name="Ana", last_name="Torres")
    client = logged_in_client(publisher)
    form = opened_form(client, quito)
    form["_draft_revision"] = str(
        autosave(client, quito, form, tagline_en="Typing").json()["revision"]
    )

    # Ana publishes a save of the item while Pablo's form is open on the version before it.
    saved_by(ana, quito, tagline_en="Ana published")
    response = autosave(client, quito, form, tagline_en="Typing on")

    assert response.status_code == 409
    answer = response.json()
    assert answer["saved"] is False and answer["stop"] is True
    assert answer["message"].startswith("Autosave stopped. Ana Torres saved changes to it at ")
    assert Draft.objects.get().data["tagline_en"] == ["Typing"]


def test_what_the_forms_refuse_is_not_kept_and_the_reason_is_given(quito, publisher):
    client = logged_in_client(publisher)
    response = autosave(client, quito, opened_form(client, quito), name_es="")
    assert response.status_code == 422
    answer = response.json()
    assert answer["stop"] is False
    assert answer["message"].startswith("Not saved yet: Name (Spanish)")
    assert not Draft.objects.exists()


@pytest.mark.parametrize("revision", ["junk", "-1", ""])
def test_a_forged_revision_never_overwrites_a_draft(quito, publisher, revision):
    draft_of(quito, make_publisher(username="ana"), tagline_en="Ana's words")
    client = logged_in_client(publisher)
    form = opened_form(client, quito) | {"_draft_revision": revision}
    assert autosave(client, quito, form, tagline_en="Forged").status_code == 409
    assert Draft.objects.get().data["tagline_en"] == ["Ana's words"]


def test_only_those_who_may_change_the_item_autosave_it(quito, publisher):
    uploader = make_staff("Photo uploaders", username="ana")
    form = opened_form(logged_in_client(publisher), quito)
    assert logged_in_client(uploader).post(autosave_url(quito), form).status_code == 403
    assert logged_in_client(publisher).get(autosave_url(quito)).status_code == 405
    visitor = logged_in_client(publisher)
    visitor.logout()
    assert visitor.post(autosave_url(quito), form).status_code == 302
    assert not Draft.objects.exists()
    # An uploader's own photo: theirs to autosave.
    photo = make_photo(uploaded_by=uploader, status=Status.DRAFT)
    client = logged_in_client(uploader)
    answer = autosave(client, photo, opened_form(client, photo), alt_text_en="Children reading")
    assert answer.json()["saved"] is True
    assert Photo.objects.get(pk=photo.pk).alt_text_en != "Children reading"


def test_changing_an_approved_scheduled_draft_withdraws_the_schedule(quito, publisher):
    editor = make_staff("Editors", username="eva", email="eva@example.org")
    publisher.email = "pablo@example.org"
    publisher.save()
    draft = draft_of(quito, editor, tagline_en="Approved words")
    drafts.schedule(draft.pk, publisher, timezone.now() + timedelta(days=1))
    client = logged_in_client(editor)
    answer = autosave(client, quito, opened_form(client, quito), tagline_en="Changed after").json()
    assert answer["saved"] is True
    assert "the approval and its scheduled publication are withdrawn" in answer["message"]
    draft.refresh_from_db()
    assert draft.publish_at is None
    assert OutgoingMail.objects.filter(recipient="pablo@example.org").exists()


def test_a_draft_is_named_from_its_form_and_the_name_is_in_the_history(quito, publisher):
    client = logged_in_client(publisher)
    form = opened_form(client, quito)
    answer = autosave(client, quito, form, tagline_en="Named").json()
    form = opened_form(client, quito) | {"_draft_name": "Ready for the city council"}
    assert (
        autosave(client, quito, form, tagline_en="Named").json()["revision"]
        == answer["revision"] + 1
    )
    assert Draft.objects.get().name == "Ready for the city council"
    history = client.get(reverse("admin:cities_city_history", args=[quito.pk])).text
    assert "Ready for the city council" in history


def test_autosave_speaks_the_editors_language(quito):
    spanish = make_publisher(username="lucia", language="es")
    client = logged_in_client(spanish, language="es")
    answer = autosave(client, quito, opened_form(client, quito), tagline_en="Palabras").json()
    assert answer["message"].startswith("Guardado como borrador a las ")


def test_the_form_carries_the_autosave_address_only_for_those_who_may_change_it(quito, publisher):
    page = logged_in_client(publisher).get(change_url(quito)).text
    assert f'data-url="{autosave_url(quito)}"' in page
    assert "cities/admin/autosave" in page
    viewer = staff_with("view_city")
    page = logged_in_client(viewer).get(change_url(quito))
    assert page.status_code == 200 and "autosave-status" not in page.text
