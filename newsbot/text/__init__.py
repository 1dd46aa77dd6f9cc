"""Pure functions: split, views, timestamps, language (no Scrapy, no SQLite)."""
