-- Issue 12 (DESIGN.md §7, the bureau dashboard's budget): what the person-time
-- figures group and filter by, one narrow row per enrollment, so that a
-- dashboard query joins the rollup rows it counts to ONE table instead of to
-- Enrollment, Person, Region (twice), Group, Program, Organization and Major
-- (bench/README.md "npm run bench:dashboard"; docs/decisions/013-person-time-facts.md).
--
-- A copy, so it must never be off: every column is computed by one function
-- (xx_enrollment_fact_refresh) from the same joins the queries used before,
-- called by the triggers below whenever an input changes, in the same
-- transaction as the change; the backfill at the end uses the same function.

CREATE TABLE "EnrollmentFact" (
    "enrollmentId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    -- the person's home region (reading scope, county/township keys) and school
    "personRegionPath" TEXT NOT NULL,
    "personRegionCode" TEXT NOT NULL,
    "personOrganizationId" TEXT,
    "personOrganizationCode" TEXT,
    -- the class or round (acting scope, group/major keys, round tags)
    "groupId" TEXT NOT NULL,
    "groupCode" TEXT NOT NULL,
    "groupRegionPath" TEXT NOT NULL,
    "groupOrganizationId" TEXT,
    "groupTags" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "majorCode" TEXT,
    -- the enrollment's program (program key and filter; minutes per 学时 for 人学时)
    "programCode" TEXT NOT NULL,
    "minutesPerHour" INTEGER NOT NULL,
    CONSTRAINT "EnrollmentFact_pkey" PRIMARY KEY ("enrollmentId")
);
CREATE INDEX "EnrollmentFact_personId_idx" ON "EnrollmentFact"("personId");
CREATE INDEX "EnrollmentFact_groupId_idx" ON "EnrollmentFact"("groupId");
ALTER TABLE "EnrollmentFact" ADD CONSTRAINT "EnrollmentFact_enrollmentId_fkey"
  FOREIGN KEY ("enrollmentId") REFERENCES "Enrollment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- (Re)computes the facts of the given enrollments from their sources.
-- `new_enrollments`: called for enrollments being inserted (or re-pointed to
-- another person, group or program). Their people and groups are locked FOR
-- SHARE first, so a concurrent change of the person's region or school or the
-- group's region, school, tags or major either waits for this transaction
-- (and its trigger then sees the new enrollment) or is waited for (and is
-- read here once committed). Otherwise (a source changed) the fact rows are
-- locked first, so two concurrent changes touching the same enrollment
-- refresh it one after the other, the second reading what the first committed.
CREATE FUNCTION "xx_enrollment_fact_refresh"(ids TEXT[], new_enrollments BOOLEAN) RETURNS void LANGUAGE plpgsql AS $$
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
END $$;

-- New enrollments: once per statement (createMany, the roster import, the bench's INSERT … SELECT).
CREATE FUNCTION "xx_enrollment_fact_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "xx_enrollment_fact_refresh"(ARRAY(SELECT n."id" FROM new_rows n), true);
  RETURN NULL;
END $$;
CREATE TRIGGER "Enrollment_fact_insert" AFTER INSERT ON "Enrollment"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "xx_enrollment_fact_insert"();

-- The sources that can change afterwards: one row trigger each (a column list
-- cannot go with a transition table), firing only when a copied column changes.
CREATE FUNCTION "xx_enrollment_fact_source"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'Enrollment' THEN
    PERFORM "xx_enrollment_fact_refresh"(ARRAY[NEW."id"], true);
  ELSIF TG_TABLE_NAME = 'Person' THEN
    PERFORM "xx_enrollment_fact_refresh"(ARRAY(SELECT e."id" FROM "Enrollment" e WHERE e."personId" = NEW."id"), false);
  ELSIF TG_TABLE_NAME = 'Group' THEN
    PERFORM "xx_enrollment_fact_refresh"(ARRAY(SELECT e."id" FROM "Enrollment" e WHERE e."groupId" = NEW."id"), false);
  ELSIF TG_TABLE_NAME = 'Program' THEN
    PERFORM "xx_enrollment_fact_refresh"(ARRAY(SELECT e."id" FROM "Enrollment" e WHERE e."programId" = NEW."id"), false);
  ELSIF TG_TABLE_NAME = 'Organization' THEN
    PERFORM "xx_enrollment_fact_refresh"(ARRAY(
      SELECT e."id" FROM "Enrollment" e JOIN "Person" p ON p."id" = e."personId" WHERE p."organizationId" = NEW."id"), false);
  ELSIF TG_TABLE_NAME = 'Major' THEN
    PERFORM "xx_enrollment_fact_refresh"(ARRAY(
      SELECT e."id" FROM "Enrollment" e JOIN "Group" g ON g."id" = e."groupId" WHERE g."majorId" = NEW."id"), false);
  ELSIF TG_TABLE_NAME = 'Region' THEN
    PERFORM "xx_enrollment_fact_refresh"(ARRAY(
      SELECT e."id" FROM "Enrollment" e JOIN "Person" p ON p."id" = e."personId" WHERE p."regionId" = NEW."id"
      UNION
      SELECT e."id" FROM "Enrollment" e JOIN "Group" g ON g."id" = e."groupId" WHERE g."regionId" = NEW."id"), false);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Enrollment_fact_source" AFTER UPDATE OF "personId", "groupId", "programId" ON "Enrollment" FOR EACH ROW
  WHEN (OLD."personId" IS DISTINCT FROM NEW."personId" OR OLD."groupId" IS DISTINCT FROM NEW."groupId" OR OLD."programId" IS DISTINCT FROM NEW."programId")
  EXECUTE FUNCTION "xx_enrollment_fact_source"();
CREATE TRIGGER "Person_fact_source" AFTER UPDATE OF "regionId", "organizationId" ON "Person" FOR EACH ROW
  WHEN (OLD."regionId" IS DISTINCT FROM NEW."regionId" OR OLD."organizationId" IS DISTINCT FROM NEW."organizationId")
  EXECUTE FUNCTION "xx_enrollment_fact_source"();
CREATE TRIGGER "Group_fact_source" AFTER UPDATE OF "code", "regionId", "organizationId", "tags", "majorId" ON "Group" FOR EACH ROW
  WHEN (OLD."code" IS DISTINCT FROM NEW."code" OR OLD."regionId" IS DISTINCT FROM NEW."regionId"
        OR OLD."organizationId" IS DISTINCT FROM NEW."organizationId" OR OLD."tags" IS DISTINCT FROM NEW."tags"
        OR OLD."majorId" IS DISTINCT FROM NEW."majorId")
  EXECUTE FUNCTION "xx_enrollment_fact_source"();
CREATE TRIGGER "Program_fact_source" AFTER UPDATE OF "code", "minutesPerHour" ON "Program" FOR EACH ROW
  WHEN (OLD."code" IS DISTINCT FROM NEW."code" OR OLD."minutesPerHour" IS DISTINCT FROM NEW."minutesPerHour")
  EXECUTE FUNCTION "xx_enrollment_fact_source"();
CREATE TRIGGER "Organization_fact_source" AFTER UPDATE OF "code" ON "Organization" FOR EACH ROW
  WHEN (OLD."code" IS DISTINCT FROM NEW."code")
  EXECUTE FUNCTION "xx_enrollment_fact_source"();
CREATE TRIGGER "Major_fact_source" AFTER UPDATE OF "code" ON "Major" FOR EACH ROW
  WHEN (OLD."code" IS DISTINCT FROM NEW."code")
  EXECUTE FUNCTION "xx_enrollment_fact_source"();
CREATE TRIGGER "Region_fact_source" AFTER UPDATE OF "code", "path" ON "Region" FOR EACH ROW
  WHEN (OLD."code" IS DISTINCT FROM NEW."code" OR OLD."path" IS DISTINCT FROM NEW."path")
  EXECUTE FUNCTION "xx_enrollment_fact_source"();

-- The enrollments already there.
SELECT "xx_enrollment_fact_refresh"(ARRAY(SELECT e."id" FROM "Enrollment" e), false);
