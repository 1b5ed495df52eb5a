"""`protokoll serve`: the web app under uvicorn, built by the factory (no module-level app)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: Annotated[str, typer.Option(help="interface to bind")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="TCP port (0 picks a free one)")] = 8000,
        data_dir: Annotated[Path | None, typer.Option("--data-dir", help="data directory (PROTOKOLL_DATA_DIR)")] = None,
        log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
    ) -> None:
        """Serve the public pages, the JSON API and the auditor's log over HTTP."""
        import uvicorn

        from api.config import WebSettings
        from api.main import create_app

        # Without --data-dir, PROTOKOLL_DATA_DIR (or the default) decides: only pass what was given.
        if data_dir is None:
            settings = WebSettings(host=host, port=port)
        else:
            settings = WebSettings(host=host, port=port, data_dir=data_dir)
        typer.echo(f"Protokoll on http://{host}:{port}/ (data: {settings.data_dir})")
        uvicorn.run(
            lambda: create_app(settings, freeze_heap=True),
            factory=True,
            host=host,
            port=port,
            log_level=log_level,
            proxy_headers=False,  # client IPs key the rate limits: never trust X-Forwarded-For by default
        )
