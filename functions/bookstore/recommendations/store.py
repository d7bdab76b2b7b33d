"""Recommendations table: the item-to-item model, maintained by the recommendations worker.

BOOK#<id>        / STATS      n, sales (forward-decayed), genre, title, v, and c#<other> co-purchase counts
BOOK#<id>        / SIMILAR    items [{b, s, g}]: its top-N similar books; v: the STATS version it came from
CUSTOMER#<user>  / HISTORY    orders {id: {at, lines [{b, t, g, q}]}}: the active orders the model counts; v
ORDER#<id>       / APPLIED    state added|removed, sales {book: weight}: what the model did with the order
BESTSELLERS      / ALL        book_ids (best first), scores; v
BESTSELLERS      / GENRE#<g>  the same for a genre
FEATURED         / ALL | GENRE#<g>   book_ids: the store's own picks, written by `make seed`, never by the
                                     model; shown after the bestsellers (a new store has no sales yet)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bookstore.recommendations.codecs import (
    APPLIED,
    BESTSELLERS,
    CO_PREFIX,
    FEATURED,
    HISTORY,
    SIMILAR,
    BookRow,
    RankedList,
    applied_item,
    applied_key,
    book_key,
    history_item,
    history_key,
    key_of,
    list_key,
    ranked_item,
    similar_item,
    to_applied,
    to_history,
    to_ranked,
    to_row,
    to_similar,
)
from bookstore.recommendations.learning import Applied, Outcome
from bookstore.recommendations.model import History, SimilarEntry
from bookstore.repositories.dynamo import DynamoRepository, to_item


class RecommendationRepository(DynamoRepository):
    # ---- read path: each method is one request --------------------------------------------------------

    def history(self, username: str) -> History:
        return to_history(self.client.get_item(TableName=self.table, Key=history_key(username)).get("Item"))

    def lists(
        self, similar_of: Sequence[str] = (), genres: Sequence[str] = (), overall: bool = False
    ) -> tuple[dict[str, list[SimilarEntry]], dict[str, list[str]], list[str], set[str]]:
        """Similar lists of some books and bestseller lists (then featured books), in one BatchGetItem; and which
        of the listed books have really sold (the rest are the store's picks: never called bestsellers)."""
        wanted: list[str | None] = [*dict.fromkeys(genres), *([None] if overall else [])]
        keys = [book_key(b, SIMILAR) for b in dict.fromkeys(similar_of)]
        keys += [list_key(g, kind) for g in wanted for kind in (BESTSELLERS, FEATURED)]
        items = {key_of(i): i for i in self.batch_get(keys)} if keys else {}
        similar = {b: to_similar(items.get((f"BOOK#{b}", SIMILAR))) for b in similar_of}
        ranked = {g: _sold_then_featured(items, g) for g in wanted}
        sold = {b for g in wanted for b in _sold(items, g)}
        return similar, {g: ranked[g] for g in genres}, ranked[None] if overall else [], sold

    def bestsellers(self, genre: str | None = None) -> list[str]:
        """A bestseller list followed by the featured books (one request)."""
        if genre:
            return self.lists(genres=[genre])[1][genre]
        return self.lists(overall=True)[2]

    # ---- worker ---------------------------------------------------------------------------------------

    def load(self, username: str, order_id: str) -> tuple[History, Applied | None]:
        """A customer's history and what was applied for an order: one strongly consistent BatchGetItem."""
        items = {key_of(i): i for i in self.batch_get([history_key(username), applied_key(order_id)], consistent=True)}
        return (
            to_history(items.get((f"CUSTOMER#{username}", HISTORY))),
            to_applied(items.get((f"ORDER#{order_id}", APPLIED))),
        )

    def commit(
        self,
        username: str,
        order_id: str,
        before: History,
        before_applied: Applied | None,
        outcome: Outcome,
        meta: Mapping[str, tuple[str, str | None]],
    ) -> list[str] | None:
        """Write an event's outcome in one transaction, conditional on the history and the applied record being
        what was read; None when written, the cancellation codes when something changed meanwhile."""
        marker: dict[str, Any] = {
            "Put": {
                "TableName": self.table,
                "Item": to_item(applied_item(order_id, username, outcome.applied)),
                "ConditionExpression": "attribute_not_exists(pk)" if before_applied is None else "#s = :s",
            }
        }
        if before_applied is not None:
            marker["Put"]["ExpressionAttributeNames"] = {"#s": "state"}
            marker["Put"]["ExpressionAttributeValues"] = to_item({":s": before_applied.state})
        items: list[dict[str, Any]] = [marker]
        if outcome.history is not before:
            version = before.version + 1
            put: dict[str, Any] = {
                "TableName": self.table,
                "Item": to_item(history_item(username, outcome.history, version)),
                "ConditionExpression": "attribute_not_exists(pk)" if before.version == 0 else "v = :v",
            }
            if before.version:
                put["ExpressionAttributeValues"] = to_item({":v": before.version})
            items.append({"Put": put})
        for book in sorted(outcome.counts.books() | set(outcome.sales)):
            items.append({"Update": self._row_update(book, outcome, meta.get(book))})
        return self.transact(items)

    def _row_update(self, book: str, outcome: Outcome, meta: tuple[str, str | None] | None) -> dict[str, Any]:
        adds, names = ["v :one"], {}
        values: dict[str, Any] = {":one": 1}
        if book in outcome.counts.n:
            adds.append("n :dn")
            values[":dn"] = outcome.counts.n[book]
        if book in outcome.sales:
            adds.append("sales :ds")
            values[":ds"] = outcome.sales[book]
        for index, (other, count) in enumerate(sorted(outcome.counts.co.get(book, {}).items())):
            names[f"#c{index}"] = f"{CO_PREFIX}{other}"
            values[f":c{index}"] = count
            adds.append(f"#c{index} :c{index}")
        expression = "ADD " + ", ".join(adds)
        if meta is not None:
            title, genre = meta
            expression += " SET title = :t" + (", genre = :g" if genre else "")
            values[":t"] = title
            if genre:
                values[":g"] = genre
        update: dict[str, Any] = {
            "TableName": self.table,
            "Key": book_key(book),
            "UpdateExpression": expression,
            "ExpressionAttributeValues": to_item(values),
        }
        if names:
            update["ExpressionAttributeNames"] = names
        return update

    def rows(self, book_ids: Iterable[str], *, full: bool = True) -> dict[str, BookRow]:
        """Books' STATS rows (strongly consistent); without `full`, only n, genre and title."""
        keys = [book_key(b) for b in sorted(set(book_ids))]
        if full:
            items = self.batch_get(keys, consistent=True)
        else:
            items = self.batch_get(keys, consistent=True, projection="pk, n, genre, title")
        return {row.book_id: row for row in map(to_row, items)}

    def similar_lists(self, book_ids: Iterable[str]) -> dict[str, tuple[list[SimilarEntry], int]]:
        items = self.batch_get([book_key(b, SIMILAR) for b in sorted(set(book_ids))], consistent=True)
        return {i["pk"]["S"].removeprefix("BOOK#"): (to_similar(i), int(i.get("v", {}).get("N", 0))) for i in items}

    def put_similar(self, book_id: str, entries: Sequence[SimilarEntry], version: int) -> bool:
        """Write a similar list unless one computed from a newer STATS version is there; True when written."""
        try:
            self.client.put_item(
                TableName=self.table,
                Item=to_item(similar_item(book_id, entries, version)),
                ConditionExpression="attribute_not_exists(pk) OR v <= :v",
                ExpressionAttributeValues=to_item({":v": version}),
            )
            return True
        except self.client.exceptions.ConditionalCheckFailedException:
            return False

    def ranked_lists(self, genres: Iterable[str | None]) -> dict[str | None, RankedList]:
        wanted = list(dict.fromkeys(genres))
        items = {key_of(i): i for i in self.batch_get([list_key(g) for g in wanted], consistent=True)}
        return {g: to_ranked(items.get((BESTSELLERS, f"GENRE#{g}" if g else "ALL"))) for g in wanted}

    def put_ranked(self, genre: str | None, ranked: Sequence[tuple[str, float]], expected_version: int) -> bool:
        """Optimistic write of a bestseller list; False when another writer changed it first."""
        try:
            self.client.put_item(
                TableName=self.table,
                Item=to_item(ranked_item(genre, ranked, expected_version + 1)),
                ConditionExpression="attribute_not_exists(pk) OR attribute_not_exists(v) OR v = :v",
                ExpressionAttributeValues=to_item({":v": expected_version}),
            )
            return True
        except self.client.exceptions.ConditionalCheckFailedException:
            return False

    # ---- seed -----------------------------------------------------------------------------------------

    def put_featured(self, book_ids: list[str], genre: str | None = None, *, replace: bool = True) -> bool:
        """The store's own picks for a list; without `replace`, only when there are none yet (True if written)."""
        item = to_item({"pk": FEATURED, "sk": f"GENRE#{genre}" if genre else "ALL", "book_ids": book_ids})
        try:
            if replace:
                self.client.put_item(TableName=self.table, Item=item)
            else:
                self.client.put_item(TableName=self.table, Item=item, ConditionExpression="attribute_not_exists(pk)")
            return True
        except self.client.exceptions.ConditionalCheckFailedException:
            return False


def _sold(items: Mapping[tuple[str, str], Any], genre: str | None) -> list[str]:
    """The books of a bestseller list: only books that have sold."""
    return [b for b, _ in to_ranked(items.get((BESTSELLERS, f"GENRE#{genre}" if genre else "ALL"))).entries]


def _sold_then_featured(items: Mapping[tuple[str, str], Any], genre: str | None) -> list[str]:
    featured = [b for b, _ in to_ranked(items.get((FEATURED, f"GENRE#{genre}" if genre else "ALL"))).entries]
    return list(dict.fromkeys(_sold(items, genre) + featured))
