"""Environment variables, read once per cold start into a validated model.

Each function loads one of these classes, so their validators are built when first used (`defer_build`), not
all of them at every cold start.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from bookstore.errors import ConfigurationError

EnvT = TypeVar("EnvT", bound="BaseEnv")


class BaseEnv(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore", defer_build=True)

    service_name: str = Field(alias="POWERTOOLS_SERVICE_NAME", default="bookstore", min_length=1)

    @classmethod
    def load(cls: type[EnvT], environ: Mapping[str, str] | None = None) -> EnvT:
        source = os.environ if environ is None else environ
        try:
            return cls.model_validate(dict(source))
        except PydanticValidationError as err:
            missing = ", ".join(str(e["loc"][0]) for e in err.errors() if e["loc"])
            raise ConfigurationError(f"Invalid or missing environment variables: {missing}") from err


class UsersTableEnv(BaseEnv):
    users_table_name: str = Field(alias="USERS_TABLE_NAME", min_length=1)


class BotEnv(UsersTableEnv):
    user_pool_id: str = Field(alias="USER_POOL_ID", min_length=1)


class StaffMfaEnv(BaseEnv):
    """STAFF_MFA_REQUIRED alone: UserAdminService reads it where the API function and the bot's code hook build it
    (once per cold start). "true" in prod: staff actions need the caller's TOTP enabled (StageConfig)."""

    staff_mfa_required: bool = Field(alias="STAFF_MFA_REQUIRED", default=False)


class ShopEnv(BotEnv, StaffMfaEnv):
    """Everything the shop's services need: used by the API and by the bot's code hook."""

    products_table_name: str = Field(alias="PRODUCTS_TABLE_NAME", min_length=1)
    orders_table_name: str = Field(alias="ORDERS_TABLE_NAME", min_length=1)
    recommendations_table_name: str = Field(alias="RECOMMENDATIONS_TABLE_NAME", min_length=1)
    idempotency_table_name: str = Field(alias="IDEMPOTENCY_TABLE_NAME", min_length=1)


class RecommendationsWorkerEnv(BaseEnv):
    products_table_name: str = Field(alias="PRODUCTS_TABLE_NAME", min_length=1)
    recommendations_table_name: str = Field(alias="RECOMMENDATIONS_TABLE_NAME", min_length=1)


class ApiEnv(ShopEnv):
    images_bucket_name: str = Field(alias="IMAGES_BUCKET_NAME", default="")
    allowed_origin: str = Field(alias="ALLOWED_ORIGIN", default="http://localhost:8080")


class ChatEnv(BaseEnv):
    bot_id: str = Field(alias="BOT_ID", min_length=1)
    bot_alias_id: str = Field(alias="BOT_ALIAS_ID", min_length=1)
    bot_locale_id: str = Field(alias="BOT_LOCALE_ID", default="en_US")
    allowed_origin: str = Field(alias="ALLOWED_ORIGIN", default="http://localhost:8080")
