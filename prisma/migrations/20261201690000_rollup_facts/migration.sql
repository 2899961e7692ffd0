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

UPDATE "HourRollup" r SET
  "personId" = f."personId", "personRegionPath" = f."personRegionPath", "personRegionCode" = f."personRegionCode",
  "personOrganizationId" = f."personOrganizationId", "personOrganizationCode" = f."personOrganizationCode",
  "groupCode" = f."groupCode", "groupRegionPath" = f."groupRegionPath", "groupOrganizationId" = f."groupOrganizationId",
  "groupTags" = f."groupTags", "majorCode" = f."majorCode", "programCode" = f."programCode", "minutesPerHour" = f."minutesPerHour"
  FROM "EnrollmentFact" f WHERE f."enrollmentId" = r."enrollmentId";

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

-- The quarters of the ledger already there.
INSERT INTO "HourRollup" ("grain", "periodStart", "enrollmentId", "minutes",
    "personId", "personRegionPath", "personRegionCode", "personOrganizationId", "personOrganizationCode",
    "groupCode", "groupRegionPath", "groupOrganizationId", "groupTags", "majorCode", "programCode", "minutesPerHour")
SELECT 'quarter', s.start, s."enrollmentId", s.minutes,
       f."personId", f."personRegionPath", f."personRegionCode", f."personOrganizationId", f."personOrganizationCode",
       f."groupCode", f."groupRegionPath", f."groupOrganizationId", f."groupTags", f."majorCode", f."programCode", f."minutesPerHour"
  FROM (SELECT date_trunc('quarter', h."occurredOn"::timestamp)::date AS start, h."enrollmentId", SUM(h."minutes") AS minutes
          FROM "HourEntry" h GROUP BY 1, 2) s
  LEFT JOIN "EnrollmentFact" f ON f."enrollmentId" = s."enrollmentId";

-- An enrollment's rollup rows, for the refresh below.
CREATE INDEX "HourRollup_enrollmentId_idx" ON "HourRollup"("enrollmentId");

-- The ledger's trigger: the facts are read under FOR SHARE first, so a concurrent change of the
-- enrollment's facts (a person moved, a round re-tagged: xx_enrollment_fact_refresh locks the fact
-- rows FOR UPDATE) either waits for this insert — and then refreshes the rows it wrote — or is
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
  ON CONFLICT ("grain", "periodStart", "enrollmentId") DO UPDATE SET
    "minutes" = "HourRollup"."minutes" + EXCLUDED."minutes",
    "personId" = EXCLUDED."personId",
    "personRegionPath" = EXCLUDED."personRegionPath",
    "personRegionCode" = EXCLUDED."personRegionCode",
    "personOrganizationId" = EXCLUDED."personOrganizationId",
    "personOrganizationCode" = EXCLUDED."personOrganizationCode",
    "groupCode" = EXCLUDED."groupCode",
    "groupRegionPath" = EXCLUDED."groupRegionPath",
    "groupOrganizationId" = EXCLUDED."groupOrganizationId",
    "groupTags" = EXCLUDED."groupTags",
    "majorCode" = EXCLUDED."majorCode",
    "programCode" = EXCLUDED."programCode",
    "minutesPerHour" = EXCLUDED."minutesPerHour";
  RETURN NULL;
END $$;

-- The facts' refresh (migration 20261201650000) now also rewrites the copies in the enrollments'
-- rollup rows, in the same transaction, after the fact rows are locked and written.
CREATE OR REPLACE FUNCTION "xx_enrollment_fact_refresh"(ids TEXT[], new_enrollments BOOLEAN) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF ids IS NULL OR cardinality(ids) = 0 THEN RETURN; END IF;
  IF new_enrollments THEN
    PERFORM 1 FROM "Person" p WHERE p."id" IN (SELECT e."personId" FROM "Enrollment" e WHERE e."id" = ANY(ids)) ORDER BY p."id" FOR SHARE;
    PERFORM 1 FROM "Group" g WHERE g."id" IN (SELECT e."groupId" FROM "Enrollment" e WHERE e."id" = ANY(ids)) ORDER BY g."id" FOR SHARE;
  ELSE
    PERFORM 1 FROM "EnrollmentFact" f WHERE f."enrollmentId" = ANY(ids) ORDER BY f."enrollmentId" FOR UPDATE;
  END IF;
  INSERT INTO "EnrollmentFact" ("enrollmentId", "personId", "personRegionPath", "personRegionCode", "personOrganizationId",
      "personOrganizationCode", "groupId", "groupCode", "groupRegionPath", "groupOrganizationId", "groupTags", "majorCode",
      "programCode", "minutesPerHour")
  SELECT e."id", e."personId", pr."path", pr."code", p."organizationId", po."code", g."id", g."code", gr."path",
         g."organizationId", g."tags", mj."code", prog."code", prog."minutesPerHour"
    FROM "Enrollment" e
    JOIN "Person" p ON p."id" = e."personId"
    JOIN "Region" pr ON pr."id" = p."regionId"
    LEFT JOIN "Organization" po ON po."id" = p."organizationId"
    JOIN "Group" g ON g."id" = e."groupId"
    JOIN "Region" gr ON gr."id" = g."regionId"
    LEFT JOIN "Major" mj ON mj."id" = g."majorId"
    JOIN "Program" prog ON prog."id" = e."programId"
   WHERE e."id" = ANY(ids)
   ORDER BY e."id"
  ON CONFLICT ("enrollmentId") DO UPDATE SET
    "personId" = EXCLUDED."personId",
    "personRegionPath" = EXCLUDED."personRegionPath",
    "personRegionCode" = EXCLUDED."personRegionCode",
    "personOrganizationId" = EXCLUDED."personOrganizationId",
    "personOrganizationCode" = EXCLUDED."personOrganizationCode",
    "groupId" = EXCLUDED."groupId",
    "groupCode" = EXCLUDED."groupCode",
    "groupRegionPath" = EXCLUDED."groupRegionPath",
    "groupOrganizationId" = EXCLUDED."groupOrganizationId",
    "groupTags" = EXCLUDED."groupTags",
    "majorCode" = EXCLUDED."majorCode",
    "programCode" = EXCLUDED."programCode",
    "minutesPerHour" = EXCLUDED."minutesPerHour";
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
