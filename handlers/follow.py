"""Follow's services: built once per application, reached by handlers through `follow()`."""

import logging
from dataclasses import dataclass

from telegram import InlineKeyboardButton
from telegram.ext import Application, ContextTypes

from bot.alert_queue import AlertQueue
from bot.alerts import AlertMatcher
from bot.callbacks import FollowPractice
from bot.follow import Resolver
from bot.follow_texts import FOLLOW_MENU_BUTTON
from bot.models import Practice
from bot.template import TOPICS
from handlers.delivery import Deliverer
from handlers.deps import Services, services
from handlers.language import tr_for
from store.outbox import Outbox
from store.subscriptions import SubscriptionStore

log = logging.getLogger(__name__)
FOLLOW_KEY = "follow"
JOB_NAME = "deliver-alerts"
TICK_SECONDS = 1.0


@dataclass(slots=True)
class Follow:
    """Subscriptions, the outbox and its delivery."""

    subscriptions: SubscriptionStore
    outbox: Outbox
    deliverer: Deliverer
    resolver: Resolver
    alerts: AlertQueue

    def forget(self, user_id: int) -> None:
        """Delete the user's subscriptions, their chat's alerts and its delivery state."""
        self.subscriptions.forget_user(user_id)
        self.deliverer.queue.remove_chat(user_id)
        self.outbox.delete_chat(user_id)


def install(svc: Services) -> Follow:
    """Build Follow over the services' database and hook it into publishing and the UI.

    New practices reach `AlertQueue` through the publisher; the welcome gains a Follow button,
    every card a Follow button for its topics and place, and /forget deletes Follow's data.
    """
    aliases = svc.catalog.aliases
    subscriptions = SubscriptionStore(svc.database)
    outbox = Outbox(svc.database)
    alerts = AlertQueue(subscriptions, outbox, svc.catalog, AlertMatcher(aliases, TOPICS))
    deliverer = Deliverer(
        outbox,
        subscriptions,
        svc.catalog,
        svc.settings.alert_rate,
        language_of=lambda chat_id: tr_for(svc, chat_id),
    )
    state = Follow(subscriptions, outbox, deliverer, Resolver(aliases, TOPICS), alerts)
    alerts.warm()
    svc.extra[FOLLOW_KEY] = state
    svc.publisher.hooks.append(alerts)
    svc.welcome_buttons.append(FOLLOW_MENU_BUTTON)
    svc.card_buttons.append(follow_button)
    svc.forget_hooks.append(state.forget)
    return state


def follow_button(practice: Practice) -> list[InlineKeyboardButton]:
    """Return a card's Follow button, which offers the practice's topics and place."""
    data = FollowPractice(practice.key).try_pack()
    return [InlineKeyboardButton(FOLLOW_MENU_BUTTON.text, callback_data=data)] if data else []


def follow(context: ContextTypes.DEFAULT_TYPE) -> Follow:
    """Return the application's Follow services."""
    return services(context).extra[FOLLOW_KEY]


def schedule_delivery(app: Application) -> None:
    """Run the delivery job every second while the application runs."""
    if app.job_queue is None:
        log.warning("no job queue: alerts will not be delivered (install the job-queue extra)")
        return
    # A drain can outlast one tick; the next tick then returns at once (`Deliverer.running`),
    # and allowing two instances keeps APScheduler from logging a skipped run every second.
    app.job_queue.run_repeating(
        delivery_job,
        TICK_SECONDS,
        first=TICK_SECONDS,
        name=JOB_NAME,
        job_kwargs={"max_instances": 2, "coalesce": True},
    )


async def delivery_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Drain the outbox until it is empty or the application stops."""
    app = context.application
    await follow(context).deliverer.drain(context.bot, should_stop=lambda: not app.running)
