"""What the deployed site and the local one share (no CDK import: `make dev` serves the site with these)."""

from __future__ import annotations

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


# The front end calls the API (execute-api), Cognito (cognito-idp) and shows covers from presigned S3
# URLs: all regional endpoints under amazonaws.com. Nothing inline: scripts and styles are files.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: https://*.amazonaws.com",
        "connect-src 'self' https://*.amazonaws.com",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "upgrade-insecure-requests",
    )
)
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
