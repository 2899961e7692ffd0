-- Lessons written in the coordinators' Tiptap editor (issue 13) live beside the
-- ones content:sync loads from content/catalog; the sync retires only its own.
-- Every lesson stored so far came from content:sync.
ALTER TABLE "Lesson" ADD COLUMN "fromContent" BOOLEAN NOT NULL DEFAULT false;
UPDATE "Lesson" SET "fromContent" = true;
