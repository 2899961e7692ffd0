-- LessonProgress (20261201610000) was made without foreign keys: a row could outlive its person or
-- lesson, or name neither. It now has both, cascading (a reading of a lesson or by a person that no
-- longer exists means nothing); rows that already name no one are dropped first.
DELETE FROM "LessonProgress" lp
 WHERE NOT EXISTS (SELECT 1 FROM "Person" p WHERE p."id" = lp."personId")
    OR NOT EXISTS (SELECT 1 FROM "Lesson" l WHERE l."id" = lp."lessonId");

ALTER TABLE "LessonProgress"
  ADD CONSTRAINT "LessonProgress_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE,
  ADD CONSTRAINT "LessonProgress_lessonId_fkey" FOREIGN KEY ("lessonId") REFERENCES "Lesson"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE INDEX "LessonProgress_lessonId_idx" ON "LessonProgress"("lessonId");
