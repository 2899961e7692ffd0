-- Issue 17: an account for everyone who learns, one phone of record on Person,
-- SMS codes and printed sign-in cards.

CREATE TYPE "SignInMethod" AS ENUM ('password', 'sms', 'card');
CREATE TYPE "SmsCodePurpose" AS ENUM ('sign_in', 'password_reset', 'sensitive_change');

-- The phone of record moves to Person. A user linked to a person hands its
-- phone HMAC over (so it still signs in by phone); a staff account without a
-- person loses phone sign-in (staff sign in with passwords, DESIGN.md §11).
-- Persons whose phone was stored encrypted but without an HMAC get theirs at
-- start-up (backfillPhoneHmacs: the key is not known to SQL).
ALTER TABLE "Person" ADD COLUMN "phoneHmac" TEXT;
UPDATE "Person" p SET "phoneHmac" = u."phoneHmac"
  FROM "User" u
  WHERE u."personId" = p."id" AND u."phoneHmac" IS NOT NULL;
CREATE UNIQUE INDEX "Person_phoneHmac_key" ON "Person"("phoneHmac");
DROP INDEX "User_phoneHmac_key";
ALTER TABLE "User" DROP COLUMN "phoneHmac";

ALTER TABLE "User" ADD COLUMN "email" TEXT;
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
ALTER TABLE "User" ALTER COLUMN "passwordHash" DROP NOT NULL;
ALTER TABLE "User" ADD COLUMN "lastSignInAt" TIMESTAMPTZ(3);

ALTER TABLE "Session" ADD COLUMN "method" "SignInMethod" NOT NULL DEFAULT 'password';

CREATE TABLE "SmsCode" (
    "id" TEXT NOT NULL,
    "phoneHmac" TEXT NOT NULL,
    "purpose" "SmsCodePurpose" NOT NULL,
    "userId" TEXT,
    "codeHmac" TEXT,
    "ip" TEXT,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "usedAt" TIMESTAMPTZ(3),
    "failedAttempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SmsCode_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "SmsCode_phoneHmac_createdAt_idx" ON "SmsCode"("phoneHmac", "createdAt");
CREATE INDEX "SmsCode_ip_createdAt_idx" ON "SmsCode"("ip", "createdAt");

CREATE TABLE "SignInCard" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "secretHash" BYTEA NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),
    "revokedById" TEXT,
    "revokeReason" TEXT,
    CONSTRAINT "SignInCard_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "SignInCard_secretHash_key" ON "SignInCard"("secretHash");
CREATE INDEX "SignInCard_userId_idx" ON "SignInCard"("userId");
-- One card in force per account: printing a new one revokes the old one first.
CREATE UNIQUE INDEX "SignInCard_one_active_per_user" ON "SignInCard"("userId") WHERE "revokedAt" IS NULL;
ALTER TABLE "SignInCard" ADD CONSTRAINT "SignInCard_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
