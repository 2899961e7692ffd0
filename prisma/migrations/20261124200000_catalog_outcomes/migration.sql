-- Issue 4: course tasks and teaching plans, task completions, exam results,
-- moral evaluation, exemptions, withdrawals, early-graduation requests.

CREATE TYPE "TaskKind" AS ENUM ('assignment', 'practical');
CREATE TYPE "TaskCompletionSource" AS ENUM ('coordinator', 'learner');
CREATE TYPE "ExemptionBasis" AS ENUM ('vocational_certificate', 'skill_certificate', 'competition_award', 'innovation', 'work_experience');
CREATE TYPE "ExemptionMode" AS ENUM ('exempt_study', 'exempt_exam', 'credit', 'waive_internship');
CREATE TYPE "ReviewStatus" AS ENUM ('pending', 'approved', 'rejected');

CREATE TABLE "CourseTask" (
    "id" TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "TaskKind" NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "retiredAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CourseTask_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "CourseTask_courseId_code_key" ON "CourseTask"("courseId", "code");
ALTER TABLE "CourseTask" ADD CONSTRAINT "CourseTask_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "Course"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "PlanItem" (
    "id" TEXT NOT NULL,
    "majorId" TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "retiredAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PlanItem_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "PlanItem_majorId_courseId_key" ON "PlanItem"("majorId", "courseId");
ALTER TABLE "PlanItem" ADD CONSTRAINT "PlanItem_majorId_fkey" FOREIGN KEY ("majorId") REFERENCES "Major"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "PlanItem" ADD CONSTRAINT "PlanItem_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "Course"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "TaskCompletion" (
    "id" TEXT NOT NULL,
    "enrollmentId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "source" "TaskCompletionSource" NOT NULL,
    "recordedById" TEXT,
    "completedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "TaskCompletion_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "TaskCompletion_enrollmentId_taskId_key" ON "TaskCompletion"("enrollmentId", "taskId");
ALTER TABLE "TaskCompletion" ADD CONSTRAINT "TaskCompletion_enrollmentId_fkey" FOREIGN KEY ("enrollmentId") REFERENCES "Enrollment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "TaskCompletion" ADD CONSTRAINT "TaskCompletion_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "CourseTask"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "CourseResult" (
    "id" TEXT NOT NULL,
    "enrollmentId" TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    "score" DECIMAL(5,1) NOT NULL,
    "passed" BOOLEAN NOT NULL,
    "recordedById" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CourseResult_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "CourseResult_score_range" CHECK ("score" >= 0 AND "score" <= 1000)
);
CREATE INDEX "CourseResult_enrollmentId_courseId_idx" ON "CourseResult"("enrollmentId", "courseId");
ALTER TABLE "CourseResult" ADD CONSTRAINT "CourseResult_enrollmentId_fkey" FOREIGN KEY ("enrollmentId") REFERENCES "Enrollment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "CourseResult" ADD CONSTRAINT "CourseResult_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "Course"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "MoralEvaluation" (
    "id" TEXT NOT NULL,
    "enrollmentId" TEXT NOT NULL,
    "passed" BOOLEAN NOT NULL,
    "note" TEXT,
    "recordedById" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MoralEvaluation_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "MoralEvaluation_enrollmentId_idx" ON "MoralEvaluation"("enrollmentId");
ALTER TABLE "MoralEvaluation" ADD CONSTRAINT "MoralEvaluation_enrollmentId_fkey" FOREIGN KEY ("enrollmentId") REFERENCES "Enrollment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "Exemption" (
    "id" TEXT NOT NULL,
    "enrollmentId" TEXT NOT NULL,
    "courseId" TEXT,
    "basis" "ExemptionBasis" NOT NULL,
    "mode" "ExemptionMode" NOT NULL,
    "certificateNo" TEXT,
    "issuer" TEXT,
    "evidenceKey" TEXT,
    "evidenceType" TEXT,
    "credits" DECIMAL(5,1),
    "note" TEXT,
    "status" "ReviewStatus" NOT NULL DEFAULT 'pending',
    "appliedById" TEXT,
    "reviewedById" TEXT,
    "reviewedAt" TIMESTAMPTZ(3),
    "reviewReason" TEXT,
    "idempotencyKey" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Exemption_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Exemption_credits_nonnegative" CHECK ("credits" IS NULL OR "credits" >= 0)
);
CREATE UNIQUE INDEX "Exemption_idempotencyKey_key" ON "Exemption"("idempotencyKey");
CREATE INDEX "Exemption_enrollmentId_idx" ON "Exemption"("enrollmentId");
CREATE INDEX "Exemption_status_createdAt_idx" ON "Exemption"("status", "createdAt");
ALTER TABLE "Exemption" ADD CONSTRAINT "Exemption_enrollmentId_fkey" FOREIGN KEY ("enrollmentId") REFERENCES "Enrollment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Exemption" ADD CONSTRAINT "Exemption_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "Course"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE TABLE "Withdrawal" (
    "id" TEXT NOT NULL,
    "enrollmentId" TEXT NOT NULL,
    "withdrawnOn" DATE NOT NULL,
    "reason" TEXT NOT NULL,
    "recordedById" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Withdrawal_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Withdrawal_enrollmentId_key" ON "Withdrawal"("enrollmentId");
ALTER TABLE "Withdrawal" ADD CONSTRAINT "Withdrawal_enrollmentId_fkey" FOREIGN KEY ("enrollmentId") REFERENCES "Enrollment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "EarlyGraduationRequest" (
    "id" TEXT NOT NULL,
    "enrollmentId" TEXT NOT NULL,
    "status" "ReviewStatus" NOT NULL DEFAULT 'pending',
    "requestedById" TEXT,
    "reviewedById" TEXT,
    "reviewedAt" TIMESTAMPTZ(3),
    "reviewReason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "EarlyGraduationRequest_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "EarlyGraduationRequest_enrollmentId_idx" ON "EarlyGraduationRequest"("enrollmentId");
ALTER TABLE "EarlyGraduationRequest" ADD CONSTRAINT "EarlyGraduationRequest_enrollmentId_fkey" FOREIGN KEY ("enrollmentId") REFERENCES "Enrollment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
