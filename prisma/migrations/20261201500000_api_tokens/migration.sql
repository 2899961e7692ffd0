-- Issue 14: the public API made whole.
--  * ApiToken: integration tokens an admin creates for a service account (a User
--    without a person, its role and scope as grants). The token is
--    "xxt.<id>.<secret>"; only SHA-256(secret) is stored, like a session's.
--  * IdempotencyRecord: the first answer to a POST sent with an Idempotency-Key,
--    one per caller and key (the primary key), with a hash of the request, so a
--    retry answers the same and the same key with another body is refused.
--  * HourEntry_transfer_external_id: POST /api/v1/hours/batch records another
--    platform's days as source 'transfer' with the entry's externalId as
--    sourceRef, unique per enrollment: the same batch sent twice records nothing twice.

CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "secretHash" BYTEA NOT NULL,
    "note" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMPTZ(3),
    "lastUsedIp" TEXT,
    "revokedAt" TIMESTAMPTZ(3),
    "revokedById" TEXT,
    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "ApiToken_userId_idx" ON "ApiToken"("userId");
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "IdempotencyRecord" (
    "callerId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "status" INTEGER,
    "body" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMPTZ(3),
    CONSTRAINT "IdempotencyRecord_pkey" PRIMARY KEY ("callerId", "key")
);
CREATE INDEX "IdempotencyRecord_createdAt_idx" ON "IdempotencyRecord"("createdAt");

CREATE UNIQUE INDEX "HourEntry_transfer_external_id" ON "HourEntry"("enrollmentId", "sourceRef")
  WHERE "source" = 'transfer' AND "sourceRef" IS NOT NULL AND "correctsId" IS NULL;
