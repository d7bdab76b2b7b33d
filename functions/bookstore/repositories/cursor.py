"""Opaque pagination cursors: base64url JSON, validated on the way back in."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from bookstore.errors import ValidationError


def encode_cursor(value: dict[str, Any] | None) -> str | None:
    if not value:
        return None
    return base64.urlsafe_b64encode(json.dumps(value, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValidationError("The cursor is not valid; use the next_cursor of a previous page.") from None
    if not isinstance(value, dict):
        raise ValidationError("The cursor is not valid; use the next_cursor of a previous page.")
    return value
