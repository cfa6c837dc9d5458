"""Search: both languages, accent-insensitive, calm with any input, only what is public."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities.models import City, Criterion, Program
from cities.search import _narrowed, fold, highlight, query_words, snippet

from .factories import make_city, make_program
from .public_helpers import load_seed

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


def test_highlight_marks_word_starts_in_the_original_text_and_escapes_it():
    assert str(highlight("Jóvenes <b>Quito</b>", ["jov"])) == (
        "<mark>Jóvenes</mark> &lt;b&gt;Quito&lt;/b&gt;"
    )
    assert "<mark>" not in str(highlight("Cuenca", ["uenca"]))


def test_snippet_is_short_and_centred_on_the_match():
    text = "palabra " * 100 + "alfabetización digital " + "palabra " * 100
    excerpt = str(snippet(text, ["alfabetizacion"]))
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
            "🙂🙂",
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
        # The content version, then for each kind its searched texts and the items shown.
        with django_assert_max_num_queries(7):
            self.results(client, "a")


@pytest.mark.django_db
def test_full_text_search_is_used_on_postgresql_only_and_answers_the_same(client):
    load_seed()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH, {"q": "jovenes"})
    assert [r.obj.slug for r in response.context["results"]["program"]] == ["jovenes-quito"]
    used_full_text = any("to_tsquery" in query["sql"] for query in queries.captured_queries)
    assert used_full_text == (connection.vendor == "postgresql")


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


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind, model", [("city", City), ("program", Program), ("criterion", Criterion)]
)
def test_postgresql_can_answer_searches_from_its_full_text_indexes(kind, model):
    queryset = _narrowed(model.objects.all(), kind, ["aprendizaje"]).values("pk")
    sql, params = queryset.query.sql_with_params()
    if connection.vendor != "postgresql":
        assert "to_tsvector" not in sql  # other databases check every item in Python
        return
    with connection.cursor() as cursor:
        # Tables this small are rightly read whole; without that choice, the plan shows
        # whether the index matches the search's expression.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Bitmap Index Scan on {model._meta.db_table}_search" in plan, plan
