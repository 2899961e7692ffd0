-- Issue 18: teacher rounds done right (DESIGN.md §2.2, §11 "Rounds").

-- ─── Enrollment rules per program, as data ───────────────────────────────
-- skills-plus-credential: one active enrollment per person (a class at a time);
-- teacher training: one enrollment per person and round (the unique key on
-- personId + groupId), any number of rounds at once. content:sync sets the
-- rule from content/catalog/programs.yaml.
CREATE TYPE "EnrollmentRule" AS ENUM ('one_active_per_program', 'one_per_group');
ALTER TABLE "Program" ADD COLUMN "enrollmentRule" "EnrollmentRule" NOT NULL DEFAULT 'one_active_per_program';
UPDATE "Program" SET "enrollmentRule" = 'one_per_group' WHERE "code" = 'teacher-training';

-- A partial index cannot look at another table, so each enrollment carries its
-- program's rule: "exclusive" is true when the program allows one active
-- enrollment per person. A trigger derives it from the program on every insert
-- (and on any attempt to set it), and a change of a program's rule is carried
-- to its enrollments, so the flag can never disagree with the program.
ALTER TABLE "Enrollment" ADD COLUMN "exclusive" BOOLEAN NOT NULL DEFAULT true;
UPDATE "Enrollment" e SET "exclusive" = (p."enrollmentRule" = 'one_active_per_program')
  FROM "Program" p WHERE p."id" = e."programId";

CREATE FUNCTION "xx_enrollment_exclusive"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- An unknown program keeps the strict default; the foreign key refuses the row anyway.
  NEW."exclusive" := COALESCE((SELECT p."enrollmentRule" = 'one_active_per_program' FROM "Program" p WHERE p."id" = NEW."programId"), true);
  RETURN NEW;
END;
$$;
CREATE TRIGGER "Enrollment_exclusive_from_program" BEFORE INSERT OR UPDATE OF "programId", "exclusive" ON "Enrollment"
  FOR EACH ROW EXECUTE FUNCTION "xx_enrollment_exclusive"();

CREATE FUNCTION "xx_program_rule_to_enrollments"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Recomputed by the trigger above; refused by the index below when people already hold two active enrollments.
  UPDATE "Enrollment" SET "exclusive" = (NEW."enrollmentRule" = 'one_active_per_program') WHERE "programId" = NEW."id";
  RETURN NULL;
END;
$$;
CREATE TRIGGER "Program_rule_to_enrollments" AFTER UPDATE OF "enrollmentRule" ON "Program"
  FOR EACH ROW WHEN (OLD."enrollmentRule" IS DISTINCT FROM NEW."enrollmentRule") EXECUTE FUNCTION "xx_program_rule_to_enrollments"();

-- Replaces the index that held for every program. Every existing row satisfied
-- the stricter old index, so it satisfies this one.
CREATE UNIQUE INDEX "Enrollment_one_active_if_exclusive" ON "Enrollment"("personId", "programId") WHERE "status" = 'active' AND "exclusive";
DROP INDEX "Enrollment_one_active_per_program";

-- ─── Rounds that close ───────────────────────────────────────────────────
-- A round enrollment becomes `completed` when the round's end date has passed
-- (closeEndedRounds in app/models/rounds.server.ts), with the outcome the
-- requirement engine gave at that moment frozen with it. Enrollments completed
-- before this migration keep a null outcome (it is computed when read).
CREATE TYPE "FinalOutcome" AS ENUM ('round_complete', 'round_incomplete');
ALTER TABLE "Enrollment" ADD COLUMN "finalOutcome" "FinalOutcome";
ALTER TABLE "Enrollment" ADD COLUMN "frozenAt" TIMESTAMPTZ(3);

-- ─── Round programmes and tags ───────────────────────────────────────────
-- Planned 学时 per kind (minutes), adding up to the round's requirement; null
-- when the round has no programme. Tags from a fixed vocabulary (app/domain/rounds.ts).
ALTER TABLE "Group" ADD COLUMN "plannedConcentratedMinutes" INTEGER;
ALTER TABLE "Group" ADD COLUMN "plannedOnlineMinutes" INTEGER;
ALTER TABLE "Group" ADD COLUMN "plannedSchoolBasedMinutes" INTEGER;
ALTER TABLE "Group" ADD COLUMN "tags" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];

-- A round's online modules: teacher-training courses, in order.
CREATE TABLE "RoundCourse" (
    "groupId" TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RoundCourse_pkey" PRIMARY KEY ("groupId", "courseId")
);
CREATE INDEX "RoundCourse_courseId_idx" ON "RoundCourse"("courseId");
ALTER TABLE "RoundCourse" ADD CONSTRAINT "RoundCourse_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Group"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "RoundCourse" ADD CONSTRAINT "RoundCourse_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "Course"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
