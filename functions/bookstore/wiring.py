"""Build the services from a function's environment, once per cold start."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bookstore.env import ShopEnv
from bookstore.recommendations.reading import RecommendationService
from bookstore.recommendations.store import RecommendationRepository
from bookstore.repositories.directory import CognitoDirectory
from bookstore.repositories.orders import OrderRepository
from bookstore.repositories.products import ProductRepository
from bookstore.repositories.users import UserRepository
from bookstore.services.accounts import AccountService
from bookstore.services.catalog import CatalogService
from bookstore.services.home import HomeService
from bookstore.services.orders import OrderService
from bookstore.services.profiles import ProfileService
from bookstore.services.user_admin import UserAdminService


@dataclass
class Services:
    catalog: CatalogService
    orders: OrderService
    profiles: ProfileService
    recommendations: RecommendationService
    admin: UserAdminService
    home: HomeService


def build_services(
    env: ShopEnv,
    *,
    dynamodb: Any = None,
    cognito: Any = None,
    s3: Any = None,
    images_bucket: str | None = None,
) -> Services:
    """The services over the tables and pool `env` names. Clients default to the function's cached ones
    (bookstore.aws); tests pass theirs (moto, or wrapped to inject failures)."""
    users = UserRepository(env.users_table_name, client=dynamodb)
    directory = CognitoDirectory(env.user_pool_id, client=cognito)
    products = ProductRepository(env.products_table_name, client=dynamodb)
    admin = UserAdminService(users=users, directory=directory)
    recommendations = RecommendationRepository(env.recommendations_table_name, client=dynamodb)
    return Services(
        catalog=CatalogService(products, images_bucket=images_bucket, s3=s3),
        orders=OrderService(
            orders=OrderRepository(env.orders_table_name, products, client=dynamodb),
            products=products,
            idempotency_table=env.idempotency_table_name,
            idempotency_client=dynamodb,
        ),
        profiles=ProfileService(admin=admin, accounts=AccountService(users=users, directory=directory)),
        recommendations=RecommendationService(recommendations, products),
        admin=admin,
        home=HomeService(products, recommendations),
    )
