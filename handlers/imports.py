"""In-chat import: a moderator sends a practice file (JSON, or the listing page's text).

The file comes with the caption `/import`, or answers the bot's `/import` prompt: a reply to
it, or the moderator's next document while the prompt's stored wait is open (`bot.waits`:
30 minutes, also across a restart; another command ends it). It goes
through the command-line import's path (`bot.importers.read_practice_file`, then
`Publisher.publish` with alerts), so validation, idempotence by id and alerts are the same;
the moderator gets the counts and each rejection with its reason. Refused with a reason: a
member who is not a moderator, a file of another type, a file over MAX_BYTES.
"""

import tempfile
from html import escape
from pathlib import Path

from babel.numbers import format_decimal
from telegram import Document, ForceReply, Message, Update
from telegram.ext import ContextTypes

from bot.i18n import N_, Translator, languages, translator
from bot.import_report import import_lines
from bot.importers import ImportFileError, read_practice_file
from bot.stats import chunks
from bot.waits import IMPORT, Wait
from handlers import fallback
from handlers.deps import MODERATORS_ONLY, services
from handlers.language import tr
from handlers.updates import document_of, message_of, user_of

MAX_BYTES = 2 * 1024 * 1024  # far above the whole catalogue as JSON (~0.3 MB for 360)
SUFFIXES = (".json", ".txt")
# {limit}: MAX_BYTES in MB.
PROMPT = N_(
    "Send the file of practices as a reply to this message: a .json file (the data model's "
    "shape, a list or one practice) or a .txt file with the text of the programme's listing "
    "page; at most {limit} MB."
)
WRONG_TYPE = N_(
    "I can import a .json file (the data model's shape) or a .txt file of the listing page, "
    "not {name}."
)
IMPORT_HOW = N_(
    "To import practices from a file, send it with the caption /import, or send /import "
    "first and the file as a reply."
)
TOO_BIG = N_("{name} is {size} MB; the limit is {limit} MB. Split it into several files.")


async def import_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer `/import`: moderators get the prompt for the file, others a refusal."""
    message = message_of(update)
    user = update.effective_user
    t = tr(update, context)
    if not services(context).is_admin(user.id if user else None):
        await message.reply_text(t.gettext(MODERATORS_ONLY))
        return
    svc = services(context)
    svc.waits.open(user_of(update).id, Wait.opened(IMPORT, message.chat.id, svc.clock()))
    prompt = t.gettext(PROMPT).format(limit=t.format_number(MAX_BYTES // (1024 * 1024)))
    await message.reply_text(prompt, reply_markup=ForceReply(selective=True))


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Import a document sent for import; any other document gets the non-text answer."""
    message = message_of(update)
    if not _meant_for_import(message, context):
        user = update.effective_user
        if services(context).is_admin(user.id if user else None):
            # A moderator's file is most likely practices to import: say how.
            await message.reply_text(tr(update, context).gettext(IMPORT_HOW))
            return
        await fallback.not_text(update, context)
        return
    user = update.effective_user
    t = tr(update, context)
    if not services(context).is_admin(user.id if user else None):
        await message.reply_text(t.gettext(MODERATORS_ONLY))
        return
    waiting = services(context).waits.get(user_of(update).id)
    if waiting is not None and waiting.kind == IMPORT:
        services(context).waits.close(user_of(update).id)
    refusal = _refusal(document_of(message), t)
    if refusal:
        await message.reply_text(escape(refusal))
        return
    for text in chunks(await _import(document_of(message), context, t)):
        await message.reply_text(text)


def _meant_for_import(message: Message, context: ContextTypes.DEFAULT_TYPE) -> bool:
    caption = (message.caption or "").split(maxsplit=1)
    by_caption = bool(caption) and caption[0].split("@")[0].lower() == "/import"
    answer = message.reply_to_message
    asked = (answer.text or "") if answer is not None else ""
    by_reply = any(asked.startswith(translator(code).gettext(PROMPT)[:40]) for code in languages())
    user = message.from_user
    svc = services(context)
    waiting = svc.waits.get(user.id) if user else None
    by_wait = bool(
        waiting and waiting.kind == IMPORT and waiting.takes(message.chat.id, svc.clock())
    )
    return by_caption or by_reply or by_wait


def _refusal(document: Document, t: Translator) -> str | None:
    name = document.file_name or t._("this file")
    if not name.lower().endswith(SUFFIXES):
        return t.gettext(WRONG_TYPE).format(name=name)
    if (document.file_size or 0) > MAX_BYTES:
        return _too_big(t, name, document.file_size or 0)
    return None


def _too_big(t: Translator, name: str, size: int) -> str:
    shown = format_decimal(size / (1024 * 1024), format="#,##0.0", locale=t.language)
    return t.gettext(TOO_BIG).format(
        name=name, size=shown, limit=t.format_number(MAX_BYTES // (1024 * 1024))
    )


async def _import(
    document: Document, context: ContextTypes.DEFAULT_TYPE, t: Translator
) -> list[str]:
    """Download, read, publish; return the report's lines (HTML-escaped)."""
    svc = services(context)
    name = Path(document.file_name or "practices.json").name
    data = await (await context.bot.get_file(document.file_id)).download_as_bytearray()
    if len(data) > MAX_BYTES:
        return [escape(_too_big(t, name, len(data)))]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(bytes(data))
        try:
            batch = read_practice_file(path, svc.catalog.aliases)
        except ImportFileError as error:
            reason = error.reason.render(t).replace(str(path), name)
            return [t._("Nothing was imported: {reason}").format(reason=escape(reason))]
    report = svc.publisher.publish(batch.practices, alerts=True, partial=batch.partial)
    lines = import_lines(report, batch.rejected, t)
    return [f"<b>{escape(name)}</b>: {lines[0]}", *(escape(line) for line in lines[1:])]
