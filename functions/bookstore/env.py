"""Environment variables, read once per cold start into a validated model."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from bookstore.errors import ConfigurationError

EnvT = TypeVar("EnvT", bound="BaseEnv")


class BaseEnv(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

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
