from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from modeltranslation.translator import translator

from cities import images, page_cache, seed, seed_sourced
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


def localized(model, facts):
    """A source's facts as columns: a translated text's English under `field_en`, its Spanish
    (`field_es`) as it is; names, years and addresses (one column) as they are."""
    translated = translator.get_options_for_model(model).fields
    return {
        (f"{field}_en" if field in translated else field): value
        for field, value in facts.items()
        if value is not None
    }


class Command(BaseCommand):
    help = (
        "Load the seed content of the original Learning Cities page in English and Spanish, "
        "and what public sources add (cities/seed_sourced.py). Creates only what is missing "
        "and never changes a value someone set, so editors' changes survive a re-run; the "
        "only update is filling a seed row's empty fields (a Spanish text, a source, a mayor)."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        self.created = 0
        self.filled = 0
        with page_cache.one_invalidation():
            self.load_texts()
            criteria = self.load_criteria()
            for city_data in seed.CITIES:
                self.load_city(city_data, criteria)
        if self.created or self.filled:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Seed content loaded: {self.created} new rows, "
                    f"{self.filled} empty fields filled."
                )
            )
        else:
            self.stdout.write("Seed content already present; nothing changed.")

    def get_or_create(self, model, defaults=None, spanish=None, filled=None, **lookup):
        """`spanish` maps a translated field to its seed Spanish text (`{"name": "…"}`);
        `filled` maps columns to values a new row gets and an existing one only while empty."""
        spanish = {f"{field}_es": text for field, text in (spanish or {}).items()}
        fillable = as_stored(model, {**spanish, **(filled or {})})
        obj, created = model.objects.get_or_create(
            defaults={**as_stored(model, defaults or {}), **fillable}, **lookup
        )
        self.created += created
        if not created:
            self.fill_empty(obj, fillable)
        return obj, created

    def fill_empty(self, obj, values):
        # Rows loaded by an earlier version of the seed lack what it adds since (the Spanish
        # texts, the sources): fill only empty fields, never one someone set.
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

    def load_city(self, data, criteria):
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
            filled=localized(City, seed_sourced.PROFILES.get(data["slug"], {})),
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
        self.load_programs(data, city, criteria)

    def load_programs(self, data, city, criteria):
        """The seed page's programs (Quito's four: they promote inclusive learning, it says)
        with what sources add to them, then the programs sources add."""
        sourced = {facts["slug"]: facts for facts in seed_sourced.PROGRAMS.get(data["slug"], [])}
        named = {slug: (name, name_es) for slug, name, name_es in data.get("programs", [])}
        created = {}
        for order, slug in enumerate({**named, **sourced}, start=1):
            facts = sourced.get(slug, {})
            name, name_es = named.get(slug) or (facts["name"], facts["name_es"])
            program, program_created = self.get_or_create(
                Program,
                city=city,
                slug=slug,
                defaults={
                    "name_en": name,
                    "order": order,
                    "status": Status.PUBLISHED,
                    "lifecycle": facts.get("lifecycle", Program.Lifecycle.ACTIVE),
                    "is_good_practice": facts.get("good_practice", False),
                },
                spanish={"name": name_es},
                filled=localized(
                    Program,
                    {
                        field: facts.get(field)
                        for field in ("summary", "summary_es", "theme", "start_year", "source_url")
                    },
                ),
            )
            # What has no empty value (criteria, lifecycle, the good-practice mark) is the
            # seed's only on the rows it creates: on the others, someone may have set it.
            if program_created:
                slugs = facts.get("criteria", ["inclusive-learning"] if slug in named else [])
                program.criteria.set([criteria[criterion] for criterion in slugs])
                created[slug] = program
        for slug, program in created.items():
            successor = sourced.get(slug, {}).get("replaced_by")
            if successor:
                program.replaced_by = Program.objects.get(city=city, slug=successor)
                program.save(update_fields=["replaced_by"])

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
