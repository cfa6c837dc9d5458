"""The editorial engine's own content type, for its tests: a note with links, registered with
every feature in one call (apps.py), as any content app plugs in. Installed by the tests'
settings only (tests/settings.py); its tables are made from its models, with no migrations."""
