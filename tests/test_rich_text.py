"""Rich text: what is kept, how plain texts become HTML and back, and where each is used."""

import csv
import html
import io
import json
import re

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from cities import seed
from cities.models import City, Criterion, Program, SiteText
from cities.rich_text import html_to_text, sanitize, text_to_html

from .factories import change_url, make_city, make_criterion, make_program, make_staff
from .public_helpers import load_seed
from .test_admin_bad_input import contains, form_errors, new_city
from .test_admin_editorial import city_form

WORD_PASTE = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>
<meta name=Generator content="Microsoft Word 15"><title>Informe</title>
<style>p.MsoNormal {margin:0cm; font-family:"Calibri"}</style>
<!--[if gte mso 9]><xml><o:OfficeDocumentSettings></o:OfficeDocumentSettings></xml><![endif]-->
</head><body lang=ES-EC style='tab-interval:35.4pt'>
<h1 class=MsoTitle>Informe anual</h1>
<p class=MsoNormal style='margin-bottom:0cm'><b><span style='font-size:12.0pt'>Quito</span></b>
<span lang=ES style='mso-ansi-language:ES'>aprende <i>junto</i><o:p></o:p></span></p>
<p class=MsoListParagraphCxSpFirst style='mso-list:l0 level1 lfo1'><![if !supportLists]>
<span style='font-family:Symbol'>·</span><![endif]>Bibliotecas</p>
</body></html>"""

GOOGLE_DOCS_PASTE = (
    '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1a2b">'
    '<h2 dir="ltr" style="line-height:1.38;margin-top:18pt"><span style="font-size:16pt">'
    "Programas</span></h2>"
    '<p dir="ltr" style="line-height:1.38"><span style="font-weight:700">Jóvenes</span>'
    '<span style="font-weight:400"> en </span><a href="https://quito.gob.ec/" '
    'style="text-decoration:none"><span style="color:#1155cc">Quito</span></a></p>'
    '<ul style="margin-top:0"><li dir="ltr" style="list-style-type:disc" aria-level="1">'
    '<p dir="ltr" role="presentation"><span>uno</span></p></li></ul></b>'
)

ALLOWED = (
    "<h2>Programas</h2><h3>Jóvenes</h3><p>Texto <strong>fuerte</strong>, <em>suave</em>"
    '<br>y <a href="https://quito.gob.ec/">un enlace</a>, <a href="mailto:a@b.ec">correo</a>'
    ' y <a href="/es/cities/quito/#program-bajale">Bájale</a>.</p>'
    "<ul><li><p>uno</p></li></ul><ol><li><p>dos</p></li></ol><blockquote><p>cita</p></blockquote>"
)

SEED_TEXTS = [
    text
    for group in (seed.CITIES, seed.CRITERIA)
    for item in group
    for key, text in item.items()
    if key.startswith(("narrative", "statement", "description"))
] + [seed.DEFINITION_INTRO, seed.DEFINITION_INTRO_ES, seed.BENEFITS, seed.BENEFITS_ES]


class TestSanitizing:
    def test_the_allowed_markup_is_kept_as_it_is(self):
        assert sanitize(ALLOWED) == ALLOWED

    def test_a_word_paste_keeps_its_text_and_nothing_of_words_markup(self):
        cleaned = sanitize(WORD_PASTE)
        assert re.findall(r"</?([a-z0-9]+)", cleaned) == ["p", "p", "p", "p"]
        text = html_to_text(cleaned)
        for words in ("Informe anual", "Quito", "aprende junto", "Bibliotecas"):
            assert words in text
        for trace in ("Mso", "mso-", "style", "Calibri", "OfficeDocument", "Generator", "<o:"):
            assert trace not in cleaned

    def test_a_google_docs_paste_keeps_headings_lists_and_links(self):
        assert sanitize(GOOGLE_DOCS_PASTE) == (
            '<h2>Programas</h2><p>Jóvenes en <a href="https://quito.gob.ec/">Quito</a></p>'
            "<ul><li><p>uno</p></li></ul>"
        )

    @pytest.mark.parametrize(
        ("dirty", "clean"),
        [
            ("<p>a<script>alert(1)</script>b</p>", "<p>ab</p>"),
            ('<p>a<img src=x onerror="alert(1)">b</p>', "<p>ab</p>"),
            ('<p onclick="alert(1)" style="color:red" class="x" id="y">a</p>', "<p>a</p>"),
            ("<p>a<style>p{color:red}</style></p>", "<p>a</p>"),
            ('<p><a href="javascript:alert(1)">a</a></p>', "<p>a</p>"),
            ('<p><a href="JaVaScRiPt:alert(1)">a</a></p>', "<p>a</p>"),
            ('<p><a href="data:text/html,x">a</a></p>', "<p>a</p>"),
            ('<p><a href="http://example.org/">a</a></p>', "<p>a</p>"),
            ('<p><a href="//evil.example/">a</a></p>', "<p>a</p>"),
            ('<p><a href="/\\evil.example/">a</a></p>', "<p>a</p>"),
            ('<p><a href="cities/quito/">a</a></p>', "<p>a</p>"),
            (
                '<p><a href="https://x.ec/" target="_blank" rel="opener">a</a></p>',
                '<p><a href="https://x.ec/">a</a></p>',
            ),
            ("<iframe src=https://x.ec></iframe><p>a</p>", "<p>a</p>"),
            ("<h1>Big</h1><h4>small</h4><p><u>u</u><code>c</code></p>", "Bigsmall<p>uc</p>"),
            ("<p>unclosed <strong>bold", "<p>unclosed <strong>bold</strong></p>"),
            ("<p></p><h2> </h2><p><br></p>", ""),
            ("<<p>>", "&lt;<p>&gt;</p>"),
        ],
    )
    def test_what_is_not_allowed_goes_and_the_rest_stays(self, dirty, clean):
        assert sanitize(dirty) == clean


# How browsers read a link's address (the WHATWG URL standard: its urltestdata.json cases
# that concern leaving a site, and the review's), with where each one goes from a page of
# this site, and the address the sanitizer keeps (None: the link is dropped). A link is kept
# only if it goes to a path of this site, over https or to an e-mail address; an address
# that goes over https but is written oddly ("https:\\host") is dropped all the same.
SITE_PAGE = "https://learningcities.example/es/cities/"
LINK_ADDRESSES = [
    ("/\t/evil.example/phish", "https://evil.example/phish", None),
    ("/\n/evil.example/phish", "https://evil.example/phish", None),
    ("/\r/evil.example/", "https://evil.example/", None),
    ("  \t/\\evil.example/", "https://evil.example/", None),
    ("\\\\evil.example\\file", "https://evil.example/file", None),
    ("/\\evil.example/", "https://evil.example/", None),
    ("\\/evil.example/", "https://evil.example/", None),
    ("\x1f /\t/evil.example/", "https://evil.example/", None),
    ("//evil.example/", "https://evil.example/", None),
    ("\u00a0//evil.example/", f"{SITE_PAGE}%C2%A0//evil.example/", None),
    ("\t   :foo.com   \n", f"{SITE_PAGE}:foo.com", None),
    ("java\nscript:alert(1)", "javascript:alert(1)", None),
    (" javascript:alert(1)", "javascript:alert(1)", None),
    ("https:\\\\evil.example/", "https://evil.example/", None),
    ("h\tt\nt\rp\ts://quito.gob.ec/", "https://quito.gob.ec/", "https://quito.gob.ec/"),
    ("mailto:\ta@b.ec", "mailto:a@b.ec", "mailto:a@b.ec"),
    (" /es/ ", "https://learningcities.example/es/", "/es/"),
    ("/es/cities/\nquito/\t", f"{SITE_PAGE}quito/", "/es/cities/quito/"),
    ("/..//evil.example/", "https://learningcities.example//evil.example/", "/..//evil.example/"),
    ("/es/?q=\\\\x", "https://learningcities.example/es/?q=\\\\x", "/es/?q=\\\\x"),
]


@pytest.mark.parametrize(("href", "destination", "kept"), LINK_ADDRESSES)
def test_a_link_is_judged_by_the_address_a_browser_reads(href, destination, kept):
    cleaned = sanitize(f'<p><a href="{html.escape(href)}">a</a></p>')
    if kept is None:
        assert cleaned == "<p>a</p>"
    else:
        assert cleaned == f'<p><a href="{html.escape(kept)}">a</a></p>'


def test_a_tab_written_as_a_character_reference_is_read_as_a_tab():
    assert sanitize('<p><a href="/&#9;/evil.example/phish">a</a></p>') == "<p>a</p>"


@pytest.mark.browser
def test_the_browser_goes_where_the_table_of_link_addresses_says(page):
    destinations = page.evaluate(
        "([hrefs, base]) => hrefs.map(href => new URL(href, base).href)",
        [[href for href, _destination, _kept in LINK_ADDRESSES], SITE_PAGE],
    )
    assert destinations == [destination for _href, destination, _kept in LINK_ADDRESSES]


class TestPlainText:
    def test_blocks_lists_and_breaks_become_lines(self):
        assert html_to_text(ALLOWED) == (
            "Programas\n\nJóvenes\n\nTexto fuerte, suave\ny un enlace, correo y Bájale.\n\n"
            "- uno\n\n1. dos\n\ncita"
        )
        assert html_to_text("<ol><li><p>a</p></li><li><p>b</p></li></ol>") == "1. a\n2. b"
        assert html_to_text("<p>a &amp; b &lt;c&gt;</p>") == "a & b <c>"

    def test_plain_text_becomes_escaped_paragraphs(self):
        assert text_to_html("One\nline.\n\n\nTwo <b>&</b>.") == (
            "<p>One<br>line.</p><p>Two &lt;b&gt;&amp;&lt;/b&gt;.</p>"
        )
        assert text_to_html("") == ""

    @pytest.mark.parametrize("text", SEED_TEXTS)
    def test_every_seed_text_comes_back_from_its_html_as_it_was(self, text):
        assert html_to_text(sanitize(text_to_html(text))) == text


TEXTS = {
    City: ("narrative", "pk"),
    Program: ("description", "pk"),
    Criterion: ("statement", "pk"),
    SiteText: ("text", "key"),
}


def stored_texts(apps):
    texts = {}
    for model, (field, key) in TEXTS.items():
        model = apps.get_model("cities", model.__name__)
        for row in model.objects.values(key, f"{field}_es", f"{field}_en"):
            texts[(model.__name__, row[key])] = (row[f"{field}_es"], row[f"{field}_en"])
    return texts


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_the_seed_texts_into_paragraphs_and_back():
    load_seed()
    city = City.objects.get(slug="cuenca")
    city.narrative_en = text_to_html("First paragraph.\nSame paragraph.\n\nSecond <one> & more.")
    city.save()
    executor = MigrationExecutor(connection)
    after = executor.loader.graph.leaf_nodes()
    rich = stored_texts(executor.loader.project_state(after).apps)
    assert rich[("City", city.pk)][1] == (
        "<p>First paragraph.<br>Same paragraph.</p><p>Second &lt;one&gt; &amp; more.</p>"
    )

    executor.migrate([("cities", "0015_publishers_group")])
    before = executor.loader.project_state([("cities", "0015_publishers_group")]).apps
    plain = stored_texts(before)
    assert (
        plain[("City", city.pk)][1] == "First paragraph.\nSame paragraph.\n\nSecond <one> & more."
    )
    # Read through the migrated-back state: today's model has columns added since.
    quito = before.get_model("cities", "City").objects.get(slug="quito")
    seeded = next(item for item in seed.CITIES if item["slug"] == "quito")
    assert plain[("City", quito.pk)] == (seeded["narrative_es"], seeded["narrative"])
    history = before.get_model("cities", "HistoricalCity").objects.filter(id=quito.pk).first()
    assert history.narrative_en == seeded["narrative"]

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    assert stored_texts(executor.loader.project_state(after).apps) == rich
    assert City.history.filter(id=quito.pk).first().narrative_en.startswith("<p>Quito joined")


RICH_NARRATIVE = {
    "narrative_es": (
        '<h2>Historia</h2><p>Texto <strong>fuerte</strong> y <a href="/es/cities/loja/">Loja</a>'
        '</p><ul><li><p>uno</p></li></ul><p onmouseover="alert(1)">fin<script>alert(2)</script></p>'
    ),
    "narrative_en": (
        '<h2>History</h2><p>Some <strong>bold</strong> and <a href="/en/cities/loja/">Loja</a>'
        '</p><ul><li><p>one</p></li></ul><p><img src=x onerror="alert(3)">end</p>'
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["es", "en"])
def test_the_city_page_shows_headings_bold_lists_and_links_and_nothing_unsafe(client, language):
    city = make_city(slug="quito", **RICH_NARRATIVE)
    # Written past the sanitizer, as a bulk update would: the page sanitizes what it shows.
    City.objects.filter(pk=city.pk).update(
        narrative_en=RICH_NARRATIVE["narrative_en"], narrative_es=RICH_NARRATIVE["narrative_es"]
    )
    html = client.get(f"/{language}/cities/quito/").content.decode()
    words = {"es": ("Historia", "fuerte", "uno"), "en": ("History", "bold", "one")}[language]
    assert f"<h2>{words[0]}</h2>" in html
    assert f"<strong>{words[1]}</strong>" in html
    assert f"<ul><li><p>{words[2]}</p></li></ul>" in html
    assert f'<a href="/{language}/cities/loja/">Loja</a>' in html
    for unsafe in ("alert(", "onmouseover", "onerror", '<img src="x"'):
        assert unsafe not in html


@pytest.mark.django_db
def test_rich_descriptions_statements_and_site_texts_are_shown_as_html(client):
    city = make_city(slug="quito")
    make_program(city, description_en="<p>With <em>families</em>.</p><ol><li>first</li></ol>")
    make_criterion(statement_en="<p>fosters <strong>lifelong</strong> learning</p>")
    SiteText.objects.create(key="benefits", text_en="<p>Cities <em>gain</em>.</p>")
    page = client.get("/en/cities/quito/").content.decode()
    assert "<p>With <em>families</em>.</p><ol><li>first</li></ol>" in page
    overview = client.get("/en/").content.decode()
    assert '<p class="benefits">Cities <em>gain</em>.</p>' in overview
    assert "Fosters <strong>lifelong</strong> learning.</p>" in overview
    matrix = client.get("/en/criteria/").content.decode()
    assert "A learning city fosters <strong>lifelong</strong> learning.</p>" in matrix


@pytest.mark.django_db
def test_search_meta_json_ld_and_csv_use_the_plain_text(client):
    make_city(
        slug="quito",
        narrative_en='<p>Reading <strong>circles</strong></p><p><a href="/en/">strong</a> x</p>',
        tagline_en="",
    )
    make_criterion(slug="c", statement_en="<p>fosters <strong>lifelong</strong> learning</p>")
    results = client.get("/en/search/", {"q": "circles"}).content.decode()
    assert "Reading <mark>circles</mark>" in results
    assert "&lt;" not in results
    assert "Nothing matches" in client.get("/en/search/", {"q": "href"}).content.decode()
    page = client.get("/en/cities/quito/").content.decode()
    assert '<meta name="description" content="Reading circles strong x">' in page
    json_ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert json.loads(json_ld.group(1))["description"] == "Reading circles strong x"
    rows = list(csv.DictReader(io.StringIO(client.get("/data/criteria.csv").content.decode())))
    assert rows[0]["statement_en"] == "fosters lifelong learning"


@pytest.mark.django_db
def test_the_json_export_gives_the_html_and_the_text(client):
    city = make_city(slug="quito", narrative_en='<p>See <a href="/en/cities/loja/">Loja</a>.</p>')
    make_program(city, description_en="<p>A <strong>bold</strong> plan.</p>")
    data = client.get("/data/learning-cities.json").json()
    quito = data["cities"][0]
    assert quito["narrative"]["en"] == "See Loja."
    assert quito["narrative_html"]["en"] == (
        '<p>See <a href="http://testserver/en/cities/loja/">Loja</a>.</p>'
    )
    assert quito["programs"][0]["description"]["en"] == "A bold plan."
    assert quito["programs"][0]["description_html"]["en"] == "<p>A <strong>bold</strong> plan.</p>"


@pytest.mark.django_db
class TestTheAdminForm:
    @pytest.fixture(autouse=True)
    def log_in(self, superuser):
        pass

    def test_an_emptied_required_text_is_an_error_beside_the_field(self, client):
        response = client.post(
            reverse("admin:cities_city_add"), new_city(narrative_es="<p></p>", narrative_en="")
        )
        assert response.context["adminform"].form.errors["narrative_es"] == [
            "This field is required."
        ]
        assert not City.objects.exists()

    def test_an_over_long_text_is_an_error_beside_the_field(self, client):
        # The limit counts what a reader sees, not the markup around it.
        response = client.post(
            reverse("admin:cities_city_add"),
            new_city(narrative_es="<p><strong>" + "a" * 8001 + "</strong></p>"),
        )
        assert contains(form_errors(response), "at most 8000 characters (it has 8001)")
        assert response.context["adminform"].form.errors["narrative_es"]
        fits = new_city(narrative_es="<p><strong>" + "a" * 8000 + "</strong></p>")
        assert client.post(reverse("admin:cities_city_add"), fits).status_code == 302

    def test_markup_that_cannot_be_kept_is_dropped_and_the_rest_saved(self, client):
        city = make_city(slug="quito")
        data = city_form(
            city,
            narrative_es=WORD_PASTE + '<p><a href="javascript:alert(1)">x</a><svg><g/></svg></p>',
        )
        assert client.post(change_url(city), data).status_code == 302
        city.refresh_from_db()
        assert "Bibliotecas" in city.narrative_es and "javascript" not in city.narrative_es
        assert sanitize(city.narrative_es) == city.narrative_es

    def test_the_editor_runs_under_the_csp_with_the_nonce(self, client):
        city = make_city(slug="quito")
        response = client.get(change_url(city))
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        html = response.content.decode()
        assert f'<script type="importmap" nonce="{nonce}">' in html
        assert "django_prose_editor/editor.js" in html
        assert "cities/admin/rich-text.css" in html
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert "unsafe-eval" not in response["Content-Security-Policy"]
        assert "nonce" not in client.get("/en/").get("Content-Security-Policy")

    def test_the_form_of_an_old_version_gets_the_nonce_too(self, client):
        city = make_city(slug="quito")
        version = City.history.filter(id=city.pk).latest()
        url = reverse("admin:cities_city_simple_history", args=[city.pk, version.history_id])
        response = client.get(url)
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        assert f'<script type="importmap" nonce="{nonce}">' in response.content.decode()

    def test_the_link_dialog_offers_the_sites_cities_and_programs_by_name(self, client):
        city = make_city(slug="quito", name_es="Quito", name_en="Quito")
        make_program(city, slug="bajale", name_es="Bájale al Acoso", name_en="Bájale al Acoso")
        make_city(slug="ibarra", name_en="Ibarra", name_es="Ibarra", status="draft")
        url = reverse("admin:cities_city_site_pages")
        pages = client.get(url, {"language": "es"}).json()
        assert {"name": "Quito", "url": "/es/cities/quito/"} in pages["cities"]
        assert {"name": "Ibarra (borrador)", "url": "/es/cities/ibarra/"} in pages["cities"]
        assert pages["programs"] == [
            {"name": "Quito — Bájale al Acoso", "url": "/es/cities/quito/#program-bajale"}
        ]
        english = client.get(url, {"language": "en"}).json()
        assert {"name": "Quito", "url": "/en/cities/quito/"} in english["cities"]
        # Each language's editor asks for the pages in its language.
        form = client.get(change_url(city)).context["adminform"].form
        for language in ("es", "en"):
            widget = form.fields[f"narrative_{language}"].widget
            options = json.loads(json.dumps(widget.get_config(), cls=DjangoJSONEncoder))
            link = options["extensions"]["SiteLink"]
            assert (link["pagesUrl"], link["language"]) == (url, language)

    def test_a_photo_uploader_gets_no_list_of_pages(self, client):
        client.force_login(make_staff("Photo uploaders"))
        assert client.get(reverse("admin:cities_city_site_pages")).status_code == 403

    def test_the_history_compares_the_text_as_rendered_with_its_source_on_demand(self, client):
        city = make_city(slug="quito", narrative_en="<p>Old <strong>words</strong>.</p>")
        city.narrative_en = "<h2>New</h2><p>Old <em>words</em>.</p>"
        city.save()
        new, old = City.history.filter(id=city.pk)[:2]  # the newest first
        url = reverse("admin:cities_city_compare", args=[city.pk])
        page = client.get(url, {"old": old.history_id, "new": new.history_id}).content.decode()
        comparison = page[page.index('id="version-comparison"') :]
        # A new heading, and bold made italic: both framed as changed (tests/test_rendered_diff.py).
        assert (
            '<div class="rich-diff"><h2 class="rich-diff__changed"><ins>New</ins></h2>'
            '<p>Old <em class="rich-diff__changed">words</em>.</p></div>'
        ) in comparison
        source = comparison[comparison.index("<details") :]
        assert "&lt;p&gt;Old &lt;strong&gt;words&lt;/strong&gt;.&lt;/p&gt;" in source
