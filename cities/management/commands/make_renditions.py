from django.core.management.base import BaseCommand

from cities.models import Photo


class Command(BaseCommand):
    help = (
        "Make the renditions of photos that have none (after a failure, or for photos stored "
        "before renditions existed). With --all, remake every photo's, e.g. after changing "
        "PHOTO_RENDITION_WIDTHS."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Remake all renditions.")

    def handle(self, *args, all=False, **options):
        photos = Photo.objects.exclude(image="")
        if not all:
            photos = photos.filter(renditions=[])
        made = 0
        for photo in photos.iterator():
            made += photo.remake_renditions()
        self.stdout.write(f"Renditions made for {made} photo(s).")
