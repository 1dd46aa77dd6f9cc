"""newsbot: a Scrapy-based news scraper and archiver."""

__version__ = "0.1.0"

# The project's name on the package index (`newsbot` there is an unrelated project); the import
# package and the `newsbot` command keep the short name.
DISTRIBUTION = "newsbot-archiver"


def install_hint(extra: str) -> str:
    """Return how to install one of the project's extras, for messages that need one."""
    return f"pip install -e '.[{extra}]' in the newsbot checkout (the {DISTRIBUTION} distribution)"
