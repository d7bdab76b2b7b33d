"""The tables of the shop, as one bundle: what the shop's functions are told (their names) and granted."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam

from stacks.permissions import grant_table


@dataclass(frozen=True)
class ShopTables:
    """The Data stack's tables (`DataStack.shop_tables`), handed to the stacks whose functions use them.

    `environment()` and `grant_to()` are the one place that says how a function of the shop (the bot's code hook,
    the REST API's function: `stacks.constructs.shop_function.ShopFunction`) finds and may use them.
    """

    users: dynamodb.ITableV2
    products: dynamodb.ITableV2
    orders: dynamodb.ITableV2
    recommendations: dynamodb.ITableV2
    idempotency: dynamodb.ITableV2

    def environment(self) -> dict[str, str]:
        """The tables' names, as functions/bookstore reads them."""
        return {
            "USERS_TABLE_NAME": self.users.table_name,
            "PRODUCTS_TABLE_NAME": self.products.table_name,
            "ORDERS_TABLE_NAME": self.orders.table_name,
            "RECOMMENDATIONS_TABLE_NAME": self.recommendations.table_name,
            "IDEMPOTENCY_TABLE_NAME": self.idempotency.table_name,
        }

    def grant_to(self, grantee: iam.IGrantable) -> None:
        """Read and write everything but the recommendations, which only the recommendations worker writes;
        Query on the indexes the repositories use. No Scan (`grant_table`)."""
        grant_table(grantee, self.users, write=True)
        grant_table(grantee, self.products, write=True, indexes=("gsi1",))  # orders take stock
        grant_table(grantee, self.orders, write=True, indexes=("gsi1", "gsi2"))
        grant_table(grantee, self.idempotency, write=True)
        grant_table(grantee, self.recommendations, write=False)

    def by_name(self) -> tuple[tuple[str, dynamodb.ITableV2], ...]:
        """Each table with the name the dashboard and its alarms give it."""
        return (
            ("Users", self.users),
            ("Products", self.products),
            ("Orders", self.orders),
            ("Recommendations", self.recommendations),
            ("Idempotency", self.idempotency),
        )
