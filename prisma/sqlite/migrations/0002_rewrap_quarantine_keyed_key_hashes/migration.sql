-- Rewrap heals around bad rows (QuarantinedEntry, RewrapJob progress
-- columns) and server-key hashes keyed by the root key (ServerKey.tokenDigest;
-- existing hashes are re-keyed at start, by lib/server-keys/hash.ts, which
-- needs the root key and so cannot run here).

-- AlterTable
ALTER TABLE "ServerKey" ADD COLUMN "tokenDigest" BLOB;

-- AlterTable (columns with defaults: no table rebuild needed)
ALTER TABLE "RewrapJob" ADD COLUMN "cursorVersion" INTEGER;
ALTER TABLE "RewrapJob" ADD COLUMN "moved" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "RewrapJob" ADD COLUMN "quarantined" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "RewrapJob" ADD COLUMN "ratePerSecond" REAL;

-- CreateTable
CREATE TABLE "QuarantinedEntry" (
    "storeRef" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "masterKeyVersion" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "foundAt" DATETIME NOT NULL,
    "confirmedAt" DATETIME,

    PRIMARY KEY ("storeRef", "keyHash"),
    CONSTRAINT "QuarantinedEntry_storeRef_fkey" FOREIGN KEY ("storeRef") REFERENCES "Store" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "QuarantinedEntry_masterKeyVersion_idx" ON "QuarantinedEntry"("masterKeyVersion");
