"""What the deployed site and the local one share (no CDK import: `make dev` serves the site with these)."""

from __future__ import annotations

from pathlib import Path

SITE_DIR = Path(__file__).resolve().parents[1] / "frontend_stub"
CONFIG_FILE = "config.json"

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
