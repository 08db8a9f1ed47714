-- The watch engine's look-ups: a channel's pending or paused deliveries (pause, resume,
-- channel deleted) and a channel's or server's subscriptions (pause on 403/404 and
-- GUILD_REMOVE, /watch list) must not scan the whole outbox.

CREATE INDEX delivery_channel ON delivery (channel_id, state);
CREATE INDEX delivery_change ON delivery (change_id);
CREATE INDEX subscription_channel ON subscription (channel_id, paused_reason);
