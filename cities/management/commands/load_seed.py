from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction

from cities import images, seed
from cities.models import (
    City,
    Criterion,
    LearningCityAward,
    Licence,
    Photo,
    Program,
    ResourceLink,
    SiteText,
    Status,
)
from cities.placeholders import placeholder_jpeg
from cities.rich_text import RichTextField, text_to_html


class Command(BaseCommand):
    help = (
        "Load the seed content of the original Learning Cities page in English and Spanish. "
        "Creates only what is missing and never changes existing text, so editors' changes "
        "survive a re-run; the only update is a seed row's Spanish text while still empty."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        self.created = 0
        self.filled = 0
        self.load_texts()
        criteria = self.load_criteria()
        for order, city_data in enumerate(seed.CITIES):
            self.load_city(city_data, criteria["inclusive-learning"], order)
        if self.created or self.filled:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Seed content loaded: {self.created} new rows, "
                    f"{self.filled} empty Spanish texts filled."
                )
            )
        else:
            self.stdout.write("Seed content already present; nothing changed.")

    def get_or_create(self, model, defaults=None, spanish=None, **lookup):
        """`spanish` maps a translated field to its seed Spanish text (`{"name": "…"}`)."""
        spanish = as_stored(model, {f"{field}_es": text for field, text in (spanish or {}).items()})
        obj, created = model.objects.get_or_create(
            defaults={**as_stored(model, defaults or {}), **spanish}, **lookup
        )
        self.created += created
        if not created:
            self.fill_empty(obj, spanish)
        return obj, created

    def fill_empty(self, obj, values):
        # Rows loaded before the site was bilingual lack Spanish: fill only empty fields.
        empty = [field for field, text in values.items() if text and not getattr(obj, field)]
        for field in empty:
            setattr(obj, field, values[field])
        if empty:
            obj.save(update_fields=empty)
            self.filled += len(empty)

    def load_texts(self):
        texts = {
            SiteText.Key.DEFINITION_INTRO: (seed.DEFINITION_INTRO, seed.DEFINITION_INTRO_ES),
            SiteText.Key.BENEFITS: (seed.BENEFITS, seed.BENEFITS_ES),
            SiteText.Key.LEARN_MORE_INTRO: (seed.LEARN_MORE_INTRO, seed.LEARN_MORE_INTRO_ES),
        }
        for key, (text, text_es) in texts.items():
            self.get_or_create(
                SiteText, key=key, defaults={"text_en": text}, spanish={"text": text_es}
            )
        for order, link in enumerate(seed.LEARN_MORE_LINKS):
            self.get_or_create(
                ResourceLink,
                url=link["url"],
                defaults={
                    "title_en": link["title"],
                    "description_en": link["description"],
                    "order": order,
                },
                spanish={"title": link["title_es"], "description": link["description_es"]},
            )

    def load_criteria(self):
        criteria = {}
        for order, data in enumerate(seed.CRITERIA, start=1):
            criteria[data["slug"]], _ = self.get_or_create(
                Criterion,
                slug=data["slug"],
                defaults={
                    "kind": Criterion.Kind.BUILDING_BLOCK,
                    "title_en": data["title"],
                    "statement_en": data["statement"],
                    "order": order,
                },
                spanish={"title": data["title_es"], "statement": data["statement_es"]},
            )
        return criteria

    def load_city(self, data, inclusive_learning, order):
        city, city_created = self.get_or_create(
            City,
            slug=data["slug"],
            defaults={
                "name_en": data["name"],
                "province": data["province"],
                "year_joined": data["year_joined"],
                "latitude": data["latitude"],
                "longitude": data["longitude"],
                "tagline_en": data["tagline"],
                "narrative_en": data["narrative"],
                "uil_profile_url": data.get("uil_profile_url", ""),
                "status": Status.PUBLISHED,
            },
            spanish={
                "name": data["name"],
                "tagline": data["tagline_es"],
                "narrative": data["narrative_es"],
            },
        )
        photo = self.load_photo(data, city)
        if city_created:
            city.cover_photo = photo
            city.save(update_fields=["cover_photo"])
        for award in data.get("awards", []):
            self.get_or_create(
                LearningCityAward,
                city=city,
                year=award["year"],
                defaults={"source_url": award["source_url"]},
            )
        programs = data.get("programs", [])
        for program_order, (slug, name, name_es) in enumerate(programs, start=1):
            program, program_created = self.get_or_create(
                Program,
                city=city,
                slug=slug,
                defaults={"name_en": name, "order": program_order, "status": Status.PUBLISHED},
                spanish={"name": name_es},
            )
            if program_created:
                program.criteria.add(inclusive_learning)

    def load_photo(self, city_data, city):
        data = city_data["photo"]
        name, reference = city_data["name"], data["reference"]
        spanish = {
            "title_es": f"{name} (imagen provisional de {reference})",
            "alt_text_es": "Ilustración provisional: crestas de montañas superpuestas bajo un "
            f"cielo, con el nombre {name}.",
        }
        photo = Photo.objects.filter(reference=reference).first()
        if photo is not None:
            self.fill_empty(photo, spanish)
            return photo
        photo = Photo(
            title_en=f"{name} (placeholder for {reference})",
            alt_text_en=f"Placeholder illustration: layered mountain ridges under a sky, "
            f"with the name {name}.",
            **spanish,
            author=data["author"],
            holder=data["holder"],
            author_unknown=not (data["author"] or data["holder"]),
            licence=Licence.ALL_RIGHTS_RESERVED,
            reference=data["reference"],
            is_placeholder=True,
            city=city,
            status=Status.PUBLISHED,
        )
        jpeg = placeholder_jpeg(name, *data["colours"], seed=data["reference"])
        # The same checks and processing as an upload in the admin, renditions included.
        upload = ContentFile(jpeg, name=f"{city_data['slug']}-placeholder.jpg")
        photo.image = images.prepare_upload(upload)
        photo.full_clean()
        photo.save()
        self.created += 1
        return photo


def as_stored(model, values):
    """The seed's texts are plain: rich-text fields keep them as paragraphs."""
    return {
        name: text_to_html(value)
        if isinstance(model._meta.get_field(name), RichTextField)
        else value
        for name, value in values.items()
    }
