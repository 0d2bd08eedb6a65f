#!/usr/bin/env python
"""Run the forum: apply migrations, collect static files, then serve.

    python runserver.py [--host 127.0.0.1] [--port 8000] [--workers 2] [--dev]

Without --dev it serves with gunicorn (a production WSGI server) and WhiteNoise for static
files. With --dev it runs Django's autoreloading development server with DEBUG on.
"""

import argparse
import os
import shutil
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run the forum.")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--dev", action="store_true", help="Django's autoreloading server, DEBUG on")
    return parser.parse_args(argv)


def prepare() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=1)
    call_command("collectstatic", interactive=False, verbosity=0)


def serve_production(args: argparse.Namespace) -> None:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which("gunicorn")
    if gunicorn is None:
        sys.exit("gunicorn is not installed; run `poetry sync` first.")
    bind = f"[{args.host}]:{args.port}" if ":" in args.host else f"{args.host}:{args.port}"
    print(f"Forum running at http://{bind}/  (gunicorn, {args.workers} workers; Ctrl-C stops it)", flush=True)
    command = [
        gunicorn,
        "forum.wsgi:application",
        "--bind", bind,
        "--workers", str(args.workers),
        "--no-control-socket",
        "--access-logfile", "-",
        "--chdir", str(BASE_DIR),
    ]
    os.execv(gunicorn, command)


def serve_development(args: argparse.Namespace) -> None:
    from django.core.management import call_command

    print(f"Forum running at http://{args.host}:{args.port}/  (development server)", flush=True)
    call_command("runserver", f"{args.host}:{args.port}")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    os.chdir(BASE_DIR)
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings")
    if args.dev:
        os.environ["DEBUG"] = "true"
    prepare()
    if args.dev:
        serve_development(args)
    else:
        serve_production(args)


if __name__ == "__main__":
    main()
