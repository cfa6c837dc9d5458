"""The editors' admin: status in one click, dashboard, history with compare and restore."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cities.models import City, LearningCityAward, Photo, Program, ResourceLink, SiteText, Status

from .factories import (
    change_url,
    in_both_languages,
    make_city,
    make_criterion,
    make_photo,
    make_program,
    make_user,
    staff_with,
)

pytestmark = pytest.mark.django_db


INLINE_MODELS = {"programs": Program, "photos": Photo}


def admin_form_data(model, data):
    """Form data with each translated field given in both languages, as the admin's form
    (and its program and photo inlines) has one input per language."""
    top = {key: value for key, value in data.items() if "-" not in key}
    rows = {}
    for key, value in data.items():
        if "-" in key:
            prefix, _, field = key.rpartition("-")
            rows.setdefault(prefix, {})[field] = value
    result = in_both_languages(model, top)
    for prefix, row in rows.items():
        inline_model = INLINE_MODELS.get(prefix.split("-")[0])
        if inline_model is not None:
            row = in_both_languages(inline_model, row)
        result.update({f"{prefix}-{field}": value for field, value in row.items()})
    return result


def city_form(city, **changes):
    """The city change form's data as the browser would post it, with `changes` applied."""
    published = city.published_at and timezone.localtime(city.published_at)
    data = {
        "name": city.name,
        "slug": city.slug,
        "status": city.status,
        "published_at_0": published.strftime("%Y-%m-%d") if published else "",
        "published_at_1": published.strftime("%H:%M:%S.%f") if published else "",
        "year_joined": city.year_joined,
        "tagline": city.tagline,
        "narrative": city.narrative,
        "country": city.country,
        "province": city.province,
        "cover_photo": city.cover_photo_id or "",
        **{
            f"{prefix}-{field}": 0
            for prefix in ("programs", "photos", "awards")
            for field in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
    }
    return admin_form_data(City, {**data, **changes})


def test_city_list_shows_state_program_count_and_preview_link(client, superuser):
    city = make_city(name="Loja", status=Status.DRAFT)
    make_program(city)
    make_program(city)
    make_city(name="Azogues", status=Status.PUBLISHED, published_at=timezone.now() + timedelta(1))
    response = client.get(reverse("admin:cities_city_changelist"))
    html = response.text
    assert 'class="publication publication--draft">draft<' in html
    assert "scheduled for" in html
    assert '<td class="field-program_count">2</td>' in html
    assert reverse("cities:preview", kwargs={"slug": city.slug}) in html


def test_publication_filter_lists_scheduled_cities(client, superuser):
    make_city(name="Already public")
    make_city(name="Soon", status=Status.PUBLISHED, published_at=timezone.now() + timedelta(1))
    response = client.get(reverse("admin:cities_city_changelist"), {"publication": "scheduled"})
    assert list(response.context["cl"].result_list.values_list("name", flat=True)) == ["Soon"]


def test_publish_action_publishes_now_and_records_the_change(client, superuser):
    city = make_city(status=Status.DRAFT)
    response = client.post(
        reverse("admin:cities_city_changelist"),
        {"action": "publish_now", "_selected_action": [city.pk]},
        follow=True,
    )
    assert "1 item: published." in response.text
    city.refresh_from_db()
    assert city.is_published
    latest = city.history.latest()
    assert latest.history_user == superuser and latest.history_change_reason == "published"


def test_archive_action_takes_a_city_off_the_site(client, superuser):
    city = make_city()
    client.post(
        reverse("admin:cities_city_changelist"),
        {"action": "archive", "_selected_action": [city.pk]},
    )
    city.refresh_from_db()
    assert city.status == Status.ARCHIVED
    client.logout()
    assert client.get(city.get_absolute_url()).status_code == 404


def test_scheduling_through_the_form_keeps_the_city_off_the_site_until_its_date(client, superuser):
    city = make_city(status=Status.DRAFT)
    later = timezone.localtime() + timedelta(days=2)
    response = client.post(
        change_url(city),
        city_form(
            city,
            status=Status.PUBLISHED,
            published_at_0=later.strftime("%Y-%m-%d"),
            published_at_1=later.strftime("%H:%M:%S"),
        ),
    )
    assert response.status_code == 302
    city.refresh_from_db()
    assert city.publication_state == "scheduled"
    assert not City.objects.published().filter(pk=city.pk).exists()
    assert City.objects.published(at=later + timedelta(seconds=1)).filter(pk=city.pk).exists()


def test_change_form_of_a_draft_has_a_preview_button(client, superuser):
    city = make_city(status=Status.DRAFT)
    html = client.get(change_url(city)).text
    assert f'href="{reverse("cities:preview", kwargs={"slug": city.slug})}"' in html
    city.status = Status.PUBLISHED
    city.save()
    assert "cities:preview" not in client.get(change_url(city)).text


class TestHistory:
    def test_an_edit_is_recorded_with_its_user_and_changes(self, client, superuser):
        city = make_city(narrative="Old text.")
        client.post(change_url(city), city_form(city, narrative="New text."))
        latest = city.history.latest()
        assert latest.history_user == superuser
        assert latest.narrative == "New text."
        delta = latest.diff_against(latest.prev_record)
        # A text never set (None) saved empty by the form is no change a person made.
        changed = {change.field for change in delta.changes if change.old or change.new}
        assert changed == {"narrative", "narrative_es", "narrative_en"}
        assert latest.narrative_en == "New text."  # every language is recorded
        html = client.get(reverse("admin:cities_city_history", args=[city.pk])).text
        assert "Old text." in html and "New text." in html

    def test_history_of_site_texts_and_programs_inline(self, client, superuser):
        text = SiteText.objects.create(key=SiteText.Key.BENEFITS, text="Before")
        client.post(change_url(text), admin_form_data(SiteText, {"key": text.key, "text": "After"}))
        assert text.history.latest().history_user == superuser
        city = make_city()
        data = city_form(
            city,
            **{
                "programs-TOTAL_FORMS": 1,
                "programs-0-name": "Reading circles",
                "programs-0-slug": "reading-circles",
                "programs-0-lifecycle": "active",
                "programs-0-status": Status.DRAFT,
                "programs-0-order": 1,
            },
        )
        assert client.post(change_url(city), data).status_code == 302
        program = Program.objects.get(slug="reading-circles")
        assert program.history.get().history_user == superuser

    def test_compare_shows_field_by_field_differences(self, client, superuser):
        city = make_city(name="Cuenca", tagline="First tagline", narrative="First.")
        first = city.history.latest()
        client.post(change_url(city), city_form(city, tagline="Second tagline"))
        client.post(change_url(city), city_form(city, tagline="Second tagline", narrative="Third."))
        last = city.history.latest()
        response = client.get(
            reverse("admin:cities_city_compare", args=[city.pk]),
            {"old": first.pk, "new": last.pk},
        )
        rows = {str(row["field"]): (row["old"], row["new"]) for row in response.context["rows"]}
        tagline = ("<del>First</del> tagline", "<ins>Second</ins> tagline")
        assert rows["Tagline (English)"] == tagline
        assert rows["Narrative (English)"] == ("<del>First.</del>", "<ins>Third.</ins>")
        assert not any(field.startswith("Name") for field in rows)

    def test_compare_marks_changed_words_and_escapes_the_text(self, client, superuser):
        # The tagline is plain text, so its markup is text to show, escaped.
        city = make_city(tagline="Reading <b>circles</b> in parishes.")
        first = city.history.latest()
        client.post(change_url(city), city_form(city, tagline="Reading clubs in parishes."))
        response = client.get(
            reverse("admin:cities_city_compare", args=[city.pk]),
            {"old": first.pk, "new": city.history.latest().pk},
        )
        assert "Reading <del>&lt;b&gt;circles&lt;/b&gt;</del> in parishes." in response.text
        assert "Reading <ins>clubs</ins> in parishes." in response.text

    def test_compare_of_unknown_versions_is_a_404(self, client, superuser):
        city = make_city()
        url = reverse("admin:cities_city_compare", args=[city.pk])
        assert client.get(url, {"old": "x", "new": "999999"}).status_code == 404

    def test_restoring_brings_back_the_old_text_on_the_public_page(self, client, superuser):
        city = make_city(narrative="The careful original text.", cover=False)
        original = city.history.latest()
        client.post(change_url(city), city_form(city, narrative="A mistaken edit."))
        visitor = Client()  # anonymous: the page it reads is cached
        assert "A mistaken edit." in visitor.get(city.get_absolute_url()).text

        revert_url = reverse("admin:cities_city_simple_history", args=[city.pk, original.pk])
        form = client.get(revert_url)
        assert form.status_code == 200
        assert "The careful original text." in form.text
        response = client.post(revert_url, city_form(city, narrative=original.narrative))
        assert response.status_code == 302

        city.refresh_from_db()
        assert city.narrative == "The careful original text."
        assert city.history.count() == 3  # created, edited, restored
        assert "The careful original text." in visitor.get(city.get_absolute_url()).text

    def test_deleted_items_are_listed_and_can_be_restored(self, client, superuser):
        city = make_city(name="Gone city", cover=False)
        pk = city.pk
        client.post(reverse("admin:cities_city_delete", args=[pk]), {"post": "yes"})
        assert not City.objects.filter(pk=pk).exists()

        listing = client.get(reverse("admin:cities_city_deleted"))
        records = list(listing.context["records"])
        assert [record.name for record in records] == ["Gone city"]
        assert records[0].history_user == superuser

        revert_url = reverse("admin:cities_city_simple_history", args=[pk, records[0].pk])
        restored_form = city_form(records[0].instance)
        assert client.post(revert_url, restored_form).status_code == 302
        assert City.objects.get(pk=pk).name == "Gone city"
        assert City.history.filter(id=pk).latest().history_type == "+"
        assert not client.get(reverse("admin:cities_city_deleted")).context["records"]

    def test_deleted_list_is_refused_to_staff_without_add_permission(self, client):
        client.force_login(make_user(is_staff=True))
        assert client.get(reverse("admin:cities_city_deleted")).status_code == 403


@pytest.mark.parametrize(
    "make_item",
    [
        lambda: make_city(),
        lambda: make_program(make_city(), criteria=[make_criterion()]),
        lambda: make_photo(),
        lambda: make_criterion(),
        lambda: SiteText.objects.create(key=SiteText.Key.BENEFITS, text="Before"),
        lambda: ResourceLink.objects.create(title="UIL", url="https://uil.unesco.org/"),
        lambda: LearningCityAward.objects.create(city=make_city(), year=2019),
    ],
    ids=["city", "program", "photo", "criterion", "site text", "link", "award"],
)
def test_history_compare_and_deleted_pages_work_for_every_kind(client, superuser, make_item):
    item = make_item()
    opts = item._meta
    name = f"admin:{opts.app_label}_{opts.model_name}"
    item.save()  # a second version
    if isinstance(item, Program):
        item.criteria.add(make_criterion())  # a change of the many-to-many field
    versions = list(type(item).history.filter(id=item.pk).values_list("history_id", flat=True))
    assert len(versions) >= 2
    assert client.get(reverse(f"{name}_history", args=[item.pk])).status_code == 200
    compare = client.get(
        reverse(f"{name}_compare", args=[item.pk]), {"old": versions[-1], "new": versions[0]}
    )
    assert compare.status_code == 200
    revert = reverse(f"{name}_simple_history", args=[item.pk, versions[-1]])
    assert client.get(revert).status_code == 200
    pk = item.pk
    item.delete()
    deleted = client.get(reverse(f"{name}_deleted"))
    assert [record.id for record in deleted.context["records"]] == [pk]
    assert client.get(reverse(f"{name}_history", args=[pk])).status_code == 200


def test_an_old_program_version_is_shown_with_the_criteria_it_had(client, superuser):
    first, second = make_criterion(title="Families"), make_criterion(title="Workplace")
    program = make_program(make_city(), criteria=[first])
    old_version = program.history.latest()
    program.criteria.set([second])
    program.delete()

    revert_url = reverse(
        "admin:cities_program_simple_history", args=[old_version.id, old_version.pk]
    )
    response = client.get(revert_url)
    form = response.context["adminform"].form
    assert [criterion.pk for criterion in form.initial["criteria"]] == [first.pk]
    data = {
        "city": old_version.city_id,
        "name": old_version.name,
        "slug": old_version.slug,
        "status": old_version.status,
        "lifecycle": old_version.lifecycle,
        "order": old_version.order,
        "criteria": [first.pk],
    }
    assert client.post(revert_url, admin_form_data(Program, data)).status_code == 302
    restored = Program.objects.get(pk=old_version.id)
    assert list(restored.criteria.all()) == [first]


@pytest.mark.parametrize(
    "path",
    [
        "cities/city/None/history/",
        "cities/city/None/history/1/",
        "cities/city/1/history/abc/",
        "cities/city/abc/history/compare/?old=1&new=2",
        "cities/city/1/history/compare/?old=x&new=2",
        "cities/city/1/history/compare/",
    ],
)
def test_mistyped_history_addresses_are_404(client, superuser, path):
    make_city()
    assert client.get(f"/admin/{path}").status_code == 404


def test_restoring_a_deleted_city_brings_back_what_was_deleted_with_it(client, superuser):
    criterion = make_criterion()
    city = make_city(name="Gone city")
    program = make_program(city, name="Reading circles", criteria=[criterion])
    LearningCityAward.objects.create(city=city, year=2021)
    gallery_photo = make_photo(city=city)
    unrelated = make_photo()
    pk = city.pk
    client.post(reverse("admin:cities_city_delete", args=[pk]), {"post": "yes"})
    assert not Program.objects.exists() and not LearningCityAward.objects.exists()
    visitor = Client()  # anonymous: the overview it reads is cached
    assert "Gone city" not in visitor.get("/en/").text

    record = City.history.filter(id=pk).latest()
    revert_url = reverse("admin:cities_city_simple_history", args=[pk, record.pk])
    response = client.post(revert_url, city_form(record.instance), follow=True)
    assert "4 items deleted with it were restored too." in response.text
    assert "Gone city" in visitor.get("/en/").text

    city = City.objects.get(pk=pk)
    assert [p.name for p in city.programs.all()] == ["Reading circles"]
    assert list(Program.objects.get(pk=program.pk).criteria.all()) == [criterion]
    assert [award.year for award in city.awards.all()] == [2021]
    assert set(city.photos.all()) == {gallery_photo, city.cover_photo}
    unrelated.refresh_from_db()
    assert unrelated.city is None
    assert program.history.model.objects.filter(id=program.pk).latest().history_user == superuser


def test_restoring_a_photo_whose_file_is_gone_asks_for_the_file(client, superuser):
    photo = make_photo(title="Plaza")
    pk, name, storage = photo.pk, photo.image.name, photo.image.storage
    photo.delete()
    storage.delete(name)  # as happens to a deleted photo's files
    record = Photo.history.filter(id=pk).latest()
    revert_url = reverse("admin:cities_photo_simple_history", args=[pk, record.pk])
    assert "is no longer stored: upload it again." in client.get(revert_url).text
    data = {
        "title": "Plaza",
        "alt_text": record.alt_text,
        "author": record.author,
        "licence": record.licence,
        "status": record.status,
        "order": 0,
    }
    response = client.post(revert_url, data)
    assert response.status_code == 200
    assert "This field is required." in str(response.context["adminform"].form.errors["image"])
    assert not Photo.objects.filter(pk=pk).exists()


def test_staff_who_may_only_view_get_no_status_actions(client):
    city = make_city(status=Status.DRAFT)
    client.force_login(staff_with("view_city"))
    response = client.get(reverse("admin:cities_city_changelist"))
    assert response.status_code == 200
    assert "publish_now" not in response.text
    client.post(
        reverse("admin:cities_city_changelist"),
        {"action": "publish_now", "_selected_action": [city.pk]},
    )
    city.refresh_from_db()
    assert city.status == Status.DRAFT


def test_dashboard_lists_only_what_the_user_may_change(client):
    uploader = staff_with("view_photo", "add_photo", "change_photo")
    # Their own: an uploader sees no one else's drafts (test_photo_privacy.py). A city they
    # last changed when they still had the right is no longer theirs to act on.
    for draft in (
        make_city(name="Draft town", status=Status.DRAFT),
        make_photo(title="Draft photo", status=Status.DRAFT, uploaded_by=uploader),
    ):
        draft._history_user = uploader
        draft.save()
    client.force_login(uploader)
    html = client.get(reverse("admin:index")).text
    assert "Draft photo" in html
    assert "Draft town" not in html


def test_lockouts_are_not_shown_to_editors(client):
    client.force_login(staff_with("view_city", "change_city"))
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


def test_restoring_an_old_version_needs_the_right_to_change_it(client):
    city = make_city(narrative="Original.", cover=False)
    first = city.history.latest()
    city.narrative = "Edited."
    city.save()
    client.force_login(staff_with("view_city"))
    revert_url = reverse("admin:cities_city_simple_history", args=[city.pk, first.pk])
    assert client.get(revert_url).status_code == 200  # looking is allowed
    assert client.post(revert_url, city_form(first.instance)).status_code == 403
    city.refresh_from_db()
    assert city.narrative == "Edited."


def test_uploaders_see_and_restore_only_their_own_deleted_photos(client):
    uploader = staff_with("add_photo", "view_photo", "change_photo", "delete_photo")
    own = make_photo(title="Mine", uploaded_by=uploader)
    others = make_photo(title="Someone else's", uploaded_by=make_user())
    own_pk, others_pk = own.pk, others.pk
    own.delete()
    others.delete()
    client.force_login(uploader)
    listing = client.get(reverse("admin:cities_photo_deleted"))
    assert [record.title for record in listing.context["records"]] == ["Mine"]
    others_version = Photo.history.filter(id=others_pk).latest()
    url = reverse("admin:cities_photo_simple_history", args=[others_pk, others_version.pk])
    assert client.post(url, {"title": "Taken over"}).status_code == 302  # "does not exist"
    assert client.get(reverse("admin:cities_photo_history", args=[others_pk])).status_code == 302
    assert not Photo.objects.filter(pk__in=[own_pk, others_pk]).exists()
