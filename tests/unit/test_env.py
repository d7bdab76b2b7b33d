from __future__ import annotations

import pytest

from bookstore.env import UsersTableEnv
from bookstore.errors import ConfigurationError


def test_env_reads_table_name() -> None:
    env = UsersTableEnv.load({"USERS_TABLE_NAME": "users", "POWERTOOLS_SERVICE_NAME": "auth"})
    assert env.users_table_name == "users"
    assert env.service_name == "auth"


@pytest.mark.parametrize("environ", [{}, {"USERS_TABLE_NAME": ""}])
def test_missing_or_empty_variable_fails_at_cold_start_naming_it(environ) -> None:
    with pytest.raises(ConfigurationError, match="USERS_TABLE_NAME"):
        UsersTableEnv.load(environ)
