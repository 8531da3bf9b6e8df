"""The ``portable-fn`` command line. Commands only wire: they parse options (with ``envvar=``),
call one plain function, and map portable_fn errors to click's clean exits."""

from portable_fn.cli import local, ship
from portable_fn.cli.root import main

__all__ = ["local", "main", "ship"]
