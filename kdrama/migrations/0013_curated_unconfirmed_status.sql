-- A season's status of "unconfirmed" with a source or a note is a statement (nothing
-- announced). Imports and seasons added whole recorded it as nobody's, so the TMDB sync could
-- replace it. Mark those as the curator's now, unless TMDB itself wrote the season last (a
-- season TMDB lists: its status is TMDB's listing).
INSERT INTO field_source (show_id, key, source)
SELECT s.show_id, 'season.' || s.number || '.status', 'curator'
FROM season s
WHERE s.status = 'unconfirmed'
  AND (coalesce(s.status_source, '') <> '' OR coalesce(s.status_note, '') <> '')
  AND NOT EXISTS (
      SELECT 1 FROM field_source f
      WHERE f.show_id = s.show_id AND f.key = 'season.' || s.number || '.status'
  )
  AND coalesce((
      SELECT c.actor_id IS NULL AND c.actor_name = 'TMDB sync'
      FROM change c JOIN change_item i ON i.change_id = c.id
      WHERE c.show_id = s.show_id AND i.field = '*' AND i.new IS NOT NULL
        AND (i.entity = 'show' OR (i.entity = 'season' AND i.key = c.show_slug || '#' || s.number))
      ORDER BY c.id DESC LIMIT 1
  ), 0) = 0;
