"""`manage.py update_static`, which `make serve` runs at each start: collectstatic when a
static source changed since the last collection, nothing otherwise."""

import os

import pytest
from django.core.management import call_command


def update_static(capsys):
    call_command("update_static")
    return capsys.readouterr().out.strip()


def test_static_files_are_collected_again_only_when_a_source_changed(settings, tmp_path, capsys):
    sources = tmp_path / "sources"
    sources.mkdir()
    stylesheet = sources / "site.css"
    stylesheet.write_text("body { color: black; }")
    settings.STATICFILES_DIRS = [sources]
    settings.STATIC_ROOT = tmp_path / "collected"

    assert update_static(capsys) == "Static files collected."
    collected = settings.STATIC_ROOT / "site.css"
    assert collected.read_text() == "body { color: black; }"
    assert (settings.STATIC_ROOT / "admin" / "css" / "base.css").exists()  # apps' files too

    assert update_static(capsys) == "Static files unchanged since they were collected."

    stylesheet.write_text("body { color: navy; }")
    # Newer than the copy by whole seconds: collectstatic copies only a source newer than it.
    later = (settings.STATIC_ROOT / "site.css").stat().st_mtime + 2
    os.utime(stylesheet, (later, later))
    assert update_static(capsys) == "Static files collected."
    assert collected.read_text() == "body { color: navy; }"

    (sources / "print.css").write_text("nav { display: none; }")
    assert update_static(capsys) == "Static files collected."
    assert (settings.STATIC_ROOT / "print.css").exists()


def test_a_collection_cut_short_is_made_again(settings, tmp_path, capsys, monkeypatch):
    settings.STATIC_ROOT = tmp_path / "collected"
    settings.STATIC_ROOT.mkdir()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(
        "learningcities.management.commands.update_static.call_command", interrupted
    )
    with pytest.raises(KeyboardInterrupt):
        call_command("update_static")
    monkeypatch.undo()
    assert update_static(capsys) == "Static files collected."
