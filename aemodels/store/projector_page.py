"""Serve a projector export to the standalone Embedding Projector page (projector.tensorflow.org).

The page reads a JSON config given as ``?config=URL`` and fetches every file it names from the
browser. So the config's paths must be whole URLs, and each response must carry an
``Access-Control-Allow-Origin`` header, or the browser blocks it. A plain ``python -m http.server``
sends none. ``serve`` sends the folder's files with that header, and the config with its paths made
URLs of the address the browser asked for.
"""

from __future__ import annotations

import functools
import json
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aemodels.errors import AemodelsError

PAGE = "https://projector.tensorflow.org/"
CONFIG = "projector_config.json"


def page_url(config_url: str, page: str = PAGE) -> str:
    """The standalone page opened on the config at ``config_url``."""
    return f"{page}?config={config_url}"


def absolute_config(folder: Path, base_url: str) -> dict:
    """``folder``'s standalone config with every path turned into a URL under ``base_url``."""
    config = json.loads((Path(folder) / CONFIG).read_text())
    base = base_url.rstrip("/") + "/"
    for embedding in config["embeddings"]:
        for key in ("tensorPath", "metadataPath"):
            embedding[key] = base + embedding[key]
        embedding["sprite"]["imagePath"] = base + embedding["sprite"]["imagePath"]
    return config


class _Handler(SimpleHTTPRequestHandler):
    """The folder's files, readable from any origin; the config with URLs of this server."""

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        if self.path.split("?")[0].lstrip("/") != CONFIG:
            return super().do_GET()
        body = json.dumps(absolute_config(Path(self.directory), f"http://{self.headers.get('Host')}")).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:  # one quiet server, not a line per file
        pass


def server(folder: Path, port: int = 8765, host: str = "localhost") -> ThreadingHTTPServer:
    """An HTTP server of the projector export in ``folder`` (not yet serving)."""
    folder = Path(folder)
    if not (folder / CONFIG).is_file():
        raise AemodelsError(f"'{folder}' has no {CONFIG}: export a run into it first "
                            f"(python -m aemodels export RUN --projector {folder}).")
    try:
        return ThreadingHTTPServer((host, port), functools.partial(_Handler, directory=str(folder)))
    except OSError as exc:
        raise AemodelsError(f"cannot listen on {host}:{port} ({exc.strerror}): choose another --port.") from None
