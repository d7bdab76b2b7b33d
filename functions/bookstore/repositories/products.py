"""Products table: books (BOOK#<id>/META, genre index gsi1), keyword postings (WORD#<token>/BOOK#<id>), the
vocabulary of the indexed words (VOCAB#FIRST#<first two letters>/<word> and VOCAB#LAST#<last two>/<word>) and
the arrivals (ARRIVALS/<created_at>#<id>).

Reads are GetItem, BatchGetItem and Query only. A book, its postings, its words and its arrival are written
together (index_items), so search and the home page always agree with the catalog.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from botocore.exceptions import ClientError

from bookstore.catalog import Book
from bookstore.errors import BookNotFound, Conflict
from bookstore.repositories.dynamo import DynamoRepository, from_item, to_item
from bookstore.search import in_vocabulary, index_terms
from bookstore.users import utc_now

META = "META"
POSTINGS_PER_TERM = 500
# Words one vocabulary Query reads at most (a partition holds the indexed words of two letters: about 40 bytes
# each, so 2,000 is 80 KB, one page, 10 read units; a 500,000-word vocabulary has ~750 per partition).
WORDS_PER_PARTITION = 2000
ARRIVALS = "ARRIVALS"


def book_key(book_id: str) -> dict[str, Any]:
    return to_item({"pk": f"BOOK#{book_id}", "sk": META})


def book_item(book: Book) -> dict[str, Any]:
    terms = index_terms(book.title, book.author, book.genre)
    return {
        "pk": f"BOOK#{book.book_id}",
        "sk": META,
        "type": "book",
        "gsi1pk": f"GENRE#{book.genre}",
        "gsi1sk": f"{book.title.lower()}#{book.book_id}",
        "terms": sorted(terms),
        **book.model_dump(exclude_none=True),
    }


def posting(book: Book, term: str, weight: float) -> dict[str, Any]:
    return {
        "pk": f"WORD#{term}",
        "sk": f"BOOK#{book.book_id}",
        "type": "posting",
        "book_id": book.book_id,
        "title": book.title,
        "weight": str(weight),
    }


def vocabulary_items(term: str) -> list[dict[str, Any]]:
    """The two entries of an indexed word: under its first two letters and under its last two, so a typing
    error in either end still leaves one partition that holds the word."""
    if not in_vocabulary(term):
        return []
    return [
        {"pk": f"VOCAB#FIRST#{term[:2]}", "sk": term, "type": "word"},
        {"pk": f"VOCAB#LAST#{term[-2:]}", "sk": term, "type": "word"},
    ]


def arrival_item(book: Book) -> dict[str, Any] | None:
    """The book among the arrivals, newest first by `created_at` (a book without one is not listed)."""
    if not book.created_at:
        return None
    return {"pk": ARRIVALS, "sk": f"{book.created_at}#{book.book_id}", "type": "arrival", "book_id": book.book_id}


def index_items(book: Book) -> list[dict[str, Any]]:
    """Everything written with a new book besides the book item: its postings, its words, its arrival. The
    seed writes these too (what `create` writes in its transaction)."""
    terms = index_terms(book.title, book.author, book.genre)
    items = [posting(book, term, weight) for term, weight in terms.items()]
    items += [entry for term in terms for entry in vocabulary_items(term)]
    arrival = arrival_item(book)
    return items + ([arrival] if arrival else [])


def _to_book(item: dict[str, Any]) -> Book:
    data = from_item(item)
    fields = set(Book.model_fields)
    return Book.model_validate({k: v for k, v in data.items() if k in fields})


class ProductRepository(DynamoRepository):
    # ---- reads ----------------------------------------------------------------------------------

    def get(self, book_id: str) -> Book | None:
        item = self.client.get_item(TableName=self.table, Key=book_key(book_id)).get("Item")
        return None if item is None else _to_book(item)

    def get_many(self, book_ids: Sequence[str]) -> dict[str, Book]:
        """BatchGetItem in chunks of 100, retrying unprocessed keys; missing ids are simply absent."""
        items = self.batch_get([book_key(i) for i in dict.fromkeys(book_ids)])
        return {book.book_id: book for book in map(_to_book, items)}

    def by_genre(
        self, genre: str, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[Book], dict[str, Any] | None]:
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "IndexName": "gsi1",
            "KeyConditionExpression": "gsi1pk = :g",
            "ExpressionAttributeValues": to_item({":g": f"GENRE#{genre}"}),
            "Limit": limit,
        }
        if start_key:
            kwargs["ExclusiveStartKey"] = start_key
        response = self.client.query(**kwargs)
        return [_to_book(i) for i in response.get("Items", [])], response.get("LastEvaluatedKey")

    def postings(self, term: str) -> list[dict[str, Any]]:
        response = self.client.query(
            TableName=self.table,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues=to_item({":p": f"WORD#{term}"}),
            Limit=POSTINGS_PER_TERM,
        )
        return [from_item(i) for i in response.get("Items", [])]

    def words_beginning(self, prefix: str) -> list[str]:
        """Indexed words that begin with `prefix` (2 letters or more; 2 is the whole partition), one Query."""
        values = {":p": f"VOCAB#FIRST#{prefix[:2]}"}
        condition = "pk = :p"
        if len(prefix) > 2:
            condition, values[":w"] = "pk = :p AND begins_with(sk, :w)", prefix
        return self._words(condition, values)

    def words_ending(self, suffix: str) -> list[str]:
        """Indexed words that end with the last two letters of `suffix`, one Query."""
        return self._words("pk = :p", {":p": f"VOCAB#LAST#{suffix[-2:]}"})

    def _words(self, condition: str, values: dict[str, str]) -> list[str]:
        response = self.client.query(
            TableName=self.table,
            KeyConditionExpression=condition,
            ExpressionAttributeValues=to_item(values),
            ProjectionExpression="sk",
            Limit=WORDS_PER_PARTITION,
        )
        return [i["sk"]["S"] for i in response.get("Items", [])]

    def arrivals(self, limit: int) -> list[str]:
        """The ids of the books added last, newest first: one Query."""
        response = self.client.query(
            TableName=self.table,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues=to_item({":p": ARRIVALS}),
            ScanIndexForward=False,
            Limit=limit,
        )
        return [i["book_id"]["S"] for i in response.get("Items", [])]

    # ---- writes ---------------------------------------------------------------------------------

    def create(self, book: Book) -> Book:
        now = utc_now()
        book = book.model_copy(update={"created_at": book.created_at or now, "updated_at": now})
        items = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": to_item(book_item(book)),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
        ]
        # Postings, words and arrival: at most 1 + 24 + 48 + 1 items (search.MAX_TERMS_PER_BOOK).
        items += [{"Put": {"TableName": self.table, "Item": to_item(item)}} for item in index_items(book)]
        # The shared helper: a concurrent transaction is its own Conflict, not "already exists" (issue 18).
        if self.transact(items) is not None:  # the only condition: the book item is new
            raise Conflict(f"A book with id {book.book_id} already exists.")
        return book

    def replace(self, current: Book, changed: Book) -> Book:
        """Write new details (not stock, which moves only through stock operations) and re-index."""
        changed = changed.model_copy(update={"updated_at": utc_now(), "stock": current.stock})
        old_terms = set(index_terms(current.title, current.author, current.genre))
        new_terms = index_terms(changed.title, changed.author, changed.genre)
        item = book_item(changed)
        item.pop("stock", None)
        names = {f"#{k}": k for k in item if k not in {"pk", "sk"}}
        sets = ", ".join(f"#{k} = :{k}" for k in item if k not in {"pk", "sk"})
        values = {f":{k}": v for k, v in item.items() if k not in {"pk", "sk"}}
        # Unchanged since it was read: the same updated_at, or still none (a book seeded and never edited had
        # none, and every edit of it was refused as a concurrent change).
        if current.updated_at:
            condition, expected = "attribute_exists(pk) AND #updated_at = :expected", {":expected": current.updated_at}
        else:
            condition, expected = "attribute_exists(pk) AND attribute_not_exists(#updated_at)", {}
        writes: list[dict[str, Any]] = [
            {
                "Update": {
                    "TableName": self.table,
                    "Key": book_key(current.book_id),
                    "UpdateExpression": f"SET {sets}",
                    "ConditionExpression": condition,
                    "ExpressionAttributeNames": names,
                    "ExpressionAttributeValues": to_item({**values, **expected}),
                }
            }
        ]
        writes += [
            {"Delete": {"TableName": self.table, "Key": to_item({"pk": f"WORD#{t}", "sk": f"BOOK#{current.book_id}"})}}
            for t in old_terms - set(new_terms)
        ]
        writes += [
            {"Put": {"TableName": self.table, "Item": to_item(posting(changed, t, w))}} for t, w in new_terms.items()
        ]
        # The new words join the vocabulary; a word no longer used stays (it finds no posting, so it is never
        # a suggestion): at most 1 + 24 + 24 + 48 items.
        writes += [
            {"Put": {"TableName": self.table, "Item": to_item(entry)}}
            for term in set(new_terms) - old_terms
            for entry in vocabulary_items(term)
        ]
        if self.transact(writes) is not None:  # the only condition: the book is as it was read
            raise Conflict(f"The book {current.book_id} changed meanwhile; reload it and try again.")
        return changed

    def set_stock(self, book_id: str, stock: int) -> Book:
        try:
            response = self.client.update_item(
                TableName=self.table,
                Key=book_key(book_id),
                UpdateExpression="SET stock = :s, updated_at = :t",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues=to_item({":s": stock, ":t": utc_now()}),
                ReturnValues="ALL_NEW",
            )
        except ClientError as err:
            if err.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise BookNotFound(f"There is no book {book_id}.") from err
            raise
        return _to_book(response["Attributes"])

    def set_image(self, book_id: str, image_key: str) -> None:
        try:
            self.client.update_item(
                TableName=self.table,
                Key=book_key(book_id),
                UpdateExpression="SET image_key = :k, updated_at = :t",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues=to_item({":k": image_key, ":t": utc_now()}),
            )
        except ClientError as err:
            if err.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise BookNotFound(f"There is no book {book_id}.") from err
            raise

    def reserve_stock(self, book: Book, quantity: int) -> dict[str, Any]:
        """Transaction item: take `quantity` from stock, only if that much is there and the price is unchanged."""
        return {
            "Update": {
                "TableName": self.table,
                "Key": book_key(book.book_id),
                "UpdateExpression": "SET stock = stock - :q",
                "ConditionExpression": "attribute_exists(pk) AND stock >= :q AND price_cents = :p",
                "ExpressionAttributeValues": to_item({":q": quantity, ":p": book.price_cents}),
            }
        }

    def return_stock(self, book_id: str, quantity: int) -> dict[str, Any]:
        """Transaction item: put `quantity` back in stock (a cancelled order)."""
        return {
            "Update": {
                "TableName": self.table,
                "Key": book_key(book_id),
                "UpdateExpression": "SET stock = stock + :q",
                "ConditionExpression": "attribute_exists(pk)",
                "ExpressionAttributeValues": to_item({":q": quantity}),
            }
        }

    def seed(self, book: Book) -> bool:
        """`make seed`: create the book and its index unless it exists (a re-run never resets stock)."""
        try:
            self.create(book)
        except Conflict:
            return False
        return True
