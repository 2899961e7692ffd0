-- Issue 13: a person's reading of a lesson. The lesson page records when it was served
-- (for "继续学习" on the home and the lesson's state in the list) and the hash of a one-time
-- token its "学完了" form carries; the form credits the time since then, capped like the
-- heartbeats, once (the token is cleared when taken).
CREATE TABLE "LessonProgress" (
    "personId" TEXT NOT NULL,
    "lessonId" TEXT NOT NULL,
    "firstOpenedAt" TIMESTAMPTZ(3) NOT NULL,
    "lastOpenedAt" TIMESTAMPTZ(3) NOT NULL,
    "openTokenHash" BYTEA,
    "secondsAtOpen" INTEGER NOT NULL DEFAULT 0,
    "completedAt" TIMESTAMPTZ(3),
    "finishedSeconds" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "LessonProgress_pkey" PRIMARY KEY ("personId","lessonId")
);
CREATE INDEX "LessonProgress_personId_lastOpenedAt_idx" ON "LessonProgress"("personId", "lastOpenedAt");
