"""Cover images for the local catalog: one generated PNG per genre (the sample catalog ships no artwork), put
in the product-images bucket under the key the image-upload route would use, so the front end's book pages
show covers through presigned S3 URLs exactly as deployed.

And where the bot's cards find them, as deployed: the Frontend stack's distribution serves the bucket's `books/*`
keys and writes the site's URL to an SSM parameter the code hook reads. Locally the web server serves those keys
from the local S3 (`bucket_behaviours`, read from the distribution's cache behaviours) and the local world writes
that parameter with the web server's origin (`publish_site_url`)."""

from __future__ import annotations

import json
import re
import struct
import zlib
from collections.abc import Iterable, Mapping
from typing import Any

from botocore.exceptions import ClientError

from bookstore.catalog import Book
from local.emulators.web import ObjectReader
from local.world.functions import Resolver, UnresolvableValue
from local.world.provision import resources_of_type

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


# The site the covers are served from: what the Frontend stack deploys, done here for the local web server.


def site_url_parameters(templates: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The names of the templates' SSM parameters that hold the site's URL: an AWS::SSM::Parameter whose value is
    built from a CloudFront distribution's DomainName in the same template (the Frontend stack's `SiteUrlParameter`,
    which the bot's code hook reads for its cards' covers)."""
    names: list[str] = []
    for template in templates.values():
        distributions = resources_of_type(template, "AWS::CloudFront::Distribution")
        for parameter in resources_of_type(template, "AWS::SSM::Parameter").values():
            props = parameter.get("Properties", {})
            value = json.dumps(props.get("Value"))
            if isinstance(props.get("Name"), str) and any(
                json.dumps({"Fn::GetAtt": [d, "DomainName"]}) in value for d in distributions
            ):
                names.append(props["Name"])
    return names


def publish_site_url(ssm: Any, templates: Mapping[str, Mapping[str, Any]], origin: str) -> list[str]:
    """Write the local web server's origin (`http://127.0.0.1:8080`) where the Frontend stack writes the
    distribution's URL, so the code hook finds it as deployed; returns the parameters written."""
    names = site_url_parameters(templates)
    for name in names:
        ssm.put_parameter(Name=name, Value=origin.rstrip("/"), Type="String", Overwrite=True)
    return names


_PREFIX_PATTERN = re.compile(r"^/?((?:[^*?/]+/)+)\*$")  # `/books/*`: every key under one folder


def bucket_behaviours(templates: Mapping[str, Mapping[str, Any]], resolver: Resolver) -> list[tuple[str, str]]:
    """(path prefix, bucket) of each of the distributions' further cache behaviours with an S3 origin and a
    folder path pattern (`/books/*` -> ("/books/", the images bucket)): the bucket is the origin's domain name
    (`<bucket>.s3.<region>.amazonaws.com`) resolved to the local names."""
    found: list[tuple[str, str]] = []
    for stack, template in templates.items():
        for distribution in resources_of_type(template, "AWS::CloudFront::Distribution").values():
            config = distribution.get("Properties", {}).get("DistributionConfig", {})
            origins = {origin["Id"]: origin for origin in config.get("Origins", [])}
            for behaviour in config.get("CacheBehaviors", []):
                folder = _PREFIX_PATTERN.match(str(behaviour.get("PathPattern", "")))
                origin = origins.get(behaviour.get("TargetOriginId"), {})
                if folder is None or "S3OriginConfig" not in origin:
                    continue
                try:
                    domain = resolver.resolve(origin["DomainName"], stack)
                except UnresolvableValue:  # a bucket of no template here: nothing local to serve
                    continue
                found.append((f"/{folder.group(1)}", domain.split(".s3.", 1)[0]))
    return found


def object_reader(s3: Any, bucket: str) -> ObjectReader:
    """The bucket's objects by key, for the local web server (None for a missing key, as S3 answers it)."""

    def read(key: str) -> tuple[bytes, str] | None:
        try:
            found = s3.get_object(Bucket=bucket, Key=key)
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") in ("NoSuchKey", "NoSuchBucket", "404", "403"):
                return None
            raise
        return found["Body"].read(), str(found.get("ContentType") or "binary/octet-stream")

    return read
