"""The messages and buttons of Follow: menus, prompts, confirmations, the list. Pure.

Callback data (64 bytes at most; every handler re-checks what it names):
  fl|menu / fl|new   the menu, in place or as a new message (from the welcome)
  fl|k|<kind>        pick a topic or country, or type a city or keywords
  fl|t|<n>           follow topic n of TOPICS           fl|c|<name>   follow a country
  fl|y|<name>        follow a city                      fp|<key>      follow a practice's …
                     (a name over 64 bytes travels as its token: bot.cards.named_callback)
  fl|list / fl|ls    the chat's subscriptions, in place or new (from an alert)
  fl|x|<id>          stop one
  fl|xa / fl|xa|yes  stop all, then confirmed           fg|yes/fg|no  /forget confirmed or not
"""

from collections.abc import Sequence

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup

from bot.cards import callback, embed, named_callback, shorten
from bot.follow import MAX_SUBSCRIPTIONS
from bot.models import Practice, Subscription

ICONS = {"topic": "🏷", "country": "🌍", "city": "🏙", "keyword": "🔤"}
CITY_PROMPT = "🏙 Which city? Type its name in any language: Lisboa, Torino, Genève …"
KEYWORD_PROMPT = "🔤 Which words? Type them as you would search: anti-rumour, roma education …"
PROMPTS = {"city": CITY_PROMPT, "keyword": KEYWORD_PROMPT}
MENU = (
    "🔔 <b>Follow new practices</b>\n"
    "Pick what you care about: each new practice that matches comes here as soon as it is "
    "published.\n\nOr type it: <code>/subscribe topic:refugees</code> · "
    "<code>/subscribe country:portugal</code> · <code>/subscribe city:lisboa</code> · "
    "<code>/subscribe roma education</code>"
)
TOPIC_PICK = "🏷 Pick a topic to follow:"
COUNTRY_PICK = (
    "🌍 Pick a country to follow, or type any other: <code>/subscribe country:norway</code>"
)
PRACTICE_PICK = "🔔 Follow what this practice is about:"
NOTHING_YET = "You don't follow anything yet: /subscribe to hear about new practices."
LIMIT_REACHED = (
    f"You follow {MAX_SUBSCRIPTIONS} things already, the most I keep. "
    "Stop one in /subscriptions first."
)
NOT_YOURS = "That subscription is not yours to stop."
GONE = "That subscription is already stopped."
PRIVATE_ONLY = "Open a chat with me to follow practices."
ASK_STOP_ALL = "Stop all {n} subscriptions? No more alerts will come here."
FORGET_ASK = (
    "⚠️ <b>Delete everything I keep about you?</b>\n"
    "Your subscriptions and pending alerts, your drafts and your settings are deleted for "
    "good. Practices already published stay published."
)
FORGET_DONE = "Done: I deleted everything I kept about you. /start to begin again."
FORGET_KEPT = "Nothing was deleted."
FORGET_IN_PRIVATE = "For your privacy, send /forget in a private chat with me."

FOLLOW_MENU_BUTTON = InlineKeyboardButton("🔔 Follow", callback_data="fl|new")
MORE = InlineKeyboardButton("➕ Follow more", callback_data="fl|menu")
LIST = InlineKeyboardButton("⚙️ My subscriptions", callback_data="fl|list")


def menu_markup() -> InlineKeyboardMarkup:
    """Return the buttons of what can be followed."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("🏷 A topic", callback_data="fl|k|topic"),
                InlineKeyboardButton("🌍 A country", callback_data="fl|k|country"),
            ],
            [
                InlineKeyboardButton("🏙 A city", callback_data="fl|k|city"),
                InlineKeyboardButton("🔤 Keywords", callback_data="fl|k|keyword"),
            ],
            [LIST],
        ]
    )


def prompt_markup(kind: str) -> ForceReply:
    """Return the reply box that asks for a city or keywords."""
    hint = "Lisboa" if kind == "city" else "roma education"
    return ForceReply(input_field_placeholder=hint)


def done_markup() -> InlineKeyboardMarkup:
    """Return the buttons under a confirmation."""
    return InlineKeyboardMarkup([[MORE, LIST]])


def target_button(kind: str, name: str, topics: Sequence[str]) -> InlineKeyboardButton | None:
    """Return the button that follows a topic, country or city (None if it can't fit)."""
    if kind == "topic":
        data = callback("fl", "t", topics.index(name)) if name in topics else None
    else:
        data = named_callback("fl", "c" if kind == "country" else "y", name=name)
    return InlineKeyboardButton(f"{ICONS[kind]} {name}", callback_data=data) if data else None


def choices_markup(
    kind: str, names: Sequence[str], topics: Sequence[str], width: int = 1
) -> InlineKeyboardMarkup:
    """Return one button per name that follows it, `width` a row."""
    buttons = [b for b in (target_button(kind, name, topics) for name in names) if b]
    return InlineKeyboardMarkup([buttons[i : i + width] for i in range(0, len(buttons), width)])


def practice_targets(
    practice: Practice, cities: Sequence[str], country: str | None
) -> list[tuple[str, str]]:
    """Return (kind, name) pairs a card's Follow button offers: topics, cities, country."""
    targets = [("topic", topic) for topic in practice.topics]
    targets += [("city", city) for city in cities]
    return [*targets, ("country", country)] if country else targets


def list_text(subs: Sequence[Subscription]) -> str:
    """Return the list of a chat's subscriptions, numbered."""
    if not subs:
        return NOTHING_YET
    rows = [f"{n}. {ICONS[s.kind]} {embed(s.label, 60)}" for n, s in enumerate(subs, 1)]
    header = f"🔔 <b>What you follow</b> ({len(subs)} of at most {MAX_SUBSCRIPTIONS}):"
    footer = "Tap one to stop it."
    return "\n".join([header, *rows, "", footer])


def list_markup(subs: Sequence[Subscription]) -> InlineKeyboardMarkup:
    """Return a stop button per subscription, then Follow more and Stop all."""
    rows = [
        [InlineKeyboardButton(f"✖ {n}. {shorten(s.label, 40)}", callback_data=f"fl|x|{s.id}")]
        for n, s in enumerate(subs, 1)
    ]
    last = [MORE, InlineKeyboardButton("🗑 Stop all", callback_data="fl|xa")] if subs else [MORE]
    return InlineKeyboardMarkup([*rows, last])


def stop_all_markup() -> InlineKeyboardMarkup:
    """Return the confirmation of Stop all."""
    yes = InlineKeyboardButton("Yes, stop all", callback_data="fl|xa|yes")
    return InlineKeyboardMarkup([[yes, InlineKeyboardButton("Cancel", callback_data="fl|list")]])


def forget_markup() -> InlineKeyboardMarkup:
    """Return the confirmation of /forget."""
    yes = InlineKeyboardButton("🗑 Delete everything", callback_data="fg|yes")
    return InlineKeyboardMarkup([[yes, InlineKeyboardButton("Cancel", callback_data="fg|no")]])
