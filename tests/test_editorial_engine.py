"""The editorial engine on its own (learningcities.editorial): its registry and its one
permission policy."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission

from cities.models import City, LearningCityAward, Photo, Program, Status
from learningcities import editorial
from learningcities.editorial.actions import change_status, status_changed
from learningcities.editorial.permissions import (
    EditorialPermissionDenied,
    changeable,
    check,
    may_change,
    may_delete,
    may_publish,
    may_take_offline,
)
from learningcities.editorial.registry import Registration
from tests.factories import (
    make_city,
    make_photo,
    make_program,
    make_publisher,
    make_publishing_uploader,
    make_staff,
    make_user,
    staff_with,
)
from tests.test_project import imported_modules


class TestRegistry:
    def test_the_cities_app_registers_its_types_once_with_their_features(self):
        def named(feature):
            models = editorial.models_with(feature)
            return [model.__name__ for model in models if model._meta.app_label == "cities"]

        assert named("history") == [
            *("City", "Program", "Photo", "Criterion", "SiteText", "ResourceLink"),
            "LearningCityAward",
        ]
        assert named("drafts") == ["City", "Program", "Photo", "Criterion", "SiteText"]
        assert named("review") == named("publishable") == ["City", "Program", "Photo"]
        assert named("preview") == named("drafts")
        assert editorial.registration(LearningCityAward).named_by == ("city",)

    def test_a_type_cannot_be_registered_twice(self):
        with pytest.raises(ValueError, match="already registered"):
            editorial.register(City, drafts=True)

    def test_an_unregistered_model_takes_no_part(self):
        assert editorial.registration(Permission) is None

    def test_history_options_reach_the_recorded_history(self):
        # Program's former slugs are left out of its versions (cities.editorial).
        recorded = {field.name for field in Program.history.model._meta.fields}
        assert "former_slugs" not in recorded
        assert "name_es" in recorded and "name_en" in recorded

    @pytest.mark.django_db
    def test_a_types_own_rule_limits_whose_versions_a_person_reads(self):
        uploader = staff_with("view_photo", "change_photo", "add_photo")
        make_photo(uploaded_by=uploader, title="Mine")
        make_photo(title="Someone else's")
        history = editorial.registration(Photo).history_for(uploader)
        assert {record.title for record in history} == {"Mine"}


@pytest.mark.django_db
class TestPermissionPolicy:
    def test_publishing_needs_the_right_to_change_the_item_too(self):
        city = make_city()
        publisher = make_publisher()
        publisher_without_cities = staff_with("publish_content")
        assert may_publish(publisher, city)
        assert may_publish(publisher_without_cities)
        assert not may_publish(publisher_without_cities, city)
        assert not may_publish(publisher_without_cities, City)
        with pytest.raises(EditorialPermissionDenied, match="may not publish"):
            check(publisher_without_cities, "publish", city)

    def test_an_items_own_rule_counts_for_changing_and_deleting(self):
        uploader = staff_with("change_photo", "delete_photo")
        own = make_photo(uploaded_by=uploader, status=Status.DRAFT)
        other = make_photo(status=Status.DRAFT)
        assert may_change(uploader, own) and may_delete(uploader, own)
        assert not may_change(uploader, other) and not may_delete(uploader, other)
        assert list(changeable(Photo, uploader)) == [own]
        with pytest.raises(EditorialPermissionDenied, match="may not delete"):
            check(uploader, "delete", other)

    def test_taking_a_published_item_off_the_site_needs_the_right_to_publish_it(self):
        uploader = staff_with("change_photo", "delete_photo")
        published = make_photo(uploaded_by=uploader, status=Status.PUBLISHED)
        assert may_change(uploader, published)
        assert not may_take_offline(uploader, published)
        assert not may_delete(uploader, published)
        publishing_uploader = staff_with("change_photo", "delete_photo", "publish_content")
        published.uploaded_by = publishing_uploader
        assert may_take_offline(publishing_uploader, published)
        assert may_delete(publishing_uploader, published)

    def test_without_the_model_permission_nothing_is_changeable(self):
        make_city()
        editor = make_user(is_staff=True)
        assert not may_change(editor, City)
        assert not changeable(City, editor).exists()


def test_a_registration_without_features_is_neither_publishable_nor_drafted():
    registration = Registration(Permission)
    assert not registration.publishable
    assert not registration.drafts and registration.history_options == {}


@pytest.mark.django_db
class TestChangeStatus:
    """The publication-status step, called without the admin."""

    @pytest.fixture
    def programs(self):
        city = make_city()
        return [make_program(city, name=f"Program {n}") for n in range(2)]

    @pytest.fixture
    def sent(self):
        calls = []

        def receiver(sender, **kwargs):
            calls.append((sender, kwargs))

        status_changed.connect(receiver)
        yield calls
        status_changed.disconnect(receiver)

    def test_an_editor_cannot_take_published_items_off_the_site(self, programs, sent):
        editor = make_staff("Editors")
        with pytest.raises(EditorialPermissionDenied, match="Program 0"):
            change_status(Program, [p.pk for p in programs], editor, Status.ARCHIVED)
        assert set(Program.objects.values_list("status", flat=True)) == {Status.PUBLISHED}
        assert sent == []

    def test_a_publisher_archives_them_each_recorded_in_its_history(self, programs, sent):
        publisher = make_publisher()
        changed = change_status(
            Program, [p.pk for p in programs], publisher, Status.ARCHIVED, reason="archived"
        )
        assert {p.status for p in changed} == {Status.ARCHIVED}
        for program in programs:
            latest = program.history.latest()
            assert (latest.status, latest.history_change_reason) == ("archived", "archived")
        ((sender, kwargs),) = sent
        assert sender is Program and kwargs["user"] == publisher
        assert {p.pk for p in kwargs["items"]} == {p.pk for p in programs}

    def test_publishing_needs_the_right_to_change_the_item(self, programs):
        Program.objects.update(status=Status.DRAFT)
        photo_publisher = make_publishing_uploader()
        with pytest.raises(EditorialPermissionDenied):
            change_status(Program, [programs[0].pk], photo_publisher, Status.PUBLISHED)
        assert Program.objects.get(pk=programs[0].pk).status == Status.DRAFT


def test_the_engine_imports_no_admin_and_no_content_app():
    """The engine's side of the layers (import-linter checks the rest, `make lint`): only
    its own admin layer (admin.py, the pages it adds to the admin) imports Django's admin."""
    engine = Path(editorial.__file__).parent
    offenders = [
        f"{path.name}:{line} imports {name}"
        for path in sorted(engine.glob("*.py"))
        for line, name in imported_modules(path)
        if name.startswith(("cities", "learningcities.admin"))
        or (name.startswith("django.contrib.admin") and path.name != "admin.py")
    ]
    assert offenders == []
