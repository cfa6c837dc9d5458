import subprocess
import sys

import pytest
from django.core.management import call_command

from learningcities import settings as project_settings


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def run_settings(env):
    """Import the settings module in a fresh interpreter with the given environment."""
    base = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "learningcities.settings",
        "DJANGO_ENV_FILE": "/nonexistent/.env",
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**base, **env},
        cwd=project_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_settings({"DJANGO_DEBUG": "off"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_settings_start_with_a_secret_key_and_debug_is_off_by_default():
    result = run_settings({"DJANGO_SECRET_KEY": "x" * 50})
    assert result.returncode == 0, result.stderr
    check = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings as s; print(s.DEBUG)"],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "learningcities.settings",
            "DJANGO_ENV_FILE": "/nonexistent/.env",
            "DJANGO_SECRET_KEY": "x" * 50,
        },
        cwd=project_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert check.stdout.strip() == "False"
