"""Cover images for the local catalog (it ships no artwork): one generated PNG per book, a small bookshop's
placeholder art: title and author set in type on the genre's colours, varied per book (hue, band, ornament, frame:
from a hash of its id), in the product-images bucket at `books/covers/<book_id>.png`, the book's `image_key`, so
the front end's book pages show covers through presigned S3 URLs exactly as deployed.

The type is Pillow's bundled font (`load_default(size=...)`: Aileron, scalable with the FreeType of Pillow's wheels;
no system font, so a cover is the same on every machine), or Pillow's bitmap font without FreeType. It draws Latin
only: a character without a glyph is drawn as its unaccented letter (é -> e) or left out (a title of no drawable
letter gets no title line). Covers are cached in .local/covers/<version>/ (or $BOOKSTORE_COVER_CACHE), the version
a hash of this module's source and Pillow's: a `make dev` start does not draw 221 covers every time.

And where the bot's cards find them, as deployed: the Frontend stack's distribution serves the bucket's `books/*`
keys and writes the site's URL to an SSM parameter the code hook reads. Locally the web server serves those keys
from the local S3 (`bucket_behaviours`, read from the distribution's cache behaviours) and the local world writes
that parameter with the web server's origin (`publish_site_url`)."""

from __future__ import annotations

import colorsys
import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import PIL
from botocore.exceptions import ClientError
from PIL import Image, ImageDraw, ImageFont

from bookstore.catalog import Book
from local.emulators.web import ObjectReader
from local.world.functions import Resolver, UnresolvableValue
from local.world.provision import resources_of_type

WIDTH, HEIGHT = 400, 600  # 2:3, the front end's cover boxes (object-fit: cover) and the cards' images
ROOT = Path(__file__).resolve().parents[2]
CACHE_VARIABLE = "BOOKSTORE_COVER_CACHE"
RGB = tuple[int, int, int]
# Two colours per genre: the cover and its accent (band, frame, ornaments): readable, distinct, not garish.
PALETTE: dict[str, tuple[RGB, RGB]] = {
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
LIGHT, DARK = (250, 250, 245), (17, 17, 17)
MARGIN, BAND = 52, 64  # the text's side margin; the band's height
TITLE_SIZES, AUTHOR_SIZES = range(70, 21, -3), range(30, 17, -2)
SUBSTITUTES = {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class Design:
    """What one book's cover varies: its colours (the genre's, the hue shifted) and where its parts go."""

    background: RGB
    accent: RGB
    band_on_top: bool
    ornament: int  # 0-3: the divider between title and author
    double_frame: bool


def _shifted(colour: RGB, hue: float, light: float) -> RGB:
    h, lightness, s = colorsys.rgb_to_hls(*(c / 255 for c in colour))
    r, g, b = colorsys.hls_to_rgb((h + hue) % 1.0, min(max(lightness + light, 0.0), 1.0), s)
    return round(r * 255), round(g * 255), round(b * 255)


def _luminance(colour: RGB) -> float:
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (v / 255 for v in colour)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: RGB, b: RGB) -> float:
    """WCAG's contrast ratio of two colours (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _ink(background: RGB) -> RGB:
    return LIGHT if contrast(LIGHT, background) >= contrast(DARK, background) else DARK


def design(book: Book) -> Design:
    """The genre's colours and the book's variation, from a hash of its id (the same on every run)."""
    digest = hashlib.sha256(book.book_id.encode()).digest()
    base, accent = PALETTE.get(book.genre, DEFAULT)
    hue, light = (digest[0] / 255 - 0.5) * 0.12, (digest[1] / 255 - 0.5) * 0.1
    return Design(
        background=_shifted(base, hue, light),
        accent=_shifted(accent, hue, 0.0),
        band_on_top=bool(digest[2] & 1),
        ornament=digest[3] % 4,
        double_frame=bool(digest[4] & 1),
    )


# The type: Pillow's bundled font, what it can draw, and text set to fit a box.


@cache
def font(size: int) -> Font:
    """Pillow's bundled font at `size` px (scalable with FreeType); Pillow's bitmap font (one size) without."""
    return ImageFont.load_default(size=size)


def _glyph(char: str) -> bytes:
    canvas = Image.new("L", (48, 48))
    ImageDraw.Draw(canvas).text((4, 4), char, font=font(24), fill=255)
    return canvas.tobytes()


@cache
def has_glyph(char: str) -> bool:
    """Whether the font draws `char` as itself: not as its missing-glyph box (nor failing, as the bitmap font
    does outside Latin-1)."""
    try:
        drawn = _glyph(char)
    except (UnicodeError, ValueError, OSError):
        return False
    try:
        return drawn != _glyph("\uffff")
    except (UnicodeError, ValueError, OSError):  # the bitmap font: it fails on what it cannot draw
        return True


def drawable(text: str) -> str:
    """`text` as the font can draw it: a character without a glyph as its unaccented letter (or a plain dash or
    quote), else left out; spaces collapsed."""
    kept = []
    for char in text:
        if char.isspace() or has_glyph(char):
            kept.append(" " if char.isspace() else char)
            continue
        folded = SUBSTITUTES.get(char) or unicodedata.normalize("NFKD", char)
        kept.extend(c for c in folded if not unicodedata.combining(c) and has_glyph(c))
    return " ".join("".join(kept).split()).strip(" -/,;:")  # no separator left dangling


def line_height(face: Font) -> int:
    bottom = int(face.getbbox("Ag")[3])
    return bottom + max(3, bottom // 5)


def _wrap(words: Sequence[str], face: Font, width: int) -> list[str] | None:
    """Words in lines of at most `width` px; None when a word alone is wider."""
    lines: list[str] = []
    line = ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if face.getlength(candidate) <= width:
            line = candidate
        elif face.getlength(word) > width:
            return None
        else:
            lines.append(line)
            line = word
    return [*lines, line] if line else lines


def _forced(text: str, face: Font, width: int, max_lines: int) -> list[str]:
    """At the smallest size, what still does not fit: words cut to the width, the lines beyond the last cut
    with an ellipsis."""
    pieces: list[str] = []
    for word in text.split():
        while face.getlength(word) > width and len(word) > 1:
            cut = 1
            while cut < len(word) - 1 and face.getlength(word[: cut + 1]) <= width:
                cut += 1
            pieces.append(word[:cut])
            word = word[cut:]
        pieces.append(word)
    lines = _wrap(pieces, face, width) or []
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and face.getlength(last + "...") > width:
            last = last[:-1].rstrip()
        lines = [*lines[: max_lines - 1], last + "..."]
    return lines


def fit(text: str, width: int, height: int, sizes: Sequence[int], max_lines: int) -> tuple[Font, list[str]]:
    """The largest of `sizes` at which `text`, wrapped at word boundaries, fits the box in at most `max_lines`
    lines; at the smallest, the text cut to fit."""
    for size in sizes:
        face = font(size)
        lines = _wrap(text.split(), face, width)
        if lines is not None and len(lines) <= max_lines and len(lines) * line_height(face) <= height:
            return face, lines
    face = font(sizes[-1])
    return face, _forced(text, face, width, max_lines)


# Drawing a cover.


def _centred(draw: ImageDraw.ImageDraw, lines: Sequence[str], face: Font, top: float, fill: RGB) -> None:
    for number, line in enumerate(lines):
        draw.text(((WIDTH - face.getlength(line)) / 2, top + number * line_height(face)), line, font=face, fill=fill)


def _band(draw: ImageDraw.ImageDraw, look: Design, genre: str) -> tuple[int, int]:
    """The accent band with the genre in it, at the top or the bottom; returns the space left for the text."""
    top = 56 if look.band_on_top else HEIGHT - 56 - BAND
    draw.rectangle((0, top, WIDTH, top + BAND), fill=look.accent)
    face, [label] = fit(drawable(genre.upper()) or "BOOKS", WIDTH - 2 * MARGIN, BAND, (20,), 1)
    _centred(draw, [label], face, top + (BAND - line_height(face)) / 2 + 2, _ink(look.accent))
    return (top + BAND + 24, HEIGHT - 40) if look.band_on_top else (40, top - 24)


def _ornament(draw: ImageDraw.ImageDraw, look: Design, y: float) -> None:
    """The divider between title and author: diamonds, a rule with a ring, dots or a double rule."""
    middle, colour = WIDTH / 2, look.accent
    if look.ornament == 0:
        for dx in (-28, 0, 28):
            draw.polygon([(middle + dx, y - 7), (middle + dx + 7, y), (middle + dx, y + 7), (middle + dx - 7, y)],
                         fill=colour)  # fmt: skip
    elif look.ornament == 1:
        draw.line((middle - 70, y, middle - 12, y), fill=colour, width=2)
        draw.line((middle + 12, y, middle + 70, y), fill=colour, width=2)
        draw.ellipse((middle - 7, y - 7, middle + 7, y + 7), outline=colour, width=2)
    elif look.ornament == 2:
        for dx in range(-48, 49, 24):
            draw.ellipse((middle + dx - 4, y - 4, middle + dx + 4, y + 4), fill=colour)
    else:
        draw.line((middle - 80, y - 3, middle + 80, y - 3), fill=colour, width=2)
        draw.line((middle - 50, y + 3, middle + 50, y + 3), fill=colour, width=2)


def render(book: Book) -> bytes:
    """The book's WIDTH x HEIGHT RGB PNG: frame, band with the genre, the title (wrapped and shrunk to fit), an
    ornament, and the author, in the genre's colours shifted by the book."""
    look = design(book)
    image = Image.new("RGB", (WIDTH, HEIGHT), look.background)
    draw = ImageDraw.Draw(image)
    draw.rectangle((14, 14, WIDTH - 15, HEIGHT - 15), outline=look.accent, width=3)  # the frame
    if look.double_frame:
        draw.rectangle((24, 24, WIDTH - 25, HEIGHT - 25), outline=look.accent, width=1)
    top, bottom = _band(draw, look, book.genre)
    width, ink = WIDTH - 2 * MARGIN, _ink(look.background)
    title_face, title = fit(drawable(book.title), width, (bottom - top) * 2 // 3, TITLE_SIZES, 7)
    author_face, author = fit(drawable(book.author), width, 2 * line_height(font(AUTHOR_SIZES[0])), AUTHOR_SIZES, 2)
    title_height, author_height = len(title) * line_height(title_face), len(author) * line_height(author_face)
    y = top + (bottom - top - (title_height + 56 + author_height)) / 2
    _centred(draw, title, title_face, y, ink)
    _ornament(draw, look, y + title_height + 26)
    byline = look.accent if contrast(look.accent, look.background) >= 4.5 else ink
    _centred(draw, author, author_face, y + title_height + 56, byline)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_type=zlib.Z_RLE)  # flat colours: as small as level 6, twice as fast
    return out.getvalue()


# Made once per book and design: cached, and uploaded with the book's image_key.


@cache
def generator_version() -> str:
    """What draws the covers: this module, Pillow and its font (scalable or not)."""
    made_by = [Path(__file__).read_text(encoding="utf-8"), PIL.__version__, type(font(20)).__name__]
    return hashlib.sha256(json.dumps(made_by).encode()).hexdigest()[:16]


def cache_dir() -> Path:
    """The covers of this generator's version (.local/covers/<version>/)."""
    return Path(os.environ.get(CACHE_VARIABLE) or ROOT / ".local" / "covers") / generator_version()


def _prune_other_versions() -> None:
    with contextlib.suppress(OSError):
        for other in cache_dir().parent.iterdir():
            if other.is_dir() and other.name != generator_version():
                shutil.rmtree(other, ignore_errors=True)


def cover_png(book: Book) -> bytes:
    """The book's cover: from the cache when this version made it before, else drawn (and cached)."""
    drawn = json.dumps([book.book_id, book.title, book.author, book.genre]).encode()
    path = cache_dir() / f"{hashlib.sha256(drawn).hexdigest()[:32]}.png"
    with contextlib.suppress(OSError):
        return path.read_bytes()
    png = render(book)
    with contextlib.suppress(OSError):  # a read-only checkout: covers are drawn each time
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(png)
        partial.replace(path)  # whole or not at all, also with two makers at once
    return png


def cover_key(book_id: str) -> str:
    """One cover per book, under the books/ prefix the API's role may read."""
    return f"books/covers/{book_id}.png"


def with_covers(
    s3: Any, bucket: str, books: Iterable[Book], uploaded: Callable[[int], None] = lambda count: None
) -> list[Book]:
    """Upload each book's cover and return the books pointing at them; `uploaded(1)` after each upload (from
    several threads)."""
    covered = [book.model_copy(update={"image_key": cover_key(book.book_id)}) for book in books]

    def upload(book: Book) -> None:
        s3.put_object(Bucket=bucket, Key=book.image_key, Body=cover_png(book), ContentType="image/png")
        uploaded(1)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(upload, covered))
    _prune_other_versions()  # the covers of an earlier design
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
