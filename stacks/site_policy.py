"""What the deployed site and the local one share (no CDK import: `make dev` serves the site with these)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

SITE_DIR = Path(__file__).resolve().parents[1] / "frontend_stub"
CONFIG_FILE = "config.json"

# The product images' key prefix in the images bucket (uploads: books/<book_id>/<hex>.<ext>; the local catalog:
# books/covers/<genre>.png). The site serves these keys at the same paths (`/books/...`): on the distribution
# through a behaviour for `books/*` with the images bucket as its origin, locally from the local S3.
COVERS_PREFIX = "books/"


def site_url_parameter(stage: str) -> str:
    """The SSM parameter holding the site's public base URL (`https://<domain>`, no trailing slash): written by
    the Frontend stack (locally: by the local world, with the local web server's origin), read at run time by the
    bot's code hook for its cards' cover URLs (`<site url>/books/...`)."""
    return f"/bookstore/{stage}/site-url"


def content_security_policy(*, connect: Sequence[str], images: Sequence[str], https_only: bool = True) -> str:
    """The site's Content-Security-Policy: scripts and styles only from the site (nothing inline), requests only
    to the site and the `connect` origins (the API, Cognito), pictures only from the site, data: URLs and the
    `images` origins (the images bucket's presigned URLs). The deployed stage lists its own region's endpoints
    and bucket (stacks/frontend_stack.py), `make dev` the local ones."""
    upgrade = ("upgrade-insecure-requests",) if https_only else ()
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            " ".join(("img-src 'self' data:", *images)),
            " ".join(("connect-src 'self'", *connect, *images)),
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            *upgrade,
        )
    )


def stage_endpoints(region: str, images_bucket: str) -> tuple[list[str], list[str]]:
    """What a deployed stage's pages may call (its region's API Gateway and Cognito endpoints) and show (its
    images bucket, by both the regional and the global virtual-hosted name S3 presigns with). The exact API id
    is not known here: the Api stack deploys after the Frontend stack, whose domain it needs for CORS."""
    connect = [f"https://*.execute-api.{region}.amazonaws.com", f"https://cognito-idp.{region}.amazonaws.com"]
    images = [f"https://{images_bucket}.s3.{region}.amazonaws.com", f"https://{images_bucket}.s3.amazonaws.com"]
    return connect, images


PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=()"


def site_config(
    *, api_url: str, region: str, user_pool_id: str, client_id: str, cognito_endpoint: str, stage: str
) -> dict[str, str]:
    """config.json: every endpoint the static app needs. The Api stack writes it with the deployed values,
    `make dev` serves it with the local ones; the app reads these keys only."""
    return {
        "apiUrl": api_url,
        "region": region,
        "userPoolId": user_pool_id,
        "userPoolClientId": client_id,
        "cognitoEndpoint": cognito_endpoint,
        "stage": stage,
    }
