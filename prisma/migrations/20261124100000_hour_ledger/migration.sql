-- Issue 3: policies as stored versions, courses and lessons (online time),
-- the append-only hour ledger, face-to-face sessions and attendance, online
-- credits, self-study logs.

CREATE TYPE "HourCategory" AS ENUM ('concentrated', 'online', 'self_study', 'practical', 'school_based');
CREATE TYPE "HourSource" AS ENUM ('attendance', 'online_tracking', 'self_study_log', 'transfer', 'adjustment');
CREATE TYPE "CourseKind" AS ENUM ('culture', 'skill', 'internship');
CREATE TYPE "AttendanceMethod" AS ENUM ('qr', 'code', 'roster');
CREATE TYPE "SelfStudyStatus" AS ENUM ('pending', 'approved', 'rejected');

CREATE TABLE "Policy" (
    "id" TEXT NOT NULL,
    "programId" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "yaml" TEXT NOT NULL,
    "checksum" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Policy_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Policy_programId_version_key" ON "Policy"("programId", "version");
ALTER TABLE "Policy" ADD CONSTRAINT "Policy_programId_fkey" FOREIGN KEY ("programId") REFERENCES "Program"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "Course" (
    "id" TEXT NOT NULL,
    "programId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "credits" DECIMAL(5,1) NOT NULL DEFAULT 0,
    "kind" "CourseKind" NOT NULL,
    "retiredAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Course_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Course_code_key" ON "Course"("code");
CREATE INDEX "Course_programId_idx" ON "Course"("programId");
ALTER TABLE "Course" ADD CONSTRAINT "Course_programId_fkey" FOREIGN KEY ("programId") REFERENCES "Program"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "Lesson" (
    "id" TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "content" JSONB NOT NULL,
    "nominalMinutes" INTEGER NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "retiredAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Lesson_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Lesson_nominalMinutes_positive" CHECK ("nominalMinutes" > 0)
);
CREATE UNIQUE INDEX "Lesson_code_key" ON "Lesson"("code");
CREATE INDEX "Lesson_courseId_idx" ON "Lesson"("courseId");
ALTER TABLE "Lesson" ADD CONSTRAINT "Lesson_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "Course"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "HourEntry" (
    "id" BIGSERIAL NOT NULL,
    "enrollmentId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "category" "HourCategory" NOT NULL,
    "minutes" INTEGER NOT NULL,
    "occurredOn" DATE NOT NULL,
    "source" "HourSource" NOT NULL,
    "sourceRef" TEXT,
    "correctsId" BIGINT,
    "createdById" TEXT,
    "reason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "HourEntry_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "HourEntry_minutes_nonzero" CHECK ("minutes" <> 0),
    -- corrections and adjustments say why
    CONSTRAINT "HourEntry_reason_required" CHECK (
      ("correctsId" IS NULL AND "source" <> 'adjustment') OR ("reason" IS NOT NULL AND length(btrim("reason")) > 0)
    )
);
CREATE INDEX "HourEntry_enrollmentId_occurredOn_idx" ON "HourEntry"("enrollmentId", "occurredOn");
CREATE INDEX "HourEntry_personId_occurredOn_idx" ON "HourEntry"("personId", "occurredOn");
CREATE INDEX "HourEntry_groupId_occurredOn_idx" ON "HourEntry"("groupId", "occurredOn");
-- one credit per attendance, online day or self-study log: a retry or a race writes nothing twice
CREATE UNIQUE INDEX "HourEntry_one_per_source_row" ON "HourEntry"("source", "sourceRef")
  WHERE "correctsId" IS NULL AND "sourceRef" IS NOT NULL AND "source" IN ('attendance', 'online_tracking', 'self_study_log');
ALTER TABLE "HourEntry" ADD CONSTRAINT "HourEntry_enrollmentId_fkey" FOREIGN KEY ("enrollmentId") REFERENCES "Enrollment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "HourEntry" ADD CONSTRAINT "HourEntry_correctsId_fkey" FOREIGN KEY ("correctsId") REFERENCES "HourEntry"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE TRIGGER "HourEntry_append_only" BEFORE UPDATE OR DELETE ON "HourEntry"
  FOR EACH ROW EXECUTE FUNCTION "xx_refuse_change"();
CREATE TRIGGER "HourEntry_no_truncate" BEFORE TRUNCATE ON "HourEntry"
  FOR EACH STATEMENT EXECUTE FUNCTION "xx_refuse_change"();

CREATE TABLE "ClassSession" (
    "id" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3) NOT NULL,
    "venue" TEXT NOT NULL,
    "plannedMinutes" INTEGER NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "checkinKey" BYTEA NOT NULL,
    "cancelledAt" TIMESTAMPTZ(3),
    "createdById" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ClassSession_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ClassSession_ends_after_start" CHECK ("endsAt" > "startsAt"),
    CONSTRAINT "ClassSession_plannedMinutes_positive" CHECK ("plannedMinutes" > 0)
);
CREATE INDEX "ClassSession_groupId_startsAt_idx" ON "ClassSession"("groupId", "startsAt");
ALTER TABLE "ClassSession" ADD CONSTRAINT "ClassSession_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Group"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "Attendance" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "enrollmentId" TEXT NOT NULL,
    "checkedInAt" TIMESTAMPTZ(3),
    "checkedOutAt" TIMESTAMPTZ(3),
    "method" "AttendanceMethod" NOT NULL,
    "creditedMinutes" INTEGER,
    "recordedById" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Attendance_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Attendance_sessionId_enrollmentId_key" ON "Attendance"("sessionId", "enrollmentId");
CREATE INDEX "Attendance_enrollmentId_idx" ON "Attendance"("enrollmentId");
ALTER TABLE "Attendance" ADD CONSTRAINT "Attendance_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "ClassSession"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Attendance" ADD CONSTRAINT "Attendance_enrollmentId_fkey" FOREIGN KEY ("enrollmentId") REFERENCES "Enrollment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "OnlineCredit" (
    "id" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "lessonId" TEXT NOT NULL,
    "enrollmentId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "seconds" INTEGER NOT NULL DEFAULT 0,
    "lastBeatAt" TIMESTAMPTZ(3),
    "foldedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "OnlineCredit_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "OnlineCredit_seconds_nonnegative" CHECK ("seconds" >= 0)
);
CREATE UNIQUE INDEX "OnlineCredit_personId_lessonId_day_key" ON "OnlineCredit"("personId", "lessonId", "day");
CREATE INDEX "OnlineCredit_enrollmentId_idx" ON "OnlineCredit"("enrollmentId");
ALTER TABLE "OnlineCredit" ADD CONSTRAINT "OnlineCredit_lessonId_fkey" FOREIGN KEY ("lessonId") REFERENCES "Lesson"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "OnlineCredit" ADD CONSTRAINT "OnlineCredit_enrollmentId_fkey" FOREIGN KEY ("enrollmentId") REFERENCES "Enrollment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "OnlinePresence" (
    "personId" TEXT NOT NULL,
    "tabToken" TEXT NOT NULL,
    "lessonId" TEXT NOT NULL,
    "lastSeq" INTEGER NOT NULL,
    "lastBeatAt" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "OnlinePresence_pkey" PRIMARY KEY ("personId")
);

CREATE TABLE "SelfStudyLog" (
    "id" TEXT NOT NULL,
    "enrollmentId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "studiedOn" DATE NOT NULL,
    "minutes" INTEGER NOT NULL,
    "content" TEXT NOT NULL,
    "photoKey" TEXT,
    "status" "SelfStudyStatus" NOT NULL DEFAULT 'pending',
    "reviewedById" TEXT,
    "reviewedAt" TIMESTAMPTZ(3),
    "rejectReason" TEXT,
    "idempotencyKey" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SelfStudyLog_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "SelfStudyLog_minutes_range" CHECK ("minutes" > 0 AND "minutes" <= 1440)
);
CREATE UNIQUE INDEX "SelfStudyLog_idempotencyKey_key" ON "SelfStudyLog"("idempotencyKey");
CREATE INDEX "SelfStudyLog_enrollmentId_status_idx" ON "SelfStudyLog"("enrollmentId", "status");
CREATE INDEX "SelfStudyLog_status_createdAt_idx" ON "SelfStudyLog"("status", "createdAt");
ALTER TABLE "SelfStudyLog" ADD CONSTRAINT "SelfStudyLog_enrollmentId_fkey" FOREIGN KEY ("enrollmentId") REFERENCES "Enrollment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
