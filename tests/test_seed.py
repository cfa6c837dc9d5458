import pytest
from django.core.management import call_command

from cities.models import City, Criterion, Photo, Program, ResourceLink, SiteText, Status

pytestmark = pytest.mark.django_db


def table_counts():
    models = (City, Criterion, Photo, Program, ResourceLink, SiteText)
    return {model.__name__: model.objects.count() for model in models}


def test_load_seed_creates_the_seed_page_content():
    call_command("load_seed")

    cities = list(City.objects.published().values_list("name", "year_joined"))
    assert cities == [("Cuenca", 2017), ("Quito", 2018), ("Loja", 2022), ("Azogues", 2024)]
    assert Criterion.objects.filter(kind=Criterion.Kind.BUILDING_BLOCK).count() == 6
    assert list(Program.objects.filter(city__slug="quito").values_list("name", flat=True)) == [
        "Bájale al Acoso",
        "Integrated Care System for Older Adults",
        "Jóvenes Quito",
        "Guagua Centros",
    ]
    # Rich text: the seed's plain paragraphs as HTML.
    assert SiteText.objects.get(key=SiteText.Key.BENEFITS).text.startswith(
        "<p>Following these guidelines, learning cities enhance individual empowerment"
    )
    assert ResourceLink.objects.get().url == "https://www.uil.unesco.org/en/learning-cities"
    assert City.objects.get(slug="cuenca").awards.get().year == 2024


def test_seed_photos_carry_the_credits_the_seed_names_and_invent_none():
    call_command("load_seed")

    credits = {photo.reference: photo.credit for photo in Photo.objects.all()}
    assert credits == {
        "CUENCA_JorobaVlogs_01": "JorobaVlogs",
        "Patrimonio_Quito_01": "Patrimonio Quito",
        "LOJA_Daniel_Morejon_Ministerio_de_Cultura_y_Patrimonio_01": (
            "Daniel Morejón / Ministerio de Cultura y Patrimonio"
        ),
        "Azogues_01": "author unknown",
    }
    azogues = Photo.objects.get(reference="Azogues_01")
    assert azogues.author_unknown and not azogues.author and not azogues.holder
    for photo in Photo.objects.select_related("city"):
        assert photo.is_placeholder
        assert photo.city.cover_photo_id == photo.pk
        assert photo.width == 1600 and photo.height == 1000
        assert photo.credit not in photo.alt_text


def test_load_seed_twice_changes_nothing():
    call_command("load_seed")
    before = table_counts()
    call_command("load_seed")
    assert table_counts() == before


def test_load_seed_keeps_editors_changes():
    call_command("load_seed")
    quito = City.objects.get(slug="quito")
    quito.narrative = "Edited by an editor."
    quito.status = Status.DRAFT
    quito.save()
    SiteText.objects.filter(key=SiteText.Key.BENEFITS).update(text="New benefits text.")

    call_command("load_seed")

    quito.refresh_from_db()
    assert quito.narrative == "Edited by an editor."
    assert quito.status == Status.DRAFT
    assert SiteText.objects.get(key=SiteText.Key.BENEFITS).text == "New benefits text."
