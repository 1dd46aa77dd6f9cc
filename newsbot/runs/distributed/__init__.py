"""Multi-machine mode: Redis keys, the shared scheduler, page state, the item queue, its codec and writer."""
