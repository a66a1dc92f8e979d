-- Issue 13: the audit trail (lib/audit) and the server-key "audit" permission.

-- ServerKey.audit: may read entries' access logs. Keys that exist already
-- get what a new key of their kind gets: read-write yes, read-only no.
ALTER TABLE "ServerKey" ADD COLUMN "audit" BOOLEAN NOT NULL DEFAULT false;
UPDATE "ServerKey" SET "audit" = true WHERE "readOnly" = false;

-- AuditEvent: one structured actor, the access-event fields, time-ordered ids.
ALTER TABLE "AuditEvent"
  ADD COLUMN "result" TEXT NOT NULL DEFAULT 'ok',
  ADD COLUMN "status" INTEGER,
  ADD COLUMN "actorType" TEXT NOT NULL DEFAULT 'system',
  ADD COLUMN "actorId" TEXT,
  ADD COLUMN "storeId" TEXT,
  ADD COLUMN "keyHash" TEXT,
  ADD COLUMN "operation" TEXT,
  ADD COLUMN "clientAddress" TEXT,
  ADD COLUMN "requestId" TEXT;

-- Earlier rows named a user or a server key, or nobody (the CLI and the
-- automatic rotation were not told apart): those become "system"/"unrecorded".
UPDATE "AuditEvent" SET
  "actorType" = CASE WHEN "actorUserId" IS NOT NULL THEN 'user' WHEN "actorKeyId" IS NOT NULL THEN 'server_key' ELSE 'system' END,
  "actorId" = COALESCE("actorUserId", "actorKeyId", 'unrecorded'),
  -- 12 hex digits of Unix milliseconds, then 16 hex digits (unique per old id).
  "id" = lpad(to_hex(floor(extract(epoch FROM "createdAt") * 1000)::bigint), 12, '0') || substr(md5("id"), 1, 16);

ALTER TABLE "AuditEvent" ALTER COLUMN "actorType" DROP DEFAULT;
DROP INDEX "AuditEvent_projectId_createdAt_idx";
ALTER TABLE "AuditEvent" DROP COLUMN "actorUserId", DROP COLUMN "actorKeyId";

CREATE INDEX "AuditEvent_projectId_id_idx" ON "AuditEvent"("projectId", "id");
CREATE INDEX "AuditEvent_projectId_storeId_id_idx" ON "AuditEvent"("projectId", "storeId", "id");
CREATE INDEX "AuditEvent_projectId_storeId_keyHash_id_idx" ON "AuditEvent"("projectId", "storeId", "keyHash", "id");
CREATE INDEX "AuditEvent_projectId_actorId_id_idx" ON "AuditEvent"("projectId", "actorId", "id");
CREATE INDEX "AuditEvent_projectId_result_id_idx" ON "AuditEvent"("projectId", "result", "id");
CREATE INDEX "AuditEvent_action_projectId_id_idx" ON "AuditEvent"("action", "projectId", "id");
