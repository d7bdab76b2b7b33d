"""The bot model: one YAML file (model.yaml), its schema and loader. BotStack, the local Lex runtime and the
tests all read the bot from here."""

from bot.loader import DEFAULT_MODEL_PATH, BotModelError, load_bot_model, model_hash
from bot.schema import BotModel, Intent, Slot, SlotType

__all__ = [
    "DEFAULT_MODEL_PATH",
    "BotModel",
    "BotModelError",
    "Intent",
    "Slot",
    "SlotType",
    "load_bot_model",
    "model_hash",
]
