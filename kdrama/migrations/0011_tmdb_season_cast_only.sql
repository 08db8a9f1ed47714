-- TMDB gives cast per season only: its show-level cast (every season's actors at once) is no
-- longer offered, so an open review of it must not be applied as the whole show's cast. The
-- whole-show credits an older sync took from TMDB are removed by the next sync of each show.
DELETE FROM sync_review WHERE key = 'show.cast' AND state = 'open';
