"""Open data: the published cities, programs, criteria and photo credits, as JSON and CSV.

Each file holds both languages (`name_es`, `name_en`, …) and absolute addresses, so it
can be reused without the site. The addresses are documented in the README. Each city,
program and criterion names the texts whose translation may be out of date
(`stale_translations`, e.g. `narrative_en`: the Spanish changed after it was written).
"""

import csv

from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.utils import translation
from django.views.decorators.http import require_safe
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.utils import build_localized_fieldname

from .models import City, ContentVersion, Criterion, Photo, Program
from .rich_text import html_to_text, sanitize
from .seo import absolute_url
from .stale_translations import stale_translations

LANGUAGE_CODES = AVAILABLE_LANGUAGES  # ["es", "en"]: the default language first
LICENCE_NOTE = (
    "Texts: Learning Cities site, free to reuse with attribution. Photos: each under the "
    "licence named with it; credit its author and holder."
)


def translations(obj, field):
    return {
        code: getattr(obj, build_localized_fieldname(field, code)) or "" for code in LANGUAGE_CODES
    }


def rich_translations(request, obj, field):
    """A rich text as `field` (plain text, as in the CSV files) and `field_html` (its HTML,
    links to the site's own pages made absolute), each in both languages."""
    html = translations(obj, field)
    site = absolute_url(request, "/")
    return {
        field: {code: html_to_text(value) for code, value in html.items()},
        f"{field}_html": {
            code: sanitize(value).replace('href="/', f'href="{site}')
            for code, value in html.items()
        },
    }


def localized_urls(request, obj):
    urls = {}
    for code in LANGUAGE_CODES:
        with translation.override(code):
            urls[code] = absolute_url(request, obj.get_absolute_url())
    return urls


def stale_names(obj):
    """The columns of `obj`'s texts that may be out of date (`with_staleness` read them)."""
    return sorted(
        build_localized_fieldname(field, code)
        for field, code in getattr(obj, "stale_translations", {})
    )


def with_staleness(cities, criteria=()):
    """`cities` (with their programs) and `criteria`, as lists, each item knowing which of
    its texts may be out of date: one query for all."""
    cities, criteria = list(cities), list(criteria)
    stale_translations(
        [*cities, *(program for city in cities for program in city.programs.all()), *criteria]
    )
    return cities, criteria


def published_cities():
    """What every export shows: published cities with their public programs and photos."""
    programs = (
        Program.objects.published()
        .select_related("replaced_by")
        .prefetch_related("criteria")
        .order_by("order", "slug")
    )
    return (
        City.objects.published()
        .select_related("cover_photo")
        .prefetch_related(
            Prefetch("programs", queryset=programs),
            Prefetch("photos", queryset=Photo.objects.public()),
            "awards",
        )
        .order_by("year_joined", "slug")
    )


def photo_data(request, photo):
    return {
        "url": absolute_url(request, photo.image.url),
        "width": photo.width,
        "height": photo.height,
        "title": translations(photo, "title"),
        "alt_text": translations(photo, "alt_text"),
        "author": photo.author,
        "holder": photo.holder,
        "author_unknown": photo.author_unknown,
        "credit": str(photo.credit),
        "licence": photo.licence,
        "licence_url": photo.licence_url,
        "source_url": photo.source_url,
        "reference": photo.reference,
        "placeholder": photo.is_placeholder,
    }


def program_data(request, program):
    successor = program.public_successor
    return {
        "slug": program.slug,
        "name": translations(program, "name"),
        "summary": translations(program, "summary"),
        **rich_translations(request, program, "description"),
        "lifecycle": program.lifecycle,
        "replaced_by": successor.slug if successor else None,
        "start_year": program.start_year,
        "website": program.website,
        "theme": program.theme,
        "good_practice": program.is_good_practice,
        "source_url": program.source_url,
        "criteria": [criterion.slug for criterion in program.criteria.all()],
        "stale_translations": stale_names(program),
    }


def city_data(request, city):
    cover = city.public_cover
    return {
        "slug": city.slug,
        "url": localized_urls(request, city),
        "name": translations(city, "name"),
        "country": city.country,
        "province": city.province,
        "year_joined": city.year_joined,
        "latitude": float(city.latitude) if city.latitude is not None else None,
        "longitude": float(city.longitude) if city.longitude is not None else None,
        "tagline": translations(city, "tagline"),
        **rich_translations(request, city, "narrative"),
        "population": city.population,
        "population_year": city.population_year,
        "population_source": city.population_source,
        "website": city.website,
        "uil_profile_url": city.uil_profile_url,
        "mayor": {
            "name": city.mayor,
            "since": city.mayor_since,
            "source_url": city.mayor_source_url,
        },
        "focal_point": {
            "name": city.focal_point_name,
            "role": translations(city, "focal_point_role"),
            "institution": translations(city, "focal_point_institution"),
        },
        **rich_translations(request, city, "vision"),
        "profile_source_url": city.profile_source_url,
        "awards": [
            {"year": award.year, "source_url": award.source_url} for award in city.awards.all()
        ],
        "programs": [program_data(request, program) for program in city.programs.all()],
        "cover_photo": photo_data(request, cover) if cover else None,
        "photos": [photo_data(request, photo) for photo in city.photos.all()],
        "stale_translations": stale_names(city),
    }


def criterion_data(request, criterion):
    return {
        "slug": criterion.slug,
        "kind": criterion.kind,
        "order": criterion.order,
        "title": translations(criterion, "title"),
        **rich_translations(request, criterion, "statement"),
        "stale_translations": stale_names(criterion),
    }


@require_safe
def json_view(request):
    cities, criteria = with_staleness(published_cities(), Criterion.objects.all())
    data = {
        "title": "Learning Cities of Ecuador in the UNESCO Global Network of Learning Cities",
        # When the content last changed, not when this copy was made: every copy of one
        # content version is then the same bytes with the same ETag, whichever worker made it
        # (each keeps its own copy with the local-memory cache), so a 304 never depends on it.
        "updated_at": ContentVersion.current().changed_at.isoformat(timespec="seconds"),
        "languages": LANGUAGE_CODES,
        "licence": LICENCE_NOTE,
        "criteria": [criterion_data(request, criterion) for criterion in criteria],
        "cities": [city_data(request, city) for city in cities],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Access-Control-Allow-Origin"] = "*"
    return response


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value):
    """A text cell that a spreadsheet shows as text, as OWASP's CSV-injection advice says:
    a leading quote before a formula's first character (the writer quotes every text cell)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_response(filename, columns, rows, number_columns=()):
    """A CSV file of `columns`, taken by name from each row (a dict): a row may hold more,
    such as the whole of an item's export data, and only the columns are written.

    Cells of `number_columns` are written as numbers; every other cell is text, neutralised
    by `text_cell` and quoted. Decided by column, not by value: a name such as "-1" is text.
    """
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    writer = csv.writer(response, quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            [
                row[column] if column in number_columns else text_cell(row[column])
                for column in columns
            ]
        )
    return response


def localized_columns(*fields):
    return [build_localized_fieldname(field, code) for field in fields for code in LANGUAGE_CODES]


def localized_values(data, *fields, prefix=""):
    """The translated `fields` of an item's export data, under their CSV column names
    (`prefix` + field, for the fields of a part such as a city's focal point)."""
    return {
        build_localized_fieldname(prefix + field, code): data[field][code]
        for field in fields
        for code in LANGUAGE_CODES
    }


CITY_COLUMNS = [
    "slug",
    *localized_columns("name", "tagline"),
    "country",
    "province",
    "year_joined",
    "latitude",
    "longitude",
    "population",
    "population_year",
    "website",
    "uil_profile_url",
    "mayor",
    "mayor_since",
    "mayor_source_url",
    "focal_point_name",
    *localized_columns("focal_point_role", "focal_point_institution", "vision"),
    "profile_source_url",
    *[f"url_{code}" for code in LANGUAGE_CODES],
    "cover_photo_url",
    "cover_photo_credit",
    "cover_photo_licence",
    "stale_translations",
]
CITY_NUMBER_COLUMNS = {
    "year_joined",
    "latitude",
    "longitude",
    "population",
    "population_year",
    "mayor_since",
}


@require_safe
def cities_csv(request):
    rows = []
    for city in with_staleness(published_cities())[0]:
        data = city_data(request, city)
        cover = data["cover_photo"] or {}
        rows.append(
            {
                **data,
                **localized_values(data, "name", "tagline", "vision"),
                **localized_values(
                    data["focal_point"], "role", "institution", prefix="focal_point_"
                ),
                "mayor": data["mayor"]["name"],
                "mayor_since": data["mayor"]["since"],
                "mayor_source_url": data["mayor"]["source_url"],
                "focal_point_name": data["focal_point"]["name"],
                **{f"url_{code}": data["url"][code] for code in LANGUAGE_CODES},
                "cover_photo_url": cover.get("url", ""),
                "cover_photo_credit": cover.get("credit", ""),
                "cover_photo_licence": cover.get("licence", ""),
                "stale_translations": " ".join(data["stale_translations"]),
            }
        )
    return csv_response("cities.csv", CITY_COLUMNS, rows, CITY_NUMBER_COLUMNS)


PROGRAM_COLUMNS = [
    "city",
    "slug",
    *localized_columns("name", "summary"),
    "lifecycle",
    "replaced_by",
    "start_year",
    "website",
    "theme",
    "good_practice",
    "source_url",
    "criteria",
    "stale_translations",
]


@require_safe
def programs_csv(request):
    rows = []
    for city in with_staleness(published_cities())[0]:
        for program in city.programs.all():
            data = program_data(request, program)
            rows.append(
                {
                    **data,
                    "city": city.slug,
                    **localized_values(data, "name", "summary"),
                    "replaced_by": data["replaced_by"] or "",
                    "criteria": " ".join(data["criteria"]),
                    "stale_translations": " ".join(data["stale_translations"]),
                }
            )
    return csv_response("programs.csv", PROGRAM_COLUMNS, rows, {"start_year"})


CRITERION_COLUMNS = [
    "slug",
    "kind",
    "order",
    *localized_columns("title", "statement"),
    "stale_translations",
]


@require_safe
def criteria_csv(request):
    criteria = with_staleness([], Criterion.objects.all())[1]
    rows = [
        {
            **data,
            **localized_values(data, "title", "statement"),
            "stale_translations": " ".join(data["stale_translations"]),
        }
        for data in (criterion_data(request, criterion) for criterion in criteria)
    ]
    return csv_response("criteria.csv", CRITERION_COLUMNS, rows, {"order"})


PHOTO_COLUMNS = [
    "city",
    "url",
    *localized_columns("title", "alt_text"),
    "author",
    "holder",
    "credit",
    "licence",
    "licence_url",
    "source_url",
    "reference",
    "placeholder",
]


@require_safe
def photos_csv(request):
    # The photos of the credits page: those of no city (a cover, say) have no city here.
    photos = Photo.objects.public().select_related("city")
    rows = []
    for photo in photos.order_by("city__year_joined", "city__slug", "order", "title"):
        data = photo_data(request, photo)
        city = photo.city.slug if photo.city else ""
        rows.append({"city": city, **data, **localized_values(data, "title", "alt_text")})
    return csv_response("photos.csv", PHOTO_COLUMNS, rows)
