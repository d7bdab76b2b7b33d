"""Typed domain errors. The API maps them to HTTP statuses, the bot code hook to Lex responses."""


class BookstoreError(Exception):
    """Base of every error the domain raises on purpose."""

    code = "BookstoreError"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(BookstoreError):
    code = "ValidationError"


class NotFound(BookstoreError):
    code = "NotFound"


class Conflict(BookstoreError):
    code = "Conflict"


class UserAlreadyExists(Conflict):
    code = "UserAlreadyExists"


class EmailAlreadyUsed(Conflict):
    code = "EmailAlreadyUsed"


class UserNotFound(NotFound):
    code = "UserNotFound"


class NotAuthorized(BookstoreError):
    code = "NotAuthorized"


class NotStaff(NotAuthorized):
    """A staff action by someone not in the staff group (the API answers 403 NotAuthorized, as for any refusal)."""

    code = "NotAuthorized"


class ConfigurationError(BookstoreError):
    """The function's environment is incomplete; raised at cold start."""

    code = "ConfigurationError"


class OutOfStock(Conflict):
    code = "OutOfStock"


class BookNotFound(NotFound):
    code = "BookNotFound"


class OrderNotFound(NotFound):
    code = "OrderNotFound"


class InvalidTransition(Conflict):
    code = "InvalidTransition"


class Unauthenticated(BookstoreError):
    code = "Unauthenticated"
