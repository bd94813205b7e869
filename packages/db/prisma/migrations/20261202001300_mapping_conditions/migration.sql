-- A pair's several conditions (include/exclude, joined by all/any) in one JSON column, and a version per pair so a
-- change from a stale page is refused rather than silently overwriting a newer one (reordering included).
-- The older single-filter columns stay: rows written before this (and readers of them) keep working; the API writes
-- `conditions` and clears them. Each existing filter becomes one include condition.
ALTER TABLE "group_mappings" ADD COLUMN "conditions" JSONB;
ALTER TABLE "group_mappings" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1;

UPDATE "group_mappings"
SET "conditions" = jsonb_build_object(
  'combinator', 'all',
  'conditions', jsonb_build_array(jsonb_build_object(
    'attribute', "filter_attribute",
    'operator', "filter_operator",
    'value', "filter_value",
    'mode', 'include'
  ))
)
WHERE "filter_attribute" IS NOT NULL AND "filter_operator" IS NOT NULL AND "filter_value" IS NOT NULL;
