"""A delivery address for tests that place orders: every order needs one (the request's, or the profile's)."""

from __future__ import annotations

from typing import Any

from bookstore.addresses import DeliveryAddress

HOME_JSON: dict[str, Any] = {
    "name": "Carol Reader",
    "line1": "12 Baker Street",
    "city": "London",
    "postal_code": "NW1 6XE",
    "country": "GB",
}
HOME = DeliveryAddress.model_validate(HOME_JSON)


def save_address(users_table: str, client: Any, username: str, address: DeliveryAddress = HOME) -> None:
    """Give `username` a profile with a saved delivery address (creating the profile if there is none), as the
    shop's checkout does, so the bot can order for them."""
    from bookstore.repositories.users import UserRepository
    from bookstore.users import UserProfile

    users = UserRepository(users_table, client)
    profile = users.get(username)
    if profile is None:
        users.create(UserProfile(username=username, email=f"{username}@example.com", source="self-sign-up"))
        profile = users.get(username)
        assert profile is not None
    users.update(profile, profile.model_copy(update={"delivery_address": address}))
