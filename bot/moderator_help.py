"""What a moderator is told they can do, under their /start and /help. Pure.

Moderators are the Telegram users in ADMIN_IDS (`bot.config`); their commands are registered in
their chats' menus (`handlers.contribute.MODERATOR_COMMANDS`).
"""

from bot.i18n import Translator


def moderator_guide(t: Translator, waiting: int) -> str:
    """Return the moderator section of /start and /help, as Telegram HTML.

    Args:
        t: the moderator's language.
        waiting: how many submissions wait for a decision now.
    """
    if waiting:
        queue = t.ngettext(
            "/pending: {count} submission waits for a decision.",
            "/pending: {count} submissions wait for a decision.",
            waiting,
        ).format(count=t.format_number(waiting))
    else:
        queue = t._("/pending: the submissions waiting for a decision (none now).")
    lines = [
        "🛡 <b>" + t._("You are a moderator") + "</b>",
        queue,
        t._(
            "Each new submission also comes here with ✅ <b>Approve</b> (published at once, "
            "its author told) and ❌ <b>Reject</b> (type the reason, check it, then Send: "
            "the author can fix it and send it again)."
        ),
        t._("/alerts: alert delivery (pending, sent, failed, stopped chats)."),
        t._("/stats: figures on practices, members, alerts and searches."),
        t._("/import: send a file of practices to add or update them."),
    ]
    return "\n".join(lines)
