"""Sending through the Telegram Bot API (pyTelegramBotAPI), at TELEGRAM_API_URL (tests: a local fake)."""
from typing import Any

import telebot
from telebot import apihelper


def telegram_bot(config) -> telebot.TeleBot:
    """A bot client for TELEGRAM_BOT_TOKEN talking to TELEGRAM_API_URL (default: the public Bot API)."""
    base = (config.get("TELEGRAM_API_URL") or "https://api.telegram.org").rstrip("/")
    # pyTelegramBotAPI reads its address from a module setting: "{base}/bot{token}/{method}".
    apihelper.API_URL = base + "/bot{0}/{1}"  # type: ignore[assignment]
    return telebot.TeleBot(config["TELEGRAM_BOT_TOKEN"], threaded=False)


def send_telegram(config, chat_id: str | int, text: str, **options: Any) -> None:
    """Send `text` to a chat (options: reply_markup, parse_mode, ... as telebot's send_message takes them)."""
    telegram_bot(config).send_message(chat_id, text, **options)


def telegram_configured(config) -> bool:
    return bool(config.get("TELEGRAM_BOT_TOKEN"))
