"""The editorial engine's own content type, for its tests: a note with links, registered with
every feature in one call (apps.py), as any content app plugs in. Installed by the tests'
settings only (tests/settings.py), with a migration of its own (PostgreSQL creates the foreign
keys of tables made without one before the tables they point to exist)."""
