"""Print the nginx site for this environment (deploy/nginx.conf.template): one upload limit,
host name and gunicorn address, configured once in the environment, for Django and nginx."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand
from django.template import Context, Engine
from django.template.defaultfilters import filesizeformat

TEMPLATE = settings.BASE_DIR / "deploy" / "nginx.conf.template"
# Room for the form's other fields and the multipart framing around an upload at the limit.
FORM_ALLOWANCE_BYTES = 1024 * 1024


def nginx_conf(
    *,
    http_listen: list[str],
    https_listen: list[str],
    certificate: str,
    certificate_key: str,
) -> str:
    request_time_limit = float(os.environ.get("GUNICORN_REQUEST_TIME_LIMIT", "25"))
    hosts = [host for host in settings.ALLOWED_HOSTS if host and host != "*"]
    media_root = "" if settings.AWS_STORAGE_BUCKET_NAME else str(settings.MEDIA_ROOT).rstrip("/")
    context = {
        "upstream": os.environ.get("GUNICORN_BIND", "127.0.0.1:8000"),
        "server_name": " ".join(host.lstrip(".") for host in hosts) or "_",
        "http_listen": http_listen,
        "https_listen": https_listen,
        "certificate": certificate,
        "certificate_key": certificate_key,
        "client_max_body_size": settings.MAGAZINE_UPLOAD_MAX_BYTES + FORM_ALLOWANCE_BYTES,
        "upload_limit_label": filesizeformat(settings.MAGAZINE_UPLOAD_MAX_BYTES).replace(
            "\xa0", " "
        ),
        "media_root": media_root,
        "proxy_read_timeout": int(request_time_limit) + 10,
    }
    template = Engine(autoescape=False).from_string(TEMPLATE.read_text())
    return template.render(Context(context))


class Command(BaseCommand):
    help = "Print the nginx site configuration for this environment (docs/deploy.md)."

    def add_arguments(self, parser):
        parser.add_argument("--http-listen", action="append", help="Default: 80 and [::]:80.")
        parser.add_argument("--https-listen", action="append", help="Default: 443, [::]:443.")
        parser.add_argument("--certificate", help="Default: Let's Encrypt's for the first host.")
        parser.add_argument("--certificate-key")

    def handle(self, *args, **options) -> None:
        host = next((h for h in settings.ALLOWED_HOSTS if h and h != "*"), "localhost")
        live = f"/etc/letsencrypt/live/{host.lstrip('.')}"
        self.stdout.write(
            nginx_conf(
                http_listen=options["http_listen"] or ["80", "[::]:80"],
                https_listen=options["https_listen"] or ["443", "[::]:443"],
                certificate=options["certificate"] or f"{live}/fullchain.pem",
                certificate_key=options["certificate_key"] or f"{live}/privkey.pem",
            ),
            ending="",
        )
