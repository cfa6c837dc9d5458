"""Draft changes to live content: prepared and previewed while the public page stays as it
is, then published (now or at a chosen time) or discarded; never lost between two editors."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from cities import review
from cities.models import (
    ContentVersion,
    Draft,
    DraftState,
    OutgoingMail,
    ReviewRequest,
    ReviewState,
    SiteText,
    Status,
)
from cities.scheduling import publish_scheduled

from .factories import (
    change_url,
    logged_in_client,
    make_city,
    make_criterion,
    make_photo,
    make_program,
    make_publisher,
    make_staff,
    review_url,
    uploaded_jpeg,
)
from .test_edit_conflicts import apply_my_changes, opened_form

pytestmark = pytest.mark.django_db

LIVE = "<p>Quito learns in its neighbourhoods.</p>"
DRAFTED = "<p>Quito learns in every parish, from its markets to its parks.</p>"


@pytest.fixture
def quito():
    city = make_city(name="Quito", slug="quito", narrative=LIVE, narrative_es=LIVE, cover=False)
    make_program(city, name="Quito Wawas", summary="Care for young children.")
    return city


@pytest.fixture
def publisher():
    return make_publisher(username="pablo", email="pablo@example.org")


def public_page(city, language="en"):
    return Client().get(f"/{language}/cities/{city.slug}/")


def save_draft(client, item, **changes):
    data = opened_form(client, item) | changes
    data.pop("_save")
    return client.post(change_url(item), {**data, "_save_draft": "1"})


def test_a_draft_leaves_the_public_page_as_it_was(quito, publisher):
    client = logged_in_client(publisher)
    response = save_draft(client, quito, narrative_en=DRAFTED)
    assert response.status_code == 302, response.content.decode()[:3000]
    quito.refresh_from_db()
    assert quito.narrative_en == LIVE
    assert "every parish" not in public_page(quito).text
    draft = Draft.objects.get()
    assert draft.state == DraftState.OPEN and draft.created_by == publisher
    form = client.get(change_url(quito))
    assert "every parish" in form.text
    preview = client.get(reverse("cities:draft_preview", args=[draft.pk]))
    assert preview.status_code == 200
    assert "every parish" in preview.text
    quito.refresh_from_db()
    assert quito.narrative_en == LIVE


def test_publishing_the_form_that_shows_the_draft_publishes_it(quito, publisher):
    client = logged_in_client(publisher)
    save_draft(client, quito, narrative_en=DRAFTED)
    versions_before = quito.history.count()

    data = opened_form(client, quito)
    assert data["narrative_en"] == DRAFTED
    assert data["_draft_revision"] == "1"
    assert client.post(change_url(quito), data).status_code == 302

    quito.refresh_from_db()
    assert quito.narrative_en == DRAFTED
    assert "every parish" in public_page(quito).text
    draft = Draft.objects.get()
    assert (draft.state, draft.closed_by) == (DraftState.PUBLISHED, publisher)
    assert quito.history.count() == versions_before + 1
    form = client.get(change_url(quito))
    assert form.context["draft"] is None and "draft-notice" not in form.text


def test_discarding_a_draft_keeps_the_published_version_and_the_drafts_record(quito, publisher):
    client = logged_in_client(publisher)
    save_draft(client, quito, narrative_en=DRAFTED)
    draft = Draft.objects.get()
    discard_url = reverse("admin:cities_city_discard_draft", args=[quito.pk])
    assert client.post(discard_url).status_code == 302

    draft.refresh_from_db()
    assert (draft.state, draft.closed_by) == (DraftState.DISCARDED, publisher)
    assert DRAFTED in draft.data["narrative_en"][0]  # kept, not deleted
    quito.refresh_from_db()
    assert quito.narrative_en == LIVE
    assert "every parish" not in client.get(change_url(quito)).text


def test_the_list_says_published_with_unpublished_changes_and_filters_them(quito, publisher):
    other = make_city(name="Loja", slug="loja", cover=False)
    client = logged_in_client(publisher)
    save_draft(client, quito, narrative_en=DRAFTED)
    listing = client.get(reverse("admin:cities_city_changelist"))
    assert listing.text.count("with unpublished changes</span>") == 1
    filtered = client.get(reverse("admin:cities_city_changelist"), {"draft": "yes"})
    assert list(filtered.context["cl"].result_list) == [quito]
    unfiltered = client.get(reverse("admin:cities_city_changelist"), {"draft": "no"})
    assert list(unfiltered.context["cl"].result_list) == [other]


def test_a_draft_of_the_citys_program_rows_stays_off_the_public_page(quito, publisher):
    client = logged_in_client(publisher)
    data = opened_form(client, quito)
    data.pop("_save")
    summary_fields = [key for key in data if key.startswith("programs-0-summary")]
    assert summary_fields
    changes = {key: "Care and play for every child under five." for key in summary_fields}
    assert (
        client.post(change_url(quito), {**data, **changes, "_save_draft": "1"}).status_code == 302
    )

    program = quito.programs.get()
    assert program.summary_en == "Care for young children."
    assert "every child under five" not in public_page(quito).text
    draft = Draft.objects.get()
    preview = client.get(reverse("cities:draft_preview", args=[draft.pk]))
    assert "every child under five" in preview.text
    program.refresh_from_db()
    assert program.summary_en == "Care for young children."

    assert client.post(change_url(quito), opened_form(client, quito)).status_code == 302
    program.refresh_from_db()
    assert program.summary_en == "Care and play for every child under five."


class TestTwoEditorsOnOneDraft:
    def test_a_draft_saved_meanwhile_is_not_overwritten_and_the_typing_stays(self, quito):
        ana = logged_in_client(make_publisher(username="ana"))
        bruno = logged_in_client(make_publisher(username="bruno"))
        save_draft(ana, quito, narrative_en=DRAFTED)
        bruno_form = opened_form(bruno, quito)  # shows Ana's draft, revision 1
        ana_form = opened_form(ana, quito)
        ana_form.pop("_save")
        ana.post(
            change_url(quito), {**ana_form, "narrative_en": "<p>Ana again.</p>", "_save_draft": "1"}
        )

        bruno_form.pop("_save")
        mine = "<p>Bruno's own words.</p>"
        refused = bruno.post(
            change_url(quito), {**bruno_form, "narrative_en": mine, "_save_draft": "1"}
        )
        assert refused.status_code == 200
        assert "after you opened it" in refused.text
        assert "Bruno&#x27;s own words" in refused.text or "Bruno's own words" in refused.text
        draft = Draft.objects.get(state=DraftState.OPEN)
        assert draft.data["narrative_en"] == ["<p>Ana again.</p>"]
        assert draft.revision == 2

        # Saving the refused form again, as it says, replaces Ana's draft with Bruno's.
        assert refused.context["draft_revision"] == 2
        again = bruno.post(
            change_url(quito),
            {**bruno_form, "narrative_en": mine, "_draft_revision": "2", "_save_draft": "1"},
        )
        assert again.status_code == 302
        draft.refresh_from_db()
        assert draft.data["narrative_en"] == [mine] and draft.revision == 3

    def test_a_publisher_who_opened_the_form_before_a_draft_leaves_that_draft_open(self, quito):
        pablo = logged_in_client(make_publisher(username="pablo2"))
        ana = logged_in_client(make_publisher(username="ana"))
        pablo_form = opened_form(pablo, quito)
        save_draft(ana, quito, narrative_en=DRAFTED)
        pablo_form["tagline_en"] = "A capital that learns"
        response = pablo.post(change_url(quito), pablo_form, follow=True)
        assert "stays open" in response.text
        assert Draft.objects.get().state == DraftState.OPEN
        quito.refresh_from_db()
        assert quito.tagline_en == "A capital that learns"
        assert quito.narrative_en == LIVE


def test_publishing_a_draft_over_changes_published_since_goes_through_the_conflict_page(quito):
    ana = logged_in_client(make_publisher(username="ana"))
    save_draft(ana, quito, narrative_en=DRAFTED)
    # Published meanwhile, on the live item: the draft was made from the version before.
    quito.tagline_en = "A capital that learns"
    quito.save()

    conflict = ana.post(change_url(quito), opened_form(ana, quito))
    assert conflict.status_code == 409
    quito.refresh_from_db()
    assert quito.narrative_en == LIVE

    assert apply_my_changes(ana, quito, conflict).status_code == 302
    quito.refresh_from_db()
    assert (quito.narrative_en, quito.tagline_en) == (DRAFTED, "A capital that learns")
    assert Draft.objects.get().state == DraftState.PUBLISHED


class TestThoseWhoMayNotPublish:
    def test_an_editors_save_of_a_live_city_is_a_draft_and_submitting_it_asks_for_review(
        self, quito, publisher
    ):
        editor = make_staff("Editors", username="eva", email="eva@example.org")
        client = logged_in_client(editor)
        form = client.get(change_url(quito))
        assert 'name="_save_draft"' in form.text and 'name="_save"' not in form.text

        data = opened_form(client, quito) | {"narrative_en": DRAFTED}
        # A plain save, forged or from an old page, is kept as a draft too.
        assert client.post(change_url(quito), data).status_code == 302
        quito.refresh_from_db()
        assert quito.narrative_en == LIVE
        assert Draft.objects.get().created_by == editor

        data = opened_form(client, quito)
        data.pop("_save")
        client.post(change_url(quito), {**data, "_submit_for_review": "1"})
        submission = ReviewRequest.objects.get()
        assert submission.draft == Draft.objects.get()
        assert OutgoingMail.objects.filter(recipient="pablo@example.org").exists()

        reviewer = logged_in_client(publisher)
        page = reviewer.get(review_url(submission))
        assert page.status_code == 200
        version = review.reviewed_version(submission, quito)
        approved = reviewer.post(review_url(submission), {"version": version, "_approve": "1"})
        assert approved.status_code == 302
        quito.refresh_from_db()
        assert quito.narrative_en == DRAFTED
        assert "every parish" in public_page(quito).text
        submission.refresh_from_db()
        assert (submission.state, submission.reviewer) == (ReviewState.APPROVED, publisher)
        assert Draft.objects.get().state == DraftState.PUBLISHED

    def test_approving_a_draft_saved_again_since_shows_the_newer_one_first(self, quito, publisher):
        editor = make_staff("Editors", username="eva")
        client = logged_in_client(editor)
        data = opened_form(client, quito) | {"narrative_en": DRAFTED, "_submit_for_review": "1"}
        data.pop("_save")
        client.post(change_url(quito), data)
        submission = ReviewRequest.objects.get()
        seen = review.reviewed_version(submission, quito)
        again = opened_form(client, quito) | {"narrative_en": "<p>Newer words.</p>"}
        client.post(change_url(quito), again)

        response = logged_in_client(publisher).post(
            review_url(submission), {"version": seen, "_approve": "1"}
        )
        assert response.status_code == 409
        quito.refresh_from_db()
        assert quito.narrative_en == LIVE
        assert ReviewRequest.objects.get().state == ReviewState.SUBMITTED

    def test_an_uploaders_change_to_a_published_photo_waits_for_a_publisher(self, quito):
        uploader = make_staff("Photo uploaders", username="ana")
        photo = make_photo(
            city=quito, title="Panecillo", uploaded_by=uploader, status=Status.PUBLISHED
        )
        client = logged_in_client(uploader)
        data = opened_form(client, photo) | {"author": "Ana Morales"}
        del data["image"]  # a file input left as it is posts nothing
        assert client.post(change_url(photo), data).status_code == 302
        photo.refresh_from_db()
        assert photo.author != "Ana Morales"
        assert Draft.objects.get().item == photo

    def test_a_forged_discard_or_preview_by_someone_without_the_right_is_refused(
        self, quito, publisher
    ):
        save_draft(logged_in_client(publisher), quito, narrative_en=DRAFTED)
        draft = Draft.objects.get()
        uploader = logged_in_client(make_staff("Photo uploaders", username="ana"))
        discard_url = reverse("admin:cities_city_discard_draft", args=[quito.pk])
        assert uploader.post(discard_url).status_code in (302, 403)
        assert Draft.objects.get().state == DraftState.OPEN
        preview_url = reverse("cities:draft_preview", args=[draft.pk])
        assert uploader.get(preview_url).status_code == 404


@pytest.mark.parametrize(
    ("who", "second_factor_asked"),
    [("visitor", False), ("uploader", False), ("publisher", True)],
)
def test_a_draft_preview_answers_alike_for_an_existing_and_a_missing_draft(
    who, second_factor_asked, quito, publisher, settings
):
    """Whoever may not see a draft cannot tell which draft ids exist, so cannot count them:
    a visitor, staff without the right to change the item, and a publisher whose session has
    not given its second factor (logged in by password alone)."""
    save_draft(logged_in_client(publisher), quito, narrative_en=DRAFTED)
    settings.REQUIRE_2FA = second_factor_asked  # once the draft is saved by the admin's form
    people = {
        "visitor": Client(),
        "uploader": logged_in_client(make_staff("Photo uploaders", username="ana")),
        "publisher": logged_in_client(publisher),
    }
    client = people[who]
    existing = Draft.objects.get().pk
    answers = [
        client.get(reverse("cities:draft_preview", args=[pk])) for pk in (existing, existing + 1)
    ]
    assert answers[0].status_code == answers[1].status_code in (403, 404)
    assert answers[0].content == answers[1].content.replace(
        str(existing + 1).encode(), str(existing).encode()
    )


def test_a_new_file_cannot_wait_in_a_draft(quito, publisher):
    photo = make_photo(city=quito, title="Panecillo", status=Status.PUBLISHED)
    client = logged_in_client(publisher)
    data = opened_form(client, photo)
    data.pop("_save")
    del data["image"]
    response = client.post(
        change_url(photo), {**data, "image": uploaded_jpeg("new.jpg"), "_save_draft": "1"}
    )
    assert response.status_code == 200
    assert "A draft keeps texts, not files" in response.text
    assert not Draft.objects.exists()


class TestScheduledDrafts:
    def schedule(self, client, item, when, **changes):
        data = opened_form(client, item) | changes
        data.pop("_save")
        return client.post(
            change_url(item),
            {**data, "_schedule_draft": "1", "_draft_publish_at": when.strftime("%Y-%m-%dT%H:%M")},
        )

    def test_a_scheduled_draft_goes_public_by_itself_at_its_time(self, quito, publisher):
        client = logged_in_client(publisher)
        when = timezone.localtime() + timedelta(hours=2)
        assert self.schedule(client, quito, when, narrative_en=DRAFTED).status_code == 302
        draft = Draft.objects.get()
        assert draft.publish_at is not None and draft.scheduled_by == publisher
        assert "every parish" not in public_page(quito).text  # cached now
        assert ContentVersion.objects.get().next_publication_at == draft.publish_at
        form = client.get(change_url(quito)).text
        assert "They will be published on" in form and 'name="_schedule_draft"' in form

        # Its time comes: no save happens; a visitor's page publishes nothing, the task does,
        # and the next visitor gets the new page.
        with time_machine.travel(when + timedelta(minutes=1)):
            assert "every parish" not in public_page(quito).text
            assert Draft.objects.get().state == DraftState.OPEN
            assert publish_scheduled() == 1
            assert "every parish" in public_page(quito).text
        draft.refresh_from_db()
        assert (draft.state, draft.closed_by) == (DraftState.PUBLISHED, publisher)
        quito.refresh_from_db()
        assert quito.narrative_en == DRAFTED

    def test_a_time_in_the_past_is_refused(self, quito, publisher):
        client = logged_in_client(publisher)
        response = self.schedule(
            client, quito, timezone.localtime() - timedelta(hours=1), narrative_en=DRAFTED
        )
        assert response.status_code == 200
        assert "Choose a time in the future" in response.text
        assert not Draft.objects.exists()

    def test_a_scheduled_draft_that_no_longer_applies_stays_open_and_its_scheduler_is_told(
        self, quito, publisher
    ):
        client = logged_in_client(publisher)
        self.schedule(
            client, quito, timezone.localtime() + timedelta(hours=2), narrative_en=DRAFTED
        )
        quito.tagline_en = "Changed live meanwhile"
        quito.save()
        with time_machine.travel(timezone.now() + timedelta(hours=3)):
            assert publish_scheduled() == 0
        assert public_page(quito).status_code == 200
        assert_left_open_and_scheduler_told(Draft.objects.get(), "changed after this draft", quito)


def assert_left_open_and_scheduler_told(draft, problem, city):
    """A scheduled draft of `city` that was not published: open, unscheduled, with `problem`
    said to its scheduler (pablo), and the city as it was."""
    draft.refresh_from_db()
    assert draft.state == DraftState.OPEN and draft.publish_at is None
    assert problem in draft.problem
    mail = OutgoingMail.objects.get(
        recipient="pablo@example.org", subject__contains="Not published"
    )
    # A link to the city's form that works from the mail: on the site's address.
    assert f"\n{django_settings.SITE_URL}{change_url(city)}\n" in mail.body
    city.refresh_from_db()
    assert city.narrative_en == LIVE


@pytest.mark.parametrize("kind", ["criterion", "site text"])
def test_criteria_and_site_texts_have_drafts_too(kind, publisher):
    if kind == "criterion":
        item = make_criterion(title="Learning in families", statement="<p>Old statement.</p>")
        field, page = "statement_en", reverse("cities:criteria")
    else:
        item = SiteText.objects.create(
            key=SiteText.Key.BENEFITS, text_en="<p>Old benefits.</p>", text_es="<p>Beneficios.</p>"
        )
        field, page = "text_en", reverse("cities:overview")
    client = logged_in_client(publisher)
    assert save_draft(client, item, **{field: "<p>Brand new words.</p>"}).status_code == 302
    assert "Brand new words" not in Client().get(page).text
    preview = client.get(reverse("cities:draft_preview", args=[Draft.objects.get().pk]))
    assert "Brand new words" in preview.text
    assert "Preview of unpublished changes" in preview.text
    assert client.post(change_url(item), opened_form(client, item)).status_code == 302
    assert "Brand new words" in Client().get(page).text


def test_the_review_page_lists_what_the_draft_changes(quito, publisher):
    editor = make_staff("Editors", username="eva")
    client = logged_in_client(editor)
    data = opened_form(client, quito) | {"narrative_en": DRAFTED, "_submit_for_review": "1"}
    data.pop("_save")
    client.post(change_url(quito), data)
    page = logged_in_client(publisher).get(review_url(ReviewRequest.objects.get()))
    changes = page.context["draft_changes"]
    assert [(change["row"], change["field"]) for change in changes] == [("", "Narrative (English)")]
    assert changes[0]["old"] == "Quito learns in its <del>neighbourhoods.</del>"
    assert changes[0]["new"] == (
        "Quito learns in <ins>every parish, from</ins> its <ins>markets to its parks.</ins>"
    )
    assert reverse("cities:draft_preview", args=[Draft.objects.get().pk]) in page.text


def test_the_history_records_the_drafts_and_still_restores_the_version_before(quito, publisher):
    client = logged_in_client(publisher)
    before = quito.history.latest()
    save_draft(client, quito, narrative_en=DRAFTED)
    client.post(change_url(quito), opened_form(client, quito))  # publishes it
    save_draft(client, quito, narrative_en="<p>A second thought.</p>")
    client.post(reverse("admin:cities_city_discard_draft", args=[quito.pk]))

    history = client.get(reverse("admin:cities_city_history", args=[quito.pk]))
    # Its author is credited beside the publisher (here one person: Pablo wrote and published).
    assert "changes written by pablo, published from their draft" in history.text
    drafts = history.context["item_drafts"]
    assert [d.state for d in drafts] == [DraftState.DISCARDED, DraftState.PUBLISHED]
    assert "Drafts of changes" in history.text

    revert_url = reverse("admin:cities_city_simple_history", args=[quito.pk, before.pk])
    form = client.get(revert_url).context["adminform"].form
    from .factories import posted

    data = posted(form)
    for inline in ("programs", "photos", "awards"):
        data |= {f"{inline}-TOTAL_FORMS": 0, f"{inline}-INITIAL_FORMS": 0}
    assert client.post(revert_url, data).status_code == 302
    quito.refresh_from_db()
    assert quito.narrative_en == LIVE
    assert "every parish" not in public_page(quito).text


def test_an_editor_without_the_right_cannot_publish_by_restoring_a_live_items_version(quito):
    before = quito.history.latest()
    editor = logged_in_client(make_staff("Editors", username="eva"))
    revert_url = reverse("admin:cities_city_simple_history", args=[quito.pk, before.pk])
    assert editor.post(revert_url, {"name": "Hacked"}).status_code == 403
    quito.refresh_from_db()
    assert quito.name == "Quito"


def test_a_draft_typed_in_spanish_is_published_by_an_english_publisher_as_typed(quito, publisher):
    published_at = quito.published_at
    eva = logged_in_client(make_staff("Editors", username="eva"), language="es")
    data = opened_form(eva, quito) | {"narrative_es": "<p>Quito aprende.</p>"}
    # The date as the Spanish admin writes it (the English admin reads 30/11 as no date).
    with translation.override("es"):
        data["published_at_0"] = formats.localize_input(data["published_at_0"])
    assert "/" in data["published_at_0"]
    data.pop("_save")
    eva.post(change_url(quito), {**data, "_submit_for_review": "1"})
    submission = ReviewRequest.objects.get()

    english = logged_in_client(publisher, language="en")
    form = english.get(change_url(quito)).context["adminform"].form
    assert form.errors == {}
    assert form["published_at"].value()[0] == timezone.localtime(published_at).date().isoformat()
    page = english.get(review_url(submission))
    assert [change["field"] for change in page.context["draft_changes"]] == ["Narrative (Spanish)"]
    version = review.reviewed_version(submission, quito)
    english.post(review_url(submission), {"version": version, "_approve": "1"})
    quito.refresh_from_db()
    assert quito.narrative_es == "<p>Quito aprende.</p>"
    assert quito.published_at.replace(microsecond=0) == published_at.replace(microsecond=0)


def test_the_criteria_list_says_which_have_unpublished_changes(publisher):
    changed = make_criterion(title="Learning in families", statement="<p>Old.</p>")
    make_criterion(title="Learning at work", statement="<p>Work.</p>")
    client = logged_in_client(publisher)
    save_draft(client, changed, statement_en="<p>New.</p>")
    listing = client.get(reverse("admin:cities_criterion_changelist"))
    assert listing.text.count("published, with unpublished changes") == 1


def test_publishing_a_submitted_draft_from_the_form_approves_its_submission(quito, publisher):
    editor = make_staff("Editors", username="eva", email="eva@example.org")
    client = logged_in_client(editor)
    data = opened_form(client, quito) | {"narrative_en": DRAFTED, "_submit_for_review": "1"}
    data.pop("_save")
    client.post(change_url(quito), data)

    reviewer = logged_in_client(publisher)
    assert reviewer.post(change_url(quito), opened_form(reviewer, quito)).status_code == 302
    submission = ReviewRequest.objects.get()
    assert (submission.state, submission.reviewer) == (ReviewState.APPROVED, publisher)
    assert OutgoingMail.objects.filter(recipient="eva@example.org", subject__startswith="Approved")
