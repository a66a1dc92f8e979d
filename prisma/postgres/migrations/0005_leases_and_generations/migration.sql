-- Issue 14: the secret generation that encrypted each entry (counts per
-- generation), and refresh leases on entries.

-- AlterTable
ALTER TABLE "Entry" ADD COLUMN "secretGeneration" TEXT;

-- CreateTable
CREATE TABLE "EntryLease" (
    "storeRef" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "acquiredAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EntryLease_pkey" PRIMARY KEY ("storeRef","keyHash")
);

-- CreateIndex
CREATE INDEX "Entry_storeRef_secretGeneration_expiresAt_idx" ON "Entry"("storeRef", "secretGeneration", "expiresAt");

-- CreateIndex
CREATE INDEX "EntryLease_expiresAt_idx" ON "EntryLease"("expiresAt");

-- AddForeignKey
ALTER TABLE "EntryLease" ADD CONSTRAINT "EntryLease_storeRef_fkey" FOREIGN KEY ("storeRef") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;
