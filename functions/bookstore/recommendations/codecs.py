"""The recommendations table's items and the model's values, both ways (see store.py for the table's layout).

Shared by the store (the worker and the read path) and the rebuild, which writes the same items in bulk.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bookstore.recommendations.learning import Applied
from bookstore.recommendations.model import History, Line, Purchase, SimilarEntry
from bookstore.repositories.dynamo import from_item, to_item

STATS, SIMILAR, HISTORY, APPLIED = "STATS", "SIMILAR", "HISTORY", "APPLIED"
BESTSELLERS, FEATURED = "BESTSELLERS", "FEATURED"
CO_PREFIX = "c#"


def book_key(book_id: str, sort: str = STATS) -> dict[str, Any]:
    return to_item({"pk": f"BOOK#{book_id}", "sk": sort})


def history_key(username: str) -> dict[str, Any]:
    return to_item({"pk": f"CUSTOMER#{username}", "sk": HISTORY})


def applied_key(order_id: str) -> dict[str, Any]:
    return to_item({"pk": f"ORDER#{order_id}", "sk": APPLIED})


def list_key(genre: str | None, kind: str = BESTSELLERS) -> dict[str, Any]:
    return to_item({"pk": kind, "sk": f"GENRE#{genre}" if genre else "ALL"})


def number(value: float | Decimal) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(format(value, ".12g"))


def history_item(username: str, history: History, version: int) -> dict[str, Any]:
    orders = {
        p.order_id: {
            "at": p.at,
            "lines": [{"b": x.book_id, "t": x.title, "g": x.genre, "q": x.quantity} for x in p.lines],
        }
        for p in history.orders.values()
    }
    return {"pk": f"CUSTOMER#{username}", "sk": HISTORY, "orders": orders, "v": version}


def to_history(item: Mapping[str, Any] | None) -> History:
    if not item:
        return History()
    data = from_item(item)
    orders = {
        order_id: Purchase(
            order_id,
            value["at"],
            tuple(Line(x["b"], x.get("t", ""), x.get("g"), int(x.get("q", 1))) for x in value["lines"]),
        )
        for order_id, value in data.get("orders", {}).items()
    }
    return History(orders, int(data.get("v", 0)))


def applied_item(order_id: str, username: str, applied: Applied) -> dict[str, Any]:
    return {
        "pk": f"ORDER#{order_id}",
        "sk": APPLIED,
        "state": applied.state,
        "sales": applied.sales or None,
        "username": username,
    }


def to_applied(item: Mapping[str, Any] | None) -> Applied | None:
    if not item:
        return None
    state = item["state"]["S"]
    sales = {book: Decimal(value["N"]) for book, value in item.get("sales", {}).get("M", {}).items()}
    return Applied("added" if state == "added" else "removed", sales)


@dataclass
class BookRow:
    book_id: str
    n: int
    sales: Decimal
    genre: str | None
    title: str
    version: int
    co: dict[str, int]


def to_row(item: Mapping[str, Any]) -> BookRow:
    data = from_item({k: v for k, v in item.items() if not k.startswith(CO_PREFIX)})
    co = {k[len(CO_PREFIX) :]: int(v["N"]) for k, v in item.items() if k.startswith(CO_PREFIX)}
    sales = Decimal(item["sales"]["N"]) if "sales" in item else Decimal(0)
    return BookRow(
        data["pk"].removeprefix("BOOK#"),
        int(data.get("n", 0)),
        sales,
        data.get("genre"),
        data.get("title", ""),
        int(data.get("v", 0)),
        co,
    )


def row_item(row: BookRow) -> dict[str, Any]:
    item = to_item(
        {
            "pk": f"BOOK#{row.book_id}",
            "sk": STATS,
            "n": row.n,
            "sales": row.sales,
            "genre": row.genre,
            "title": row.title,
            "v": row.version,
        }
    )
    item.update({f"{CO_PREFIX}{other}": {"N": str(count)} for other, count in row.co.items() if count})
    return item


def similar_item(book_id: str, entries: Sequence[SimilarEntry], version: int) -> dict[str, Any]:
    return {
        "pk": f"BOOK#{book_id}",
        "sk": SIMILAR,
        "v": version,
        "items": [{"b": e.book_id, "s": number(e.score), "g": e.genre} for e in entries],
    }


def to_similar(item: Mapping[str, Any] | None) -> list[SimilarEntry]:
    if not item:
        return []
    return [SimilarEntry(x["b"], float(x["s"]), x.get("g")) for x in from_item(item).get("items", [])]


@dataclass
class RankedList:
    entries: list[tuple[str, float]]
    version: int  # 0: not stored yet


def to_ranked(item: Mapping[str, Any] | None) -> RankedList:
    if not item:
        return RankedList([], 0)
    data = from_item(item)
    ids = [str(b) for b in data.get("book_ids", [])]
    scores = [float(s) for s in data.get("scores", [])]
    scores += [0.0] * (len(ids) - len(scores))  # a seeded list has no scores yet
    return RankedList(list(zip(ids, scores, strict=True)), int(data.get("v", 0)))


def ranked_item(genre: str | None, ranked: Sequence[tuple[str, float]], version: int) -> dict[str, Any]:
    return {
        "pk": BESTSELLERS,
        "sk": f"GENRE#{genre}" if genre else "ALL",
        "v": version,
        "book_ids": [b for b, _ in ranked],
        "scores": [number(s) for _, s in ranked],
    }


def key_of(item: Mapping[str, Any]) -> tuple[str, str]:
    return item["pk"]["S"], item["sk"]["S"]
