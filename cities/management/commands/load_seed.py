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


class Command(BaseCommand):
    help = (
        "Load the seed content of the original Learning Cities page. Creates only what is "
        "missing and never changes existing rows, so editors' changes survive a re-run."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        self.created = 0
        self.load_texts()
        criteria = self.load_criteria()
        for order, city_data in enumerate(seed.CITIES):
            self.load_city(city_data, criteria["inclusive-learning"], order)
        if self.created:
            self.stdout.write(self.style.SUCCESS(f"Seed content loaded: {self.created} new rows."))
        else:
            self.stdout.write("Seed content already present; nothing changed.")

    def get_or_create(self, model, defaults=None, **lookup):
        obj, created = model.objects.get_or_create(defaults=defaults or {}, **lookup)
        self.created += created
        return obj, created

    def load_texts(self):
        texts = {
            SiteText.Key.DEFINITION_INTRO: seed.DEFINITION_INTRO,
            SiteText.Key.BENEFITS: seed.BENEFITS,
            SiteText.Key.LEARN_MORE_INTRO: seed.LEARN_MORE_INTRO,
        }
        for key, text in texts.items():
            self.get_or_create(SiteText, key=key, defaults={"text": text})
        for order, link in enumerate(seed.LEARN_MORE_LINKS):
            self.get_or_create(
                ResourceLink,
                url=link["url"],
                defaults={
                    "title": link["title"],
                    "description": link["description"],
                    "order": order,
                },
            )

    def load_criteria(self):
        criteria = {}
        for order, data in enumerate(seed.CRITERIA, start=1):
            criteria[data["slug"]], _ = self.get_or_create(
                Criterion,
                slug=data["slug"],
                defaults={
                    "kind": Criterion.Kind.BUILDING_BLOCK,
                    "title": data["title"],
                    "statement": data["statement"],
                    "order": order,
                },
            )
        return criteria

    def load_city(self, data, inclusive_learning, order):
        city, city_created = self.get_or_create(
            City,
            slug=data["slug"],
            defaults={
                "name": data["name"],
                "province": data["province"],
                "year_joined": data["year_joined"],
                "latitude": data["latitude"],
                "longitude": data["longitude"],
                "tagline": data["tagline"],
                "narrative": data["narrative"],
                "uil_profile_url": data.get("uil_profile_url", ""),
                "status": Status.PUBLISHED,
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
        for program_order, (slug, name) in enumerate(data.get("programs", []), start=1):
            program, program_created = self.get_or_create(
                Program,
                city=city,
                slug=slug,
                defaults={"name": name, "order": program_order, "status": Status.PUBLISHED},
            )
            if program_created:
                program.criteria.add(inclusive_learning)

    def load_photo(self, city_data, city):
        data = city_data["photo"]
        photo = Photo.objects.filter(reference=data["reference"]).first()
        if photo is not None:
            return photo
        name = city_data["name"]
        photo = Photo(
            title=f"{name} (placeholder for {data['reference']})",
            alt_text=f"Placeholder illustration: layered mountain ridges under a sky, "
            f"with the name {name}.",
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
