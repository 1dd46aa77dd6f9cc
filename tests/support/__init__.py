"""Helpers the tests share: paths, item factories, a real Redis server, a crawl runner."""
