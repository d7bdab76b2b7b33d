"""Lex V2 runtime errors as the wire protocol carries them (x-amzn-ErrorType + {"message": ...})."""

from __future__ import annotations


class LexError(Exception):
    code = "InternalServerException"
    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Validation(LexError):
    code = "ValidationException"
    status = 400


class AccessDenied(LexError):
    code = "AccessDeniedException"
    status = 403


class ResourceNotFound(LexError):
    code = "ResourceNotFoundException"
    status = 404


class Conflict(LexError):
    code = "ConflictException"
    status = 409


class DependencyFailed(LexError):
    code = "DependencyFailedException"
    status = 424
