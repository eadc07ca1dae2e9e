"""Alembic migrations, shipped inside the package so `croupier migrate` works wherever it is installed."""
