"""Fans follow shows themselves and hear by direct message (no Discord calls here).

- rules.py   what a fan may type, following and unfollowing, the cap, forgetting a person
- render.py  the /follow replies and the /follow list embed

The SQL is in kdrama/store/follows.py; DMs are outbox rows the watch engine sends.
"""
