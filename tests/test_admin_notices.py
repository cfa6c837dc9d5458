"""What editors are told and offered: notices that end a sentence with a time read cleanly
(times on the 24-hour clock in both languages, so no "9:55 p.m.."), and the conflict page
highlights the way that keeps their work."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from .factories import change_url, logged_in_client, make_city, make_publisher
from .test_edit_conflicts import conflicting_saves, opened_form

pytestmark = pytest.mark.django_db


def test_a_draft_scheduled_for_the_evening_ends_its_sentences_once():
    quito = make_city(name="Quito", narrative_en="<p>Quito learns.</p>", cover=False)
    client = logged_in_client(make_publisher(username="pablo"))
    evening = (timezone.localtime() + timedelta(days=1)).replace(hour=21, minute=55)
    form = opened_form(client, quito) | {"narrative_en": "<p>Quito learns more.</p>"}
    form.pop("_save")
    form |= {"_schedule_draft": "1", "_draft_publish_at": evening.strftime("%Y-%m-%dT%H:%M")}
    assert client.post(change_url(quito), form).status_code == 302

    notice = client.get(change_url(quito)).text
    notice = notice[notice.index('class="messagelist draft-notice"') :]
    notice = notice[: notice.index("</li>")]
    assert "They will be published on " in notice and " 21:55." in notice
    assert "p.m." not in notice and ".." not in notice


@pytest.mark.parametrize(
    ("language", "saved", "listed"),
    [
        ("en", "Changes saved as a draft, to be published on {}.", "public from {}"),
        ("es", "Cambios guardados como borrador; se publicarán el {}.", "público desde el {}"),
    ],
)
def test_scheduling_says_when_and_the_dashboard_lists_the_change_with_its_time(
    language, saved, listed
):
    quito = make_city(name="Quito", narrative_en="<p>Quito learns.</p>", cover=False)
    client = logged_in_client(make_publisher(username="pablo"), language=language)
    moment = (timezone.localtime() + timedelta(days=2)).replace(second=0, microsecond=0)
    form = opened_form(client, quito) | {"narrative_en": "<p>Quito learns more.</p>"}
    form.pop("_save")
    form |= {"_schedule_draft": "1", "_draft_publish_at": moment.strftime("%Y-%m-%dT%H:%M")}

    response = client.post(change_url(quito), form, follow=True)

    with translation.override(language):
        when = date_format(moment, "DATETIME_FORMAT")
        changes_to_quito = translation.gettext("Changes to %(item)s") % {"item": "Quito"}
    assert saved.format(when) in [str(message) for message in response.context["messages"]]
    page = client.get(reverse("admin:index")).text
    scheduled = page[page.index('id="scheduled-heading"') :]
    scheduled = " ".join(scheduled[: scheduled.index("</section>")].split())
    assert f'<a href="{change_url(quito)}">{changes_to_quito}</a>' in scheduled
    assert listed.format(when) in scheduled


def test_the_conflict_page_highlights_applying_my_changes_not_discarding_them():
    cuenca = make_city(name="Cuenca", tagline="City of rivers")
    *_, conflict = conflicting_saves(cuenca, {"tagline_en": "Rivers"}, {"tagline_en": "Bridges"})
    assert conflict.status_code == 409
    actions = conflict.text[conflict.text.index('class="edit-conflict__actions"') :]
    assert '<button type="submit" name="_apply_on_top" value="1" class="button default">' in actions
    assert '<a class="button edit-conflict__discard"' in actions
