"""Where analyses are kept: the embedded SQLite store (see docs/store.md)."""

from .sqlite import MIGRATIONS, SCHEMA_VERSION, Migration, Store

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Migration", "Store"]
