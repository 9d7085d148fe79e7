"""The messages and buttons of Follow: menus, prompts, confirmations, the list. Pure."""

from collections.abc import Collection, Mapping, Sequence

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks, place_names
from bot.cards import embed, shorten
from bot.follow import MAX_SUBSCRIPTIONS
from bot.i18n import ENGLISH, N_, Translator, languages, translator
from bot.models import Practice, Subscription
from bot.template import topic_name
from bot.text import collation_key

# What a subscription follows: (kind, name).
Target = tuple[str, str]
CANCEL = N_("Cancel")
ICONS = {"topic": "🏷", "country": "🌍", "city": "🏙", "keyword": "🔤"}
CITY_PROMPT = N_("🏙 Which city? Type its name in any language: Lisboa, Torino, Genève …")
KEYWORD_PROMPT = N_("🔤 Which words? Type them as you would search: anti-rumour, roma education …")
PROMPTS = {"city": CITY_PROMPT, "keyword": KEYWORD_PROMPT}
# In a group the follow is the group's, so it is typed there (a button's alert: ≤ 200 chars).
GROUP_PROMPTS = {
    "city": N_("In a group, type the city after the command: /subscribe city:Lyon"),
    "keyword": N_("In a group, type the words after the command: /subscribe roma education"),
}
MENU = N_(
    "🔔 <b>Follow new practices</b>\n"
    "Pick what you care about: each new practice that matches comes here as soon as it is "
    "published.\n\nOr type it: <code>/subscribe topic:refugees</code> · "
    "<code>/subscribe country:portugal</code> · <code>/subscribe city:lisboa</code> · "
    "<code>/subscribe roma education</code>"
)
TOPIC_PICK = N_("🏷 Pick a topic to follow (✓: you follow it; tap again to stop):")
COUNTRY_PICK = N_(
    "🌍 Pick a country to follow, or type any other: <code>/subscribe country:norway</code>"
)
PRACTICE_PICK = N_("🔔 Follow what this practice is about (✓: you follow it; tap again to stop):")
NOTHING_YET = N_("You don't follow anything yet: /subscribe to hear about new practices.")
GROUP_NOTHING_YET = N_(
    "This group follows nothing yet: /subscribe here to get new practices in the group."
)
LIMIT_REACHED = N_(
    "You follow {count} things already, the most I keep. Stop one in /subscriptions first."
)
NOT_YOURS = N_("That subscription is not yours to stop.")
GONE = N_("That subscription is already stopped.")
PRIVATE_ONLY = N_("Open a chat with me to follow practices.")
FORGET_ASK = N_(
    "⚠️ <b>Delete everything I keep about you?</b>\n"
    "<b>Deleted for good:</b> your subscriptions and alerts not yet sent, your draft, your "
    "submissions not published (pending or rejected), your messages to the secretariat and "
    "their replies, your language choice and the days you used the bot.\n"
    "<b>Stays:</b> practices of yours already published stay in the catalogue (they belong "
    "to it now), without your name, your contact or any link to you."
)
FORGET_DONE = N_(
    "Done: I deleted your subscriptions, alerts, draft, unpublished submissions, messages to "
    "the secretariat and settings. Your published practices stay in the catalogue, linked to "
    "no one. /start to begin again."
)
FORGET_KEPT = N_("Cancelled: nothing was deleted.")
FORGET_IN_PRIVATE = N_("For your privacy, send /forget in a private chat with me.")

# The welcome's and the card's button: labels in English, shown translated
# (`bot.menus.translated`).
FOLLOW_MENU_BUTTON = InlineKeyboardButton(
    N_("🔔 Follow"), callback_data=callbacks.FollowMenu("new").pack()
)


def _more(t: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        t._("➕ Follow more"), callback_data=callbacks.FollowMenu("menu").pack()
    )


def _list(t: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        t._("⚙️ My subscriptions"), callback_data=callbacks.Subscriptions("list").pack()
    )


def is_prompt(text: str, kind: str) -> bool:
    """Return True when a message of the bot is the question for a city or keywords, in any
    of the bot's languages (a reply to it is the answer)."""
    return any(text.startswith(translator(code).gettext(PROMPTS[kind])) for code in languages())


def menu_markup(t: Translator) -> InlineKeyboardMarkup:
    """Return the buttons of what can be followed."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t._("🏷 A topic"), callback_data=callbacks.FollowKind("topic").pack()
                ),
                InlineKeyboardButton(
                    t._("🌍 A country"), callback_data=callbacks.FollowKind("country").pack()
                ),
            ],
            [
                InlineKeyboardButton(
                    t._("🏙 A city"), callback_data=callbacks.FollowKind("city").pack()
                ),
                InlineKeyboardButton(
                    t._("🔤 Keywords"), callback_data=callbacks.FollowKind("keyword").pack()
                ),
            ],
            [_list(t)],
        ]
    )


def prompt_markup(kind: str) -> ForceReply:
    """Return the reply box that asks for a city or keywords."""
    hint = "Lisboa" if kind == "city" else "roma education"
    return ForceReply(input_field_placeholder=hint)


def done_markup(t: Translator) -> InlineKeyboardMarkup:
    """Return the buttons under a confirmation."""
    return InlineKeyboardMarkup([[_more(t), _list(t)]])


def target_button(
    kind: str, name: str, topics: Sequence[str], t: Translator = ENGLISH
) -> InlineKeyboardButton | None:
    """Return the button that follows a topic, country or city (None if it can't fit)."""
    if kind == "topic":
        data = callbacks.FollowTopic(topics.index(name)).pack() if name in topics else None
        name = topic_name(t, name)
    else:
        action = callbacks.FollowCountry if kind == "country" else callbacks.FollowCity
        data = action(name).pack()
        name = (place_names.country if kind == "country" else place_names.city)(name, t)
    return InlineKeyboardButton(f"{ICONS[kind]} {name}", callback_data=data) if data else None


def choices_markup(
    kind: str,
    names: Sequence[str],
    topics: Sequence[str],
    t: Translator,
    width: int = 1,
    alphabetical: bool = False,
) -> InlineKeyboardMarkup:
    """Return one button per name that follows it, `width` a row, in t's language; with
    `alphabetical`, in alphabetical order of the labels shown (a whole list, not ranked
    suggestions)."""
    buttons = [b for b in (target_button(kind, name, topics, t) for name in names) if b]
    if alphabetical:
        buttons.sort(key=lambda b: collation_key(b.text))
    return InlineKeyboardMarkup([buttons[i : i + width] for i in range(0, len(buttons), width)])


def picker_markup(
    kind: str,
    names: Sequence[str],
    topics: Sequence[str],
    t: Translator,
    followed: Mapping[Target, object],
    width: int = 1,
) -> InlineKeyboardMarkup:
    """Return /subscribe's list of topics or countries: a button per name that follows it or
    stops it (✓ on what the chat follows, and its data says which: `callbacks.Want`), `width`
    a row, then Back and My subscriptions.

    Args:
        kind: "topic" or "country".
        names: canonical names, in the order shown.
        topics: every topic (a topic's button carries its position there).
        t: the reader's language.
        followed: the chat's subscriptions by `Subscription.target`.
        width: buttons per row.
    """
    buttons = []
    for name in names:
        on = Subscription(0, 0, kind, name).target in followed
        want: callbacks.Want = "s" if on else "f"  # what pressing it does, as shown now
        if kind == "topic":
            index = topics.index(name) if name in topics else None
            data = callbacks.PickTopic(index, want).pack() if index is not None else None
            shown = topic_name(t, name)
        else:
            data = callbacks.PickCountry(name, want).try_pack()
            shown = place_names.country(name, t)
        mark = "✓ " if on else ""
        if data:
            buttons.append(
                InlineKeyboardButton(f"{mark}{ICONS[kind]} {shown}", callback_data=data)
            )
    rows = [buttons[i : i + width] for i in range(0, len(buttons), width)]
    back = InlineKeyboardButton(t._("◀️ Back"), callback_data=callbacks.FollowMenu("menu").pack())
    return InlineKeyboardMarkup([*rows, [back, _list(t)]])


def practice_targets(
    practice: Practice, cities: Sequence[str], country: str | None
) -> list[Target]:
    """Return (kind, name) pairs a card's Follow button offers: topics, cities, country."""
    targets = [("topic", topic) for topic in practice.topics]
    targets += [("city", city) for city in cities]
    return [*targets, ("country", country)] if country else targets


def practice_menu(
    t: Translator, key: str, targets: Sequence[Target], followed: Mapping[Target, object]
) -> InlineKeyboardMarkup:
    """Return a card's Follow menu: a button per (kind, name), ✓ on what the chat follows;
    each button's data says whether it follows or stops (`callbacks.FollowSet`).

    Args:
        t: the reader's language.
        key: the practice's key (its buttons name it).
        targets: (kind, name) pairs of `practice_targets`; a button carries its position.
        followed: the chat's subscriptions by `Subscription.target`.
    """
    rows = []
    for n, (kind, name) in enumerate(targets):
        on = Subscription(0, 0, kind, name).target in followed
        # What pressing it does, as shown now: a second press of it, stale, changes nothing.
        data = callbacks.FollowSet("s" if on else "f", n, key).try_pack()
        if data is None:
            continue
        if kind == "topic":
            shown = topic_name(t, name)
        else:  # one canonical place name, in t's language (bot.place_names)
            shown = (place_names.country if kind == "country" else place_names.city)(name, t)
        mark = "✓ " if on else ""
        rows.append([InlineKeyboardButton(f"{mark}{ICONS[kind]} {shown}", callback_data=data)])
    return InlineKeyboardMarkup([*rows, [_list(t)]])


def keyword_note(t: Translator, matches: int, words: int) -> str:
    """Return what a new keyword subscription catches, "keyword" or "words" as typed.

    Args:
        t: the reader's language.
        matches: published practices a search for it finds with every word today.
        words: how many words it has (a phrase is "these words", one word "this keyword").
    """
    if matches:
        return t.ngettext(
            "{count} published practice matches today; each new one will come here.",
            "{count} published practices match today; each new one will come here.",
            matches,
        ).format(count=t.format_number(matches))
    if words > 1:
        return t._(
            "No published practice matches these words yet: I will send you each new practice "
            "that a search for them finds."
        )
    return t._(
        "No published practice matches this keyword yet: I will send you each new practice "
        "that a search for it finds."
    )


def label(t: Translator, sub: Subscription) -> str:
    """Return what a subscription follows, as the list names it (a topic in t's language)."""
    if sub.kind == "topic":
        return topic_name(t, sub.value)
    if sub.kind in ("country", "city"):
        return (place_names.country if sub.kind == "country" else place_names.city)(sub.value, t)
    return t.quote(sub.value) if sub.kind == "keyword" else sub.label


GROUP_STOPS = N_(
    "Only whoever started a follow, or one of the group's administrators, can stop it."
)


def list_text(
    t: Translator,
    subs: Sequence[Subscription],
    group: bool = False,
    stoppable: Collection[int] | None = None,
) -> str:
    """Return the list of a chat's subscriptions, numbered.

    Args:
        group: the chat is a group: the list says what the group follows.
        stoppable: ids of the subscriptions the reader may stop (None: all of them); when
            some are not, the footer says who can.
    """
    if not subs:
        return t.gettext(GROUP_NOTHING_YET if group else NOTHING_YET)
    rows = [f"{n}. {ICONS[s.kind]} {embed(label(t, s), 60)}" for n, s in enumerate(subs, 1)]
    if group:
        header = t._("🔔 <b>What this group follows</b> ({count} of at most {most}):")
    else:
        header = t._("🔔 <b>What you follow</b> ({count} of at most {most}):")
    header = header.format(
        count=t.format_number(len(subs)), most=t.format_number(MAX_SUBSCRIPTIONS)
    )
    footer = [t._("Tap one to stop it.")] if stoppable is None or stoppable else []
    if stoppable is not None and len(stoppable) < len(subs):
        footer.append(t.gettext(GROUP_STOPS))
    return "\n".join([header, *rows, "", " ".join(footer)])


def list_markup(
    t: Translator, subs: Sequence[Subscription], stoppable: Collection[int] | None = None
) -> InlineKeyboardMarkup:
    """Return a stop button per subscription the reader may stop (`stoppable`: ids, None for
    all), then Follow more, and Stop all when there is one to stop."""
    rows = [
        [
            InlineKeyboardButton(
                f"✖ {n}. {shorten(label(t, s), 40)}", callback_data=callbacks.StopOne(s.id).pack()
            )
        ]
        for n, s in enumerate(subs, 1)
        if stoppable is None or s.id in stoppable
    ]
    last = [_more(t)]
    if rows:
        last.append(
            InlineKeyboardButton(t._("🗑 Stop all"), callback_data=callbacks.StopAll().pack())
        )
    return InlineKeyboardMarkup([*rows, last])


def stop_all_markup(t: Translator) -> InlineKeyboardMarkup:
    """Return the confirmation of Stop all."""
    yes = InlineKeyboardButton(t._("Yes, stop all"), callback_data=callbacks.StopAll("yes").pack())
    no = InlineKeyboardButton(
        t.gettext(CANCEL), callback_data=callbacks.Subscriptions("list").pack()
    )
    return InlineKeyboardMarkup([[yes, no]])


def ask_stop_all(t: Translator, count: int) -> str:
    """Return the question before Stop all."""
    return t.ngettext(
        "Stop your {count} subscription? No more alerts will come here.",
        "Stop all {count} subscriptions? No more alerts will come here.",
        count,
    ).format(count=t.format_number(count))


def forget_markup(t: Translator) -> InlineKeyboardMarkup:
    """Return the confirmation of /forget."""
    yes = InlineKeyboardButton(
        t._("🗑 Delete everything"), callback_data=callbacks.Forget("yes").pack()
    )
    no = InlineKeyboardButton(t.gettext(CANCEL), callback_data=callbacks.Forget("no").pack())
    return InlineKeyboardMarkup([[yes, no]])
