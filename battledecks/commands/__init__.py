"""The CLI subcommands, one module each.

Every module has ``NAME``, ``add_arguments(parser)`` and ``run(args) -> int``
(the exit code). :mod:`battledecks.cli` wires them up, with each command's
one-line help, and imports only the module of the command that runs.
"""
