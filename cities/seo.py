"""What a city page tells search engines and social networks: description, card, JSON-LD."""

import json

from django.utils.http import escape_leading_slashes
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext

from .rich_text import html_to_text

SOCIAL_IMAGE_WIDTH = 1200
# Escapes that keep JSON inside <script> from closing the element (as json_script does).
JSON_SCRIPT_ESCAPES = {">": "\\u003E", "<": "\\u003C", "&": "\\u0026"}


def absolute_url(request, path):
    """The absolute address of one of the site's paths, always on the site's own host.

    `request.build_absolute_uri` reads a path that starts with `//` as an address on another
    host (`//evil.example/…`); its leading slashes are escaped first, as Django's redirects do.
    """
    return request.build_absolute_uri(escape_leading_slashes(path))


def description(city):
    return city.tagline or Truncator(html_to_text(city.narrative)).words(30)


def social_image(request, photo):
    """A JPEG rendition of the photo for social cards, about 1200 px wide as they prefer."""
    if photo is None or not photo.image:
        return None
    jpeg = photo.picture.jpeg_at_least(SOCIAL_IMAGE_WIDTH)
    if jpeg:
        url, width, height = photo.file_url(jpeg.name), jpeg.width, jpeg.height
    else:  # no renditions (yet): the original
        url, width, height = photo.file_url(photo.image.name), photo.width, photo.height
    return {
        "url": absolute_url(request, url),
        "width": width,
        "height": height,
        "alt": photo.alt_text,
    }


def without_empty(data):
    return {key: value for key, value in data.items() if value not in ("", None)}


def profile_properties(city):
    """The mayor and the focal point of UNESCO's member profile, as schema.org properties."""
    properties = []
    if city.mayor:
        since = gettext("since %(year)s") % {"year": city.mayor_since} if city.mayor_since else ""
        properties.append(
            without_empty(
                {
                    "@type": "PropertyValue",
                    "propertyID": "mayor",
                    "name": gettext("Mayor"),
                    "value": city.mayor,
                    "description": since,
                    "url": city.mayor_source_url,
                }
            )
        )
    if city.focal_point_name:
        role = ", ".join(
            text for text in (city.focal_point_role, city.focal_point_institution) if text
        )
        properties.append(
            without_empty(
                {
                    "@type": "PropertyValue",
                    "propertyID": "focalPoint",
                    "name": gettext("Focal point"),
                    "value": city.focal_point_name,
                    "description": role,
                    "url": city.profile_source_url,
                }
            )
        )
    return properties


def vision_work(city):
    return without_empty(
        {
            "@type": "CreativeWork",
            "name": gettext("Vision and strategy"),
            "text": html_to_text(city.vision),
            "citation": city.profile_source_url,
        }
    )


def program_work(request, program, city_url):
    return without_empty(
        {
            "@type": "CreativeWork",
            "name": program.name,
            "abstract": program.summary,
            "url": absolute_url(request, program.url_on_city_page(city_url)),
            "about": str(program.get_theme_display()),
            "keywords": gettext("Good practice") if program.is_good_practice else "",
            "citation": program.source_url,
        }
    )


def json_ld(request, city, image, programs):
    """schema.org data for a city page: the city, as a member of the UNESCO network, and
    its public `programs` among those the page shows."""
    data = {
        "@context": "https://schema.org",
        "@type": "City",
        "name": city.name,
        "description": description(city),
        "url": absolute_url(request, city.get_absolute_url()),
        "inLanguage": get_language(),
        "containedInPlace": {"@type": "Country", "name": city.country},
        "memberOf": {
            "@type": "Organization",
            "name": "UNESCO Global Network of Learning Cities",
            "url": "https://www.uil.unesco.org/en/learning-cities",
        },
    }
    if city.province:
        data["containedInPlace"] = {
            "@type": "AdministrativeArea",
            "name": city.province,
            "containedInPlace": data["containedInPlace"],
        }
    if city.latitude is not None and city.longitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(city.latitude),
            "longitude": float(city.longitude),
        }
    if image:
        data["image"] = image["url"]
    if city.website:
        data["sameAs"] = [city.website]
    profile = profile_properties(city)
    if profile:
        data["additionalProperty"] = profile
    works = [vision_work(city)] if city.vision else []
    # Only what the public sees: a staff preview of the page shows drafts too.
    city_url = city.get_absolute_url()
    works += [
        program_work(request, program, city_url) for program in programs if program.is_published
    ]
    if works:
        data["subjectOf"] = works
    return mark_safe(script_safe(json.dumps(data, ensure_ascii=False)))


def script_safe(text):
    # str.replace, not str.translate: translating a city page's JSON-LD character by
    # character took about 2 % of the page's time.
    for character, escape in JSON_SCRIPT_ESCAPES.items():
        text = text.replace(character, escape)
    return text


def city_page_meta(request, city, programs):
    # Shared and cached by other sites: only ever the public cover, even in a staff preview.
    image = social_image(request, city.public_cover)
    return {
        "page_title": city.name,
        "page_description": description(city),
        "og_image": image,
        "json_ld": json_ld(request, city, image, programs) if city.is_published else "",
    }
