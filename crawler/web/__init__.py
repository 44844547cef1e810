"""The operator's web view (``jen web``; ``jen run`` too when ``web.port`` is set): see `crawler.web.app`."""

from __future__ import annotations

from typing import Any


def serve_in_thread(app: Any, host: str, port: int) -> Any:
    """Serve ``app`` with uvicorn in a daemon thread of this process (the service's); returns the uvicorn server,
    whose ``should_exit = True`` stops it."""
    import threading

    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True, name="web-view")
    thread.start()
    return server
