"""In-memory stand-ins for the repositories the services use (bookstore.ports), for unit tests.

Each fake keeps the contract of the repository it replaces (bookstore/repositories/*.py): the same return
values, and the same domain errors where DynamoDB's conditions or Cognito would refuse a write. A refused
write changes nothing, as a cancelled TransactWriteItems changes nothing. Where the real repository lets a
raw AWS error through, the fake raises `AwsError` with the same error code.

Every fake can be told to fail a method (`fail("update", error)`), to drive the services' compensation paths.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.idempotency import BasePersistenceLayer
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyItemAlreadyExistsError,
    IdempotencyItemNotFoundError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import STATUS_CONSTANTS, DataRecord

from bookstore.catalog import Book
from bookstore.errors import (
    BookNotFound,
    Conflict,
    EmailAlreadyUsed,
    InvalidTransition,
    OrderNotFound,
    OutOfStock,
    UserAlreadyExists,
)
from bookstore.orders import Order, OrderStatus, StatusChange
from bookstore.repositories.orders import checked_start_key
from bookstore.repositories.products import POSTINGS_PER_TERM, WORDS_PER_PARTITION
from bookstore.search import in_vocabulary, index_terms
from bookstore.users import UserProfile, utc_now


class AwsError(Exception):
    """An AWS error the real repository does not translate (botocore's ClientError with this code)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class Switchable:
    """`fail(method, error)`: the method's next call raises `error` (after `skip` calls that succeed)."""

    def __init__(self) -> None:
        self._failures: dict[str, list[tuple[int, Exception]]] = {}
        self.calls: list[str] = []

    def fail(self, method: str, error: Exception, *, skip: int = 0) -> None:
        self._failures.setdefault(method, []).append((skip, error))

    def _call(self, method: str) -> None:
        self.calls.append(method)
        pending = self._failures.get(method)
        if not pending:
            return
        skip, error = pending[0]
        if skip:
            pending[0] = (skip - 1, error)
            return
        pending.pop(0)
        raise error


# ---- products ------------------------------------------------------------------------------------------------


class FakeProducts(Switchable):
    """The products table: books by id, the genre index (by lowercase title, then id), keyword postings, the
    vocabulary (only ever added to, as the repository's) and the arrivals (the books with a created_at)."""

    def __init__(self, *books: Book) -> None:
        super().__init__()
        self.books: dict[str, Book] = {}
        self.vocabulary: set[str] = set()
        for book in books:
            self.books[book.book_id] = book  # seeded as stored, timestamps and all (the seed writes the index)
            self._add_words(book)

    def _add_words(self, book: Book) -> None:
        self.vocabulary |= {t for t in index_terms(book.title, book.author, book.genre) if in_vocabulary(t)}

    def stock(self, book_id: str) -> int:
        return self.books[book_id].stock

    # reads

    def get(self, book_id: str) -> Book | None:
        self._call("get")
        return self.books.get(book_id)

    def get_many(self, book_ids: Sequence[str]) -> dict[str, Book]:
        self._call("get_many")
        return {i: self.books[i] for i in dict.fromkeys(book_ids) if i in self.books}

    def by_genre(
        self, genre: str, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[Book], dict[str, Any] | None]:
        self._call("by_genre")
        ordered = sorted(
            (b for b in self.books.values() if b.genre == genre), key=lambda b: f"{b.title.lower()}#{b.book_id}"
        )
        if start_key:
            ordered = [b for b in ordered if f"{b.title.lower()}#{b.book_id}" > start_key["gsi1sk"]]
        page = ordered[:limit]
        # As DynamoDB: a LastEvaluatedKey whenever the Limit stopped the query, even with nothing after it.
        last = page[-1] if len(page) == limit else None
        return page, None if last is None else {"gsi1sk": f"{last.title.lower()}#{last.book_id}"}

    def postings(self, term: str) -> list[dict[str, Any]]:
        self._call("postings")
        found = [
            {"book_id": b.book_id, "title": b.title, "weight": str(index_terms(b.title, b.author, b.genre)[term])}
            for b in sorted(self.books.values(), key=lambda b: b.book_id)  # the sort key: BOOK#<id>
            if term in index_terms(b.title, b.author, b.genre)
        ]
        return found[:POSTINGS_PER_TERM]

    def words_beginning(self, prefix: str) -> list[str]:
        self._call("words_beginning")
        partition = sorted(w for w in self.vocabulary if w[:2] == prefix[:2])  # sorted by the sort key
        return [w for w in partition if w.startswith(prefix)][:WORDS_PER_PARTITION]

    def words_ending(self, suffix: str) -> list[str]:
        self._call("words_ending")
        return sorted(w for w in self.vocabulary if w[-2:] == suffix[-2:])[:WORDS_PER_PARTITION]

    def arrivals(self, limit: int) -> list[str]:
        self._call("arrivals")
        dated = sorted((f"{b.created_at}#{b.book_id}", b.book_id) for b in self.books.values() if b.created_at)
        return [book_id for _, book_id in reversed(dated)][:limit]

    # writes

    def create(self, book: Book) -> Book:
        self._call("create")
        if book.book_id in self.books:
            raise Conflict(f"A book with id {book.book_id} already exists.")
        now = utc_now()
        book = book.model_copy(update={"created_at": book.created_at or now, "updated_at": now})
        self.books[book.book_id] = book
        self._add_words(book)
        return book

    def replace(self, current: Book, changed: Book) -> Book:
        self._call("replace")
        stored = self.books.get(current.book_id)
        # Condition: the book exists and is unchanged since it was read (same updated_at, or still none).
        if stored is None or stored.updated_at != current.updated_at:
            raise Conflict(f"The book {current.book_id} changed meanwhile; reload it and try again.")
        changed = changed.model_copy(update={"updated_at": utc_now(), "stock": current.stock})
        self.books[current.book_id] = changed.model_copy(update={"stock": stored.stock})  # stock is never written
        self._add_words(changed)
        return changed

    def set_stock(self, book_id: str, stock: int) -> Book:
        self._call("set_stock")
        if book_id not in self.books:
            raise BookNotFound(f"There is no book {book_id}.")
        self.books[book_id] = self.books[book_id].model_copy(update={"stock": stock, "updated_at": utc_now()})
        return self.books[book_id]

    def set_image(self, book_id: str, image_key: str) -> None:
        self._call("set_image")
        if book_id not in self.books:
            raise BookNotFound(f"There is no book {book_id}.")
        self.books[book_id] = self.books[book_id].model_copy(update={"image_key": image_key, "updated_at": utc_now()})

    # The conditions of the stock transaction items (ProductRepository.reserve_stock / return_stock).

    def can_reserve(self, book: Book, quantity: int) -> bool:
        """attribute_exists(pk) AND stock >= :q AND price_cents = :p"""
        stored = self.books.get(book.book_id)
        return stored is not None and stored.stock >= quantity and stored.price_cents == book.price_cents

    def move_stock(self, book_id: str, delta: int) -> None:
        stored = self.books[book_id]
        self.books[book_id] = stored.model_copy(update={"stock": stored.stock + delta})


# ---- orders --------------------------------------------------------------------------------------------------


class FakeOrders(Switchable):
    """The orders table; placing and cancelling move the stock of `products` in the same all-or-nothing step."""

    def __init__(self, products: FakeProducts) -> None:
        super().__init__()
        self.products = products
        self.orders: dict[str, Order] = {}

    def place(self, order: Order, books: dict[str, Book]) -> Order:
        self._call("place")
        for line in order.lines:
            book = books[line.book_id]
            if not self.products.can_reserve(book, line.quantity):
                raise OutOfStock(
                    f"Not enough stock of {book.title!r} for {line.quantity} "
                    "(or its price just changed); please check the book and try again."
                )
        if order.order_id in self.orders:  # the order's Put: attribute_not_exists(pk)
            raise Conflict(f"Order {order.order_id} could not be written; please try again.")
        for line in order.lines:
            self.products.move_stock(line.book_id, -line.quantity)
        self.orders[order.order_id] = order
        return order

    def get(self, order_id: str) -> Order | None:
        self._call("get")
        return self.orders.get(order_id)

    def list_for(
        self, username: str, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[Order], dict[str, Any] | None]:
        self._call("list_for")
        start = checked_start_key(start_key, {"pk": f"CUSTOMER#{username}"}, {"sk": "ORDER#"})
        mine = sorted((o for o in self.orders.values() if o.username == username), key=lambda o: o.order_id)
        mine.reverse()  # newest first: order ids (ULIDs) sort by time
        if start:
            mine = [o for o in mine if f"ORDER#{o.order_id}" < start["sk"]["S"]]
        page = mine[:limit]  # DynamoDB's Limit: a full page has a LastEvaluatedKey, even when nothing follows
        last = page[-1] if len(page) == limit else None
        return page, None if last is None else _table_key(last)

    def list_by_status(
        self, status: OrderStatus, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[Order], dict[str, Any] | None]:
        """gsi2, read backwards: STATUS#<status> / <created_at>#<order id>, newest first."""
        self._call("list_by_status")
        prefixes = {"pk": "CUSTOMER#", "sk": "ORDER#", "gsi2sk": ""}
        start = checked_start_key(start_key, {"gsi2pk": f"STATUS#{status}"}, prefixes)
        listed = sorted((o for o in self.orders.values() if o.status == status), key=_gsi2_sort_key, reverse=True)
        if start:
            listed = [o for o in listed if _gsi2_sort_key(o) < start["gsi2sk"]["S"]]
        page = listed[:limit]
        last = page[-1] if len(page) == limit else None
        if last is None:
            return page, None
        index_key = {"gsi2pk": {"S": f"STATUS#{status}"}, "gsi2sk": {"S": _gsi2_sort_key(last)}}
        return page, {**_table_key(last), **index_key}

    def change_status(self, order: Order, new_status: OrderStatus, at: str, *, return_stock: bool = False) -> Order:
        self._call("change_status")
        stored = self.orders.get(order.order_id)
        # Conditions: the status is still the one read; with return_stock, every book still exists.
        refused = stored is None or stored.status != order.status
        if return_stock:
            refused = refused or any(line.book_id not in self.products.books for line in order.lines)
        if refused:
            if stored is None:
                raise OrderNotFound(f"There is no order {order.order_id}.")
            raise InvalidTransition(f"Order {order.order_id} is {stored.status} now and cannot become {new_status}.")
        changed = Order.model_validate(
            {
                **order.model_dump(),
                "status": new_status,
                "updated_at": at,
                "history": [*order.history, StatusChange(status=new_status, at=at)],
            }
        )
        if return_stock:
            for line in order.lines:
                self.products.move_stock(line.book_id, line.quantity)
        self.orders[order.order_id] = changed
        return changed


def _table_key(order: Order) -> dict[str, Any]:
    """The orders table's key of `order`, as a LastEvaluatedKey holds it."""
    return {"pk": {"S": f"CUSTOMER#{order.username}"}, "sk": {"S": f"ORDER#{order.order_id}"}}


def _gsi2_sort_key(order: Order) -> str:
    return f"{order.created_at}#{order.order_id}"


# ---- users ---------------------------------------------------------------------------------------------------


class FakeUsers(Switchable):
    """The users table: profiles by username and the email guards (email -> username) that keep emails unique."""

    def __init__(self) -> None:
        super().__init__()
        self.profiles: dict[str, UserProfile] = {}
        self.guards: dict[str, str] = {}

    def create(self, profile: UserProfile) -> bool:
        self._call("create")
        # One transaction: Put profile (attribute_not_exists), Put guard (free or already this user's).
        if profile.username in self.profiles:
            if self.profiles[profile.username].email == profile.email:
                return False  # a retry of the same registration
            raise UserAlreadyExists(f"The username {profile.username!r} is already taken.")
        if self.guards.get(profile.email, profile.username) != profile.username:
            raise EmailAlreadyUsed(f"The email {profile.email!r} is already used by another user.")
        self.profiles[profile.username] = profile
        self.guards[profile.email] = profile.username
        return True

    def get(self, username: str) -> UserProfile | None:
        self._call("get")
        return self.profiles.get(username)

    def email_owner(self, email: str) -> str | None:
        self._call("email_owner")
        return self.guards.get(email)

    def delete(self, profile: UserProfile) -> None:
        self._call("delete")
        stored = self.profiles.get(profile.username)
        # Conditions: the profile still has this email and the guard is still this user's. (A missing item
        # fails the condition too.) The repository lets the cancelled transaction through as it is.
        if stored is None or stored.email != profile.email or self.guards.get(profile.email) != profile.username:
            raise AwsError("TransactionCanceledException")
        del self.profiles[profile.username]
        del self.guards[profile.email]

    def update(self, current: UserProfile, changed: UserProfile) -> None:
        self._call("update")
        stored = self.profiles.get(current.username)
        profile_ok = stored is not None and stored.email == current.email
        if changed.email != current.email:
            guard_ok = self.guards.get(current.email) == current.username
            claim_ok = self.guards.get(changed.email, current.username) == current.username
            if not claim_ok:  # the repository reports the taken email first
                raise EmailAlreadyUsed(f"The email {changed.email!r} is already used by another user.")
            profile_ok = profile_ok and guard_ok
        if not profile_ok or stored is None:
            raise Conflict(f"The user {current.username!r} changed meanwhile; please try again.")
        self.profiles[current.username] = stored.model_copy(
            update={
                "email": changed.email,
                "given_name": changed.given_name,
                "family_name": changed.family_name,
                "delivery_address": changed.delivery_address,
                "updated_at": changed.updated_at or utc_now(),
            }
        )
        if changed.email != current.email:
            del self.guards[current.email]
            self.guards[changed.email] = current.username


class FakeDirectory(Switchable):
    """The Cognito user pool: usernames case-insensitive, email a sign-in alias, groups customers and staff.

    Not modelled: keep_original (an email change awaiting verification keeps the old address); here an update
    takes effect at once."""

    GROUPS = frozenset({"customers", "staff"})

    def __init__(self) -> None:
        super().__init__()
        self.attributes: dict[str, dict[str, str]] = {}
        self.groups: dict[str, set[str]] = {}
        self.totp: set[str] = set()

    def add(self, username: str, email: str, *groups: str, totp: bool = False) -> None:
        """A user who is already in the pool (created outside the service under test)."""
        self.attributes[username.lower()] = {"sub": f"sub-{username.lower()}", "email": email, "email_verified": "true"}
        self.groups[username.lower()] = set(groups)
        if totp:
            self.totp.add(username.lower())

    def _user(self, username: str) -> str:
        key = username.lower()
        if key not in self.attributes:
            raise AwsError("UserNotFoundException")
        return key

    def _alias_taken(self, username: str, attributes: Mapping[str, str]) -> bool:
        """AliasExistsException: another user has this email, verified (email is a sign-in alias)."""
        email = attributes.get("email")
        if email is None:
            return False
        return any(
            other != username.lower() and a.get("email") == email and a.get("email_verified") == "true"
            for other, a in self.attributes.items()
        )

    def mfa_enabled(self, username: str) -> bool:
        self._call("mfa_enabled")
        return username.lower() in self.totp

    def get_attributes(self, username: str) -> dict[str, str] | None:
        self._call("get_attributes")
        found = self.attributes.get(username.lower())
        return None if found is None else dict(found)

    def users_with_email(self, email: str) -> list[str]:
        self._call("users_with_email")
        return [u for u, a in self.attributes.items() if a.get("email") == email][:2]  # Limit=2

    def groups_of(self, username: str) -> list[str]:
        self._call("groups_of")
        return sorted(self.groups[self._user(username)])

    def create_user(self, username: str, attributes: Mapping[str, str]) -> None:
        self._call("create_user")
        if username.lower() in self.attributes:
            raise UserAlreadyExists(f"The username {username!r} is already taken.")
        if self._alias_taken(username, attributes):
            raise EmailAlreadyUsed("That email address is already used by another user.")
        self.attributes[username.lower()] = {"sub": f"sub-{username.lower()}", **attributes}
        self.groups[username.lower()] = set()

    def add_to_group(self, username: str, group: str) -> None:
        self._call("add_to_group")
        user = self._user(username)
        if group not in self.GROUPS:
            raise AwsError("ResourceNotFoundException")
        self.groups[user].add(group)

    def delete_user(self, username: str) -> None:
        self._call("delete_user")
        self.attributes.pop(username.lower(), None)
        self.groups.pop(username.lower(), None)
        self.totp.discard(username.lower())

    def update_attributes(self, username: str, attributes: Mapping[str, str]) -> None:
        self._call("update_attributes")
        user = self._user(username)
        if self._alias_taken(username, attributes):
            raise EmailAlreadyUsed("That email address is already used by another user.")
        self.attributes[user].update(attributes)


# ---- idempotency ---------------------------------------------------------------------------------------------


class InMemoryIdempotency(BasePersistenceLayer):
    """Powertools' persistence layer over a dict, with DynamoDBPersistenceLayer's conditional put: a record is
    written only if none exists, it has expired, or it is an in-progress record whose invocation has timed out.
    Powertools' own logic (hashing the key, payload validation, in-progress handling) runs unchanged."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # Powertools leaves it unannotated
        self.records: dict[str, DataRecord] = {}

    def _get_record(self, idempotency_key: str) -> DataRecord:
        try:
            return self.records[idempotency_key]
        except KeyError:
            raise IdempotencyItemNotFoundError from None

    def _put_record(self, data_record: DataRecord) -> None:
        old = self.records.get(data_record.idempotency_key)
        now = dt.datetime.now().timestamp()
        if old is not None:
            expired = old.expiry_timestamp is not None and old.expiry_timestamp < int(now)
            in_progress_timed_out = (
                old.status == STATUS_CONSTANTS["INPROGRESS"]
                and old.in_progress_expiry_timestamp is not None
                and old.in_progress_expiry_timestamp < int(now * 1000)
            )
            if not (expired or in_progress_timed_out):
                # As the DynamoDB layer with ReturnValuesOnConditionCheckFailure: check the payload, hand back the record.
                self._validate_payload(data_payload=data_record, stored_data_record=old)
                raise IdempotencyItemAlreadyExistsError(old_data_record=old)
        self.records[data_record.idempotency_key] = data_record

    def _update_record(self, data_record: DataRecord) -> None:
        self.records[data_record.idempotency_key] = data_record

    def _delete_record(self, data_record: DataRecord) -> None:
        self.records.pop(data_record.idempotency_key, None)


if TYPE_CHECKING:  # mypy proves the fakes fit the same ports as the repositories they replace
    from bookstore.ports import BookLookup, OrderStore, ProductStore, UserDirectory, UserStore

    def _fakes_fit_the_ports(
        orders: FakeOrders, products: FakeProducts, users: FakeUsers, directory: FakeDirectory
    ) -> tuple[OrderStore, BookLookup, ProductStore, UserStore, UserDirectory]:
        return orders, products, products, users, directory
