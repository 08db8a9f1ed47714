"""The watch engine: channels follow shows and hear when they change (no Discord calls here).

- subscriptions.py  the rules: the events option, following and unfollowing, /watch list
- engine.py         the delivery engine and its retry policy
- budget.py         the bot's rate budget, shared by every sender
- clock.py          the release clock
- supervisor.py     restarts a loop that crashed
- render.py         what staff read from /watch

The SQL is in kdrama/store/subscriptions.py and kdrama/store/outbox.py; the rows are models.
"""

from kdrama.models import AddResult, ChannelBacklog, Delivery, Shards, Subscription
from kdrama.watch.budget import GLOBAL_BURST, GLOBAL_RATE, RateBudget, TokenBucket, bot_budget
from kdrama.watch.clock import CLOCK_ACTOR, clock_loop, release_due_seasons
from kdrama.watch.engine import (
    ChannelUnusable,
    DeliveryEngine,
    DeliveryError,
    Rejected,
    RetryLater,
    Sender,
    retry_delay,
)
from kdrama.watch.subscriptions import EventsError, event_choices, parse_events_option
from kdrama.watch.supervisor import supervise

__all__ = [
    "CLOCK_ACTOR",
    "GLOBAL_BURST",
    "GLOBAL_RATE",
    "AddResult",
    "ChannelBacklog",
    "ChannelUnusable",
    "Delivery",
    "DeliveryEngine",
    "DeliveryError",
    "EventsError",
    "RateBudget",
    "Rejected",
    "RetryLater",
    "Sender",
    "Shards",
    "Subscription",
    "TokenBucket",
    "bot_budget",
    "clock_loop",
    "event_choices",
    "parse_events_option",
    "release_due_seasons",
    "retry_delay",
    "supervise",
]
