"""Webhook mode: where PTB's webhook server listens and what it asks Telegram to call."""

from typing import Any
from urllib.parse import urlsplit

from bot.config import Settings


def webhook_options(settings: Settings) -> dict[str, Any]:
    """Return the keyword arguments of `Application.run_webhook` / `Updater.start_webhook`.

    The server listens on WEBHOOK_LISTEN:WEBHOOK_PORT at the path of WEBHOOK_URL (so a reverse
    proxy forwards the public path unchanged), registers WEBHOOK_URL with Telegram, and
    answers 403 to any request whose `X-Telegram-Bot-Api-Secret-Token` header is not
    WEBHOOK_SECRET; such a request never reaches a handler (PTB's `TelegramHandler`).

    Raises:
        ValueError: the settings are not in webhook mode.
    """
    if settings.webhook_url is None or settings.webhook_secret is None:
        raise ValueError("webhook mode needs WEBHOOK_URL and WEBHOOK_SECRET")
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": urlsplit(settings.webhook_url).path.strip("/"),
        "webhook_url": settings.webhook_url,
        "secret_token": settings.webhook_secret.get_secret_value(),
    }
