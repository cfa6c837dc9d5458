"""Notices that end a sentence with a time read cleanly: times are written on
the 24-hour clock in both languages, so no "9:55 p.m.." ends a sentence."""

from datetime import timedelta

import pytest
from django.utils import timezone

from .factories import change_url, logged_in_client, make_city, make_publisher
from .test_edit_conflicts import opened_form

pytestmark = pytest.mark.django_db


def test_a_draft_scheduled_for_the_evening_ends_its_sentences_once(editorial_groups):
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
