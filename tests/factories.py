"""Small helpers that make test data with sensible defaults."""

import io
import itertools

from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import MultiWidget
from django.test import Client
from django.urls import reverse
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.translator import translator
from PIL import Image

from cities.models import City, Criterion, Draft, LanguagePreference, Photo, Program, Status
from learningcities import editorial
from learningcities.editorial.versions import OPENED_FIELD, Versions

_numbers = itertools.count(1)


def in_both_languages(model, values):
    """Test data says the same in both languages (the admin requires Spanish, the default),
    unless a test names a language's own field, e.g. `narrative_es=""` for a missing one."""
    values = dict(values)
    for field in translator.get_options_for_model(model).fields:
        if field in values:
            text = values.pop(field)
            for code in AVAILABLE_LANGUAGES:
                values.setdefault(f"{field}_{code}", text)
    return values


def jpeg_bytes(width=640, height=400, colour=(40, 110, 160)):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def uploaded_jpeg(name="photo.jpg", **kwargs):
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


def make_user(username=None, language="en", **kwargs):
    """A user whose mail is written in `language`: English, as the tests read the site in it
    (tests/conftest.py `english`)."""
    username = username or f"user{next(_numbers)}"
    user = get_user_model().objects.create_user(username=username, password="pw", **kwargs)
    LanguagePreference.objects.create(user=user, language=language)
    return user


def make_criterion(**kwargs):
    number = next(_numbers)
    defaults = {
        "title": f"Criterion {number}",
        "slug": f"criterion-{number}",
        "statement": "promotes learning",
        "order": number,
    }
    return Criterion.objects.create(**in_both_languages(Criterion, {**defaults, **kwargs}))


def make_photo(**kwargs):
    number = next(_numbers)
    defaults = {
        "title": f"Photo {number}",
        "alt_text": f"A plaza with trees, picture {number}",
        "author": f"Photographer {number}",
        "status": Status.PUBLISHED,
    }
    photo = Photo(**in_both_languages(Photo, {**defaults, **kwargs}))
    if not photo.image:
        photo.image = uploaded_jpeg(f"photo-{number}.jpg")
    photo.save()
    return photo


def make_city(cover=True, **kwargs):
    number = next(_numbers)
    defaults = {
        "name": f"City {number}",
        "slug": f"city-{number}",
        "year_joined": 2013 + number % 12,
        "narrative": f"Narrative of city {number}.",
        "status": Status.PUBLISHED,
    }
    city = City.objects.create(**in_both_languages(City, {**defaults, **kwargs}))
    if cover:
        city.cover_photo = make_photo(city=city, title=f"Cover of {city.name}")
        city.save(update_fields=["cover_photo"])
    return city


def make_program(city, criteria=(), **kwargs):
    number = next(_numbers)
    defaults = {
        "name": f"Program {number}",
        "slug": f"program-{number}",
        "status": Status.PUBLISHED,
    }
    program = Program.objects.create(
        city=city, **in_both_languages(Program, {**defaults, **kwargs})
    )
    program.criteria.set(criteria)
    return program


def saved_by(user, item, **changes):
    """`item` saved by `user` (as the admin would record it in the history), with `changes`."""
    for name, value in changes.items():
        setattr(item, name, value)
    item._history_user = user
    item.save()
    del item._history_user
    return item


def make_staff(group_name, **kwargs):
    """A staff user in one of the groups the migrations create ("Photo uploaders", "Editors")."""
    user = make_user(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def make_publisher(**kwargs):
    """An editor who may also publish and decide on submissions ("Publishers")."""
    publisher = make_staff("Editors", **kwargs)
    publisher.groups.add(Group.objects.get(name="Publishers"))
    return publisher


def make_publishing_uploader(**kwargs):
    """A photo uploader who may also publish: for tests of the photos' files and forms, where
    the right to publish is not what is tested."""
    uploader = make_staff("Photo uploaders", **kwargs)
    uploader.groups.add(Group.objects.get(name="Publishers"))
    return uploader


def staff_with(*codenames):
    """A staff user holding exactly the permissions named by `codenames`, in no group."""
    user = make_user(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


def logged_in_client(user, language="en", **kwargs):
    """A browser of its own logged in as `user`, for tests of several people at once."""
    client = Client(HTTP_ACCEPT_LANGUAGE=language, **kwargs)
    client.force_login(user)
    return client


def change_url(obj):
    """The address of the admin's change form of `obj`."""
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def typed(form, **values):
    """What an editor types into `form`: each value into the field of that name, or into
    every language's version of it where the field is translated (title_en, title_es…)."""
    languages = {code.replace("-", "_") for code, _name in django_settings.LANGUAGES}
    data = {}
    for name in form.fields:
        for field, value in values.items():
            if name == field or (
                name.startswith(f"{field}_") and name.removeprefix(f"{field}_") in languages
            ):
                data[form.add_prefix(name)] = value
    return data


def posted(form):
    """What a browser posts for a form left as shown: unticked boxes and empty choices are
    left out."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or value is False or value == "":
            continue
        value = field.prepare_value(value)
        widget = field.widget
        if isinstance(widget, MultiWidget):
            # A date and a time in two inputs (published_at_0, published_at_1).
            parts = value if isinstance(value, list) else widget.decompress(value)
            for suffix, part in zip(widget.widgets_names, parts, strict=True):
                if part is not None:
                    data[form.add_prefix(name) + suffix] = part
            continue
        data[form.add_prefix(name)] = value
    return data


def new_photo_form_data(client, **values):
    """What an editor posts on the admin's "add photo" form after typing `values` into it: by
    default a photo of Parque Calderón by Ana, complete enough to be saved."""
    values = {
        "title": "Parque Calderón",
        "alt_text": "A park with tall trees",
        "author": "Ana",
        "image": uploaded_jpeg("park.jpg", width=800, height=600),
        **values,
    }
    form = client.get(reverse("admin:cities_photo_add")).context["adminform"].form
    return posted(form) | typed(form, **values)


def city_form_with_a_new_photo(client, city, **photo):
    """What an editor posts on the change form of `city` after adding one photo in its photos
    inline with the values `photo` (image, title_es, author...); the other inlines stay empty."""
    form = client.get(change_url(city)).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(
        {
            "programs-TOTAL_FORMS": 0,
            "programs-INITIAL_FORMS": 0,
            "awards-TOTAL_FORMS": 0,
            "awards-INITIAL_FORMS": 0,
            "photos-TOTAL_FORMS": 1,
            "photos-INITIAL_FORMS": 0,
        }
    )
    # The order as the row shows it (0) unless given.
    data.update({f"photos-0-{name}": value for name, value in {"order": 0, **photo}.items()})
    return data


def log_in_in_browser(page, site, username, lands_on, next_path="", password="pw"):
    """Logs `username` in on the admin's log-in page of `site` (the live server's address) in
    the Playwright `page`, and waits until the browser is sent on to the path `lands_on`."""
    page.goto(site + reverse("admin:login") + (f"?next={next_path}" if next_path else ""))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(site + lands_on)


def superuser_in_browser(browser, site, username):
    """A new superuser logged into the admin of `site` in a browser context of their own, at
    1280 px: (context, page). A superuser, since a transactional test empties the tables, the
    groups made by migrations included."""
    make_user(username, is_staff=True, is_superuser=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in_in_browser(page, site, username, reverse("admin:index"))
    return context, page


def loaded_width(image):
    """The natural width of the Playwright locator `image` once the browser has fetched it, as
    a reader scrolling to it would: 0 if it could not be loaded. (Navigation returns before a
    page's images have arrived, so reading the width at once races the download.)"""
    image.scroll_into_view_if_needed()
    return image.evaluate(
        """img => img.complete ? img.naturalWidth : new Promise(done => {
            img.onload = img.onerror = () => done(img.naturalWidth);
        })"""
    )


def draft_of(item, user, language="en", **changes):
    """A draft of `item` as its content form posts it, with `changes` typed in (into the
    item's own fields; "programs-0-name_en" and the like for its rows), by someone writing in
    `language` (the language of its preview's address)."""
    content = editorial.registration(type(item)).content.bind(item, None, user)
    data = {**posted(content.form), **typed(content.form, **changes)}
    for formset in content.formsets:
        data |= posted(formset.management_form)
        for row in formset.forms:
            data |= posted(row)
    data |= {key: value for key, value in changes.items() if key in data}
    data[OPENED_FIELD] = Versions.of(
        [
            item,
            *(
                row.instance
                for formset in content.formsets
                if hasattr(formset.model, "history")
                for row in formset.forms
            ),
        ]
    ).encode()
    return Draft.objects.create(
        item=item,
        data={
            key: [str(v) for v in value] if isinstance(value, list) else [str(value)]
            for key, value in data.items()
        },
        language=language,
        created_by=user,
        updated_by=user,
    )


def review_url(submission):
    """The admin's page where a publisher decides on `submission`."""
    return reverse("admin:cities_reviewrequest_review", args=[submission.pk])
