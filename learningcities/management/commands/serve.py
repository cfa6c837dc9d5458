"""`make serve`: gunicorn behind its front, nginx, both stopped together; or either alone
(`make serve-app`, `make serve-front`) when the stack is split over machines."""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from learningcities.middleware import RequestBodyLimitMiddleware
from learningcities.storage import PRIVATE_PREFIXES
from learningcities.views import error_page_style_source

GUNICORN = Path(sys.executable).parent / "gunicorn"
# Debian's libnginx-mod-http-brotli-static (`make front`): the .br files collectstatic wrote.
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
# The error pages the front answers itself (a rate limit, the app down), rendered once.
FRONT_ERROR_PAGES = {"429.html": "429.html", "503.html": "503.html"}


def front_configuration(run_dir, listen, app_servers):
    """The text of nginx.conf for a front in `run_dir` (templates/front/nginx.conf)."""
    admin_url = "/" + settings.ADMIN_URL
    search_paths = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            search_paths.append(reverse("cities:search"))
    return render_to_string(
        "front/nginx.conf",
        {
            "run_dir": run_dir,
            "run_as_root": os.geteuid() == 0,
            "brotli_module": BROTLI_MODULE if BROTLI_MODULE.exists() else None,
            "listen": listen,
            "tls_certificate": settings.FRONT_TLS_CERTIFICATE,
            "tls_certificate_key": settings.FRONT_TLS_CERTIFICATE_KEY,
            "redirect_listen": settings.FRONT_HTTP_REDIRECT_LISTEN,
            "app_servers": app_servers,
            "trusted_proxies": settings.FRONT_TRUSTED_PROXIES,
            "cache_keep_minutes": settings.FRONT_CACHE_KEEP_MINUTES,
            "cache_max_size_mb": settings.FRONT_CACHE_MAX_SIZE_MB,
            "search_rate": settings.FRONT_SEARCH_RATE,
            "search_burst": 2 * settings.FRONT_SEARCH_RATE,
            "search_paths": search_paths,
            "login_rate": settings.FRONT_LOGIN_RATE,
            "login_burst": 2 * settings.FRONT_LOGIN_RATE,
            "session_cookie": settings.SESSION_COOKIE_NAME,
            "admin_url": admin_url,
            "upload_paths": [
                admin_url + address for address in RequestBodyLimitMiddleware.UPLOAD_ADDRESSES
            ],
            "max_form_body": settings.MAX_FORM_BODY,
            "max_request_body": settings.MAX_REQUEST_BODY,
            "static_url": "/" + settings.STATIC_URL.lstrip("/"),
            "static_root": Path(settings.STATIC_ROOT).resolve(),
            # With object storage, /media/ reaches the app, which has no such address (404).
            "media_url": "/" + settings.MEDIA_URL.lstrip("/"),
            "media_root": Path(settings.MEDIA_ROOT).resolve() if settings.SERVE_MEDIA else None,
            "media_max_age": settings.MEDIA_MAX_AGE,
            "private_media": PRIVATE_PREFIXES,
            "error_page_style": error_page_style_source(),
        },
    )


def write_front(run_dir, listen, app_servers):
    """Write the front's configuration and error pages into `run_dir`, check it with
    `nginx -t`, and return the configuration's path."""
    errors = run_dir / "errors"
    errors.mkdir(parents=True, exist_ok=True)
    for name, template in FRONT_ERROR_PAGES.items():
        (errors / name).write_text(render_to_string(template))
    configuration = run_dir / "nginx.conf"
    configuration.write_text(front_configuration(run_dir, listen, app_servers))
    check = subprocess.run(
        nginx_command(run_dir, configuration, "-t", "-q"), capture_output=True, text=True
    )
    if check.returncode:
        raise CommandError(f"nginx refused {configuration}:\n{check.stderr}")
    return configuration


def nginx_command(run_dir, configuration, *options):
    return ["nginx", "-p", f"{run_dir}/", "-e", "stderr", "-c", str(configuration), *options]


class Command(BaseCommand):
    help = "Run the production stack: gunicorn behind nginx (make serve), or one of them."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, required=True, help="Where the site answers.")
        parser.add_argument(
            "--run-dir",
            type=Path,
            required=True,
            help="This instance's own folder: sockets, pid file, cached pages, temporary files.",
        )
        parser.add_argument(
            "--only",
            choices=["app", "front"],
            help="app: gunicorn alone on --port (an app server behind fronts elsewhere); "
            "front: nginx alone, before FRONT_APP_SERVERS.",
        )
        parser.add_argument("--host", default="127.0.0.1", help="app only: gunicorn's address.")
        parser.add_argument(
            "gunicorn_options", nargs=argparse.REMAINDER, help="After --: gunicorn's options."
        )

    def handle(self, *args, port, run_dir, only, host, gunicorn_options, **options):
        run_dir = run_dir.resolve()
        run_dir.mkdir(parents=True, exist_ok=True)
        app_socket = f"unix:{run_dir}/app.sock"
        processes = []
        if only != "app":
            listen = settings.FRONT_LISTEN or f"127.0.0.1:{port}"
            if only == "front" and not settings.FRONT_APP_SERVERS:
                raise CommandError("A front alone needs FRONT_APP_SERVERS (host:port, …).")
            app_servers = settings.FRONT_APP_SERVERS or [app_socket]
            configuration = write_front(run_dir, listen, app_servers)
        if only != "front":
            environment = dict(os.environ)
            if only is None:
                # Behind this front, which sets both headers itself (templates/front/nginx.conf).
                environment.update(DJANGO_TRUSTED_PROXIES="1", DJANGO_SECURE_PROXY_SSL_HEADER="on")
            bind = f"{host}:{port}" if only == "app" else app_socket
            options = [o for o in gunicorn_options if o != "--"]
            gunicorn = subprocess.Popen(
                [
                    *(GUNICORN, "learningcities.wsgi", "--bind", bind, *options),
                    # Its own control socket: by default every instance shares ~/.gunicorn's.
                    *("--control-socket", str(run_dir / "gunicorn.ctl")),
                ],
                env=environment,
            )
            # Gunicorn stops gracefully on SIGTERM (nginx on SIGQUIT; SIGTERM is its fast exit).
            processes.append((gunicorn, signal.SIGTERM))
        if only != "app":
            processes.append(
                (subprocess.Popen(nginx_command(run_dir, configuration)), signal.SIGQUIT)
            )
        self.supervise(processes)

    @staticmethod
    def supervise(processes):
        """Until told to stop or until one of them ends; then stop the others too."""
        stopping = []
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, lambda signum, frame: stopping.append(signum))
        while not stopping and all(process.poll() is None for process, _stop in processes):
            time.sleep(0.2)
        for process, stop in processes:
            if process.poll() is None:
                process.send_signal(stop)
        for process, _stop in processes:
            process.wait()
        if not stopping:
            raise CommandError("A server process ended by itself; the others were stopped.")
