"""What the services need from storage: exactly the repository methods OrderService, CatalogService and
UserAdminService call, as structural types.

The DynamoDB and Cognito repositories (bookstore.repositories) satisfy these without naming them (mypy checks
that below); unit tests pass small in-memory fakes instead (tests/unit/fakes.py). Nothing here runs: the
Protocols only type the services' fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from bookstore.catalog import Book
from bookstore.orders import Order, OrderStatus
from bookstore.users import UserProfile

# A page position: the repository's LastEvaluatedKey, round-tripped through an opaque cursor.
StartKey = dict[str, Any]


class BookLookup(Protocol):
    """Books by id: what OrderService reads to price an order."""

    def get_many(self, book_ids: Sequence[str]) -> dict[str, Book]:
        """The books that exist among `book_ids`, by id; missing ids are simply absent."""
        ...


class ProductStore(BookLookup, Protocol):
    """The catalog: what CatalogService reads and writes."""

    def get(self, book_id: str) -> Book | None: ...

    def by_genre(self, genre: str, limit: int, start_key: StartKey | None) -> tuple[list[Book], StartKey | None]: ...

    def postings(self, term: str) -> list[dict[str, Any]]:
        """The search postings of one term: dicts with book_id, title and weight."""
        ...

    def words_beginning(self, prefix: str) -> list[str]:
        """The indexed words (the vocabulary) that begin with `prefix`: with 2 letters, all the words that begin
        with them (at most products.WORDS_PER_PARTITION, in order)."""
        ...

    def words_ending(self, suffix: str) -> list[str]:
        """The indexed words that end with the last two letters of `suffix`."""
        ...

    def arrivals(self, limit: int) -> list[str]:
        """The ids of the `limit` books added last (by created_at), newest first."""
        ...

    def create(self, book: Book) -> Book:
        """Raises Conflict when a book with that id exists."""
        ...

    def replace(self, current: Book, changed: Book) -> Book:
        """New details, never new stock. Raises Conflict when the stored book is no longer `current`."""
        ...

    def set_stock(self, book_id: str, stock: int) -> Book:
        """Raises BookNotFound."""
        ...

    def set_image(self, book_id: str, image_key: str) -> None:
        """Raises BookNotFound."""
        ...


class OrderStore(Protocol):
    """Orders, with the stock moves that go with them: what OrderService reads and writes."""

    def place(self, order: Order, books: dict[str, Book]) -> Order:
        """Take every line's stock and write the order, all or nothing. Raises OutOfStock when a book has too
        little stock or its price is no longer the one in `books`; Conflict when the write fails otherwise."""
        ...

    def get(self, order_id: str) -> Order | None: ...

    def list_for(self, username: str, limit: int, start_key: StartKey | None) -> tuple[list[Order], StartKey | None]:
        """The customer's orders, newest first. Raises ValidationError when `start_key` is not one of this listing's."""
        ...

    def list_by_status(
        self, status: OrderStatus, limit: int, start_key: StartKey | None
    ) -> tuple[list[Order], StartKey | None]:
        """The orders in `status`, newest first (by created_at, then order id). Raises ValidationError when
        `start_key` is not one of this listing's (another status's included)."""
        ...

    def change_status(self, order: Order, new_status: OrderStatus, at: str, *, return_stock: bool = False) -> Order:
        """Only from the status `order` has; raises InvalidTransition (or OrderNotFound) otherwise."""
        ...


class UserStore(Protocol):
    """User profiles and the email guards that keep emails unique: what UserAdminService reads and writes."""

    def create(self, profile: UserProfile) -> bool:
        """True if created; False if this exact user (same username and email) exists. Raises UserAlreadyExists
        or EmailAlreadyUsed when someone else holds the username or the email."""
        ...

    def get(self, username: str) -> UserProfile | None: ...

    def email_owner(self, email: str) -> str | None: ...

    def delete(self, profile: UserProfile) -> None:
        """Compensation: remove the profile and its email guard, only if they are still exactly `profile`'s."""
        ...

    def update(self, current: UserProfile, changed: UserProfile) -> None:
        """Write `changed` over `current`. Raises EmailAlreadyUsed when the new email is taken, Conflict when the
        stored profile no longer has `current`'s email."""
        ...


class UserDirectory(Protocol):
    """The user pool (sign-in identities and groups): what UserAdminService reads and writes."""

    def mfa_enabled(self, username: str) -> bool: ...

    def get_attributes(self, username: str) -> dict[str, str] | None:
        """None when the pool has no such user."""
        ...

    def users_with_email(self, email: str) -> list[str]: ...

    def groups_of(self, username: str) -> list[str]: ...

    def create_user(self, username: str, attributes: Mapping[str, str]) -> None:
        """Raises UserAlreadyExists or EmailAlreadyUsed."""
        ...

    def add_to_group(self, username: str, group: str) -> None:
        """Idempotent."""
        ...

    def delete_user(self, username: str) -> None:
        """Idempotent: deleting a missing user is not an error."""
        ...

    def update_attributes(self, username: str, attributes: Mapping[str, str]) -> None:
        """Raises EmailAlreadyUsed when the new email is another user's."""
        ...


if TYPE_CHECKING:  # mypy proves the concrete repositories fit the ports; nothing is imported at run time
    from bookstore.repositories.directory import CognitoDirectory
    from bookstore.repositories.orders import OrderRepository
    from bookstore.repositories.products import ProductRepository
    from bookstore.repositories.users import UserRepository

    def _repositories_fit_the_ports(
        orders: OrderRepository, products: ProductRepository, users: UserRepository, directory: CognitoDirectory
    ) -> tuple[OrderStore, BookLookup, ProductStore, UserStore, UserDirectory]:
        return orders, products, products, users, directory
