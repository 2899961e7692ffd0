-- Issue 13 (PWA): a self-study log's idempotency key is the phone's (made when the form renders, kept with an entry
-- queued offline), so it is unique per person rather than across everyone: the same submission sent twice by one
-- learner is one log, and no key of one learner can ever collide with another's.
DROP INDEX "SelfStudyLog_idempotencyKey_key";
CREATE UNIQUE INDEX "SelfStudyLog_personId_idempotencyKey_key" ON "SelfStudyLog"("personId", "idempotencyKey");
