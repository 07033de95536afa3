"""Command line: ``python -m aemodels {datasets,train,sweep,evaluate,runs,delete,export,import,check-data}``.

Bad input exits with status 2 and one line on standard error; ``--json`` makes the last line
printed one JSON object. The commands live in ``aemodels.cli``.
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from aemodels import native_log  # noqa: E402
from aemodels.cli.main import EXIT_BAD_INPUT, main  # noqa: E402

if __name__ == "__main__":
    try:
        with native_log.silenced():
            code = main()
    except OSError as exc:  # only opening the file AEMODELS_NATIVE_LOG names can fail here
        print(f"error: {native_log.NATIVE_LOG_VARIABLE} names a file that cannot be written ({exc.strerror}): "
              "give a writable path, or 'stderr'", file=sys.stderr)
        code = EXIT_BAD_INPUT
    sys.exit(code)
