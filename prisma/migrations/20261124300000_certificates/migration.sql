-- Issue 5: certificates and gap-free serial counters.

CREATE TYPE "CertificateType" AS ENUM ('graduation', 'completion', 'study_record', 'training');
CREATE TYPE "CertificateStatus" AS ENUM ('pending_verification', 'valid', 'revoked');

CREATE TABLE "Certificate" (
    "id" TEXT NOT NULL,
    "enrollmentId" TEXT NOT NULL,
    "type" "CertificateType" NOT NULL,
    "serial" TEXT NOT NULL,
    "countyCode" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "sequence" INTEGER NOT NULL,
    "verificationCode" TEXT NOT NULL,
    "status" "CertificateStatus" NOT NULL,
    "snapshot" JSONB NOT NULL,
    "issuedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "issuedById" TEXT,
    "verifiedAt" TIMESTAMPTZ(3),
    "verifiedById" TEXT,
    "revokedAt" TIMESTAMPTZ(3),
    "revokedById" TEXT,
    "revokeReason" TEXT,
    "statusListIndex" SERIAL NOT NULL,
    "batchId" TEXT,
    CONSTRAINT "Certificate_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Certificate_revocation_has_reason" CHECK ("status" <> 'revoked' OR ("revokedAt" IS NOT NULL AND length(btrim(coalesce("revokeReason", ''))) > 0))
);
CREATE UNIQUE INDEX "Certificate_serial_key" ON "Certificate"("serial");
CREATE UNIQUE INDEX "Certificate_verificationCode_key" ON "Certificate"("verificationCode");
CREATE UNIQUE INDEX "Certificate_statusListIndex_key" ON "Certificate"("statusListIndex");
CREATE UNIQUE INDEX "Certificate_enrollmentId_type_key" ON "Certificate"("enrollmentId", "type");
CREATE UNIQUE INDEX "Certificate_countyCode_year_type_sequence_key" ON "Certificate"("countyCode", "year", "type", "sequence");
CREATE INDEX "Certificate_status_idx" ON "Certificate"("status");
ALTER TABLE "Certificate" ADD CONSTRAINT "Certificate_enrollmentId_fkey" FOREIGN KEY ("enrollmentId") REFERENCES "Enrollment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
-- Serials are never reused: a certificate is revoked, never deleted.
CREATE TRIGGER "Certificate_no_delete" BEFORE DELETE OR TRUNCATE ON "Certificate"
  FOR EACH STATEMENT EXECUTE FUNCTION "xx_refuse_change"();

CREATE TABLE "SerialCounter" (
    "countyCode" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "type" "CertificateType" NOT NULL,
    "lastValue" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "SerialCounter_pkey" PRIMARY KEY ("countyCode", "year", "type")
);
