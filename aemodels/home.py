"""Where Autoencoder Lab keeps its files: ``$AEMODELS_HOME``, by default ``~/.aemodels``."""

from __future__ import annotations

import os
from pathlib import Path


def home_dir() -> Path:
    """The folder that holds ``runs/`` and ``datasets/``; created on first use."""
    root = Path(os.environ.get("AEMODELS_HOME") or Path.home() / ".aemodels").expanduser()
    root.mkdir(parents=True, exist_ok=True)
    return root
