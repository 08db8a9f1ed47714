-- A channel (or follower) gets its notices in the order they were made: the delivery loop reads
-- each channel's oldest pending row on every pass, from this index of pending rows alone
-- rather than from every row the outbox keeps for its retention. `state` makes it covering.
CREATE INDEX delivery_pending ON delivery (channel_id, state) WHERE state = 'pending';
