"""The texts of `/contact` (`bot.contact`): prompts, the moderators' copies, replies. Pure."""

from html import escape

from bot.cards import embed
from bot.contact import PER_HOUR, ContactMessage
from bot.i18n import N_, Translator

PROMPT = N_(
    "✉️ <b>Write to the programme's secretariat</b>\n"
    "Send your message as your next message here (text; within {minutes} minutes). The "
    "moderators read it and their reply comes in this chat."
)
PROMPT_ABOUT = N_(
    "✉️ <b>Suggest a correction to “{title}”</b>\n"
    "Say what should change, as your next message here (text; within {minutes} minutes). The "
    "moderators read it and their reply comes in this chat."
)
SENT = N_(
    "✅ Sent to the secretariat (message #{number}). A moderator's reply will come in this chat."
)
TOO_LONG = N_(
    "That is {count} characters; a message takes at most {most}. Shorten it and send it again."
)
CANCELLED = N_("Cancelled: nothing was sent.")
NOTHING_TO_CANCEL = N_(
    "Nothing to cancel: the message was already sent, or I no longer wait for it."
)
NO_MODERATOR = N_(
    "The secretariat can't be reached through the bot right now. Please try again later."
)
ALREADY_ANSWERED = N_("{name} has already replied to this message.")
ERASED = N_("✉️ Message #{number}: deleted by its author (/forget).")
GONE = N_("This message is no longer kept (its author deleted their data).")
REPLY_PROMPT = N_(
    "↩️ Type your reply to {name} (message #{number}) as your next message here. It goes to "
    "them as you write it, from the secretariat."
)
REPLIED = N_("✅ Your reply to {name} was sent.")
NOT_DELIVERED = N_("{name} can't be reached (they blocked the bot or deleted their account).")
REPLY_LATE = N_("{name} replied first; your reply was not sent.")


def limit_text(t: Translator, minutes: int) -> str:
    """Return why a member can't write now, and when they can."""
    most = t.ngettext(
        "You sent {count} message to the secretariat in the last hour, the most I pass on.",
        "You sent {count} messages to the secretariat in the last hour, the most I pass on.",
        PER_HOUR,
    ).format(count=PER_HOUR)
    again = t.ngettext(
        "You can write again in {count} minute.",
        "You can write again in {count} minutes.",
        minutes,
    ).format(count=minutes)
    return f"{most} {again}"


def copy_text(message: ContactMessage, t: Translator, practice_title: str | None) -> str:
    """Return a moderator's copy of a member's message (HTML; member's text escaped).

    Once replied, the copy says who replied and what, so no second reply goes out.
    """
    head = t._("✉️ <b>Message #{number}</b> from {name}").format(
        number=message.id, name=embed(message.user_name or "?", 80)
    )
    lines = [head]
    if practice_title is not None:
        lines.append(t._("About the practice: {title}").format(title=embed(practice_title, 120)))
    lines += ["", escape(message.text)]
    if message.replied_by is not None:
        answered = t._("✅ Answered by {name}:").format(name=embed(message.replied_by_name, 80))
        lines += ["", answered, escape(message.reply)]
    return "\n".join(lines)


def reply_text(reply: str, moderator_name: str, t: Translator) -> str:
    """Return a moderator's reply as the member receives it (HTML; texts escaped)."""
    head = t._("✉️ <b>Reply from the secretariat</b> ({name}):").format(
        name=embed(moderator_name, 80)
    )
    more = t._("To write again: /contact")
    return f"{head}\n\n{escape(reply)}\n\n{more}"
