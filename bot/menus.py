"""What the welcome and every practice card show, declared in one place. Pure.

The welcome: how to search and the three ways to browse, then Follow and Submit. A card:
"Read more" and Share (`bot.cards.card_keyboard`), then the buttons `card_buttons` lists:
Follow, "Full text" when the card shows less than the bot has, and "Suggest a correction" (a
message to the secretariat about the practice, `handlers.contact`). Labels are English source
text (N_), shown in each reader's language by `translated`.
"""

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import Browse, ContactAbout, FollowPractice, FullText, Help, Submit
from bot.cards import has_more_text
from bot.follow_texts import FOLLOW_MENU_BUTTON
from bot.i18n import N_, Translator
from bot.models import Practice

SUBMIT_BUTTON = InlineKeyboardButton(
    N_("✍️ Submit a practice"), callback_data=Submit("start").pack()
)
# The capabilities' buttons under the welcome's browsing buttons, two to a row.
WELCOME_BUTTONS = (FOLLOW_MENU_BUTTON, SUBMIT_BUTTON)


def translated(button: InlineKeyboardButton, t: Translator) -> InlineKeyboardButton:
    """Return a button whose label (English source text marked with N_) is in t's language.

    Buttons are declared once, in English; they are shown in each reader's language.
    """
    label = t.gettext(button.text)
    if label == button.text:
        return button
    fields = {k: v for k, v in button.to_dict().items() if k != "text"}
    return InlineKeyboardButton.de_json({"text": label, **fields}, None)


def welcome_markup(t: Translator, under_card: bool = False) -> InlineKeyboardMarkup:
    """Return the welcome buttons: search help and browsing, then WELCOME_BUTTONS.

    `under_card`: the welcome is under a card (a shared link's first visit), whose own
    🔔 Follow stands for following: a second button of the same label is left out.
    """
    rows = [
        [
            InlineKeyboardButton(t._("🔎 How to search"), callback_data=Help().pack()),
            InlineKeyboardButton(t._("🗂 Topics"), callback_data=Browse("topics").pack()),
        ],
        [
            InlineKeyboardButton(t._("🌍 Countries"), callback_data=Browse("countries").pack()),
            InlineKeyboardButton(t._("🆕 Latest"), callback_data=Browse("latest").pack()),
        ],
    ]
    buttons = [b for b in WELCOME_BUTTONS if not (under_card and b is FOLLOW_MENU_BUTTON)]
    extra = [translated(button, t) for button in buttons]
    rows += [extra[i : i + 2] for i in range(0, len(extra), 2)]
    return InlineKeyboardMarkup(rows)


def follow_button(practice: Practice) -> list[InlineKeyboardButton]:
    """Return a card's Follow button, which offers the practice's topics and place."""
    data = FollowPractice(practice.key).try_pack()
    return [InlineKeyboardButton(FOLLOW_MENU_BUTTON.text, callback_data=data)] if data else []


def full_text_button(practice: Practice) -> list[InlineKeyboardButton]:
    """Return the "Full text" button of a card whenever the card shows less than the bot has.

    That is every practice a member submitted (no programme page behind "Read more") and any
    practice whose card cut its purpose or leaves out its rationale, process or impact
    (`bot.cards.has_more_text`); the full text is sent in the chat.
    """
    offered = practice.source == "submission" or has_more_text(practice)
    data = FullText(practice.key).try_pack() if offered else None
    return [InlineKeyboardButton(N_("📄 Full text"), callback_data=data)] if data else []


def correction_button(practice: Practice) -> list[InlineKeyboardButton]:
    """Return a card's "Suggest a correction" button: a message to the secretariat about it."""
    data = ContactAbout(practice.key).try_pack()
    return [InlineKeyboardButton(N_("✏️ Suggest a correction"), callback_data=data)] if data else []


def card_buttons(practice: Practice, t: Translator) -> list[InlineKeyboardButton]:
    """Return the buttons a card shows after "Read more", in t's language: Follow, Full text,
    Suggest a correction."""
    buttons = (*follow_button(practice), *full_text_button(practice), *correction_button(practice))
    return [translated(b, t) for b in buttons]
