"""The local catalog's generated covers (local/world/covers.py): one per book, a 400x600 PNG with the book's title
and author drawn on its genre's colours, distinct for every book of data/books.csv, safe with any text, cached."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFont

from bookstore.catalog import Book
from local.world import covers
from local.world.catalog import load_catalog

DRACULA = Book(book_id="dracula-bram-stoker", title="Dracula", author="Bram Stoker", genre="horror", year=1897,
               price_cents=899, stock=5)  # fmt: skip


def _image(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(covers.CACHE_VARIABLE, str(tmp_path / "covers"))
    return tmp_path / "covers"


def test_the_bundled_font_is_scalable_here() -> None:
    """Pillow's wheels have FreeType: the covers' type is the bundled scalable font, not a system font."""
    assert isinstance(covers.font(40), ImageFont.FreeTypeFont)
    assert covers.font(40).getbbox("Dracula")[3] > covers.font(20).getbbox("Dracula")[3]


def test_a_cover_is_a_400_by_600_png() -> None:
    image = _image(covers.render(DRACULA))
    assert (image.format, image.size, image.mode) == ("PNG", (400, 600), "RGB")
    assert len(image.getcolors(100_000) or []) > 10  # anti-aliased type, not a flat fill


def test_every_book_of_the_catalog_has_its_own_cover() -> None:
    books = load_catalog()
    digests = {hashlib.sha256(covers.cover_png(book)).hexdigest() for book in books}
    assert len(digests) == len(books)
    mystery = [b for b in books if b.genre == "mystery"]
    assert len(mystery) > 1
    assert len({covers.design(b) for b in mystery}) == len(mystery)  # the variation, besides the text


def test_the_title_and_the_author_are_drawn() -> None:
    """Two books of the same id (so the same design) differing only by the title, or only by the author: the
    covers differ where the text goes, and the rest is the same."""
    base = _image(covers.render(DRACULA))
    for change in ({"title": "Carmilla"}, {"author": "Sheridan Le Fanu"}):
        other = _image(covers.render(DRACULA.model_copy(update=change)))
        box = ImageChops.difference(base, other).getbbox()
        assert box is not None
        left, _, right, _ = box
        assert left >= covers.MARGIN - 5  # inside the text column
        assert right <= covers.WIDTH - covers.MARGIN + 5


def test_text_on_a_cover_contrasts_with_its_background() -> None:
    for book in load_catalog()[::7]:
        look = covers.design(book)
        assert covers.contrast(covers._ink(look.background), look.background) >= 4.5  # WCAG AA


@pytest.mark.parametrize(
    "title",
    [
        "The Strange Case of Dr Jekyll and Mr Hyde",
        "The History of the Decline and Fall of the Roman Empire",
        "Pneumonoultramicroscopicsilicovolcanoconiosis " * 4,
        "x" * 200,
    ],
)
def test_long_titles_wrap_and_shrink_to_fit(title: str) -> None:
    width, height = 400 - 2 * covers.MARGIN, 300
    face, lines = covers.fit(title.strip(), width, height, covers.TITLE_SIZES, 7)
    assert lines
    assert len(lines) <= 7
    assert all(face.getlength(line) <= width for line in lines)
    assert len(lines) * covers.line_height(face) <= height or face == covers.font(covers.TITLE_SIZES[-1])
    assert _image(covers.render(DRACULA.model_copy(update={"title": title.strip()}))).size == (400, 600)


def test_short_titles_are_set_larger_than_long_ones() -> None:
    width = 400 - 2 * covers.MARGIN
    short, _ = covers.fit("Emma", width, 300, covers.TITLE_SIZES, 7)
    long, _ = covers.fit("The History of the Decline and Fall of the Roman Empire", width, 300, covers.TITLE_SIZES, 7)
    assert short.getbbox("E")[3] > long.getbbox("E")[3]


@pytest.mark.parametrize(
    ("title", "author", "drawn"),
    [
        ("Война и мир", "Лев Толстой", ""),  # nothing the font can draw: no title line, no crash
        ("Les Misérables — a “novel”", "Victor Hugo", "Les Miserables - a “novel”"),  # é: e, —: -
        ("源氏物語 (The Tale of Genji)", "紫式部", "(The Tale of Genji)"),
        ("Tab\tand\nnewline", "Émile Zola", "Tab and newline"),
    ],
)
def test_non_latin_text_falls_back_to_what_the_font_draws(title: str, author: str, drawn: str) -> None:
    assert covers.drawable(title) == drawn
    book = DRACULA.model_copy(update={"title": title, "author": author, "genre": "classics"})
    assert _image(covers.render(book)).size == (400, 600)


@pytest.fixture
def bitmap_font(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Pillow without FreeType: load_default gives its bitmap font, whatever the size."""
    monkeypatch.setattr(covers, "font", lambda size: ImageFont.load_default_imagefont())
    covers.has_glyph.cache_clear()
    yield
    covers.has_glyph.cache_clear()


@pytest.mark.usefixtures("bitmap_font")
def test_without_freetype_the_bitmap_font_still_makes_a_cover() -> None:
    for title in ("The Strange Case of Dr Jekyll and Mr Hyde", "Война и мир", "Les Misérables"):
        assert _image(covers.render(DRACULA.model_copy(update={"title": title}))).size == (400, 600)
    assert covers.drawable("日本 / Les Misérables — 日本") == "Les Misérables"


def test_covers_are_cached_by_what_they_draw(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = covers.cover_png(DRACULA)
    assert first == covers.render(DRACULA)
    assert [p.suffix for p in (cache / covers.generator_version()).iterdir()] == [".png"]  # no partial file left
    drawn: list[Book] = []

    def render(book: Book) -> bytes:
        drawn.append(book)
        return b"drawn"

    monkeypatch.setattr(covers, "render", render)
    assert covers.cover_png(DRACULA) == first  # from the cache
    assert covers.cover_png(DRACULA.model_copy(update={"title": "Dracula's Guest"})) == b"drawn"  # another text
    monkeypatch.setattr(covers, "generator_version", lambda: "another-design")
    assert covers.cover_png(DRACULA) == b"drawn"  # another design (an edit of covers.py, another Pillow)
    assert len(drawn) == 2


def test_an_unwritable_cache_still_gives_the_cover(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setenv(covers.CACHE_VARIABLE, str(blocked / "covers"))
    assert covers.cover_png(DRACULA) == covers.render(DRACULA)


def test_with_covers_uploads_each_books_cover_under_its_image_key(cache: Path) -> None:
    class Bucket:
        def __init__(self) -> None:
            self.objects: dict[str, tuple[bytes, str]] = {}

        def put_object(self, Bucket: str, Key: str, Body: bytes, ContentType: str) -> None:  # noqa: N803 (boto3's)
            assert Bucket == "images"
            self.objects[Key] = (Body, ContentType)

    books = [b for b in load_catalog() if b.genre == "mystery"]
    s3 = Bucket()
    covered = covers.with_covers(s3, "images", books)
    assert [b.image_key for b in covered] == [f"books/covers/{b.book_id}.png" for b in books]
    assert [b.model_copy(update={"image_key": None}) for b in covered] == books
    assert {key: s3.objects[key] for key in s3.objects} == {
        covers.cover_key(b.book_id): (covers.render(b), "image/png") for b in books
    }  # drawn in threads as one at a time


def test_covers_of_an_earlier_design_are_pruned(cache: Path) -> None:
    (cache / "an-earlier-design").mkdir(parents=True)
    (cache / "an-earlier-design" / "old.png").write_bytes(b"old")
    covers.with_covers(type("S3", (), {"put_object": lambda self, **_: None})(), "images", [DRACULA])
    assert [p.name for p in cache.iterdir()] == [covers.generator_version()]
