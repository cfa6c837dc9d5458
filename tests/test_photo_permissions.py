"""Who may do what in the admin: photo uploaders, editors, superusers and visitors."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from cities.models import LearningCityAward, Photo, ResourceLink, ReviewRequest, SiteText, Status
from tests.factories import (
    make_city,
    make_criterion,
    make_photo,
    make_program,
    make_user,
    review_url,
)

pytestmark = pytest.mark.django_db

UPLOADER_PERMISSIONS = {"add_photo", "change_photo", "delete_photo", "view_photo"}
# What editors manage: the network's content, and the site's own texts and links.
NETWORK_MODELS = ["city", "criterion", "learningcityaward", "photo", "program"]
CONTENT_MODELS = [*NETWORK_MODELS, "resourcelink", "sitetext"]


def codenames(group_name):
    group = Group.objects.get(name=group_name)
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def test_photo_uploaders_have_exactly_the_photo_permissions():
    assert codenames("Photo uploaders") == {("cities", name) for name in UPLOADER_PERMISSIONS}


def test_editors_have_all_content_permissions_and_no_user_management():
    expected = {
        ("cities", f"{action}_{model}")
        for model in CONTENT_MODELS
        for action in ("add", "change", "delete", "view")
    } | {("cities", "change_others_photos")}
    assert codenames("Editors") == expected
    # Everything the cities app defines but its internal cache counter, the history tables
    # (whose pages check the content's own permissions), the outbox and the right to publish;
    # nothing from auth.
    assert expected == set(
        Permission.objects.filter(content_type__app_label="cities")
        .exclude(content_type__model__in=["contentversion", "outgoingmail"])
        .exclude(content_type__model__startswith="historical")
        .exclude(codename="publish_content")
        .values_list("content_type__app_label", "codename")
    )


def test_publishers_hold_the_right_to_publish_alone():
    assert codenames("Publishers") == {("cities", "publish_content")}


@pytest.fixture
def objects(people):
    city = make_city(cover=False)
    return {
        "city": city,
        "program": make_program(city),
        "criterion": make_criterion(),
        "learningcityaward": LearningCityAward.objects.create(city=city, year=2019),
        "sitetext": SiteText.objects.create(key=SiteText.Key.BENEFITS, text="Benefits."),
        "resourcelink": ResourceLink.objects.create(title="UIL", url="https://uil.unesco.org/"),
        "own_photo": make_photo(city=city, uploaded_by=people["uploader"]),
        "others_photo": make_photo(city=city, uploaded_by=people["other_uploader"]),
        "user": people["other_uploader"],
        "group": Group.objects.get(name="Editors"),
        "review": ReviewRequest.objects.create(item=city, submitted_by=people["editor"]),
    }


def admin_urls(objects):
    """Every admin page of every model registered by the app, and of users and groups."""
    urls = {
        "index": reverse("admin:index"),
        "app:cities": reverse("admin:app_list", args=["cities"]),
    }
    for model in admin.site._registry:
        opts = model._meta
        if opts.app_label not in ("cities", "auth") or model is ReviewRequest:
            continue
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        urls[f"{opts.model_name}:changelist"] = reverse(f"{prefix}_changelist")
        urls[f"{opts.model_name}:add"] = reverse(f"{prefix}_add")
        if opts.app_label == "cities":
            urls[f"{opts.model_name}:deleted"] = reverse(f"{prefix}_deleted")
        instances = (
            {"own_photo": objects["own_photo"], "others_photo": objects["others_photo"]}
            if model is Photo
            else {opts.model_name: objects[opts.model_name]}
        )
        for label, obj in instances.items():
            for view in ("change", "delete", "history"):
                urls[f"{label}:{view}"] = reverse(f"{prefix}_{view}", args=[obj.pk])
    urls["user:password"] = reverse("admin:auth_user_password_change", args=[objects["user"].pk])
    # The review queue (a list and a decision page: submissions are made on the items' forms).
    queue = reverse("admin:cities_reviewrequest_changelist")
    urls["reviewrequest:changelist"] = f"{queue}?state__exact=submitted"
    urls["reviewrequest:review"] = review_url(objects["review"])
    urls["activity:log"] = reverse("admin:activity_log")
    return urls


ALLOWED, FORBIDDEN, LOGIN, NOT_FOUND = "200", "403", "login", "absent"
# The objects above with a publication status, all published.
PUBLISHED = ("city", "program", "own_photo", "others_photo")


def expected_for(role, name):
    model = name.partition(":")[0]
    if role == "anonymous":
        return LOGIN
    if role == "superuser":
        return ALLOWED
    if model in ("user", "group", "activity"):
        return FORBIDDEN
    if model == "reviewrequest":
        return ALLOWED if role == "publisher" else FORBIDDEN
    if name.endswith(":delete") and model in PUBLISHED and role in ("editor", "uploader"):
        # Deleting a published item takes it off the site: a publisher's step (issue 24). An
        # uploader does not even see someone else's photo.
        return NOT_FOUND if (role, model) == ("uploader", "others_photo") else FORBIDDEN
    if role in ("editor", "publisher") or name in ("index", "app:cities"):
        return ALLOWED
    # An uploader: their own photos, and photos' list and form; nobody else's photos.
    if model == "own_photo" or name in ("photo:changelist", "photo:add", "photo:deleted"):
        return ALLOWED
    if model == "others_photo":
        return NOT_FOUND  # hidden as if it did not exist, as Django's admin does
    return FORBIDDEN


def outcome(response):
    if response.status_code == 302:
        return LOGIN if "/login/" in response["Location"] else NOT_FOUND
    return str(response.status_code)


@pytest.mark.parametrize("role", ["anonymous", "uploader", "editor", "publisher", "superuser"])
def test_permission_matrix_on_every_admin_url(client, people, objects, role):
    if role == "superuser":
        client.force_login(make_user("admin", is_staff=True, is_superuser=True))
    elif role != "anonymous":
        client.force_login(people[role])
    urls = admin_urls(objects)
    assert len(urls) > 30

    wrong = {
        name: (outcome(response), expected_for(role, name))
        for name, url in urls.items()
        if outcome(response := client.get(url)) != expected_for(role, name)
    }

    assert wrong == {}


def test_an_uploader_lists_only_their_own_photos(client, people, objects):
    client.force_login(people["uploader"])

    response = client.get(reverse("admin:cities_photo_changelist"))

    assert list(response.context["cl"].queryset) == [objects["own_photo"]]


def test_an_uploader_cannot_change_or_delete_someone_elses_photo(client, people, objects):
    client.force_login(people["uploader"])
    photo = objects["others_photo"]

    client.post(reverse("admin:cities_photo_change", args=[photo.pk]), {"title_en": "Mine now"})
    client.post(reverse("admin:cities_photo_delete", args=[photo.pk]), {"post": "yes"})
    client.post(
        reverse("admin:cities_photo_changelist"),
        {"action": "delete_selected", "_selected_action": [photo.pk], "post": "yes"},
    )

    photo.refresh_from_db()  # still there
    assert photo.title != "Mine now"


def test_an_uploader_can_delete_their_own_draft_photo_but_not_take_a_published_one_offline(
    client, people, objects
):
    client.force_login(people["uploader"])
    draft = make_photo(city=objects["city"], uploaded_by=people["uploader"], status=Status.DRAFT)
    published = objects["own_photo"]

    response = client.post(reverse("admin:cities_photo_delete", args=[draft.pk]), {"post": "yes"})
    refused = client.post(
        reverse("admin:cities_photo_delete", args=[published.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Photo.objects.filter(pk=draft.pk).exists()
    assert refused.status_code == 403
    assert Photo.objects.filter(pk=published.pk).exists()


def test_an_uploader_cannot_open_the_city_form(client, people, objects):
    client.force_login(people["uploader"])

    response = client.get(reverse("admin:cities_city_change", args=[objects["city"].pk]))

    assert response.status_code == 403
    # The site's own page, saying why and leading back to the admin, not a bare "Forbidden".
    html = response.content.decode()
    assert "<h1>Access denied</h1>" in html
    assert "does not have the right to open this page" in html
    assert f'href="{reverse("admin:index")}"' in html


def test_an_editor_may_change_anyones_photo(client, people, objects):
    client.force_login(people["editor"])
    # A draft photo: the change is saved as made (one of a published photo is kept as a draft
    # of changes until published, tests/test_drafts.py).
    photo = objects["others_photo"]
    Photo.objects.filter(pk=photo.pk).update(status=Status.DRAFT)
    url = reverse("admin:cities_photo_change", args=[photo.pk])
    form = client.get(url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(image="", city=photo.city_id, title_en="Retitled by the editor")

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    photo.refresh_from_db()
    assert photo.title == "Retitled by the editor"
    assert photo.uploaded_by == people["other_uploader"]
