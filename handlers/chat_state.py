"""Whether and where a chat gets alerts: blocked, back, upgraded to a supergroup; `/alerts`."""

import logging
from html import escape

from telegram import ChatMember, Update
from telegram.ext import ContextTypes

from bot.cards import shorten
from bot.delivery import BLOCKED, REMOVED
from bot.i18n import ENGLISH, Translator
from handlers.deps import MODERATORS_ONLY, Services, services
from handlers.language import tr
from handlers.updates import member_change_of, message_of

log = logging.getLogger(__name__)
GONE_STATUSES = {ChatMember.BANNED, ChatMember.LEFT}
BACK_STATUSES = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER}
SHOWN = 10


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop alerts to a chat that blocked or removed the bot; resume them when it is back."""
    change = member_change_of(update)
    chat_id, status = change.chat.id, change.new_chat_member.status
    state = services(context)
    if status in GONE_STATUSES:
        who = BLOCKED if change.chat.type == "private" else REMOVED
        state.deliverer.deactivate(chat_id, who)
    elif status in BACK_STATUSES and state.subscriptions.reactivate(chat_id):
        log.info("chat %s is back: alerts resume", chat_id)


async def on_migration(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Move a group's subscriptions, pending alerts and chat data to its supergroup's id.

    Telegram posts a notice in each chat: `migrate_to_chat_id` in the old group and
    `migrate_from_chat_id` in the new supergroup. Either one moves everything; the second
    finds nothing left to move.
    """
    message = message_of(update)
    old = message.migrate_from_chat_id or message.chat.id
    new = message.migrate_to_chat_id or message.chat.id
    if old == new:
        return
    services(context).deliverer.move_chat(old, new)
    services(context).members.move_chat(old, new)
    if context.application.chat_data.get(old):
        context.application.migrate_chat_data(old_chat_id=old, new_chat_id=new)


async def reactivate_on_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Resume alerts to a private chat whose user writes again (/start or anything else)."""
    chat = update.effective_chat
    if update.my_chat_member or chat is None or chat.type != "private":
        return
    if services(context).subscriptions.reactivate(chat.id):
        log.info("chat %s wrote again: alerts resume", chat.id)


async def alerts_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show moderators the delivery state: pending, sent, failed with reasons, stopped chats."""
    user = update.effective_user
    if not services(context).is_admin(user.id if user else None):
        await message_of(update).reply_text(tr(update, context).gettext(MODERATORS_ONLY))
        return
    t = tr(update, context)
    report = delivery_report(services(context), t)
    again = t._("/alerts again for the latest figures; /pending for the submissions.")
    await message_of(update).reply_text(f"{report}\n\n<i>{again}</i>")


def _reason(reason: str, t: Translator) -> str:
    """Return a stored reason in t's language when it is one of the bot's own (else as is)."""
    return t.gettext(reason) if reason else reason


def delivery_report(state: Services, t: Translator = ENGLISH) -> str:
    """Return the HTML report of `/alerts`, in t's language (numbers in its format)."""
    stats = state.outbox.stats()
    deliverer, inactive = state.deliverer, state.subscriptions.inactive_chats()
    n = t.format_number
    counts = stats.counts
    lines = [
        t._("📬 <b>Alert delivery</b>"),
        t._("Pending: {pending} (sending now: {in_flight})").format(
            pending=n(counts["pending"]), in_flight=n(deliverer.in_flight)
        ),
        t._("Sent: {sent} · dropped: {dropped} (last 30 days)").format(
            sent=n(counts["sent"]), dropped=n(counts["dropped"])
        ),
        t._("Failed: {failed}").format(failed=n(counts["failed"])),
    ]
    failures = stats.failures.most_common(SHOWN)
    lines += [f"  • {escape(shorten(_reason(r, t), 120))} ×{n(c)}" for r, c in failures]
    lines.append(t._("Deactivated chats: {count}").format(count=n(len(inactive))))
    lines += [
        f"  • {chat}: {escape(shorten(_reason(r, t), 80))}"
        for chat, r in list(inactive.items())[:SHOWN]
    ]
    if stats.blocked:
        stopped = t._("⚠️ Delivery is stopped: {why}. Free disk space.")
        lines.append(stopped.format(why=escape(stats.blocked)))
    elif state.outbox.fold_failed:
        unwritten = t._(
            "⚠️ The database could not be written ({why}): free disk space, or make the data "
            "folder writable."
        )
        lines.append(unwritten.format(why=escape(state.outbox.fold_failed)))
    pause = deliverer.paused_until - deliverer.clock()
    if pause > 0:
        paused = t._("Paused by Telegram's flood limit for {seconds} more seconds.")
        lines.append(paused.format(seconds=n(round(pause))))
    subs = state.subscriptions
    rate = n(round(1 / deliverer.pacer.interval, 2))
    lines.append(
        t._("Subscriptions: {count} · rate {rate}/s").format(count=n(len(subs)), rate=rate)
    )
    return "\n".join(lines)
