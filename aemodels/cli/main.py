"""``main``: parse the arguments, run the command, turn a user's error into one line and exit 2."""

from __future__ import annotations

import sys

from aemodels import native_log
from aemodels.cli import run_commands, training_commands
from aemodels.cli.parser import build_parser
from aemodels.errors import AemodelsError

EXIT_BAD_INPUT = 2

COMMANDS = {"datasets": run_commands.datasets_command, "train": training_commands.train_command,
            "sweep": training_commands.sweep_command, "evaluate": run_commands.evaluate_command,
            "runs": run_commands.runs_command, "delete": run_commands.delete_command,
            "export": run_commands.export_command,
            "serve-projector": run_commands.serve_projector_command, "import": run_commands.import_command,
            "check-data": run_commands.check_data_command}


def main(argv: list[str] | None = None) -> int:
    """Run the command ``argv`` names; returns the exit status."""
    native_log.quiet_python_loggers()
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except AemodelsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("\nstopped: nothing was saved", file=sys.stderr)
        return 130
