"""What every ``kompass`` subcommand shares: exit codes and error output."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_BAD_INPUT = 2

Handler = Callable[[argparse.Namespace], int]


def err(message: str) -> None:
    """Print a message for the user on standard error."""
    print(message, file=sys.stderr)
