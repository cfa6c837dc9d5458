"""Review before publishing: only publishers publish; others submit, publishers approve or
reject, authors read the decision; every step recorded with who and when."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cities import review
from cities.models import City, Draft, OutgoingMail, Photo, ReviewRequest, ReviewState, Status
from learningcities.editorial.versions import newest_version_id

from .factories import (
    change_url,
    logged_in_client,
    make_city,
    make_photo,
    make_publisher,
    make_staff,
    new_photo_form_data,
    posted,
    review_url,
    typed,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def quito():
    return make_city(name="Quito", slug="quito", cover=False)


def submit_new_photo(client, city, **values):
    data = new_photo_form_data(client, city=city.pk, **values)
    return client.post(reverse("admin:cities_photo_add"), {**data, "_submit_for_review": "1"})


def form_data(client, obj, **values):
    """The change form of `obj` as shown, with `values` typed in; a city's inlines empty."""
    form = client.get(change_url(obj)).context["adminform"].form
    data = posted(form) | typed(form, **values)
    if isinstance(obj, City):
        for inline in ("programs", "photos", "awards"):
            data |= {f"{inline}-TOTAL_FORMS": 0, f"{inline}-INITIAL_FORMS": 0}
    return data


def review_page(client, review_request):
    return client.get(review_url(review_request))


def decide(client, review_request, button, **values):
    version = newest_version_id(review_request.item)
    return client.post(review_url(review_request), {"version": version, button: "1", **values})


class TestOnlyPublishersPublish:
    def test_an_uploader_is_offered_no_published_status_and_a_forged_one_is_refused(
        self, people, quito
    ):
        client = logged_in_client(people["uploader"])
        form = client.get(reverse("admin:cities_photo_add")).context["adminform"].form
        assert [value for value, _label in form.fields["status"].choices] == [
            "draft",
            "archived",
        ]

        data = new_photo_form_data(client, city=quito.pk)
        response = client.post(reverse("admin:cities_photo_add"), {**data, "status": "published"})

        assert response.status_code == 200
        assert "status" in response.context["adminform"].form.errors
        assert not Photo.objects.filter(uploaded_by=people["uploader"]).exists()

    def test_an_editor_without_the_right_cannot_publish_a_city(self, people):
        city = make_city(status=Status.DRAFT, cover=False)
        client = logged_in_client(people["editor"])

        response = client.post(change_url(city), form_data(client, city, status="published"))

        assert response.status_code == 200
        assert "status" in response.context["adminform"].form.errors
        city.refresh_from_db()
        assert city.status == Status.DRAFT

    def test_nor_a_photo_in_the_city_form(self, people):
        city = make_city(status=Status.DRAFT, cover=False)
        photo = make_photo(city=city, status=Status.DRAFT)
        client = logged_in_client(people["editor"])
        shown = client.get(change_url(city)).context["inline_admin_formsets"]
        (photo_form,) = next(i for i in shown if i.formset.prefix == "photos").formset.forms
        assert "published" not in dict(photo_form.fields["status"].choices)
        data = form_data(client, city) | posted(photo_form)
        data |= {"photos-TOTAL_FORMS": 1, "photos-INITIAL_FORMS": 1}
        del data["photos-0-image"]  # the stored file stays; a browser posts no file

        refused = client.post(change_url(city), {**data, "photos-0-status": "published"})
        saved = client.post(change_url(city), {**data, "photos-0-title_en": "Renamed"})

        assert refused.status_code == 200
        (formset,) = [
            i.formset
            for i in refused.context["inline_admin_formsets"]
            if i.formset.prefix == "photos"
        ]
        assert "status" in formset.errors[0]
        assert saved.status_code == 302
        photo.refresh_from_db()
        assert (photo.status, photo.title_en) == (Status.DRAFT, "Renamed")

    def test_an_editors_change_to_a_published_city_waits_in_a_draft_for_a_publisher(
        self, people, quito
    ):
        client = logged_in_client(people["editor"])

        response = client.post(change_url(quito), form_data(client, quito, tagline="Nueva"))

        assert response.status_code == 302
        quito.refresh_from_db()
        assert (quito.status, quito.tagline_en) == (Status.PUBLISHED, quito.tagline_en)
        assert quito.tagline_en != "Nueva"
        assert Draft.objects.of(quito).open().get().data["tagline_en"] == ["Nueva"]

    def test_the_publish_action_is_refused_without_the_right(self, people):
        city = make_city(status=Status.DRAFT, cover=False)
        client = logged_in_client(people["editor"])
        changelist = reverse("admin:cities_city_changelist")

        assert "publish_now" not in client.get(changelist).text
        client.post(changelist, {"action": "publish_now", "_selected_action": [city.pk]})

        city.refresh_from_db()
        assert city.status == Status.DRAFT

    def test_a_publisher_may_publish_directly(self, people):
        city = make_city(status=Status.DRAFT, cover=False)
        client = logged_in_client(people["publisher"])

        client.post(change_url(city), form_data(client, city, status="published"))

        city.refresh_from_db()
        assert city.is_published


class TestSubmitApproveReject:
    def test_an_uploader_submits_a_photo_and_the_publishers_are_mailed(self, people, quito):
        client = logged_in_client(people["uploader"])

        response = submit_new_photo(client, quito, title="Plaza Grande")

        assert response.status_code == 302
        photo = Photo.objects.get(title_en="Plaza Grande")
        assert photo.status == Status.DRAFT
        submission = ReviewRequest.objects.get()
        assert (submission.item, submission.submitted_by, submission.state) == (
            photo,
            people["uploader"],
            ReviewState.SUBMITTED,
        )
        assert submission.version_id == photo.history.latest().history_id
        mails = OutgoingMail.objects.all()
        # Publishers only (and no superuser exists here): not the editor without the right.
        assert [mail.recipient for mail in mails] == ["pablo@example.org"]
        assert "Plaza Grande" in mails[0].subject
        assert review_url(submission) in mails[0].body

    def test_submitting_twice_queues_it_once(self, people, quito):
        client = logged_in_client(people["uploader"])
        submit_new_photo(client, quito)
        photo = Photo.objects.get(uploaded_by=people["uploader"])

        response = client.post(
            change_url(photo), {**form_data(client, photo), "_submit_for_review": "1"}, follow=True
        )

        assert ReviewRequest.objects.count() == 1
        assert "already awaiting review" in response.text

    def test_a_publisher_sees_the_queue_and_the_submitted_photo(self, people, quito):
        submit_new_photo(logged_in_client(people["uploader"]), quito, title="Plaza Grande")
        client = logged_in_client(people["publisher"])

        queue = client.get(reverse("admin:cities_reviewrequest_changelist"), follow=True)
        page = review_page(client, ReviewRequest.objects.get())

        assert "Plaza Grande" in queue.text
        assert page.status_code == 200
        assert "Approve and publish" in page.text and "Reject" in page.text
        assert Photo.objects.get().picture.smallest_src in page.text

    def test_a_rejection_is_recorded_mailed_and_shown_to_the_author(self, people, quito):
        author = logged_in_client(people["uploader"])
        submit_new_photo(author, quito, title="Plaza Grande")
        submission = ReviewRequest.objects.get()
        OutgoingMail.objects.all().delete()

        response = decide(
            logged_in_client(people["publisher"]),
            submission,
            "_reject",
            comment="The credit misses the holder.",
        )

        assert response.status_code == 302
        submission.refresh_from_db()
        assert submission.state == ReviewState.REJECTED
        assert submission.reviewer == people["publisher"]
        assert submission.decided_at is not None
        photo = submission.item
        assert photo.status == Status.DRAFT
        (mail,) = OutgoingMail.objects.all()
        assert mail.recipient == "ana@example.org"
        assert "The credit misses the holder." in mail.body
        assert change_url(photo) in mail.body
        # The author reads the comment on the form, in the list and on the dashboard.
        for page in (change_url(photo), reverse("admin:cities_photo_changelist"), "/admin/"):
            assert "The credit misses the holder." in author.get(page).text, page

    def test_a_rejection_needs_a_comment(self, people, quito):
        submit_new_photo(logged_in_client(people["uploader"]), quito)
        submission = ReviewRequest.objects.get()

        response = decide(logged_in_client(people["publisher"]), submission, "_reject")

        assert response.status_code == 409
        assert "Say what the author should change" in response.text
        submission.refresh_from_db()
        assert submission.state == ReviewState.SUBMITTED

    def test_a_rejected_photo_stays_editable_and_can_be_submitted_again(self, people, quito):
        author = logged_in_client(people["uploader"])
        publisher = logged_in_client(people["publisher"])
        submit_new_photo(author, quito)
        decide(publisher, ReviewRequest.objects.get(), "_reject", comment="Name the holder.")
        photo = Photo.objects.get()

        response = author.post(
            change_url(photo),
            {**form_data(author, photo, holder="Municipio de Quito"), "_submit_for_review": "1"},
        )

        assert response.status_code == 302
        assert list(ReviewRequest.objects.values_list("state", flat=True)) == [
            ReviewState.SUBMITTED,
            ReviewState.REJECTED,
        ]
        decide(publisher, ReviewRequest.objects.awaiting().get(), "_approve")
        photo.refresh_from_db()
        assert photo.is_published and photo.holder == "Municipio de Quito"
        assert photo.history.latest().history_user == people["publisher"]
        assert photo.history.latest().history_change_reason == "approved and published"
        assert OutgoingMail.objects.filter(
            recipient="ana@example.org", subject__startswith="Approved"
        ).exists()
        public = logged_in_client(people["other_uploader"]).get(quito.get_absolute_url())
        assert photo.title in public.text

    def test_approval_at_a_chosen_time_schedules_the_publication(self, people, quito):
        submit_new_photo(logged_in_client(people["uploader"]), quito)
        submission = ReviewRequest.objects.get()
        moment = timezone.localtime() + timedelta(days=2)

        decide(
            logged_in_client(people["publisher"]),
            submission,
            "_approve",
            publish_at=moment.strftime("%Y-%m-%dT%H:%M"),
        )

        photo = Photo.objects.get()
        assert photo.status == Status.PUBLISHED and not photo.is_published
        assert photo.published_at == moment.replace(second=0, microsecond=0)

    def test_a_forged_approval_without_the_right_is_refused_and_changes_nothing(
        self, people, quito
    ):
        submit_new_photo(logged_in_client(people["uploader"]), quito)
        submission = ReviewRequest.objects.get()

        for person in ("uploader", "editor"):
            response = decide(logged_in_client(people[person]), submission, "_approve")
            assert response.status_code == 403

        submission.refresh_from_db()
        assert submission.state == ReviewState.SUBMITTED and submission.reviewer is None
        assert Photo.objects.get().status == Status.DRAFT

    def test_approving_what_changed_since_it_was_opened_shows_the_newer_version_first(
        self, people, quito
    ):
        author = logged_in_client(people["uploader"])
        submit_new_photo(author, quito, title="Plaza Grande")
        submission = ReviewRequest.objects.get()
        photo = Photo.objects.get()
        publisher = logged_in_client(people["publisher"])
        seen_version = review_page(publisher, submission).context["form"]["version"].value()
        # The author changes it after submitting, while the publisher looks at it.
        author.post(change_url(photo), form_data(author, photo, title="Plaza de la Independencia"))

        response = publisher.post(
            review_url(submission), {"version": seen_version, "_approve": "1"}
        )

        assert response.status_code == 409
        photo.refresh_from_db()
        assert photo.status == Status.DRAFT
        assert "See what changed" in response.text
        assert "Plaza de la Independencia" in response.text
        newer = response.context["form"]["version"].value()
        assert newer == photo.history.latest().history_id != seen_version

        publisher.post(review_url(submission), {"version": newer, "_approve": "1"})

        photo.refresh_from_db()
        assert photo.is_published and photo.title == "Plaza de la Independencia"

    def test_a_decided_review_cannot_be_decided_again(self, people, quito):
        submit_new_photo(logged_in_client(people["uploader"]), quito)
        submission = ReviewRequest.objects.get()
        decide(logged_in_client(people["publisher"]), submission, "_reject", comment="No.")
        second = make_publisher(username="paula")

        response = decide(logged_in_client(second), submission, "_approve")

        assert response.status_code == 409
        assert "It was already rejected by pablo" in response.text
        assert "Approve and publish" not in response.text
        submission.refresh_from_db()
        assert (submission.state, submission.reviewer) == (
            ReviewState.REJECTED,
            people["publisher"],
        )
        assert Photo.objects.get().status == Status.DRAFT


class TestPublishingDirectlyDecidesTheSubmission:
    """A publisher who publishes a submitted item without the queue approves it so: the
    queue does not keep it, and its author is told."""

    def test_saving_a_submitted_photo_as_published_approves_its_submission(self, people, quito):
        submit_new_photo(logged_in_client(people["uploader"]), quito, title="Plaza Grande")
        photo = Photo.objects.get()
        publisher = logged_in_client(people["publisher"])

        response = publisher.post(
            change_url(photo), form_data(publisher, photo, status="published")
        )

        assert response.status_code == 302
        submission = ReviewRequest.objects.get()
        assert (submission.state, submission.reviewer) == (
            ReviewState.APPROVED,
            people["publisher"],
        )
        assert timezone.now() - submission.decided_at < timedelta(minutes=1)
        assert OutgoingMail.objects.filter(
            recipient="ana@example.org", subject="Approved: Plaza Grande"
        ).exists()
        queue = publisher.get(reverse("admin:cities_reviewrequest_changelist"), follow=True)
        assert list(queue.context["cl"].result_list) == []
        assert publisher.get("/admin/").context["awaiting"] == []

    def test_the_publish_now_action_approves_the_open_submissions(self, people):
        editor = logged_in_client(people["editor"])
        city = make_city(name="Loja", slug="loja", status=Status.DRAFT, cover=False)
        editor.post(change_url(city), {**form_data(editor, city), "_submit_for_review": "1"})
        other = make_city(name="Ambato", status=Status.DRAFT, cover=False)

        logged_in_client(people["publisher"]).post(
            reverse("admin:cities_city_changelist"),
            {"action": "publish_now", "_selected_action": [city.pk, other.pk]},
        )

        submission = ReviewRequest.objects.get()
        assert submission.state == ReviewState.APPROVED
        assert submission.reviewer == people["publisher"]
        assert City.objects.published().count() == 2

    def test_a_decided_submission_is_left_as_it_was(self, people, quito):
        submit_new_photo(logged_in_client(people["uploader"]), quito)
        publisher = logged_in_client(people["publisher"])
        decide(publisher, ReviewRequest.objects.get(), "_reject", comment="Name the holder.")
        photo = Photo.objects.get()

        publisher.post(change_url(photo), form_data(publisher, photo, status="published"))

        submission = ReviewRequest.objects.get()
        assert submission.state == ReviewState.REJECTED
        assert submission.comment == "Name the holder."

    def test_a_save_that_leaves_it_a_draft_keeps_it_in_the_queue(self, people, quito):
        submit_new_photo(logged_in_client(people["uploader"]), quito)
        photo = Photo.objects.get()
        publisher = logged_in_client(people["publisher"])

        publisher.post(change_url(photo), form_data(publisher, photo, holder="Municipio"))

        assert ReviewRequest.objects.get().state == ReviewState.SUBMITTED


class TestDashboard:
    def test_a_publisher_sees_what_awaits_review_with_a_link_to_decide(self, people, quito):
        submit_new_photo(logged_in_client(people["uploader"]), quito, title="Plaza Grande")

        page = logged_in_client(people["publisher"]).get("/admin/").text

        assert "Awaiting my review" in page
        assert review_url(ReviewRequest.objects.get()) in page

    def test_an_uploader_sees_only_their_own_submissions(self, people, quito):
        submit_new_photo(logged_in_client(people["uploader"]), quito, title="Plaza Grande")
        other = logged_in_client(people["other_uploader"])
        submit_new_photo(other, quito, title="Panecillo")
        make_photo(city=quito, title="Someone's draft", status=Status.DRAFT)

        page = other.get("/admin/").text

        assert "My submissions" in page and "Panecillo" in page
        assert "Plaza Grande" not in page and "Someone's draft" not in page
        assert "Awaiting my review" not in page

    def test_the_dashboard_takes_a_fixed_number_of_queries(
        self, people, quito, django_assert_max_num_queries
    ):
        for number in range(5):
            submit_new_photo(logged_in_client(people["uploader"]), quito, title=f"P{number}")
        client = logged_in_client(people["publisher"])
        client.get("/admin/")

        # 5 of them: draft changes of live items; 1 their scheduled changes; 1 open comments;
        # 2 the sidebar's drafts and submissions of the publisher's own.
        with django_assert_max_num_queries(35):
            client.get("/admin/")


def test_publishers_are_active_staff_with_the_right(people):
    make_publisher(username="gone", is_active=False)
    superuser = make_staff("Editors", username="root", is_superuser=True)

    assert set(review.publishers()) == {people["publisher"], superuser}


def test_a_city_is_reviewed_with_its_preview(people):
    city = make_city(status=Status.DRAFT, cover=False, name="Loja", slug="loja")
    client = logged_in_client(people["editor"])

    client.post(change_url(city), {**form_data(client, city), "_submit_for_review": "1"})
    page = review_page(logged_in_client(people["publisher"]), ReviewRequest.objects.get())

    assert reverse("cities:preview", kwargs={"slug": "loja"}) in page.text
    assert City.objects.get(pk=city.pk).status == Status.DRAFT


def test_the_review_of_a_new_city_shows_what_is_approved_field_by_field(people):
    city = make_city(
        status=Status.DRAFT, cover=False, name="Loja", slug="loja", tagline_en="Music and learning"
    )
    client = logged_in_client(people["editor"])
    client.post(change_url(city), {**form_data(client, city), "_submit_for_review": "1"})

    page = review_page(logged_in_client(people["publisher"]), ReviewRequest.objects.get()).text

    assert "What you approve" in page
    assert re.search(r"Tagline \(English\)</th><td>Music and learning</td>", page)
    assert re.search(r"Status</th><td>draft</td>", page)


def test_a_photo_deleted_under_review_leaves_nothing_to_decide(people, quito):
    author = logged_in_client(people["uploader"])
    submit_new_photo(author, quito, title="Plaza Grande")
    submission = ReviewRequest.objects.get()
    submission.item.delete()
    publisher = logged_in_client(people["publisher"])

    assert review_page(publisher, submission).status_code == 404
    assert publisher.get("/admin/").context["awaiting"] == []
    assert "My submissions" not in author.get("/admin/").text
