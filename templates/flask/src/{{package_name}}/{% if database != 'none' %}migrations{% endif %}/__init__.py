"""Alembic migrations of the database schema (run with ``flask db upgrade``)."""
