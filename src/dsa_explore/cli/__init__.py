"""The ``dsa-explore`` command: build briefings, work with the shipped data, ingest statements of reasons.

One module per command group, registered explicitly in :data:`GROUPS` (each module has
``register(subparsers)`` that adds its parser and sets ``func``). Modules import only argparse
at the top, so ``dsa-explore briefing`` does not pay for the SoR machinery and vice versa.
Adding a group: one module in ``dsa_explore/cli/`` plus one entry in :data:`GROUPS`.

Errors: :func:`main` is the one handler for what a user can cause. An error of the package's
:class:`~dsa_explore.core.errors.DsaExploreError` family or an operating-system error (a missing
file, a file where a folder is expected, a permission) is printed as one line on standard error,
``dsa-explore <command>: <message>``, with exit code 1 for data refused after reading
(:class:`~dsa_explore.core.errors.RefusedDataError`) and 2 for everything else (usage); any other
exception is a bug and keeps its traceback. Output piped into a reader that stops early (``| head``)
ends quietly with exit code 1, as Python's documentation recommends for ``BrokenPipeError``.
"""

from __future__ import annotations

import argparse
import os
import sys

from dsa_explore.cli import briefing, capture, data, safetygate, sor
from dsa_explore.core.errors import DsaExploreError, RefusedDataError, error_message

#: The command groups, in the order ``dsa-explore --help`` lists them.
GROUPS = (briefing, data, sor, safetygate, capture)


#: The attributes holding each group's subcommand name (for the prefix of error messages).
_SUBCOMMANDS = ("sor_command", "data_command", "safetygate_command", "listings_command", "links_command")


def build_parser() -> argparse.ArgumentParser:
    """Return the ``dsa-explore`` argument parser with every group of :data:`GROUPS` registered."""
    parser = argparse.ArgumentParser(prog="dsa-explore", description="Examine marketplaces' DSA compliance.")
    sub = parser.add_subparsers(dest="command", required=True)
    for group in GROUPS:
        group.register(sub)
    return parser


def _prefix(args: argparse.Namespace) -> str:
    """Return ``dsa-explore <command> [<subcommand>]`` for the command being run."""
    words = ["dsa-explore", args.command]
    words += [getattr(args, a) for a in _SUBCOMMANDS if getattr(args, a, None)]
    return " ".join(words)


def _quiet_broken_pipe() -> int:
    """Point standard output at devnull (so the exit flush cannot fail again); return exit code 1."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout replaced by an object without a descriptor
        pass
    return 1


def main(argv: list[str] | None = None) -> int:
    """Run ``dsa-explore`` with ``argv`` (default: the command line); return the exit code.

    User errors (the package's :class:`~dsa_explore.core.errors.DsaExploreError` family and OS errors)
    become one line on standard error with exit code 1 (refused data) or 2 (usage); a closed output
    pipe ends quietly (exit code 1). Other exceptions propagate with their traceback.
    """
    args = build_parser().parse_args(argv)
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler, not at interpreter exit
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except (DsaExploreError, OSError) as exc:
        print(f"{_prefix(args)}: {error_message(exc)}", file=sys.stderr)
        return 1 if isinstance(exc, RefusedDataError) else 2
    return code


if __name__ == "__main__":
    sys.exit(main())
