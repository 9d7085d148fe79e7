"""Read practice files for `python -m bot import FILE`: parsing and validation only.

Two inputs are understood: JSON in the DESIGN §3 shape (a list of practices, or one practice),
and the text of the programme's listing page (`seeds/`). Nothing here touches the database: the
caller gets an `ImportBatch` of valid practices plus the records it rejected, with reasons, and
writes them through `bot.publishing.Publisher` (store: `store.practices`). `parse_practice_file`
is pure; `read_practice_file` only reads the one file it is given, then parses it.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.aliases import Aliases
from bot.i18n import N_, Message
from bot.listing import listing_entries
from bot.models import Practice
from bot.records import InvalidRecord, json_type, record_label, validate_record


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing from it may be imported.

    Its reason is a `bot.i18n.Message` naming the file by its `path` value, so that a caller
    can render it in a reader's language and name the file as the reader knows it.
    """

    def __init__(self, reason: Message) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class ImportBatch:
    """What a file yielded: practices to write, and records left out with the reason.

    Attributes:
        practices: valid practices, in file order, one per id.
        rejected: (label of the record, reason) for each record that was left out; labels
            and reasons are English text, reasons (and labels that are no title)
            `bot.i18n.Message`s that render in any language.
        partial: the records carry only some fields (the listing page has no topics,
            keywords or full texts), so an update must keep what the store already has.
    """

    practices: list[Practice] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    partial: bool = False


def read_practice_file(path: Path, aliases: Aliases) -> ImportBatch:
    """Read a JSON or listing-text file of practices and validate every record.

    Args:
        path: the file; `.json` files, or text starting with `[` or `{`, are read as JSON,
            anything else as the programme's listing-page text.
        aliases: place names, used to canonicalise and recognise countries.

    Returns:
        The valid practices and the rejected records. When two records share an id the last
        one wins and the earlier ones are rejected as "duplicate id".

    Raises:
        ImportFileError: the file is missing, not UTF-8, malformed JSON, JSON that is neither
            a list nor an object, or text in which no practice can be recognised.
    """
    return parse_practice_file(_read_bytes(path), path, aliases)


def parse_practice_file(raw: bytes, path: Path, aliases: Aliases) -> ImportBatch:
    """Parse and validate the bytes of a practice file (see `read_practice_file`). Pure.

    Args:
        raw: the file's content.
        path: the file's name: its suffix chooses JSON, and messages name it.
        aliases: place names, used to canonicalise and recognise countries.

    Raises:
        ImportFileError: as `read_practice_file`, except for a file that can't be read.
    """
    text = _decode(raw, path)
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("[", "{")):
        return _validate_entries(_json_entries(path, text), aliases)
    entries = listing_entries(text, aliases)
    if not entries:
        message = N_(
            "{path}: no practice found (expected JSON, or the listing-page text"
            " with a 'Read More' line after each practice)"
        )
        raise ImportFileError(Message(message, path=str(path)))
    batch = _validate_entries(entries, aliases)
    batch.partial = True
    return batch


def _read_bytes(path: Path) -> bytes:
    """Return the file's bytes, or raise ImportFileError with one line saying why not."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ImportFileError(Message(N_("{path}: no such file"), path=str(path))) from None
    except IsADirectoryError:
        message = N_("{path}: is a directory, not a file")
        raise ImportFileError(Message(message, path=str(path))) from None
    except OSError as exc:
        message = N_("{path}: cannot be read ({error})")
        error = str(exc.strerror or exc)
        raise ImportFileError(Message(message, path=str(path), error=error)) from None


def _decode(raw: bytes, path: Path) -> str:
    """Return the file's text, or raise ImportFileError with one line saying why not."""
    try:
        # utf-8-sig: files saved by some Windows editors start with a byte-order mark.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        message = N_("{path}: not UTF-8 text (byte {byte} on line {line})")
        byte = f"{raw[exc.start]:#04x}"
        raise ImportFileError(Message(message, path=str(path), byte=byte, line=line)) from None
    if not text.strip():
        raise ImportFileError(Message(N_("{path}: the file is empty"), path=str(path)))
    return text


def _json_entries(path: Path, text: str) -> list[tuple[str, Any]]:
    """Parse JSON text into (label, record) pairs; records are checked later."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        message = N_("{path}: malformed JSON at line {line}, column {column}: {error}")
        reason = Message(message, path=str(path), line=exc.lineno, column=exc.colno, error=exc.msg)
        raise ImportFileError(reason) from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        message = N_("{path}: JSON must be a list of practices or one practice object, not {type}")
        raise ImportFileError(Message(message, path=str(path), type=json_type(data)))
    return [(record_label(item, number), item) for number, item in enumerate(data, 1)]


def _validate_entries(entries: list[tuple[str, Any]], aliases: Aliases) -> ImportBatch:
    """Validate each entry, keep the last record of each id, and report the rest."""
    outcomes = [(label, _outcome(item, aliases)) for label, item in entries]
    last_index = {o.id: i for i, (_, o) in enumerate(outcomes) if isinstance(o, Practice)}
    batch = ImportBatch()
    for index, (label, outcome) in enumerate(outcomes):
        if isinstance(outcome, str):
            batch.rejected.append((label, outcome))
        elif last_index[outcome.id] != index:
            message = N_("duplicate id {id}: a later record in the file replaces it")
            batch.rejected.append((label, Message(message, id=repr(outcome.id))))
        else:
            batch.practices.append(outcome)
    return batch


def _outcome(item: Any, aliases: Aliases) -> Practice | str:
    """Return the valid practice, or the reason the item is rejected."""
    if isinstance(item, InvalidRecord):
        return item.reason
    if not isinstance(item, dict):
        return Message(N_("a practice must be a JSON object, not {type}"), type=json_type(item))
    try:
        return validate_record(item, aliases)
    except InvalidRecord as exc:
        return exc.reason
