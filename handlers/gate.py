"""What the bot answers at all, tried before every other handler.

Channel posts (and their edits) get no answer: a channel has no member to talk to, and an
answer there would be posted to every subscriber of the channel.
"""

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes


async def ignore(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Leave the update unanswered: no later handler sees it."""
    raise ApplicationHandlerStop
