-- A season's release date of "unknown" with a source or a note is a statement (no date
-- announced). Imports, the starter catalog and seasons added whole recorded it as nobody's, so
-- the TMDB sync filled it over the curator's note. Mark those as the curator's now, unless TMDB
-- itself wrote the season last (a season TMDB lists without a date).
INSERT INTO field_source (show_id, key, source)
SELECT s.show_id, 'season.' || s.number || '.release', 'curator'
FROM season s
WHERE s.release_date = 'unknown'
  AND (coalesce(s.release_source, '') <> '' OR coalesce(s.release_note, '') <> '')
  AND NOT EXISTS (
      SELECT 1 FROM field_source f
      WHERE f.show_id = s.show_id AND f.key = 'season.' || s.number || '.release'
  )
  AND coalesce((
      SELECT c.actor_id IS NULL AND c.actor_name = 'TMDB sync'
      FROM change c JOIN change_item i ON i.change_id = c.id
      WHERE c.show_id = s.show_id AND i.field = '*' AND i.new IS NOT NULL
        AND (i.entity = 'show' OR (i.entity = 'season' AND i.key = c.show_slug || '#' || s.number))
      ORDER BY c.id DESC LIMIT 1
  ), 0) = 0;
