-- Issue 12, DESIGN.md §7 (bureau dashboard over 10M hour entries: p95 ≤ 200 ms and ≥ 50× the raw
-- GROUP BY). Every HourRollup row carries its enrollment's facts (the EnrollmentFact columns the
-- figures group and filter by), so a single year, quarter or month — the dashboard's usual
-- question and every period of a trend — is one range scan of the rollup's primary key with no
-- join at all (docs/decisions/014-rollup-carries-facts.md). EnrollmentFact stays the source of
-- these copies and the join partner of the ledger's edge days and of certificates. Quarterly rows
-- (the grain added by 20261201680000) are written from here on and backfilled below.

ALTER TABLE "HourRollup"
  ADD COLUMN "personId" TEXT,
  ADD COLUMN "personRegionPath" TEXT,
  ADD COLUMN "personRegionCode" TEXT,
  ADD COLUMN "personOrganizationId" TEXT,
  ADD COLUMN "personOrganizationCode" TEXT,
  ADD COLUMN "groupCode" TEXT,
  ADD COLUMN "groupRegionPath" TEXT,
  ADD COLUMN "groupOrganizationId" TEXT,
  ADD COLUMN "groupTags" TEXT[],
  ADD COLUMN "majorCode" TEXT,
  ADD COLUMN "programCode" TEXT,
  ADD COLUMN "minutesPerHour" INTEGER;

-- An enrollment's rollup rows, for the copy below.
CREATE INDEX "HourRollup_enrollmentId_idx" ON "HourRollup"("enrollmentId");

-- THE copy: the rollup rows of these enrollments take their facts (only rows that differ are written).
CREATE FUNCTION "xx_rollup_copy_facts"(ids TEXT[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF ids IS NULL OR cardinality(ids) = 0 THEN RETURN; END IF;
  UPDATE "HourRollup" r SET
    "personId" = f."personId", "personRegionPath" = f."personRegionPath", "personRegionCode" = f."personRegionCode",
    "personOrganizationId" = f."personOrganizationId", "personOrganizationCode" = f."personOrganizationCode",
    "groupCode" = f."groupCode", "groupRegionPath" = f."groupRegionPath", "groupOrganizationId" = f."groupOrganizationId",
    "groupTags" = f."groupTags", "majorCode" = f."majorCode", "programCode" = f."programCode", "minutesPerHour" = f."minutesPerHour"
    FROM "EnrollmentFact" f
   WHERE f."enrollmentId" = ANY(ids) AND r."enrollmentId" = f."enrollmentId"
     AND (r."personId", r."personRegionPath", r."personRegionCode", r."personOrganizationId", r."personOrganizationCode", r."groupCode",
          r."groupRegionPath", r."groupOrganizationId", r."groupTags", r."majorCode", r."programCode", r."minutesPerHour")
         IS DISTINCT FROM
         (f."personId", f."personRegionPath", f."personRegionCode", f."personOrganizationId", f."personOrganizationCode", f."groupCode",
          f."groupRegionPath", f."groupOrganizationId", f."groupTags", f."majorCode", f."programCode", f."minutesPerHour");
END $$;

-- The quarters of the ledger already there (their facts come with everyone's below).
INSERT INTO "HourRollup" ("grain", "periodStart", "enrollmentId", "minutes")
SELECT 'quarter', date_trunc('quarter', h."occurredOn"::timestamp)::date, h."enrollmentId", SUM(h."minutes")
  FROM "HourEntry" h GROUP BY 2, 3;

SELECT "xx_rollup_copy_facts"(ARRAY(SELECT f."enrollmentId" FROM "EnrollmentFact" f));

-- A rollup row without facts would be a row the figures cannot see: refused, never silently dropped.
ALTER TABLE "HourRollup"
  ALTER COLUMN "personId" SET NOT NULL,
  ALTER COLUMN "personRegionPath" SET NOT NULL,
  ALTER COLUMN "personRegionCode" SET NOT NULL,
  ALTER COLUMN "groupCode" SET NOT NULL,
  ALTER COLUMN "groupRegionPath" SET NOT NULL,
  ALTER COLUMN "groupTags" SET NOT NULL,
  ALTER COLUMN "groupTags" SET DEFAULT ARRAY[]::TEXT[],
  ALTER COLUMN "programCode" SET NOT NULL,
  ALTER COLUMN "minutesPerHour" SET NOT NULL;

-- Facts change only through xx_enrollment_fact_refresh (migration 20261201650000), which has locked
-- the fact rows (FOR UPDATE, or its upsert) when it writes them; this trigger, in the same statement
-- and transaction, passes the change on to the enrollments' rollup rows. New fact rows have no
-- rollup rows yet.
CREATE FUNCTION "xx_enrollment_fact_to_rollup"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "xx_rollup_copy_facts"(ARRAY(SELECT n."enrollmentId" FROM new_rows n));
  RETURN NULL;
END $$;
CREATE TRIGGER "EnrollmentFact_to_rollup" AFTER UPDATE ON "EnrollmentFact"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "xx_enrollment_fact_to_rollup"();

-- The ledger's trigger: the facts are read under FOR SHARE first, so a concurrent change of the
-- enrollment's facts either waits for this insert — and then rewrites the rows it wrote — or is
-- waited for, and the INSERT below (a statement of its own, a new snapshot) reads it committed.
CREATE OR REPLACE FUNCTION "xx_hour_rollup"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM "EnrollmentFact" f WHERE f."enrollmentId" IN (SELECT n."enrollmentId" FROM new_rows n) ORDER BY f."enrollmentId" FOR SHARE;
  -- One statement per INSERT statement (createMany, COPY batches): rows grouped
  -- first, keys in a fixed order so concurrent writers lock them in the same order.
  INSERT INTO "HourRollup" ("grain", "periodStart", "enrollmentId", "minutes",
      "personId", "personRegionPath", "personRegionCode", "personOrganizationId", "personOrganizationCode",
      "groupCode", "groupRegionPath", "groupOrganizationId", "groupTags", "majorCode", "programCode", "minutesPerHour")
  SELECT s.grain, s.start, s."enrollmentId", s.minutes,
         f."personId", f."personRegionPath", f."personRegionCode", f."personOrganizationId", f."personOrganizationCode",
         f."groupCode", f."groupRegionPath", f."groupOrganizationId", f."groupTags", f."majorCode", f."programCode", f."minutesPerHour"
  FROM (
    SELECT g.grain, g.start, n."enrollmentId", SUM(n."minutes") AS minutes
    FROM new_rows n
    CROSS JOIN LATERAL (VALUES
      ('month'::"RollupGrain", date_trunc('month', n."occurredOn"::timestamp)::date),
      ('quarter'::"RollupGrain", date_trunc('quarter', n."occurredOn"::timestamp)::date),
      ('year'::"RollupGrain", date_trunc('year', n."occurredOn"::timestamp)::date)
    ) AS g(grain, start)
    GROUP BY g.grain, g.start, n."enrollmentId"
  ) s
  LEFT JOIN "EnrollmentFact" f ON f."enrollmentId" = s."enrollmentId"
  ORDER BY s.grain, s.start, s."enrollmentId"
  -- A row already there has the current facts (the trigger above keeps them): only its minutes change.
  ON CONFLICT ("grain", "periodStart", "enrollmentId") DO UPDATE SET "minutes" = "HourRollup"."minutes" + EXCLUDED."minutes";
  RETURN NULL;
END $$;
