"""The bookstore domain: models, services, repositories, errors, observability. Shared by every function."""
