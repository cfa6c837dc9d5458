"""Rows about one content item of any kind (a city, a program, a photo…): a review of it, a
draft of its changes. The item is named generically, by its kind and id."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AboutAnItemQuerySet(models.QuerySet):
    def of(self, item):
        return self.filter(content_type=ContentType.objects.get_for_model(item), object_id=item.pk)

    def of_model(self, model):
        return self.filter(content_type=ContentType.objects.get_for_model(model))


class AboutAnItem(models.Model):
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of item"), on_delete=models.CASCADE
    )
    object_id = models.PositiveBigIntegerField(_("item id"))
    item = GenericForeignKey("content_type", "object_id")

    class Meta:
        abstract = True

    @property
    def kind(self):
        """What kind of item it is (photo, city…), for lists."""
        return self.content_type.model_class()._meta.verbose_name
