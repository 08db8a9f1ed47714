"""The watch engine: channels follow shows and hear when they change (no Discord calls here).

- subscriptions.py  the rules: the events option, following and unfollowing, /watch list
- engine.py         the delivery engine and its retry policy
- budget.py         the bot's rate budget, shared by every sender
- clock.py          the release clock
- supervisor.py     restarts a loop that crashed
- render.py         what staff read from /watch

The SQL is in kdrama/store/subscriptions.py and kdrama/store/outbox.py; the rows are models.
"""

# The rooms are imported by name (kdrama.watch.engine, …), so importing the package stays
# cheap and cycle-free. The rows are models; Delivery is re-exported for older imports.
from kdrama.models import Delivery

__all__ = ["Delivery"]
