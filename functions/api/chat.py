"""POST /chat: the signed-in user talks to the bot. The only function whose role may call the bot alias.

The verified username and groups go to Lex as request attributes (the code hook's only source of
identity). The Lex session id belongs to one sign-in: a sha256 of the caller's immutable Cognito `sub` and
the ID token's `origin_jti` (one authentication: it survives token refreshes, so a conversation survives
page reloads, and changes with every sign-in; `auth_time` when a token has no `origin_jti`). Never derived
from the username, so two users never share a dialog; DELETE /chat ends the sign-in's conversation.

RecognizeText answers only once the code hook has, so the Lex client has its own configuration
(bookstore.aws.LEX_RUNTIME_CONFIG): a read timeout above the code hook's timeout and a single attempt, since
retrying would replay the user's turn to the bot. Lex errors, timeouts and connection failures are all a 502
AssistantUnavailable with the usual error body.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotocoreConnectionError
from pydantic import BaseModel, ConfigDict, Field

from api.common import SIGNED_IN, AssistantUnavailable, claims, create_resolver, responses, serve, signed_in
from bookstore import aws
from bookstore.env import ChatEnv
from bookstore.errors import Unauthenticated, ValidationError
from bookstore.observability import logger, metrics, tracer

ENV = ChatEnv.load()
app = create_resolver(ENV.allowed_origin)


class ChatBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # At least one character that is not white space (the route refuses a blank message).
    text: Annotated[str, Field(min_length=1, max_length=1024, pattern=r"\S")]


class ChatButton(BaseModel):
    text: str = Field(description="What the button shows")
    value: str = Field(description="What to send as the next chat message when the button is chosen")


class ChatCard(BaseModel):
    """A Lex V2 ImageResponseCard of the bot's answer: one book found, recommended or ordered."""

    title: str = Field(description="The book's title")
    subtitle: str | None = Field(default=None, description="Author and price (and why it is recommended)")
    image_url: str | None = Field(default=None, description="A public URL of the cover, when the bot has one")
    buttons: list[ChatButton] = Field(default=[], description="At most 5")


class ChatReply(BaseModel):
    messages: list[str] = Field(description="The bot's text messages, in order")
    cards: list[ChatCard] = Field(default=[], description="The bot's response cards, in order, after the text")
    intent: str | None = None
    intent_state: str | None = None
    dialog_action: str | None = None
    slot_to_elicit: str | None = None
    session_id: str


class ChatReset(BaseModel):
    session_id: str
    reset: bool


UNAVAILABLE = "The assistant is unavailable right now; please try again."


@cache
def lex() -> Any:
    return aws.client("lexv2-runtime", aws.LEX_RUNTIME_CONFIG)


# Lex V2's sessionId (botocore's lexv2-runtime model): 2 to 100 of these characters.
SESSION_ID = re.compile(r"[0-9a-zA-Z._:-]{2,100}")


def session_id(sub: str, sign_in: str) -> str:
    """The Lex session id of one sign-in: "s-" and 64 hex digits, whatever the inputs."""
    digest = hashlib.sha256(f"{len(sub)}:{sub}:{sign_in}".encode()).hexdigest()
    return f"s-{digest}"


def _caller_session() -> str:
    """The session id of the caller's current sign-in, from the claims the Cognito authorizer verified."""
    verified = claims(app)
    sub = str(verified.get("sub") or "").strip()
    sign_in = str(verified.get("origin_jti") or verified.get("auth_time") or "").strip()
    if not sub or not sign_in:
        raise Unauthenticated("Sign in again: the token does not identify a sign-in.")
    return session_id(sub, sign_in)


def _call(operation: str, **kwargs: Any) -> dict[str, Any]:
    try:
        response: dict[str, Any] = getattr(lex(), operation)(
            botId=ENV.bot_id, botAliasId=ENV.bot_alias_id, localeId=ENV.bot_locale_id, **kwargs
        )
    except ClientError as err:
        code = err.response["Error"]["Code"]
        if code == "ValidationException":
            raise ValidationError(err.response["Error"].get("Message", "The message is not valid.")) from err
        if code == "ResourceNotFoundException" and operation == "delete_session":
            return {}
        logger.exception("The bot failed", extra={"lex_error": code})
        raise AssistantUnavailable(UNAVAILABLE) from err
    except (BotocoreConnectionError, HTTPClientError) as err:
        # Connect/read timeouts, refused or dropped connections (botocore's ConnectionError covers
        # EndpointConnectionError and ConnectTimeoutError, HTTPClientError covers ReadTimeoutError and
        # ConnectionClosedError). Not retried: the turn may have reached the bot.
        logger.exception("The bot did not answer", extra={"lex_error": type(err).__name__, "operation": operation})
        raise AssistantUnavailable(UNAVAILABLE) from err
    return response


def _cards(messages: list[dict[str, Any]]) -> list[ChatCard]:
    """The ImageResponseCard messages of a RecognizeText response, in the chat route's shape."""
    cards = []
    for message in messages:
        card = message.get("imageResponseCard") or {}
        if message.get("contentType") != "ImageResponseCard" or not card.get("title"):
            continue
        buttons = [ChatButton(text=b["text"], value=b["value"]) for b in card.get("buttons") or []]
        cards.append(
            ChatCard(
                title=card["title"], subtitle=card.get("subtitle"), image_url=card.get("imageUrl"), buttons=buttons
            )
        )
    return cards


@app.post(
    "/chat",
    summary="Say something to the bookstore assistant",
    tags=["chat"],
    security=SIGNED_IN,
    responses=responses(ChatReply, 400, 401, 413, 415, 502),
)
def chat(body: Annotated[ChatBody, Body()]) -> ChatReply:
    who = signed_in(app)  # a blank text never gets here: ChatBody's pattern refuses it (400)
    session = _caller_session()
    response = _call("recognize_text", sessionId=session, text=body.text, requestAttributes=who.as_request_attributes())
    state = response.get("sessionState", {})
    intent = state.get("intent") or {}
    action = state.get("dialogAction") or {}
    metrics.add_metric(name="ChatTurns", unit=MetricUnit.Count, value=1)
    tracer.put_annotation("intent", intent.get("name", "none"))
    return ChatReply(
        messages=[m["content"] for m in response.get("messages", []) if m.get("content")],
        cards=_cards(response.get("messages", [])),
        intent=intent.get("name"),
        intent_state=intent.get("state"),
        dialog_action=action.get("type"),
        slot_to_elicit=action.get("slotToElicit"),
        session_id=session,
    )


@app.delete(
    "/chat",
    summary="End my current conversation",
    description="Deletes the bot's session of this sign-in (the web front end calls it on sign-out); the next "
    "message starts a fresh conversation. Ending a conversation that does not exist is not an error.",
    tags=["chat"],
    security=SIGNED_IN,
    responses=responses(ChatReset, 401, 502),
)
def reset() -> ChatReset:
    signed_in(app)
    session = _caller_session()
    _call("delete_session", sessionId=session)
    return ChatReset(session_id=session, reset=True)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return serve(app, event, context, ENV.allowed_origin)
