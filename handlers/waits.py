"""A member's next message as the answer to the bot's last question (`bot.waits`).

`AwaitedAnswer` takes a new text message (not a command) from a member whose stored wait
covers that chat and that moment, whether or not it replies to the question, and hands it to
the flow that asked (`ANSWERS`). `end_on_other_flow` ends a wait when the member sends a
command (`/cancel` says what it cancelled) or presses a button that starts a flow asking its
own questions (the submission dialogue, a rejection reason).
"""

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, ContextTypes

from bot.callbacks import (
    CallbackDataError,
    Moderate,
    Reason,
    Reopen,
    StepButton,
    Submit,
    parse_one_of,
)
from bot.i18n import N_
from bot.waits import Wait
from handlers.deps import Services, services
from handlers.language import tr

Answer = Callable[[Update, ContextTypes.DEFAULT_TYPE, Wait], Awaitable[None]]
CANCELLED = N_("Cancelled: I no longer wait for your answer.")
# Buttons that start a flow asking its own next question: the member's next text is its.
OTHER_FLOWS = (Submit, Reopen, StepButton, Moderate, Reason)


class AwaitedAnswer(BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]):
    """Route a member's text to the question they were last asked, while it waits.

    Args:
        services_of: the application's services (read at each update: the stores and clock).
        answers: for each wait kind (`bot.waits.KINDS`), the coroutine that takes the answer.
    """

    def __init__(self, services_of: Callable[[], Services], answers: dict[str, Answer]) -> None:
        super().__init__(self._answer)
        self._services_of = services_of
        self._answers = answers

    def check_update(self, update: object) -> Wait | None:
        """Return the wait this update answers, or None (a wait only takes new text)."""
        if not isinstance(update, Update) or update.message is None:
            return None
        message = update.message
        if not message.text or message.text.lstrip().startswith("/") or not message.from_user:
            return None
        svc = self._services_of()
        wait = svc.waits.get(message.from_user.id)
        if wait is None or wait.kind not in self._answers:
            return None
        return wait if wait.takes(message.chat.id, svc.clock()) else None

    async def _answer(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        wait = services(context).waits.get(user.id) if user else None
        if wait is not None:
            await self._answers[wait.kind](update, context, wait)


async def end_on_other_flow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """End a member's wait when they turn to something else (see the module's docstring)."""
    user = update.effective_user
    svc = services(context)
    wait = svc.waits.get(user.id) if user else None
    if wait is None or user is None:
        return
    if wait.expires_at <= svc.clock():
        svc.waits.close(user.id)
        return
    message = update.message
    if message and message.text and message.text.lstrip().startswith("/"):
        svc.waits.close(user.id)
        command = message.text.split(maxsplit=1)[0].split("@")[0].lower()
        if command == "/cancel" and wait.chat_id == message.chat.id:
            await message.reply_text(tr(update, context).gettext(CANCELLED))
            raise ApplicationHandlerStop
    elif update.callback_query is not None:
        try:
            parse_one_of(update.callback_query.data, *OTHER_FLOWS)
        except CallbackDataError:
            return
        svc.waits.close(user.id)
