"""Contributing, put together: the dialogues' ConversationHandlers and the other handlers.

The dialogue's steps and their moves are `bot.dialogue`, drawn in `bot/dialogue.mmd`; the
buttons' data is in `bot/callbacks.py` (Submit, Reopen, StepButton, Moderate, Reason, FullText).
"""

import logging
import warnings
from collections.abc import Iterable

from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.callbacks import (
    FullText,
    Moderate,
    PendingNext,
    Reason,
    Reopen,
    StepButton,
    Submit,
    namespace_pattern,
)
from bot.i18n import ENGLISH, N_, Translator
from handlers import (
    drafts,
    mine,
    moderate,
    pending,
    reject,
    submit,
    submit_preview,
    submit_steps,
)
from handlers.deps import submissions
from handlers.drafts import Context
from handlers.gate import OWN_FLOW_LINK

log = logging.getLogger(__name__)
PRIVATE = filters.ChatType.PRIVATE
# Dialogues run in private chats only (a group's buttons link there: handlers/gate.py).
TYPED = filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE & PRIVATE
NOT_TYPED = (
    ~filters.TEXT
    & ~filters.COMMAND
    & ~filters.StatusUpdate.ALL
    & filters.UpdateType.MESSAGE
    & PRIVATE
)
REASON_GROUP = -5  # a command ends a rejection's wait for a reason before anything answers it
REMINDER_GROUP = 50  # after the handler that answered the command
PERSISTENCE_GROUP = 100  # after every other handler of the update
BUTTONS = {
    "b": submit_steps.on_back,
    "s": submit_steps.on_skip,
    "k": submit_steps.on_keep,
    "ok": submit_steps.on_accept,
    "t": submit_steps.on_topic,
    "d": submit_steps.on_topics_done,
    "c": submit_steps.on_country,
    "y": submit_steps.on_publish_contact,
    "n": submit_steps.on_private_contact,
    "e": submit_preview.on_edit_menu,
    "f": submit_preview.on_edit_field,
    "v": submit_preview.on_preview,
    "full": submit_preview.on_read_in_full,
    "send": submit_preview.on_send,
    "same": submit_preview.on_same_practice,
    "diff": submit_preview.on_different_practice,
    "upd": submit_preview.on_send_update,
    "kd": submit_preview.on_keep_draft,
}


PRUNE_JOB = "prune-dialogues"
PRUNE_EVERY = 24 * 60 * 60  # seconds


def schedule_pruning(app: Application) -> None:
    """Delete old drafts and stale conversation states once a day while the bot runs."""
    if app.job_queue is not None:
        app.job_queue.run_repeating(prune_job, PRUNE_EVERY, first=60, name=PRUNE_JOB)


async def prune_job(context: Context) -> None:
    """Delete drafts idle past their retention and conversation states left over."""
    drafts_deleted, states = submissions(context).prune(drafts.CONVERSATION)
    if drafts_deleted or states:
        log.info("pruned %d idle drafts and %d stale conversation states", drafts_deleted, states)


def conversation(timeout: float | None = None) -> ConversationHandler:
    """Return the persistent ConversationHandler of the dialogue."""
    buttons = [
        CallbackQueryHandler(callback, pattern=StepButton.pattern_for(action=action))
        for action, callback in BUTTONS.items()
    ]
    answers: list[BaseHandler] = [
        MessageHandler(TYPED, submit_steps.on_answer),
        MessageHandler(NOT_TYPED, submit_steps.on_not_text),
    ]
    with warnings.catch_warnings():
        # Buttons are tied to their screen by the draft's rev, not by per_message tracking.
        warnings.filterwarnings("ignore", ".*per_message=False", PTBUserWarning)
        return ConversationHandler(
            entry_points=[
                CommandHandler("submit", submit.start, filters=PRIVATE),
                CommandHandler("start", submit.start, filters=OWN_FLOW_LINK),
                CallbackQueryHandler(submit.start, pattern=Submit.pattern_for(what="start")),
                CallbackQueryHandler(submit.on_continue, pattern=Submit.pattern_for(what="go")),
                CallbackQueryHandler(
                    submit.on_start_over, pattern=Submit.pattern_for(what="over")
                ),
                CallbackQueryHandler(
                    submit.on_start_over_confirmed, pattern=Submit.pattern_for(what="wipe")
                ),
                CallbackQueryHandler(submit.on_delete, pattern=Submit.pattern_for(what="del")),
                CallbackQueryHandler(submit.on_reopen, pattern=Reopen.pattern),
            ],
            # One state, "a dialogue is open": the stored draft's step, not PTB's state, says
            # what a message answers (`bot.dialogue`). Both are written in one write before a
            # screen is shown (`drafts.ask`), so after a restart they can't disagree; states
            # naming the screen would be a second copy of `draft.step` to keep in step.
            states={
                drafts.OPEN: answers,
                **dict.fromkeys(drafts.STORED_BEFORE, answers),  # stored by earlier versions
                ConversationHandler.TIMEOUT: [TypeHandler(Update, submit.on_timeout)],
            },
            fallbacks=[
                CommandHandler("cancel", submit.on_cancel, filters=PRIVATE),
                CallbackQueryHandler(submit.on_cancel, pattern=StepButton.pattern_for(action="x")),
                *buttons,
            ],
            allow_reentry=True,
            name=drafts.CONVERSATION,
            persistent=True,
            conversation_timeout=timeout or drafts.IDLE_TIMEOUT,
        )


def reject_conversation() -> ConversationHandler:
    """Return the persistent ConversationHandler that takes a moderator's rejection reason."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", ".*per_message=False", PTBUserWarning)
        return ConversationHandler(
            entry_points=[
                CallbackQueryHandler(reject.on_reject, pattern=Moderate.pattern_for(action="r")),
                CallbackQueryHandler(
                    reject.on_reason_edit, pattern=Reason.pattern_for(action="re")
                ),
                # Also entry points, so that they are answered with or without a reason awaited
                # (after a restart or a timeout) by this one registration.
                CallbackQueryHandler(
                    reject.on_reason_cancel, pattern=Reason.pattern_for(action="x")
                ),
                CallbackQueryHandler(
                    reject.on_reason_send, pattern=Reason.pattern_for(action="rs")
                ),
            ],
            states={
                reject.REASON: [
                    MessageHandler(TYPED, reject.on_reason),
                    MessageHandler(NOT_TYPED, reject.on_reason_not_text),
                ],
                ConversationHandler.TIMEOUT: [TypeHandler(Update, reject.on_reason_timeout)],
            },
            fallbacks=[
                CommandHandler("cancel", reject.on_reason_cancel),
                CallbackQueryHandler(
                    reject.on_reason_search, pattern=Reason.pattern_for(action="rq")
                ),
            ],
            allow_reentry=True,
            name="reject",
            persistent=True,
            conversation_timeout=reject.REASON_TIMEOUT,
        )


def conversations() -> list[BaseHandler]:
    """Return the dialogues, tried before anything else so that they own typed answers."""
    return [reject_conversation(), conversation()]


def other_handlers() -> list[BaseHandler]:
    """Return moderation, /mysubmissions, full texts, and what answers closed dialogues."""
    return [
        CallbackQueryHandler(moderate.on_approve, pattern=Moderate.pattern_for(action="a")),
        CallbackQueryHandler(moderate.on_read_in_full, pattern=Moderate.pattern_for(action="f")),
        CallbackQueryHandler(pending.on_next, pattern=PendingNext.pattern),
        # A member who is not a moderator is refused whatever a moderation button carries.
        CallbackQueryHandler(moderate.on_unknown, pattern=namespace_pattern("mod")),
        CallbackQueryHandler(mine.on_full_text, pattern=FullText.pattern),
        CallbackQueryHandler(submit.on_closed_button, pattern=StepButton.pattern),
        CommandHandler("pending", pending.pending, filters=PRIVATE),
        CommandHandler("mysubmissions", mine.my_submissions, filters=PRIVATE),
        CommandHandler("cancel", submit.nothing_to_cancel, filters=PRIVATE),
        CommandHandler(
            ["submit", "mysubmissions", "pending", "alerts", "stats", "import", "cancel"],
            submit.in_group,
            filters=~PRIVATE,
        ),
    ]


async def save_conversations(update: object, context: Context) -> None:
    """Write the conversation states this update changed, now rather than at PTB's interval."""
    await context.application.update_persistence()


def early_handlers() -> dict[int, BaseHandler]:
    """Return the handlers that run before the one that answers an update, by group."""
    return {REASON_GROUP: MessageHandler(filters.COMMAND & PRIVATE, reject.end_on_command)}


def late_handlers() -> dict[int, BaseHandler]:
    """Return the handlers that run after the one that answered an update, by group."""
    # Commands whose answer is about the dialogue already: /mysubmissions names the draft and
    # its step, so the reminder would say it twice.
    own = filters.Regex(r"^/(submit|cancel|mysubmissions)(@\w+)?(\s|$)")
    return {
        REMINDER_GROUP: MessageHandler(filters.COMMAND & PRIVATE & ~own, submit.remind),
        PERSISTENCE_GROUP: TypeHandler(Update, save_conversations),
    }


MODERATOR_COMMANDS = [
    BotCommand("pending", N_("Submissions waiting for a decision")),
    BotCommand("alerts", N_("Alert delivery: pending, sent, failed, deactivated chats")),
    BotCommand("stats", N_("Figures: practices, members, alerts, searches")),
    BotCommand("import", N_("Add or update practices from a file")),
]


async def set_moderator_commands(
    bot: Bot, admin_ids: Iterable[int], commands: list[BotCommand], t: Translator = ENGLISH
) -> None:
    """Give each moderator's private chat the command menu with /pending added.

    Args:
        bot: the bot.
        admin_ids: the moderators' user ids.
        commands: everyone's commands, already in t's language.
        t: the language of this menu (English is also the default for other languages).
    """
    language_code = None if t is ENGLISH else t.language
    extra = [BotCommand(c.command, t.gettext(c.description)) for c in MODERATOR_COMMANDS]
    for admin_id in admin_ids:
        try:
            await bot.set_my_commands(
                [*commands, *extra],
                scope=BotCommandScopeChat(admin_id),
                language_code=language_code,
            )
        except TelegramError as error:  # e.g. a moderator who never opened the bot
            log.info("no command menu for moderator %s: %s", admin_id, error)
