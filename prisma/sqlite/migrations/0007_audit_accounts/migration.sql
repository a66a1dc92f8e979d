-- Issue 9 (0003) and issue 13 (0006) each gave AuditEvent a column for the
-- client's address; the audit module's "clientAddress" is the one kept.
-- Security events keep their "detail" column. 0003's (action, createdAt)
-- index gives way to 0006's id-ordered ones.
UPDATE "AuditEvent" SET "clientAddress" = COALESCE("clientAddress", "address");
DROP INDEX "AuditEvent_action_createdAt_idx";
ALTER TABLE "AuditEvent" DROP COLUMN "address";
