"""The content forms (cities.content_forms, learningcities.editorial.content): the admin's change
forms are built on them, and a draft is checked and published with them, with no admin view."""

import re
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.admin.options import ModelAdmin
from django.test import RequestFactory
from django.urls import reverse

from cities import drafts, review
from cities.history import PUBLISHED_FROM
from cities.models import Draft, DraftState, Program, ReviewState, Status
from learningcities import editorial

from .factories import (
    change_url,
    draft_of,
    logged_in_client,
    make_city,
    make_program,
    make_publisher,
    make_staff,
    review_url,
    saved_by,
)

pytestmark = pytest.mark.django_db

# The domain side of the cities app: content, its editorial rules and its public pages. Only
# the admin layer (the admin modules, the admin's own pages) may use Django's admin.
DOMAIN_MODULES = [
    "activity",
    "content_forms",
    "drafts",
    "editorial",
    "history",
    "notifications",
    "page_cache",
    "rendered_diff",
    "review",
    "rich_text",
    "scheduling",
    "views",
]
ADMIN_USE = re.compile(
    r"django\.contrib\.admin|from django\.contrib import [^\n]*\badmin\b|HttpRequest\(|_registry"
)


def as_publisher(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.fixture
def quito():
    city = make_city(name="Quito", slug="quito", tagline="Learning in every parish", cover=False)
    make_program(city, name="Quito Wawas", summary="Care for young children.")
    return city


@pytest.fixture
def publisher():
    return make_publisher(username="pablo")


def test_the_admins_forms_are_built_on_the_content_forms_with_their_fields(publisher):
    make_city()
    request = as_publisher(publisher)
    cities_types = [
        r for r in editorial.registered("drafts") if r.model._meta.app_label == "cities"
    ]
    assert len(cities_types) == 5
    for registration in cities_types:
        model_admin = admin.site._registry[registration.model]
        item = registration.model._default_manager.first()
        form = model_admin.get_form(request, item, change=True)
        assert issubclass(form, registration.content.form), registration.model
        assert list(form.base_fields) == list(registration.content.form.base_fields)
        inlines = [
            (FormSet.get_default_prefix(), set(FormSet.form.base_fields) - {FormSet.fk.name})
            for FormSet, _inline in model_admin.get_formsets_with_inlines(request, item)
        ]
        assert inlines == [
            (FormSet.get_default_prefix(), set(FormSet.form.base_fields))
            for FormSet in registration.content.rows
        ], registration.model


def test_a_draft_is_published_by_its_content_forms_with_no_admin_view(
    quito, publisher, monkeypatch
):
    def no_admin_view(*args, **kwargs):
        raise AssertionError("the admin's form view was used")

    monkeypatch.setattr(ModelAdmin, "changeform_view", no_admin_view)
    draft = draft_of(
        quito, publisher, tagline_en="Learning in every market", **{"programs-0-name_en": "Wawas"}
    )

    drafts.publish(draft.pk, publisher)

    quito.refresh_from_db()
    assert quito.tagline_en == "Learning in every market"
    assert quito.programs.get().name_en == "Wawas"
    assert Draft.objects.get().state == DraftState.PUBLISHED
    newest = quito.history.first()
    assert newest.history_change_reason == PUBLISHED_FROM % draft.pk
    assert newest.history_user == publisher
    assert Program.history.first().history_user == publisher


def test_content_the_forms_refuse_is_not_published_and_says_why(quito, publisher):
    draft = draft_of(quito, publisher, name_es="", tagline_en="Learning in every market")

    with pytest.raises(drafts.DraftNotApplicable, match="Name"):
        drafts.publish(draft.pk, publisher)

    quito.refresh_from_db()
    assert quito.name_es == "Quito" and quito.tagline_en == "Learning in every parish"
    assert Draft.objects.get().state == DraftState.OPEN


def test_a_draft_over_a_row_changed_since_it_was_saved_is_not_published(quito, publisher):
    draft = draft_of(quito, publisher, tagline_en="Learning in every market")
    saved_by(publisher, quito.programs.get(), name_en="Wawas, renamed since")

    with pytest.raises(drafts.DraftNotApplicable, match="changed after this draft was saved"):
        drafts.publish(draft.pk, publisher)

    quito.refresh_from_db()
    assert quito.tagline_en == "Learning in every parish"
    assert Draft.objects.get().state == DraftState.OPEN


def test_the_review_lists_a_drafts_changes_from_the_content_forms(quito, publisher):
    draft = draft_of(quito, publisher, tagline_en="Learning in every market")

    changes = drafts.draft_changes(quito, draft, publisher)

    assert [(change["row"], str(change["field"])) for change in changes] == [
        ("", "Tagline (English)")
    ]
    assert "market" in changes[0]["new"] and "parish" in changes[0]["old"]


def test_the_domain_uses_no_admin_view_and_builds_no_request():
    """Publishing is no side effect of the admin: the cities domain imports nothing of
    Django's admin, fakes no request and reads no admin's registry."""
    app = Path(drafts.__file__).parent
    modules = [app / f"{name}.py" for name in DOMAIN_MODULES] + sorted(app.glob("models/*.py"))
    offenders = [
        f"{path.relative_to(app)}: {found.group()}"
        for path in modules
        for found in ADMIN_USE.finditer(path.read_text())
    ]
    assert offenders == []
    # The pattern finds what it is meant to.
    assert ADMIN_USE.search((app / "drafts_admin.py").read_text())


def test_a_row_the_draft_publishes_has_its_own_submission_approved(quito, publisher):
    program = quito.programs.get()
    program.status = Status.DRAFT
    program.save()
    editor = make_staff("Editors", username="eva")
    submission = review.submit(program, editor)
    draft = draft_of(quito, publisher, **{"programs-0-status": Status.PUBLISHED})

    drafts.publish(draft.pk, publisher)

    program.refresh_from_db()
    submission.refresh_from_db()
    assert program.status == Status.PUBLISHED
    assert (submission.state, submission.reviewer) == (ReviewState.APPROVED, publisher)


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_form_showing_a_draft_writes_its_dates_as_for_the_saved_item(quito, publisher, language):
    client = logged_in_client(publisher, language=language)

    def dates_shown():
        page = client.get(change_url(quito)).text
        return re.findall(
            r'name="(published_at_0|programs-0-published_at_0)" value="([^"]*)"', page
        )

    saved = dates_shown()
    draft_of(quito, publisher, tagline_en="Learning in every market")

    assert len(saved) == 2 and dates_shown() == saved


def test_the_history_credits_the_drafts_authors_and_its_publisher(quito, publisher):
    editor = make_staff("Editors", username="eva", first_name="Eva", last_name="Ortiz")
    draft = draft_of(quito, editor, tagline_en="Learning in every market")
    draft.updated_by = make_staff("Editors", username="luis")
    draft.save()

    drafts.publish(draft.pk, publisher)

    page = logged_in_client(publisher).get(reverse("admin:cities_city_history", args=[quito.pk]))
    assert "changes written by Eva Ortiz and luis, published from their draft" in page.text
    assert quito.history.first().history_user == publisher


def test_the_review_shows_the_checks_while_writing_of_each_changed_text(quito, publisher):
    editor = make_staff("Editors", username="eva")
    draft = draft_of(
        quito,
        editor,
        narrative_en='<p>Quito learns. Read more <a href="https://uil.org">here</a>.</p>',
    )
    submission = review.submit(quito, editor, draft=draft)

    page = logged_in_client(publisher).get(review_url(submission)).text

    assert "Checks while writing: 5 words · 1 min read" in page
    assert "The link text “here” says nothing out of context: name where it leads." in page
    assert page.count("Checks while writing:") == 1  # the tagline and the rest are unchanged
