"""Checks while writing, on plain values: readability per language, long sentences, headings,
links and alt texts."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from learningcities.editorial.writing import (
    SPANISH_BANDS,
    check_alt_text,
    check_plain_text,
    check_rich_text,
    measure,
    word_syllables,
)

from .factories import change_url, logged_in_client, make_city, make_publisher, make_staff
from .test_edit_conflicts import opened_form

SPANISH_SENTENCE = "La ciudad ofrece programas de alfabetización para personas adultas mayores."
ENGLISH_SENTENCE = "The city offers literacy programs for older adults and young people."


def codes(findings):
    return [finding.code for finding in findings]


@pytest.mark.parametrize(
    ("word", "language", "count"),
    [
        ("alfabetización", "es", 6),
        ("aprendizaje", "es", 5),
        ("océano", "es", 4),
        ("ciudad", "es", 2),
        ("Kyiv", "es", 1),  # letters Spanish does not use: counted by vowel groups
        ("education", "en", 4),
        ("people", "en", 2),
        ("city", "en", 2),
    ],
)
def test_syllables_are_counted_by_the_words_language(word, language, count):
    assert word_syllables(word, language) == count


def test_spanish_is_scored_with_inflesz_on_its_own_syllables():
    measures = measure(SPANISH_SENTENCE, "es")
    # La ciu-dad o-fre-ce pro-gra-mas de al-fa-be-ti-za-ción pa-ra per-so-nas a-dul-tas
    # ma-yo-res: 27 syllables in 10 words, one sentence.
    assert (measures.words, measures.sentences, measures.syllables) == (10, 1, 27)
    assert measures.score == round(206.835 - 62.3 * 27 / 10 - 10, 1)
    with translation.override("en"):
        assert str(measures.formula) == "INFLESZ (Szigriszt-Pazos)"
        assert str(measures.grade) == "very difficult"


def test_the_spanish_bands_read_as_bands_in_spanish():
    # A catalogue slip once named the easiest band "Códigos de recuperación".
    with translation.override("es"):
        assert [str(label) for _floor, label in SPANISH_BANDS] == [
            "muy fácil",
            "bastante fácil",
            "normal",
            "algo difícil",
            "muy difícil",
        ]


def test_english_is_scored_with_flesch_reading_ease():
    measures = measure(ENGLISH_SENTENCE, "en")
    # The cit-y of-fers lit-er-a-cy pro-grams for old-er a-dults and young peo-ple.
    assert (measures.words, measures.sentences, measures.syllables) == (11, 1, 20)
    assert measures.score == round(206.835 - 1.015 * 11 - 84.6 * 20 / 11, 1)
    with translation.override("en"):
        assert str(measures.formula) == "Flesch reading ease"


def test_one_text_scores_differently_under_each_languages_formula():
    assert measure(ENGLISH_SENTENCE, "es").score != measure(ENGLISH_SENTENCE, "en").score


def test_a_text_too_short_to_score_has_no_score_but_its_counts():
    measures = measure("Quito aprende.", "es")
    assert measures.score is None and measures.grade == ""
    assert (measures.words, measures.reading_minutes) == (2, 1)


def test_reading_time_is_whole_minutes_at_200_words_a_minute():
    text = " ".join(["Palabra corta."] * 300)  # 600 words
    assert measure(text, "es").reading_minutes == 3
    assert measure("", "es").reading_minutes == 0


def test_the_longest_sentences_past_thirty_words_are_pointed_out_longest_first():
    long_one = " ".join(["palabra"] * 41) + "."
    longer = " ".join(["texto"] * 52) + "."
    short = "Una frase breve."
    with translation.override("es"):
        measures, findings = check_plain_text(f"{long_one} {short} {longer}", "es")
    assert [count for count, _sentence in measures.longest_sentences] == [52, 41]
    assert codes(findings) == ["long-sentence", "long-sentence"]
    assert findings[0].message.startswith("Una frase de 52 palabras")
    assert findings[0].excerpt.startswith("texto texto")


def test_headings_that_skip_a_level_are_found_from_the_first_level_the_page_gives():
    html = "<h2>Historia</h2><p>Texto.</p><h3>Inicio</h3><h2>Hoy</h2><h3>Ahora</h3>"
    assert check_rich_text(html, "es")[1] == []
    skipping = "<h3>Programas</h3><p>Texto.</p>"
    _measures, findings = check_rich_text(skipping, "es")
    assert codes(findings) == ["heading-order"] and findings[0].excerpt == "Programas"
    # Under a page's h2 (the vision), an h3 is the right first heading.
    assert check_rich_text(skipping, "es", first_heading_level=3)[1] == []


@pytest.mark.parametrize("text", ["aquí", "Haga clic aquí", "click here", "Leer más…", "here"])
def test_links_whose_text_says_nothing_are_found_in_either_language(text):
    html = f'<p>El programa <a href="https://quito.gob.ec/">{text}</a>.</p>'
    _measures, findings = check_rich_text(html, "es")
    assert codes(findings) == ["vague-link"] and findings[0].excerpt == text


def test_a_link_that_names_where_it_leads_is_fine():
    html = '<p>Vea <a href="https://quito.gob.ec/">el sitio del Municipio de Quito</a>.</p>'
    assert check_rich_text(html, "es")[1] == []


def test_a_rich_texts_words_are_counted_without_its_markup():
    html = "<h2>Historia</h2><p><strong>Quito</strong> aprende.</p><ul><li>Uno</li></ul>"
    measures, _findings = check_rich_text(html, "es")
    assert (measures.words, measures.sentences) == (4, 3)


@pytest.mark.parametrize(
    ("alt", "file_name", "expected"),
    [
        ("", "", ["alt-missing"]),
        ("   ", "", ["alt-missing"]),
        ("CUENCA_JorobaVlogs_01", "", ["alt-file-name"]),
        ("IMG_4032.jpg", "", ["alt-file-name"]),
        ("DSC-0012", "", ["alt-file-name"]),
        ("quito-centro", "photos/quito-centro.webp", ["alt-file-name"]),
        ("Quito", "", ["alt-short"]),
        ("Foto de la plaza principal de Cuenca al atardecer", "", ["alt-redundant"]),
        ("Image of the main square of Cuenca at dusk", "", ["alt-redundant"]),
        ("La plaza principal de Cuenca al atardecer, con la catedral al fondo", "", []),
    ],
)
def test_alt_text_describes_the_photo(alt, file_name, expected):
    assert codes(check_alt_text(alt, file_name)) == expected


def checks_url():
    return reverse("admin:writing_checks")


def asked(client, **payload):
    return client.post(checks_url(), json.dumps(payload), content_type="application/json")


@pytest.mark.django_db
class TestTheChecksAddress:
    def test_staff_get_a_fields_measures_and_findings_in_their_language(self):
        editor = logged_in_client(make_staff("Editors"), language="es")
        html = "<h3>Programas</h3><p>" + SPANISH_SENTENCE + ' <a href="/es/">aquí</a>.</p>'
        response = asked(editor, kind="rich", language="es", text=html)
        assert response.status_code == 200
        result = response.json()
        assert [finding["code"] for finding in result["findings"]] == [
            "heading-order",
            "vague-link",
        ]
        assert result["findings"][1]["message"].startswith("El texto del enlace “aquí”")
        assert result["summary"].startswith("12 palabras · 1 min de lectura · INFLESZ")

    def test_an_uploader_checks_an_alt_text_against_the_photos_file_name(self):
        uploader = logged_in_client(make_staff("Photo uploaders"))
        response = asked(
            uploader, kind="alt", language="en", text="plaza-cuenca", file_name="plaza-cuenca.jpg"
        )
        assert [finding["code"] for finding in response.json()["findings"]] == ["alt-file-name"]

    def test_visitors_are_sent_to_the_login_and_nothing_is_checked(self, client):
        response = asked(client, kind="plain", language="es", text="Texto.")
        assert response.status_code == 302 and "/login/" in response["Location"]

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ("not json", "The checks need a field's kind, language and text."),
            (json.dumps({"kind": "rich", "language": "es"}), "kind, language and text"),
            (json.dumps({"kind": "poem", "language": "es", "text": ""}), "Unknown kind"),
            (json.dumps({"kind": "rich", "language": "fr", "text": ""}), "Unknown kind"),
            (json.dumps({"kind": "rich", "language": "es", "text": 5}), "too long"),
            (json.dumps({"kind": "rich", "language": "es", "text": "x" * 100_001}), "too long"),
            (
                json.dumps(
                    {"kind": "rich", "language": "es", "text": "", "first_heading_level": 9}
                ),
                "Unknown kind",
            ),
        ],
    )
    def test_bad_input_gets_a_clear_message(self, body, message):
        editor = logged_in_client(make_staff("Editors"))
        response = editor.post(checks_url(), body, content_type="application/json")
        assert response.status_code == 400
        assert message in response.json()["error"]

    def test_only_posts_are_answered(self):
        editor = logged_in_client(make_staff("Editors"))
        assert editor.get(checks_url()).status_code == 405


def field_tag(html, name):
    """The <input> or <textarea> tag of the field `name` in a page."""
    return re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', html).group(0)


@pytest.mark.django_db
def test_the_change_form_marks_the_fields_to_check_with_their_first_heading_level(editor_client):
    city = make_city(cover=False)
    html = editor_client.get(change_url(city)).content.decode()
    assert 'data-writing-check="rich"' in field_tag(html, "narrative_es")
    assert 'data-first-heading-level="2"' in field_tag(html, "narrative_es")
    # The vision sits under the page's "Vision and strategy" heading (an h2).
    assert 'data-first-heading-level="3"' in field_tag(html, "vision_en")
    assert "data-writing-check" not in field_tag(html, "name_es")
    assert f'data-url="{checks_url()}"' in html
    photo_form = editor_client.get(reverse("admin:cities_photo_add")).content.decode()
    assert 'data-writing-check="alt"' in field_tag(photo_form, "alt_text_es")


@pytest.mark.django_db
def test_a_narrative_full_of_findings_is_saved_all_the_same():
    long_sentence = (
        " ".join(["La ciudad abre bibliotecas y huertos nuevos en cada barrio"] * 4) + "."
    )
    # The narrative's first heading is an h2 (under the page's h1): an h3 skips one.
    narrative = (
        "<h3>Programas</h3>"
        f'<p>Vea el programa <a href="https://quito.gob.ec/">aquí</a>. {long_sentence}</p>'
    )
    # The checks find all three: a vague link, a skipped heading level, a 40-word sentence.
    findings = check_rich_text(narrative, "es", first_heading_level=2)[1]
    assert sorted(codes(findings)) == ["heading-order", "long-sentence", "vague-link"]
    assert any(f.message.startswith("A sentence of 40 words") for f in findings)

    city = make_city(name="Quito", slug="quito", cover=False)
    client = logged_in_client(make_publisher(username="pablo"))
    response = client.post(
        change_url(city), opened_form(client, city) | {"narrative_es": narrative}
    )

    assert response.status_code == 302
    city.refresh_from_db()
    assert city.narrative_es == narrative
