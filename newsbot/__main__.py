"""Run the `newsbot` command as `python -m newsbot`."""

from newsbot.cli import main

main()
