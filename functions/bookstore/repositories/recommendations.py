"""Recommendations table: precomputed lists read by the shop (written by the recommendations worker, Step 5).

    BESTSELLERS / ALL            book_ids, the overall bestsellers
    BESTSELLERS / GENRE#<genre>  book_ids, a genre's bestsellers
Until orders exist, `make seed` writes the store's featured books there.
"""

from __future__ import annotations

from bookstore.repositories.dynamo import DynamoRepository, from_item, to_item


class RecommendationRepository(DynamoRepository):
    def bestsellers(self, genre: str | None = None) -> list[str]:
        key = to_item({"pk": "BESTSELLERS", "sk": f"GENRE#{genre}" if genre else "ALL"})
        item = self.client.get_item(TableName=self.table, Key=key).get("Item")
        return [str(b) for b in from_item(item).get("book_ids", [])] if item else []

    def put_bestsellers(self, book_ids: list[str], genre: str | None = None) -> None:
        self.client.put_item(
            TableName=self.table,
            Item=to_item({"pk": "BESTSELLERS", "sk": f"GENRE#{genre}" if genre else "ALL", "book_ids": book_ids}),
        )
