from django.db import models

from learningcities.editorial.publishing import Publishable


class Note(Publishable):
    title = models.CharField("title", max_length=100)
    body = models.TextField("body", blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = "note"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"/notes/{self.pk}/"


class NoteLink(models.Model):
    note = models.ForeignKey(Note, models.CASCADE, related_name="links", verbose_name="note")
    url = models.URLField("address")

    class Meta:
        ordering = ["pk"]
        verbose_name = "link"

    def __str__(self):
        return self.url
