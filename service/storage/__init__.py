"""Persistence on one SQLite file: connections, migrations and one module per stored concept."""
