"""newsbot: a Scrapy-based news scraper and archiver."""

__version__ = "0.1.0"
