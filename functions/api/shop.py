"""What every route of the REST API function uses: its environment, its services (built once per cold start),
and who is calling, checked once (signed in, staff)."""

from __future__ import annotations

from functools import cache

from aws_lambda_powertools.event_handler.api_gateway import BaseRouter

from api.common import claims, signed_in
from api.schemas import BookOut
from bookstore import aws
from bookstore.catalog import Book
from bookstore.env import ApiEnv
from bookstore.identity import SignedIn
from bookstore.wiring import Services, build_services

ENV = ApiEnv.load()


@cache
def services() -> Services:
    return build_services(ENV, images_bucket=ENV.images_bucket_name or None, s3=aws.client("s3"))


def staff(router: BaseRouter) -> SignedIn:
    """The caller, if bookstore staff (403 otherwise), with TOTP enabled where staff MFA is required (prod):
    UserAdminService.require_staff, the check the bot's staff intents make too."""
    return services().admin.require_staff(signed_in(router))


def verified_email(router: BaseRouter) -> str | None:
    """The e-mail address in the caller's verified ID token, if any."""
    email = claims(router).get("email")
    return str(email) if email else None


def book_out(book: Book, score: float | None = None) -> BookOut:
    return BookOut(**book.model_dump(), image_url=services().catalog.image_url(book), score=score)


__all__ = ["ENV", "book_out", "services", "signed_in", "staff", "verified_email"]
