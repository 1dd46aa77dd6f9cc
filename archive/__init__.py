"""The SQLite archive: the only package that talks to SQLite."""
