"""Messages, prompts and dialog code-hook invocation settings of a bot template, as the local Lex V2 runtime
serves them: each message group's plain-text `Message`, a prompt's max retries, and only Lex's default invocation
(the hook is invoked, nothing configured after it)."""

from __future__ import annotations

from local.emulators.lex.model import Prompt
from local.emulators.lex.template_node import Node

# The properties of a PostCodeHookSpecification: a response or flow after the dialog code hook.
_POST_CODE_HOOK = (
    "SuccessResponse",
    "SuccessNextStep",
    "SuccessConditional",
    "FailureResponse",
    "FailureNextStep",
    "FailureConditional",
    "TimeoutResponse",
    "TimeoutNextStep",
    "TimeoutConditional",
)


def message_texts(spec: Node) -> tuple[str, ...]:
    """The primary message of each message group (`MessageGroupsList`), which must be plain text."""
    texts: list[str] = []
    for group in spec.items("MessageGroupsList"):
        message = group.need("Message")
        plain = message.child("PlainTextMessage")
        if plain is None:
            kinds = [k for k in ("SSMLMessage", "CustomPayload", "ImageResponseCard") if message.has(k)]
            raise message.error(
                f"{' / '.join(kinds) or 'this message'} is not supported by the local Lex runtime: it sends "
                "plain-text messages only (PlainTextMessage)"
            )
        texts.append(plain.text("Value"))
    if not texts:
        raise spec.error("MessageGroupsList needs at least one message group")
    return tuple(texts)


def prompt_of(spec: Node) -> Prompt:
    return Prompt(messages=message_texts(spec), max_retries=spec.integer("MaxRetries", default=0))


def check_code_hook_invocation(node: Node | None, *, elicitation: bool = False) -> None:
    """A dialog code-hook invocation setting is accepted when it keeps Lex's default: the hook is invoked and
    nothing is configured to happen after it (what the runtime does)."""
    if node is None:
        return
    if not node.flag("EnableCodeHookInvocation", True) or (not elicitation and not node.flag("IsActive", True)):
        raise node.error(
            "turning the dialog code hook off at this step is not supported by the local Lex runtime (it calls "
            "the dialog code hook on every turn of an intent that enables it)"
        )
    post = node.child("PostCodeHookSpecification")
    if post is not None:
        post.refuse(dict.fromkeys(_POST_CODE_HOOK, "a response or flow after the dialog code hook"))
