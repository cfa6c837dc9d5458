"""The admin's first page shows each person what they may act on, each item linked to where it
is acted on: their drafts, scheduled publications, recent changes by others, missing
translations and placeholder covers; never another uploader's unpublished photo."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cities import draft_comments, drafts, review
from cities.models import Draft, LearningCityAward, ResourceLink, SiteText, Status

from .factories import (
    change_url,
    draft_of,
    logged_in_client,
    make_city,
    make_criterion,
    make_photo,
    make_program,
    saved_by,
)
from .test_edit_conflicts import opened_form

pytestmark = pytest.mark.django_db


def dashboard_of(user):
    response = logged_in_client(user).get(reverse("admin:index"))
    assert response.status_code == 200
    return response


def labels(items):
    return [item.label for item in items]


class TestMyDrafts:
    def test_my_drafts_are_the_drafts_whose_last_change_is_mine(self, people):
        editor = people["editor"]
        mine = saved_by(editor, make_city(name="Loja", status=Status.DRAFT, cover=False))
        theirs = make_city(name="Ambato", status=Status.DRAFT, cover=False)
        saved_by(people["publisher"], saved_by(editor, theirs))  # changed by someone since
        saved_by(editor, make_city(name="Public town", cover=False))  # published
        program = saved_by(editor, make_program(mine, name="Reading circles", status="draft"))

        response = dashboard_of(editor)

        drafts = response.context["drafts"]
        assert labels(drafts) == ["Reading circles", "Loja"]  # the latest first
        assert drafts[0].url == change_url(program) and drafts[1].url == change_url(mine)
        assert "My drafts" in response.text and f'href="{change_url(mine)}"' in response.text

    def test_my_unpublished_changes_to_live_items_are_among_my_drafts(self, people):
        editor, publisher = people["editor"], people["publisher"]
        quito = make_city(name="Quito", cover=False)
        criterion = make_criterion(title="Learning at work")
        make_city(name="Loja", cover=False)
        Draft.objects.create(item=quito, created_by=editor, updated_by=editor)
        Draft.objects.create(item=criterion, created_by=publisher, updated_by=publisher)

        drafts = dashboard_of(editor).context["drafts"]
        assert labels(drafts) == ["Quito, with unpublished changes"]
        assert drafts[0].url == change_url(quito)
        assert labels(dashboard_of(publisher).context["drafts"]) == [
            "Learning at work, with unpublished changes"
        ]

    def test_an_uploader_sees_their_own_draft_photos_only(self, people):
        uploader = people["uploader"]
        own = make_photo(title="Embargoed photo", status=Status.DRAFT, uploaded_by=uploader)
        saved_by(uploader, own, alt_text="A courtyard")

        assert labels(dashboard_of(uploader).context["drafts"]) == ["Embargoed photo"]
        assert "Embargoed photo" not in dashboard_of(people["other_uploader"]).text

    def test_a_long_list_ends_with_the_lists_of_all_drafts(self, people):
        for number in range(12):
            town = make_city(name=f"Town {number}", status="draft", cover=False)
            saved_by(people["editor"], town)

        response = dashboard_of(people["editor"])

        assert len(response.context["drafts"]) == 10
        assert reverse("admin:cities_city_changelist") + "?publication=draft" in response.text


class TestScheduledPublications:
    def test_scheduled_items_the_person_may_change_soonest_first(self, people):
        later = timezone.now() + timedelta(days=3)
        city = make_city(name="Future town", published_at=later, cover=False)
        make_program(city, name="Future program", published_at=later - timedelta(days=1))
        make_city(name="Public town", cover=False)

        scheduled = dashboard_of(people["editor"]).context["scheduled"]

        assert labels(scheduled) == ["Future program", "Future town"]
        assert scheduled[1].url == change_url(city)

    def test_an_uploader_sees_only_their_own_scheduled_photos(self, people):
        later = timezone.now() + timedelta(days=3)
        make_photo(title="My sunrise", published_at=later, uploaded_by=people["uploader"])
        make_photo(title="Luis's sunrise", published_at=later, uploaded_by=people["other_uploader"])

        response = dashboard_of(people["uploader"])

        assert labels(response.context["scheduled"]) == ["My sunrise"]
        assert "Luis&#x27;s sunrise" not in response.text


class TestRecentChangesByOthers:
    def test_others_changes_worded_by_the_history_and_linked_to_the_comparison(self, people):
        city = make_city(name="Cuenca", narrative="Before.", cover=False)
        before = saved_by(people["publisher"], city, narrative="After.").history.latest()
        saved_by(people["publisher"], city, tagline="Learning for all")
        saved_by(people["editor"], city, mayor="Someone")  # the editor's own change
        city.narrative = "By a script."
        city.save()  # no person to name

        response = dashboard_of(people["editor"])

        first, second = response.context["recent_changes"]
        assert (first.item, str(first.kind), str(first.record.description)) == (
            "Cuenca",
            "city",
            "changed",
        )
        assert first.record.made_by == "Pablo Vera"
        assert [str(name) for name in first.changed] == ["Tagline (English)"]
        assert [str(name) for name in second.changed] == ["Narrative (English)"]
        compare = reverse("admin:cities_city_compare", args=[city.pk])
        assert second.url == f"{compare}?old={before.prev_record.history_id}&new={before.pk}"
        assert "Recent changes by others" in response.text
        # Who, when, then what: "by" only once, even when what happened names someone.
        assert re.search(r"Pablo Vera on [^<]+: changed", response.text)

    def test_created_and_deleted_items_link_to_their_history(self, people):
        criterion = saved_by(people["publisher"], make_criterion(title="Inclusion"))
        criterion_id = criterion.pk
        criterion._history_user = people["publisher"]
        criterion.delete()

        deleted, changed = dashboard_of(people["editor"]).context["recent_changes"][:2]

        assert str(deleted.record.description) == "deleted" and deleted.item == "Inclusion"
        history = reverse("admin:cities_criterion_history", args=[criterion_id])
        assert deleted.url == history
        assert str(changed.record.description) == "changed"

    def test_an_uploader_follows_changes_to_their_own_photos_only(self, people):
        own = make_photo(title="Plaza Grande", status="draft", uploaded_by=people["uploader"])
        other = make_photo(
            title="Secret draft", status="draft", uploaded_by=people["other_uploader"]
        )
        saved_by(people["editor"], own, alt_text="A square with a cathedral")
        saved_by(people["editor"], other, title="Still a secret draft")
        saved_by(people["editor"], make_city(name="Loja", cover=False), tagline="New")

        response = dashboard_of(people["uploader"])

        assert [entry.item for entry in response.context["recent_changes"]] == ["Plaza Grande"]
        assert "secret draft" not in response.text.lower()
        assert "Loja" not in response.text  # uploaders may not view cities

    def test_a_photos_credit_is_not_mistaken_for_who_saved_it(self, people):
        photo = make_photo(title="Plaza Grande", author="Ana Ríos")
        saved_by(people["publisher"], photo, alt_text="A square with a cathedral")

        (entry,) = dashboard_of(people["editor"]).context["recent_changes"]
        history = logged_in_client(people["editor"]).get(
            reverse("admin:cities_photo_history", args=[photo.pk])
        )

        assert [str(name) for name in entry.changed] == ["Alt text (English)"]
        (latest, _first) = history.context["page_obj"]
        assert [str(row["field"]) for row in latest.history_delta_changes] == ["Alt text (English)"]

    def test_approvals_and_restorations_are_worded_as_such(self, people):
        city = make_city(name="Loja", status="draft", cover=False)
        city._change_reason = "approved and published"
        saved_by(people["publisher"], city, status="published")

        entry = dashboard_of(people["editor"]).context["recent_changes"][0]

        assert str(entry.record.description) == "approved and published"
        assert [str(name) for name in entry.changed] == ["Publication date", "Status"]


def test_scheduled_changes_to_a_live_item_are_listed_with_their_time(people):
    quito = make_city(name="Quito", cover=False)
    draft = draft_of(quito, people["publisher"], tagline_en="Learning in every market")
    moment = timezone.now() + timedelta(days=2)
    drafts.schedule(draft.pk, people["publisher"], moment)

    scheduled = dashboard_of(people["editor"]).context["scheduled"]

    assert [(item.label, item.url, item.date) for item in scheduled] == [
        ("Changes to Quito", change_url(quito), moment)
    ]


def test_my_recent_changes_come_from_the_history_not_the_admins_log(people):
    quito = make_city(name="Quito", cover=False)
    saved_by(people["editor"], quito, tagline_en="Learning in every market")
    saved_by(people["publisher"], quito, tagline_en="Learning in every parish")

    page = dashboard_of(people["editor"]).text

    sidebar = page[page.index('id="recent-actions-module"') :]
    assert "My recent changes" in sidebar and "None available" not in sidebar
    # The editor's change, linked to the item's history; not the publisher's.
    assert sidebar.count(reverse("admin:cities_city_history", args=[quito.pk])) == 1


def test_my_recent_changes_list_my_drafts_and_submissions_linked_to_the_form(people):
    """An editor without the right to publish saves changes to a live city as a draft, then
    submits another: no version of theirs is in the history, yet both are their changes."""
    editor = people["editor"]
    quito, cuenca = make_city(name="Quito", cover=False), make_city(name="Cuenca", cover=False)
    client = logged_in_client(editor)
    form = opened_form(client, quito) | {"tagline_en": "Learning in every market"}
    assert client.post(change_url(quito), form).status_code == 302
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        form = opened_form(client, cuenca) | {"tagline_en": "Learning by the river"}
        submitted = client.post(change_url(cuenca), form | {"_submit_for_review": "Submit"})
    assert submitted.status_code == 302

    page = client.get(reverse("admin:index")).text

    sidebar = page[page.index('id="recent-actions-module"') :]
    sidebar = " ".join(sidebar[: sidebar.index("</div>")].split())
    assert "None yet" not in sidebar
    # The newest first: Cuenca's submission (its draft saved with it), then Quito's draft.
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', sidebar) == [
        (change_url(cuenca), "Cuenca"),
        (change_url(cuenca), "Cuenca"),
        (change_url(quito), "Quito"),
    ]
    assert "submitted for review" in sidebar and "changes saved as a draft" in sidebar


def test_with_nothing_changed_yet_the_sidebar_says_what_will_be_there(people):
    page = dashboard_of(people["editor"]).text
    assert "None yet: what you save, publish or approve is listed here." in page


class TestMissingTranslations:
    def test_a_count_of_the_items_to_translate_linked_to_the_page(self, people):
        make_city(name="Loja", narrative_en="", cover=False)
        make_criterion(title="Inclusion", statement_en="")
        make_city(name="Cuenca", cover=False)

        response = dashboard_of(people["editor"])

        assert response.context["missing_translations"] == 2
        assert "2 items lack a translation or have one that may be out of date" in response.text
        assert reverse("admin:cities_missing_translations") in response.text

    def test_a_translation_possibly_out_of_date_counts_too(self, people):
        quito = make_city(name="Quito", cover=False)
        assert dashboard_of(people["editor"]).context["missing_translations"] == 0
        with time_machine.travel(timezone.now() + timedelta(minutes=5)):
            saved_by(people["editor"], quito, narrative_es="<p>Quito aprende en sus mercados.</p>")

        assert dashboard_of(people["editor"]).context["missing_translations"] == 1

    def test_an_uploader_counts_only_their_own_photos(self, people):
        make_photo(title_en="", title_es="Mi foto", uploaded_by=people["uploader"])
        make_photo(title_en="", title_es="Otra foto", uploaded_by=people["other_uploader"])
        make_city(name="Loja", narrative_en="", cover=False)

        assert dashboard_of(people["uploader"]).context["missing_translations"] == 1

    def test_nothing_missing_says_so(self, people):
        make_city(name="Cuenca", cover=False)
        assert "Every text is in both languages." in dashboard_of(people["editor"]).text


class TestPlaceholderCovers:
    def test_editors_see_the_placeholder_covers_linked_to_the_photos_form(self, people):
        city = make_city(name="Quito")
        city.cover_photo.is_placeholder = True
        city.cover_photo.save()
        make_photo(title="Unused stand-in", is_placeholder=True)  # shown nowhere
        make_city(name="Cuenca")  # a real cover

        response = dashboard_of(people["editor"])

        assert [c.name for c in response.context["placeholders"]] == ["Quito"]
        assert "Seed photos still to be replaced" in response.text
        assert f'href="{change_url(city.cover_photo)}"' in response.text

    def test_uploaders_see_none_of_the_seeds_placeholders(self, people):
        city = make_city(name="Quito")
        city.cover_photo.is_placeholder = True
        city.cover_photo.save()

        response = dashboard_of(people["uploader"])

        assert response.context["placeholders"] == []
        assert "Seed photos still to be replaced" not in response.text


def test_an_uploader_never_sees_another_uploaders_unpublished_photo_on_the_dashboard(people):
    """Every section at once, with another uploader's scheduled, drafted, submitted,
    untranslated and changed photos around."""
    luis = people["other_uploader"]
    later = timezone.now() + timedelta(days=2)
    hidden = [
        make_photo(title="Hidden one", status="draft", uploaded_by=luis, title_en=""),
        make_photo(title="Hidden two", published_at=later, uploaded_by=luis),
    ]
    for photo in hidden:
        saved_by(luis, photo, alt_text="Changed by Luis")
        saved_by(people["editor"], photo, alt_text="Changed by Eva")
    make_photo(title="Mine", status="draft", uploaded_by=people["uploader"])

    html = dashboard_of(people["uploader"]).text

    assert "Hidden" not in html


def add_content(people, count):
    """`count` items of every kind, in every state the dashboard lists, for the publisher."""
    editor, publisher, uploader = people["editor"], people["publisher"], people["uploader"]
    later = timezone.now() + timedelta(days=5)
    for number in range(count):
        city = make_city(name=f"Town {count}-{number}", cover=True, narrative_en="")
        city.cover_photo.is_placeholder = True
        city.cover_photo.save()
        saved_by(publisher, make_city(name=f"Draft {count}-{number}", status="draft", cover=False))
        make_program(city, name=f"Later {count}-{number}", published_at=later)
        LearningCityAward.objects.create(city=city, year=2015 + number % 9)
        photo = make_photo(title=f"Submitted {number}", status="draft", uploaded_by=uploader)
        review.submit(photo, uploader)
        draft = Draft.objects.create(item=city, created_by=publisher, updated_by=publisher)
        draft_comments.add(draft.pk, editor, "tagline_en", f"Comment {number}")
    # A change of every kind of item by someone else last, so that every kind is among the
    # recent changes whatever the count.
    saved_by(editor, make_criterion(), order=99)
    text, _created = SiteText.objects.get_or_create(key=SiteText.Key.BENEFITS)
    saved_by(editor, text, text="<p>Edited</p>")
    saved_by(editor, ResourceLink.objects.create(title="UIL", url="https://uil.unesco.org"))
    saved_by(editor, LearningCityAward.objects.first(), source_url="https://uil.unesco.org")
    saved_by(editor, make_photo(title="Edited"), alt_text="Edited")
    saved_by(editor, make_program(make_city(cover=False), name="Edited program"))
    saved_by(editor, make_city(cover=False), tagline="Edited")


def queries_of_the_dashboard(client):
    client.get(reverse("admin:index"))  # caches (content types, permissions) filled
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return len(queries)


def test_the_dashboard_takes_as_many_queries_with_many_items_as_with_few(people):
    client = logged_in_client(people["publisher"])
    add_content(people, 1)
    few = queries_of_the_dashboard(client)
    add_content(people, 15)
    many = queries_of_the_dashboard(client)

    assert few == many
    assert many <= 44  # session, rights, then a few queries per section and kind
