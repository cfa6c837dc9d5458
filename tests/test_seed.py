import pytest
from django.core.management import call_command

from cities import seed
from cities.models import (
    City,
    Criterion,
    LearningCityAward,
    Photo,
    Program,
    ResourceLink,
    SiteText,
    Status,
)
from cities.rich_text import html_to_text

pytestmark = pytest.mark.django_db


def table_counts():
    models = (City, Criterion, Photo, Program, ResourceLink, SiteText)
    return {model.__name__: model.objects.count() for model in models}


def test_load_seed_creates_the_seed_page_content():
    call_command("load_seed")

    cities = list(City.objects.published().values_list("name", "year_joined"))
    assert cities == [("Cuenca", 2017), ("Quito", 2018), ("Loja", 2022), ("Azogues", 2024)]
    assert Criterion.objects.filter(kind=Criterion.Kind.BUILDING_BLOCK).count() == 6
    # The seed page's four programs first, in its order; then those public sources add.
    assert list(Program.objects.filter(city__slug="quito").values_list("name", flat=True)) == [
        "Bájale al Acoso",
        "Integrated Care System for Older Adults",
        "Jóvenes Quito",
        "Guagua Centros",
        "Cero Acoso",
        "Quito Wawas",
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


def test_the_seed_pages_own_text_stays_exactly_as_written():
    """What sources add goes into fields of its own: the cities' texts are the seed page's."""
    call_command("load_seed")

    for data in seed.CITIES:
        city = City.objects.get(slug=data["slug"])
        # The narrative is rich text now: its plain text is the seed page's, word for word.
        assert (city.tagline_en, html_to_text(city.narrative_en)) == (
            data["tagline"],
            data["narrative"],
        )
        assert (city.tagline_es, html_to_text(city.narrative_es)) == (
            data["tagline_es"],
            data["narrative_es"],
        )


def test_every_seeded_row_passes_the_models_validation():
    """Every source is an http(s) address, every text fits its column (PostgreSQL enforces
    the lengths), every year is possible."""
    call_command("load_seed")

    for model in (City, Program, LearningCityAward):
        for row in model.objects.all():
            row.full_clean()


def test_every_city_has_two_programs_with_a_summary_in_both_languages():
    call_command("load_seed")

    for city in City.objects.all():
        summarised = city.programs.filter(summary_en__gt="", summary_es__gt="")
        assert summarised.count() >= 2, city


def test_every_sourced_fact_carries_its_source():
    call_command("load_seed")

    for program in Program.objects.filter(summary_en__gt=""):
        assert program.source_url.startswith(("https://", "http://")), program
    for city in City.objects.all():
        if city.mayor:
            assert city.mayor_source_url, city
        if city.vision or city.focal_point_name:
            assert city.profile_source_url, city


def test_what_sources_add_about_quitos_programs():
    call_command("load_seed")

    programs = {program.slug: program for program in Program.objects.filter(city__slug="quito")}
    bajale = programs["bajale-al-acoso"]
    assert bajale.lifecycle == Program.Lifecycle.REPLACED
    assert bajale.replaced_by == programs["cero-acoso"]
    assert bajale.start_year == 2017
    assert programs["guagua-centros"].lifecycle == Program.Lifecycle.ENDED
    # Quito Wawas likely succeeds Guagua Centros, but no source says so.
    assert programs["guagua-centros"].replaced_by is None
    assert "60 y PiQuito" in programs["integrated-care-system-for-older-adults"].summary_es
    # Nothing found about Jóvenes Quito: no summary is invented.
    assert not programs["jovenes-quito"].summary_en


def test_good_practices_are_those_unesco_names():
    call_command("load_seed")

    good_practices = set(
        Program.objects.filter(is_good_practice=True).values_list("city__slug", "slug")
    )
    assert good_practices == {
        ("cuenca", "municipal-initial-education-centres"),
        ("cuenca", "master-class-of-sweets"),
        ("loja", "stories-that-change-the-story"),
        ("azogues", "burgay-river-decontamination"),
    }
    for program in Program.objects.filter(is_good_practice=True):
        assert "unesco" in program.source_url


def test_load_seed_fills_a_database_seeded_before_the_profiles_without_touching_edits():
    """A site seeded by the earlier seed gets the new facts in its empty fields; what an
    editor set, and what has no empty value (lifecycle, criteria), stays."""
    call_command("load_seed")
    quito = City.objects.get(slug="quito")
    quito.mayor = "A mayor an editor typed"
    quito.save()
    City.objects.filter(slug="cuenca").update(mayor="", mayor_since=None, vision_es="")
    Program.objects.filter(slug="bajale-al-acoso").update(
        summary_en="", summary_es="", theme="", source_url="", start_year=None
    )
    guagua = Program.objects.get(slug="guagua-centros")
    guagua.summary_en = "An editor's summary."
    guagua.lifecycle = Program.Lifecycle.ACTIVE
    guagua.save()
    guagua.criteria.clear()
    Program.objects.filter(slug="burgay-river-decontamination").update(is_good_practice=False)
    before = table_counts()

    call_command("load_seed")

    assert table_counts() == before
    quito.refresh_from_db()
    assert quito.mayor == "A mayor an editor typed"
    cuenca = City.objects.get(slug="cuenca")
    assert (cuenca.mayor, cuenca.mayor_since) == ("Cristian Zamora", 2023)
    assert cuenca.vision_es.startswith("<p>Cuenca quiere")
    bajale = Program.objects.get(slug="bajale-al-acoso")
    assert bajale.summary_es.startswith("Desde marzo de 2017")
    assert (bajale.theme, bajale.start_year) == (Program.Theme.EQUITY_INCLUSION, 2017)
    assert bajale.source_url.startswith("https://ultimasnoticias.ec/")
    guagua.refresh_from_db()
    assert guagua.summary_en == "An editor's summary."
    assert guagua.lifecycle == Program.Lifecycle.ACTIVE
    assert not guagua.criteria.exists()
    assert not Program.objects.get(slug="burgay-river-decontamination").is_good_practice


def test_load_seed_twice_leaves_the_history_alone():
    call_command("load_seed")
    versions = Program.history.count() + City.history.count()
    call_command("load_seed")
    assert Program.history.count() + City.history.count() == versions
