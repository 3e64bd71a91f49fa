# SPDX-License-Identifier: GPL-2.0
"""The command lines' parser: a usage error is one line, exit status 2."""
import argparse

from .errors import EXIT_USAGE


class Parser(argparse.ArgumentParser):
    """argparse, with its usage errors in one line naming the problem and
    where the fix is ('PROG: MESSAGE; see PROG --help'), exit status 2
    (core.errors), instead of the usage block and the message."""

    def error(self, message):
        name = self.prog.split()[0]
        self.exit(EXIT_USAGE, f"{name.removesuffix('.sh').removesuffix('.py')}: {message}; "
                              f"see {name} --help\n")


def parse(parser, argv):
    """PARSER.parse_args(ARGV), or the exit status of --help (0) or of a
    usage error (2) as an int: for main() functions that return it."""
    try:
        return parser.parse_args(argv)
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (EXIT_USAGE if e.code else 0)
