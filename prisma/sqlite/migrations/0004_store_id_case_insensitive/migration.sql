-- Store ids are unique within a project without regard to case. Stores
-- created before this migration whose id differs from an older store's only
-- in case keep working: they are marked and left out of the index.
ALTER TABLE "Store" ADD COLUMN "caseDuplicate" BOOLEAN NOT NULL DEFAULT false;

UPDATE "Store" SET "caseDuplicate" = true
WHERE EXISTS (
    SELECT 1 FROM "Store" AS "older"
    WHERE "older"."projectId" = "Store"."projectId"
      AND lower("older"."storeId") = lower("Store"."storeId")
      AND ("older"."createdAt" < "Store"."createdAt" OR ("older"."createdAt" = "Store"."createdAt" AND "older"."id" < "Store"."id"))
);

CREATE UNIQUE INDEX "Store_projectId_storeId_ci_key" ON "Store"("projectId", lower("storeId")) WHERE "caseDuplicate" = false;
