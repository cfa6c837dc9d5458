"""The long texts become rich text: stored as sanitized HTML (cities.rich_text).

Existing plain texts become paragraphs (a blank line starts a new one, a single line break
becomes <br>, every character escaped), in every language and in every version of the
history, so that an old version restores as rich text too. Backwards, the HTML becomes plain
text again (cities.rich_text.html_to_text): the texts made here come back as they were.
"""

from django.db import migrations, models

import cities.rich_text
from cities.rich_text import html_to_text, sanitize, text_to_html

RICH_TEXTS = {
    "City": "narrative",
    "Program": "description",
    "Criterion": "statement",
    "SiteText": "text",
}
LANGUAGES = ("", "_es", "_en")  # the untranslated column and one per language


def convert(apps, change):
    for model_name, field in RICH_TEXTS.items():
        columns = [field + suffix for suffix in LANGUAGES]
        for name in (model_name, f"Historical{model_name}"):
            model = apps.get_model("cities", name)
            changed = []
            for row in model._base_manager.only(model._meta.pk.attname, *columns).iterator():
                for column in columns:
                    setattr(row, column, change(getattr(row, column)))
                changed.append(row)
            model._base_manager.bulk_update(changed, columns, batch_size=500)


def plain_text_to_paragraphs(apps, schema_editor):
    convert(apps, lambda text: sanitize(text_to_html(text)))


def paragraphs_to_plain_text(apps, schema_editor):
    convert(apps, lambda text: text if text is None else html_to_text(text))


class Migration(migrations.Migration):

    dependencies = [
        ('cities', '0015_publishers_group'),
    ]

    operations = [
        migrations.RunPython(plain_text_to_paragraphs, paragraphs_to_plain_text),
        migrations.AlterField(
            model_name='city',
            name='narrative',
            field=models.TextField(help_text='What the city does as a learning city.', validators=[cities.rich_text.MaxTextLengthValidator(8000)], verbose_name='narrative'),
        ),
        migrations.AlterField(
            model_name='city',
            name='narrative_en',
            field=models.TextField(help_text='What the city does as a learning city.', null=True, validators=[cities.rich_text.MaxTextLengthValidator(8000)], verbose_name='narrative'),
        ),
        migrations.AlterField(
            model_name='city',
            name='narrative_es',
            field=models.TextField(help_text='What the city does as a learning city.', null=True, validators=[cities.rich_text.MaxTextLengthValidator(8000)], verbose_name='narrative'),
        ),
        migrations.AlterField(
            model_name='criterion',
            name='statement',
            field=models.TextField(help_text='The whole sentence as UNESCO words it, completing “a learning city …”.', validators=[cities.rich_text.MaxTextLengthValidator(600)], verbose_name='full statement'),
        ),
        migrations.AlterField(
            model_name='criterion',
            name='statement_en',
            field=models.TextField(help_text='The whole sentence as UNESCO words it, completing “a learning city …”.', null=True, validators=[cities.rich_text.MaxTextLengthValidator(600)], verbose_name='full statement'),
        ),
        migrations.AlterField(
            model_name='criterion',
            name='statement_es',
            field=models.TextField(help_text='The whole sentence as UNESCO words it, completing “a learning city …”.', null=True, validators=[cities.rich_text.MaxTextLengthValidator(600)], verbose_name='full statement'),
        ),
        migrations.AlterField(
            model_name='historicalcity',
            name='narrative',
            field=models.TextField(help_text='What the city does as a learning city.', validators=[cities.rich_text.MaxTextLengthValidator(8000)], verbose_name='narrative'),
        ),
        migrations.AlterField(
            model_name='historicalcity',
            name='narrative_en',
            field=models.TextField(help_text='What the city does as a learning city.', null=True, validators=[cities.rich_text.MaxTextLengthValidator(8000)], verbose_name='narrative'),
        ),
        migrations.AlterField(
            model_name='historicalcity',
            name='narrative_es',
            field=models.TextField(help_text='What the city does as a learning city.', null=True, validators=[cities.rich_text.MaxTextLengthValidator(8000)], verbose_name='narrative'),
        ),
        migrations.AlterField(
            model_name='historicalcriterion',
            name='statement',
            field=models.TextField(help_text='The whole sentence as UNESCO words it, completing “a learning city …”.', validators=[cities.rich_text.MaxTextLengthValidator(600)], verbose_name='full statement'),
        ),
        migrations.AlterField(
            model_name='historicalcriterion',
            name='statement_en',
            field=models.TextField(help_text='The whole sentence as UNESCO words it, completing “a learning city …”.', null=True, validators=[cities.rich_text.MaxTextLengthValidator(600)], verbose_name='full statement'),
        ),
        migrations.AlterField(
            model_name='historicalcriterion',
            name='statement_es',
            field=models.TextField(help_text='The whole sentence as UNESCO words it, completing “a learning city …”.', null=True, validators=[cities.rich_text.MaxTextLengthValidator(600)], verbose_name='full statement'),
        ),
        migrations.AlterField(
            model_name='historicalprogram',
            name='description',
            field=models.TextField(blank=True, validators=[cities.rich_text.MaxTextLengthValidator(4000)], verbose_name='description'),
        ),
        migrations.AlterField(
            model_name='historicalprogram',
            name='description_en',
            field=models.TextField(blank=True, null=True, validators=[cities.rich_text.MaxTextLengthValidator(4000)], verbose_name='description'),
        ),
        migrations.AlterField(
            model_name='historicalprogram',
            name='description_es',
            field=models.TextField(blank=True, null=True, validators=[cities.rich_text.MaxTextLengthValidator(4000)], verbose_name='description'),
        ),
        migrations.AlterField(
            model_name='historicalsitetext',
            name='text',
            field=models.TextField(validators=[cities.rich_text.MaxTextLengthValidator(2000)], verbose_name='text'),
        ),
        migrations.AlterField(
            model_name='historicalsitetext',
            name='text_en',
            field=models.TextField(null=True, validators=[cities.rich_text.MaxTextLengthValidator(2000)], verbose_name='text'),
        ),
        migrations.AlterField(
            model_name='historicalsitetext',
            name='text_es',
            field=models.TextField(null=True, validators=[cities.rich_text.MaxTextLengthValidator(2000)], verbose_name='text'),
        ),
        migrations.AlterField(
            model_name='program',
            name='description',
            field=models.TextField(blank=True, validators=[cities.rich_text.MaxTextLengthValidator(4000)], verbose_name='description'),
        ),
        migrations.AlterField(
            model_name='program',
            name='description_en',
            field=models.TextField(blank=True, null=True, validators=[cities.rich_text.MaxTextLengthValidator(4000)], verbose_name='description'),
        ),
        migrations.AlterField(
            model_name='program',
            name='description_es',
            field=models.TextField(blank=True, null=True, validators=[cities.rich_text.MaxTextLengthValidator(4000)], verbose_name='description'),
        ),
        migrations.AlterField(
            model_name='sitetext',
            name='text',
            field=models.TextField(validators=[cities.rich_text.MaxTextLengthValidator(2000)], verbose_name='text'),
        ),
        migrations.AlterField(
            model_name='sitetext',
            name='text_en',
            field=models.TextField(null=True, validators=[cities.rich_text.MaxTextLengthValidator(2000)], verbose_name='text'),
        ),
        migrations.AlterField(
            model_name='sitetext',
            name='text_es',
            field=models.TextField(null=True, validators=[cities.rich_text.MaxTextLengthValidator(2000)], verbose_name='text'),
        ),
    ]
