-- Which courses and majors content/catalog owns: `npm run content:sync`
-- retires those of them that left the files, and never touches the ones a
-- coordinator created in the UI.
ALTER TABLE "Course" ADD COLUMN "fromContent" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Major" ADD COLUMN "fromContent" BOOLEAN NOT NULL DEFAULT false;
