"""What a fresh machine installs and how the server is configured to idle."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)")


def _requirement_lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text().splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in _requirement_lines(path):
        match = PIN.match(line)
        assert match, f"{path.name}: '{line}' is not pinned with =="
        pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    return pins


def test_requirements_pin_every_package_exactly():
    runtime = _pins(ROOT / "requirements.txt")
    dev = _pins(ROOT / "requirements-dev.txt")
    for name in ("streamlit", "tensorflow-cpu", "keras", "numpy", "plotly", "scikit-learn"):
        assert name in runtime, f"{name} is not pinned in requirements.txt"
    # The tests run with exactly what the app installs.
    assert {name: dev[name] for name in runtime} == runtime
    assert "pytest" in dev and "playwright" in dev


def test_keras_has_the_hdf5_fixes():
    version = tuple(int(part) for part in _pins(ROOT / "requirements.txt")["keras"].split(".")[:3])
    assert version >= (3, 15, 1)


def test_every_direct_dependency_is_locked():
    runtime = _pins(ROOT / "requirements.txt")
    for line in _requirement_lines(ROOT / "requirements.in"):
        name = re.match(r"^[A-Za-z0-9_.\-]+", line).group(0).lower().replace("_", "-")
        assert name in runtime, f"{name} from requirements.in is missing from requirements.txt: regenerate it"


def test_the_server_watches_no_files():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["fileWatcherType"] == "none"
    assert config["server"].get("runOnSave", False) is False
