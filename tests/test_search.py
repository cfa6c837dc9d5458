"""Search: both languages, accent-insensitive, by stem, tolerant of typos, calm with any input,
only what is public."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from cities.models import City
from cities.scheduling import publish_scheduled
from cities.search import fold, highlight, query_words, snippet, stems

from .factories import make_city, make_program

SEARCH = "/es/search/"


def test_folding_removes_accents_and_case_but_keeps_positions():
    assert fold("Jóvenes CAÑAR Bájale") == "jovenes canar bajale"
    assert len(fold("Ñandú ﬁ ß")) == len("Ñandú ﬁ ß")


def test_query_words_are_letters_and_digits_only_and_bounded():
    assert query_words("'; DROP TABLE cities_city; --") == ["drop", "table", "cities", "city"]
    assert query_words("<script>alert(1)</script>") == ["script", "alert", "1"]
    assert query_words("a:* & | ! ( )") == ["a"]
    assert len(query_words("palabra " * 5000)) == 1
    assert len(query_words(" ".join(f"w{n}" for n in range(50)))) == 8


def test_highlight_marks_the_words_found_in_the_original_text_and_escapes_it():
    assert str(highlight("Jóvenes <b>Quito</b>", {"jovenes"})) == (
        "<mark>Jóvenes</mark> &lt;b&gt;Quito&lt;/b&gt;"
    )
    assert "<mark>" not in str(highlight("Cuenca", {"uenca"}))


def test_words_of_one_family_share_a_stem_in_their_language():
    assert set(stems("adultos")) & set(stems("adultas"))
    assert set(stems("cities")) & set(stems("city"))
    assert not set(stems("quito")) & set(stems("cuenca"))


def test_snippet_is_short_and_centred_on_the_match():
    text = "palabra " * 100 + "alfabetización digital " + "palabra " * 100
    excerpt = str(snippet(text, {"alfabetizacion"}))
    assert "<mark>alfabetización</mark>" in excerpt
    assert excerpt.startswith("… ") and excerpt.endswith(" …")
    assert len(excerpt) < 300


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded")
class TestSearchPage:
    def results(self, client, query, url=SEARCH):
        response = client.get(url, {"q": query})
        assert response.status_code == 200
        return response

    def test_a_word_without_accents_finds_the_accented_program(self, client):
        response = self.results(client, "jovenes")
        programs = [result.obj.slug for result in response.context["results"]["program"]]
        assert programs == ["jovenes-quito"]
        assert "<mark>Jóvenes</mark> Quito" in response.content.decode()

    def test_an_english_word_is_found_from_the_spanish_page(self, client):
        response = self.results(client, "older adults")
        programs = [result.obj.slug for result in response.context["results"]["program"]]
        # Cuenca's digital training for older adults, among others, is found too.
        assert "integrated-care-system-for-older-adults" in programs
        html = response.content.decode()
        # The title is in Spanish; the excerpt that matched is English, and says so.
        assert "Sistema Integral de Atención a Personas Adultas Mayores" in html
        assert '<p class="result__excerpt" lang="en">' in html
        assert "<mark>Older</mark> <mark>Adults</mark>" in html

    def test_spanish_words_find_cities_and_criteria_on_the_english_page(self, client):
        response = self.results(client, "alfabetizacion", url="/en/search/")
        assert [r.obj.slug for r in response.context["results"]["city"]] == ["azogues"]
        response = self.results(client, "familias")
        assert [r.obj.slug for r in response.context["results"]["criterion"]] == [
            "families-and-communities"
        ]

    def test_every_word_must_match_and_prefixes_count(self, client):
        response = self.results(client, "inclus quito")
        assert [r.obj.slug for r in response.context["results"]["city"]] == ["quito"]
        assert self.results(client, "quito azogues").context["count"] == 0

    def test_spanish_words_find_their_family_adultos_finds_adultas(self, client):
        response = self.results(client, "adultos mayores")
        programs = [result.obj.slug for result in response.context["results"]["program"]]
        assert "integrated-care-system-for-older-adults" in programs
        assert "<mark>Adultas</mark> <mark>Mayores</mark>" in response.content.decode()
        assert not response.context["results"].suggestion

    def test_english_words_find_their_family_city_finds_cities(self, client):
        make_city(name="Villa", slug="villa", tagline="One of the learning cities of Ecuador")
        response = self.results(client, "learning city", url="/en/search/")
        assert "villa" in [result.obj.slug for result in response.context["results"]["city"]]
        assert "<mark>learning</mark> <mark>cities</mark>" in response.content.decode()

    def test_a_typo_finds_the_closest_word_and_says_so(self, client):
        response = self.results(client, "Quitto")
        assert response.context["results"].suggestion == "quito"
        assert "quito" in [r.obj.slug for r in response.context["results"]["city"]]
        html = response.content.decode()
        assert "¿Quiso decir" in html and '<a href="/es/search/?q=quito">quito</a>' in html

    def test_a_typo_among_right_words_is_corrected_alone(self, client):
        response = self.results(client, "inclusion quitto", url="/en/search/")
        assert response.context["results"].suggestion == "inclusion quito"
        assert [r.obj.slug for r in response.context["results"]["city"]] == ["quito"]
        assert "Did you mean" in response.content.decode()

    def test_words_found_as_typed_are_not_corrected(self, client):
        response = self.results(client, "quito")
        assert not response.context["results"].suggestion
        assert "Quiso decir" not in response.content.decode()

    def test_nothing_close_is_said_plainly_without_a_suggestion(self, client):
        response = self.results(client, "zzzzqqqq")
        assert response.context["count"] == 0
        assert not response.context["results"].suggestion

    def test_drafts_are_never_offered_as_a_correction(self, client):
        make_city(name="Zamora", slug="zamora", status="draft")
        response = self.results(client, "zamorra")
        assert response.context["count"] == 0
        assert "amora" not in response.content.decode().split('id="main-content"')[1]

    def test_a_city_published_after_a_search_is_found_at_once(self, client):
        assert self.results(client, "riobamba").context["count"] == 0
        make_city(name="Riobamba", slug="riobamba")
        response = self.results(client, "riobamba")
        assert [r.obj.slug for r in response.context["results"]["city"]] == ["riobamba"]

    def test_a_scheduled_city_is_found_once_it_is_due(self, client):
        city = make_city(
            name="Riobamba", slug="riobamba", published_at=timezone.now() + timedelta(hours=1)
        )
        assert self.results(client, "riobamba").context["count"] == 0
        # Due now: the task at its time bumps the content version; the index is made again.
        with time_machine.travel(city.published_at + timedelta(seconds=1)):
            publish_scheduled()
            assert self.results(client, "riobamba").context["count"] == 1

    def test_unknown_parameters_are_ignored(self, client):
        response = client.get(SEARCH, {"q": "jovenes", "page": "x", "lang": "fr", "q2": "\x00"})
        assert response.status_code == 200
        assert [r.obj.slug for r in response.context["results"]["program"]] == ["jovenes-quito"]

    def test_province_names_are_searched(self, client):
        response = self.results(client, "canar")
        assert [r.obj.slug for r in response.context["results"]["city"]] == ["azogues"]

    def test_drafts_and_programs_of_draft_cities_are_never_found(self, client):
        draft_city = make_city(name="Zamora", slug="zamora", status="draft")
        make_program(draft_city, name="Zamora lee")
        make_program(City.objects.get(slug="loja"), name="Zamora secreto", status="draft")
        assert self.results(client, "zamora").context["count"] == 0

    @pytest.mark.parametrize(
        "query",
        [
            "",
            "   ",
            "x" * 10_000,
            "jovenes " * 2_000,
            "'; DROP TABLE cities_city; --",
            "<script>alert('hi')</script>",
            '" OR 1=1 --',
            "a:* & !b | (c",
            "%_\\",
            "\x00\x01",
            "quito\x00",
            "\x00" * 10_000,
            "🙂🙂",
            "...,;:!?¿¡-—()[]{}",
            ".* [a-z]+ (?:x) \\d+ \\b $ ^ |",
            "% _ ' \" ; -- /* */ \\",
            "q" * 31,
            "aé" * 5_000,
            "quitto " * 50,
        ],
    )
    def test_empty_and_absurd_queries_get_a_calm_answer(self, client, query):
        response = self.results(client, query)
        html = response.content.decode()
        assert "<script>alert" not in html
        assert City.objects.count() == 4

    def test_markup_in_the_query_is_shown_as_text(self, client):
        html = self.results(client, "<b>quito</b>").content.decode()
        assert "&lt;b&gt;quito&lt;/b&gt;" in html
        assert "<mark>Quito</mark>" in html

    def test_symbols_only_explain_there_is_nothing_to_search(self, client):
        html = self.results(client, "!!! ???").content.decode()
        assert "No hay nada que buscar en estos caracteres." in html

    def test_no_results_are_said_plainly(self, client):
        html = self.results(client, "inexistente").content.decode()
        assert "0 resultados" in html and "Nada coincide" in html

    def test_the_query_count_does_not_grow_with_the_results(
        self, client, django_assert_max_num_queries
    ):
        # The content version (page cache, then search), for each kind the searched texts
        # of every public item (only for the first search after a change: the index of
        # words), and for each kind the items shown.
        with django_assert_max_num_queries(8):
            self.results(client, "a")
        with django_assert_max_num_queries(5):
            self.results(client, "ciudad")


@pytest.mark.django_db
def test_a_search_matching_hundreds_shows_the_first_fifty_and_counts_all(client):
    for number in range(60):
        make_city(name=f"Villa {number}", slug=f"villa-{number}", cover=False)
    response = client.get("/en/search/", {"q": "villa"})
    assert len(response.context["results"]["city"]) == 50
    assert response.context["count"] == 60
    html = response.content.decode()
    assert "60 results" in html
    assert "The first 50 of 60 are shown: add a word to narrow the search." in html
