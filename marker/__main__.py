"""``python -m marker``."""

from .cli import main

main(prog_name="marker")
