"""A signed-in customer's own things: the profile and the books picked for them."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from api.common import SIGNED_IN, responses
from api.schemas import AUTH, BODY, Limit, ProfileChanges, RecommendationOut, Recommendations
from api.shop import book_out, services, signed_in, verified_email
from bookstore.catalog import Genre
from bookstore.users import UserProfile

router = Router()  # type: ignore[no-untyped-call]  # Powertools' Router.__init__ is unannotated


@router.get("/me", summary="My profile", tags=["me"], security=SIGNED_IN, responses=responses(UserProfile, 400, *AUTH))
def get_me() -> UserProfile:
    return services().profiles.me(signed_in(router), verified_email(router))


@router.patch(
    "/me",
    summary="Change my name or saved delivery address, or take my newly verified e-mail",
    tags=["me"],
    security=SIGNED_IN,
    responses=responses(UserProfile, 400, *AUTH, 403, 409, *BODY),
)
def patch_me(changes: Annotated[ProfileChanges, Body()]) -> UserProfile:
    return services().profiles.update_me(
        signed_in(router),
        verified_email(router),
        given_name=changes.given_name,
        family_name=changes.family_name,
        new_email=changes.email,
        address=changes.delivery_address,
        forget_address="delivery_address" in changes.model_fields_set and changes.delivery_address is None,
    )


@router.get(
    "/recommendations",
    summary="Books picked for me",
    tags=["recommendations"],
    security=SIGNED_IN,
    responses=responses(Recommendations, 400, *AUTH),
)
def recommendations(
    genre: Annotated[Genre | None, Query(description="Only this genre")] = None, limit: Limit = 10
) -> Recommendations:
    picks = services().recommendations.for_customer(signed_in(router), genre, limit)
    return Recommendations(items=[RecommendationOut(book=book_out(p.book), reason=p.reason) for p in picks])
