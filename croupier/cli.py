"""Command line: serve, migrate, demo, totp-code, create-admin."""

from __future__ import annotations

import asyncio
import getpass
import os

import typer

from croupier.assistant.cli import app as assistant_app
from croupier.config import get_settings

app = typer.Typer(help="Croupier: player support for online casino operators.", no_args_is_help=True)
app.add_typer(assistant_app, name="assistant")


def _migrate() -> None:
    from croupier.migrate import upgrade

    settings = get_settings()
    if not settings.database_url:  # the embedded SQLite file lives in the data directory: a fresh machine has none
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.effective_database_url)


@app.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    _migrate()
    typer.echo("Database is up to date.")


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1,
          migrate_first: bool = typer.Option(True, "--migrate/--no-migrate")) -> None:
    """Run the web server (production: several workers need CROUPIER_REDIS_URL for live fan-out)."""
    settings = get_settings()
    if workers > 1 and not settings.redis_url:
        typer.echo("Several workers share live events through Redis: set CROUPIER_REDIS_URL.", err=True)
        raise typer.Exit(2)
    if workers > 1 and not port:
        typer.echo("Several workers need a fixed port (each listens on it with SO_REUSEPORT).", err=True)
        raise typer.Exit(2)
    if migrate_first:
        _migrate()
    options = {"app": "croupier.app:served_app", "factory": True, "host": host, "port": port,
               "log_level": "warning" if settings.production else "info", "proxy_headers": True,
               "server_header": False}
    if workers > 1:
        from croupier.kit.workers import serve_workers

        serve_workers(options, workers)
    else:
        import uvicorn

        uvicorn.run(**options)


@app.command()
def worker(concurrency: int = typer.Option(0, help="Job lanes (default: CROUPIER_WORKER_CONCURRENCY)")) -> None:
    """Run background jobs in this process, for web processes started with CROUPIER_RUN_WORKER=false
    (CROUPIER_REDIS_URL carries live events to the web processes' streams)."""
    import asyncio

    from croupier.worker.process import run

    settings = get_settings()
    if not settings.redis_url:
        typer.echo("A separate job worker gives the web processes live events through Redis: set "
                   "CROUPIER_REDIS_URL.", err=True)
        raise typer.Exit(2)
    asyncio.run(run(settings, concurrency or settings.worker_concurrency,
                    ready="Croupier: the job worker is running."))


@app.command("create-admin")
def create_admin(email: str = typer.Option(..., prompt=True), name: str = typer.Option("Administrator"),
                 password: str = typer.Option("", help="Prompted for when empty")) -> None:
    """Create an administrator account (2FA is set up at first login)."""
    password = password or os.environ.get("CROUPIER_ADMIN_PASSWORD") or getpass.getpass("Password: ")
    _migrate()

    async def run() -> None:
        from croupier.auth.users import user_service
        from croupier.db import Database
        from croupier.errors import CroupierError
        from croupier.models import Role

        db = Database(get_settings())
        try:
            async with db.transaction() as session:
                await user_service.create(session, None, email=email, name=name, role=Role.admin,
                                          password=password)
        except CroupierError as exc:
            typer.echo(f"Not created: {exc.render()} {exc.details.get('problems', '')}".strip(), err=True)
            raise typer.Exit(1) from exc
        finally:
            await db.dispose()

    asyncio.run(run())
    typer.echo(f"Administrator {email} created. Log in at {get_settings().base_url}/console and set up 2FA.")


@app.command()
def demo(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Create the demo database (two casino brands, staff, conversations), print logins, and serve it."""
    from croupier.demo.seed import print_logins, seed

    _migrate()
    logins = asyncio.run(seed(get_settings()))
    print_logins(logins, f"http://{host}:{port}")
    serve(host=host, port=port, workers=1, migrate_first=False)


@app.command("totp-code")
def totp_code(email: str) -> None:
    """Print the current two-factor code of a demo account (the demo's accounts only)."""
    from croupier.demo.seed import demo_totp_code

    code = asyncio.run(demo_totp_code(get_settings(), email))
    if code is None:
        typer.echo(f"{email} is not a demo account with two-factor authentication.", err=True)
        raise typer.Exit(1)
    typer.echo(code)


if __name__ == "__main__":
    app()
