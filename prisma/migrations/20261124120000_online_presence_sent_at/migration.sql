-- The client's sentAt of the presence's last credited beat: a credit is never
-- more than the time the page itself says passed between two beats.
ALTER TABLE "OnlinePresence" ADD COLUMN "lastSentAt" TIMESTAMPTZ(3);
