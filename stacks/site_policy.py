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
