"""The CLI subcommands, one module each.

Every module has ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int`` (the exit code). :mod:`battledecks.cli` wires them up.
"""
