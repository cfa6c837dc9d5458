import ast
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


def imported_modules(path):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.lineno, node.module


def test_the_project_package_never_imports_the_cities_app():
    """One direction only: `cities` may use the project's infrastructure in `learningcities`,
    which names the app only in strings (settings, `include("cities.urls")`)."""
    package = project_settings.BASE_DIR / "learningcities"
    modules = sorted(package.rglob("*.py"))
    assert package / "urls.py" in modules and package / "settings.py" in modules

    offenders = [
        f"{path.relative_to(package.parent)}:{line} imports {name}"
        for path in modules
        for line, name in imported_modules(path)
        if name == "cities" or name.startswith("cities.")
    ]

    assert offenders == []
