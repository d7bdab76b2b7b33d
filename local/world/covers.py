"""Cover images for the local catalog: one generated PNG per genre (the sample catalog ships no artwork), put
in the product-images bucket under the key the image-upload route would use, so the front end's book pages
show covers through presigned S3 URLs exactly as deployed."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from typing import Any

from bookstore.catalog_models import Book

WIDTH, HEIGHT = 200, 300
# Two colours per genre: the cover and its band (readable, distinct, not garish).
PALETTE: dict[str, tuple[tuple[int, int, int], tuple[int, int, int]]] = {
    "adventure": ((20, 83, 45), (250, 204, 21)),
    "children": ((190, 24, 93), (253, 230, 138)),
    "classics": ((30, 58, 138), (226, 232, 240)),
    "drama": ((127, 29, 29), (254, 202, 202)),
    "fantasy": ((76, 29, 149), (196, 181, 253)),
    "history": ((120, 53, 15), (253, 230, 138)),
    "horror": ((17, 24, 39), (220, 38, 38)),
    "mystery": ((31, 41, 55), (148, 163, 184)),
    "philosophy": ((15, 118, 110), (204, 251, 241)),
    "poetry": ((157, 23, 77), (251, 207, 232)),
    "romance": ((159, 18, 57), (254, 205, 211)),
    "satire": ((194, 65, 12), (254, 215, 170)),
    "science fiction": ((12, 74, 110), (125, 211, 252)),
}
DEFAULT = ((55, 65, 81), (229, 231, 235))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def cover_png(genre: str) -> bytes:
    """A WIDTH x HEIGHT RGB PNG: the genre's colour with a band and a spine line."""
    base, band = PALETTE.get(genre, DEFAULT)
    rows = []
    for y in range(HEIGHT):
        row = bytearray(b"\x00")  # filter type: none
        in_band = HEIGHT * 0.62 < y < HEIGHT * 0.72
        for x in range(WIDTH):
            row += bytes(band if in_band or 10 <= x < 14 else base)
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )


def cover_key(genre: str) -> str:
    """One cover per genre, under the books/ prefix the API's role may read."""
    return f"books/covers/{genre.replace(' ', '-')}.png"


def with_covers(s3: Any, bucket: str, books: Iterable[Book]) -> list[Book]:
    """Upload the genre covers the books need and return the books pointing at them."""
    covered = []
    uploaded: set[str] = set()
    for book in books:
        key = cover_key(book.genre)
        if key not in uploaded:
            s3.put_object(Bucket=bucket, Key=key, Body=cover_png(book.genre), ContentType="image/png")
            uploaded.add(key)
        covered.append(book.model_copy(update={"image_key": key}))
    return covered
