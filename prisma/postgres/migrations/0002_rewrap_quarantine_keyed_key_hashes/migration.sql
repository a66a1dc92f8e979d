-- Rewrap heals around bad rows (QuarantinedEntry, RewrapJob progress
-- columns) and server-key hashes keyed by the root key (ServerKey.tokenDigest;
-- existing hashes are re-keyed at start, by lib/server-keys/hash.ts, which
-- needs the root key and so cannot run here).

-- AlterTable
ALTER TABLE "ServerKey" ADD COLUMN "tokenDigest" BYTEA;

-- AlterTable
ALTER TABLE "RewrapJob" ADD COLUMN "cursorVersion" INTEGER,
ADD COLUMN "moved" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "quarantined" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "ratePerSecond" DOUBLE PRECISION;

-- CreateTable
CREATE TABLE "QuarantinedEntry" (
    "storeRef" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "masterKeyVersion" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "foundAt" TIMESTAMP(3) NOT NULL,
    "confirmedAt" TIMESTAMP(3),

    CONSTRAINT "QuarantinedEntry_pkey" PRIMARY KEY ("storeRef","keyHash")
);

-- CreateIndex
CREATE INDEX "QuarantinedEntry_masterKeyVersion_idx" ON "QuarantinedEntry"("masterKeyVersion");

-- AddForeignKey
ALTER TABLE "QuarantinedEntry" ADD CONSTRAINT "QuarantinedEntry_storeRef_fkey" FOREIGN KEY ("storeRef") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;
