"""Inline mode: `@bot <words>` in any chat offers matching practices to post as cards."""

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.ext import ContextTypes

from bot.cards import (
    PRACTICE_PREFIX,
    card_keyboard,
    card_text,
    deep_link,
    inline_description,
    shorten,
)
from bot.i18n import Translator
from bot.models import Practice
from handlers.deps import services
from handlers.language import tr
from handlers.updates import inline_query_of

MAX_RESULTS = 20  # of the 50 Telegram takes (InlineQueryLimit.RESULTS)
CACHE_SECONDS = 60
INLINE_TITLE_LIMIT = 200  # Telegram length (UTF-16 units): a result's title is one line


def _article(practice: Practice, bot_username: str, t: Translator) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(
        id=practice.key,
        title=shorten(practice.title, INLINE_TITLE_LIMIT),
        description=inline_description(practice, t),
        url=deep_link(bot_username, practice),
        input_message_content=InputTextMessageContent(card_text(practice, bot_username, t=t)),
        reply_markup=card_keyboard(practice, t=t),
    )


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer the practices that match the inline query (the newest when it is empty)."""
    query = inline_query_of(update)
    catalog = services(context).catalog
    text = query.query.strip()
    shared = catalog.get(text.removeprefix(PRACTICE_PREFIX)) if text else None
    if shared:
        practices = [shared]
    elif text:
        practices = catalog.search(text).practices[:MAX_RESULTS]
    else:
        practices = catalog.latest()[:MAX_RESULTS]
    username = context.bot.username
    t = tr(update, context)
    await query.answer(
        [_article(practice, username, t) for practice in practices],
        cache_time=CACHE_SECONDS,
        # The cards are in the sender's language: Telegram must not serve them to others.
        is_personal=True,
    )
