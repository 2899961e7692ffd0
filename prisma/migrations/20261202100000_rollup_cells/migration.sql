-- Issue 12, DESIGN.md §7 (bureau dashboard over 10M hour entries: ≥ 50× the raw GROUP BY in the
-- same run). The figures of one year, quarter or month, counted per cell instead of per enrollment
-- (docs/decisions/015-rollup-cells.md): a cell is a period and what the person-keyed groupings and
-- the region scope look at — the person's home region (path and code), school and program (with
-- its minutes per 学时) — and holds 人次 (enrollments with net minutes > 0), their minutes, and the
-- distinct persons among them. A row with programCode '*' (minutesPerHour 0) holds the distinct
-- persons over all programs, which are not the sum of the programs' (a person in two programs).
--
-- Kept exact by statement triggers on HourRollup (its rows change only there: the ledger's trigger
-- and the facts' copy), through one apply function: each changed rollup row leaves its old cell
-- (if it counted) and enters its new one (if it counts). Distinct persons need to know whether a
-- person is the first (or last) in a cell: RollupPresence counts each person's counted enrollments
-- per cell, and the upsert of that row — locked, so concurrent writers take turns — returns its new
-- count, from which the cell learns 0 → n (one person more) or n → 0 (one less). Cells only ever
-- add deltas, so concurrent writers commute.

CREATE TABLE "RollupCell" (
  "grain" "RollupGrain" NOT NULL,
  "periodStart" DATE NOT NULL,
  "personRegionPath" TEXT NOT NULL,
  "personRegionCode" TEXT NOT NULL,
  "personOrganizationCode" TEXT NOT NULL DEFAULT '',
  "programCode" TEXT NOT NULL,
  "minutesPerHour" INTEGER NOT NULL,
  "enrollments" INTEGER NOT NULL DEFAULT 0,
  "minutes" BIGINT NOT NULL DEFAULT 0,
  "persons" INTEGER NOT NULL DEFAULT 0,
  CONSTRAINT "RollupCell_pkey" PRIMARY KEY ("grain", "periodStart", "personRegionPath", "personRegionCode", "personOrganizationCode", "programCode", "minutesPerHour")
);

CREATE TABLE "RollupPresence" (
  "grain" "RollupGrain" NOT NULL,
  "periodStart" DATE NOT NULL,
  "personId" TEXT NOT NULL,
  "personRegionPath" TEXT NOT NULL,
  "personRegionCode" TEXT NOT NULL,
  "personOrganizationCode" TEXT NOT NULL DEFAULT '',
  "programCode" TEXT NOT NULL,
  "minutesPerHour" INTEGER NOT NULL,
  "n" INTEGER NOT NULL DEFAULT 0,
  CONSTRAINT "RollupPresence_pkey" PRIMARY KEY ("grain", "periodStart", "personId", "personRegionPath", "personRegionCode", "personOrganizationCode", "programCode", "minutesPerHour")
);

-- One changed rollup row's part: +1 and its minutes entering a cell, -1 and minus its minutes leaving it.
CREATE TYPE "xx_cell_delta" AS (
  "grain" "RollupGrain", "periodStart" DATE, "personId" TEXT, "personRegionPath" TEXT, "personRegionCode" TEXT,
  "personOrganizationCode" TEXT, "programCode" TEXT, "minutesPerHour" INTEGER, "n" INTEGER, "minutes" BIGINT
);

-- THE apply: deltas summed per person and cell (each also counts in its '*' cell), the persons'
-- presences upserted in a fixed key order, and the cells given their enrollments, minutes and the
-- persons who arrived (count 0 → > 0) or left (> 0 → 0).
-- (plpgsql, so its one statement is planned once per connection, not on every call as a SQL function's is)
CREATE FUNCTION "xx_rollup_cells_apply"(deltas "xx_cell_delta"[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(deltas) = 0 THEN RETURN; END IF;
  WITH d AS (
    SELECT u."grain", u."periodStart", u."personId", u."personRegionPath", u."personRegionCode", u."personOrganizationCode",
           l."programCode", l."minutesPerHour", SUM(u."n")::int AS n, SUM(CASE WHEN l.star THEN 0 ELSE u."minutes" END)::bigint AS minutes
      FROM unnest(deltas) u
      CROSS JOIN LATERAL (VALUES (u."programCode", u."minutesPerHour", false), ('*', 0, true)) AS l("programCode", "minutesPerHour", star)
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
  ),
  p AS (
    INSERT INTO "RollupPresence" AS rp ("grain", "periodStart", "personId", "personRegionPath", "personRegionCode", "personOrganizationCode", "programCode", "minutesPerHour", "n")
    SELECT d."grain", d."periodStart", d."personId", d."personRegionPath", d."personRegionCode", d."personOrganizationCode", d."programCode", d."minutesPerHour", d.n
      FROM d WHERE d.n <> 0
     ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
    ON CONFLICT ("grain", "periodStart", "personId", "personRegionPath", "personRegionCode", "personOrganizationCode", "programCode", "minutesPerHour")
      DO UPDATE SET "n" = rp."n" + EXCLUDED."n"
    RETURNING rp."grain", rp."periodStart", rp."personId", rp."personRegionPath", rp."personRegionCode", rp."personOrganizationCode", rp."programCode", rp."minutesPerHour", rp."n"
  ),
  moved AS (
    SELECT p."grain", p."periodStart", p."personRegionPath", p."personRegionCode", p."personOrganizationCode", p."programCode", p."minutesPerHour",
           CASE WHEN p."n" > 0 AND p."n" - d.n <= 0 THEN 1 WHEN p."n" <= 0 AND p."n" - d.n > 0 THEN -1 ELSE 0 END AS persons
      FROM p JOIN d USING ("grain", "periodStart", "personId", "personRegionPath", "personRegionCode", "personOrganizationCode", "programCode", "minutesPerHour")
  ),
  c AS (
    SELECT x."grain", x."periodStart", x."personRegionPath", x."personRegionCode", x."personOrganizationCode", x."programCode", x."minutesPerHour",
           SUM(x.enrollments)::int AS enrollments, SUM(x.minutes)::bigint AS minutes, SUM(x.persons)::int AS persons
      FROM (
        SELECT d."grain", d."periodStart", d."personRegionPath", d."personRegionCode", d."personOrganizationCode", d."programCode", d."minutesPerHour",
               CASE WHEN d."programCode" = '*' THEN 0 ELSE d.n END AS enrollments, d.minutes, 0 AS persons
          FROM d
        UNION ALL
        SELECT m."grain", m."periodStart", m."personRegionPath", m."personRegionCode", m."personOrganizationCode", m."programCode", m."minutesPerHour", 0, 0, m.persons
          FROM moved m
      ) x
     GROUP BY 1, 2, 3, 4, 5, 6, 7
    HAVING SUM(x.enrollments) <> 0 OR SUM(x.minutes) <> 0 OR SUM(x.persons) <> 0
  )
  INSERT INTO "RollupCell" AS rc ("grain", "periodStart", "personRegionPath", "personRegionCode", "personOrganizationCode", "programCode", "minutesPerHour", "enrollments", "minutes", "persons")
  SELECT c."grain", c."periodStart", c."personRegionPath", c."personRegionCode", c."personOrganizationCode", c."programCode", c."minutesPerHour", c.enrollments, c.minutes, c.persons
    FROM c ORDER BY 1, 2, 3, 4, 5, 6, 7
  ON CONFLICT ("grain", "periodStart", "personRegionPath", "personRegionCode", "personOrganizationCode", "programCode", "minutesPerHour")
    DO UPDATE SET "enrollments" = rc."enrollments" + EXCLUDED."enrollments", "minutes" = rc."minutes" + EXCLUDED."minutes", "persons" = rc."persons" + EXCLUDED."persons";
END $$;

-- A rollup row's part in its cell: counted when its net minutes are > 0 (the definition of 人次).
CREATE FUNCTION "xx_cell_delta_of"(r "HourRollup", sign INTEGER) RETURNS "xx_cell_delta" LANGUAGE sql IMMUTABLE AS $$
  SELECT ROW(r."grain", r."periodStart", r."personId", r."personRegionPath", r."personRegionCode", COALESCE(r."personOrganizationCode", ''),
             r."programCode", r."minutesPerHour", sign, sign * r."minutes")::"xx_cell_delta"
$$;

CREATE FUNCTION "xx_rollup_cells_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "xx_rollup_cells_apply"(ARRAY(SELECT "xx_cell_delta_of"(n, 1) FROM new_rows n WHERE n."minutes" > 0));
  RETURN NULL;
END $$;
CREATE FUNCTION "xx_rollup_cells_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "xx_rollup_cells_apply"(ARRAY(
    SELECT "xx_cell_delta_of"(n, 1) FROM new_rows n WHERE n."minutes" > 0
    UNION ALL
    SELECT "xx_cell_delta_of"(o, -1) FROM old_rows o WHERE o."minutes" > 0));
  RETURN NULL;
END $$;
CREATE FUNCTION "xx_rollup_cells_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "xx_rollup_cells_apply"(ARRAY(SELECT "xx_cell_delta_of"(o, -1) FROM old_rows o WHERE o."minutes" > 0));
  RETURN NULL;
END $$;
CREATE FUNCTION "xx_rollup_cells_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE "RollupCell", "RollupPresence";
  RETURN NULL;
END $$;

CREATE TRIGGER "HourRollup_cells_insert" AFTER INSERT ON "HourRollup"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "xx_rollup_cells_insert"();
CREATE TRIGGER "HourRollup_cells_update" AFTER UPDATE ON "HourRollup"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "xx_rollup_cells_update"();
CREATE TRIGGER "HourRollup_cells_delete" AFTER DELETE ON "HourRollup"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "xx_rollup_cells_delete"();
CREATE TRIGGER "HourRollup_cells_truncate" AFTER TRUNCATE ON "HourRollup"
  FOR EACH STATEMENT EXECUTE FUNCTION "xx_rollup_cells_truncate"();

-- The cells of the rollup already there.
SELECT "xx_rollup_cells_apply"(ARRAY(SELECT "xx_cell_delta_of"(r, 1) FROM "HourRollup" r WHERE r."minutes" > 0));

-- The people a region's scope sees although their home is elsewhere: enrolled in a class or round
-- of the region (the reading rule, DESIGN.md §11). The cells count people by home, so these few
-- are read from the rollup: the rows whose person's home and group's region part at a depth above
-- the scope's (paths' common leading segments), found by this index without reading the others.
CREATE FUNCTION "xx_path_common_depth"(a TEXT, b TEXT) RETURNS INTEGER LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  x TEXT[] := string_to_array(btrim(a, '/'), '/');
  y TEXT[] := string_to_array(btrim(b, '/'), '/');
  i INTEGER := 0;
BEGIN
  WHILE i < least(cardinality(x), cardinality(y)) AND x[i + 1] = y[i + 1] LOOP
    i := i + 1;
  END LOOP;
  RETURN i;
END $$;

CREATE INDEX "HourRollup_outsiders_idx" ON "HourRollup" ("grain", "periodStart", "xx_path_common_depth"("personRegionPath", "groupRegionPath"), ("groupRegionPath" COLLATE "C"));
