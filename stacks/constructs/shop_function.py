"""A function of the shop: the bot's code hook (BotStack) and the REST API's function (ApiStack)."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from stacks.config import StageConfig
from stacks.constructs.function import BookstoreFunctionConstruct
from stacks.permissions import USER_ADMIN_ACTIONS
from stacks.shop_tables import ShopTables


class ShopFunction(BookstoreFunctionConstruct):
    """A `BookstoreFunctionConstruct` that runs the shop: it reads and writes the shop tables and administers the
    users of the pool (staff register and edit users; staff actions check the caller's MFA).

    What the bot's code hook and the REST API's function share is written here once: the tables' names and
    grants (`ShopTables`), the user pool's id and admin grant, and the staff-MFA switch. A subclass, created with
    the id the function always had: the construct path, hence every logical id, stays what it was.

    The environment is, in this order: the tables' names, `data_environment` (the names of other data the
    function uses), USER_POOL_ID, `environment`, STAFF_MFA_REQUIRED.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        config: StageConfig,
        tables: ShopTables,
        user_pool: cognito.IUserPool,
        handler: str,
        service: str,
        description: str,
        data_environment: Mapping[str, str] | None = None,
        environment: Mapping[str, str] | None = None,
        timeout: Duration | None = None,
        memory_size: int = 256,
    ) -> None:
        super().__init__(
            scope,
            id_,
            handler=handler,
            service=service,
            description=description,
            settings=config.function_settings,
            environment={
                **tables.environment(),
                **(data_environment or {}),
                "USER_POOL_ID": user_pool.user_pool_id,
                **(environment or {}),
                # Staff actions need the caller's TOTP enabled (AdminGetUser, in USER_ADMIN_ACTIONS below).
                "STAFF_MFA_REQUIRED": "true" if config.staff_mfa_required else "false",
            },
            timeout=timeout,
            memory_size=memory_size,
        )
        tables.grant_to(self.function)
        user_pool.grant(self.function, *USER_ADMIN_ACTIONS)
