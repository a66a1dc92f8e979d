// The store, server-key and master-key routes, in-process on real SQLite
// and PostgreSQL with the vault engine underneath. Only the session is
// mocked.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { describeEachProvider } from "@/test/providers";
import { onOneUtcDay } from "@/test/fixtures";
import { getDb } from "@/lib/db/client";
import { putEntry } from "@/lib/vault/entries";
import { clearKeyringCache } from "@/lib/vault/keyring";
import { addMembership, call, makeUser, signInAs } from "./testing";
import * as projects from "@/app/api/dashboard/projects/route";
import * as stores from "@/app/api/dashboard/projects/[projectId]/stores/route";
import * as store from "@/app/api/dashboard/projects/[projectId]/stores/[storeId]/route";
import * as keys from "@/app/api/dashboard/projects/[projectId]/server-keys/route";
import * as key from "@/app/api/dashboard/projects/[projectId]/server-keys/[keyId]/route";
import * as masterKeys from "@/app/api/dashboard/admin/master-keys/route";
import * as rotate from "@/app/api/dashboard/admin/master-keys/rotate/route";
import * as rewrap from "@/app/api/dashboard/admin/master-keys/rewrap/route";
import * as retire from "@/app/api/dashboard/admin/master-keys/retire/route";

vi.mock("next-auth", async (importOriginal) => {
  const { currentSession } = await import("./testing");
  return { ...(await importOriginal<typeof import("next-auth")>()), getServerSession: async () => currentSession() };
});
process.env.NEXTAUTH_SECRET ??= "test-secret-test-secret-test-secret-0123";
process.env.VAULT_ROOT_KEY ??= randomBytes(32).toString("base64");
process.env.DATA_DIR ??= mkdtempSync(path.join(tmpdir(), "dv-dash-"));
process.env.VAULT_BACKGROUND_JOBS = "off";

const hash = () => randomBytes(24).toString("base64url");

describeEachProvider("dashboard vault routes", () => {
  let owner: { id: string; email: string };
  let viewer: { id: string; email: string };
  let outsider: { id: string; email: string };
  let projectId: string;
  let otherProjectId: string;

  beforeAll(async () => {
    clearKeyringCache();
    owner = await makeUser({ admin: true });
    viewer = await makeUser();
    outsider = await makeUser();
    signInAs(owner.id);
    projectId = (await call(projects.POST, { method: "POST", body: { name: "P" } })).body.project.id;
    await addMembership(projectId, viewer.id);
    signInAs(outsider.id);
    otherProjectId = (await call(projects.POST, { method: "POST", body: { name: "Other" } })).body.project.id;
  });

  describe("GET/POST /projects/{projectId}/stores", () => {
    it("creates stores for owners; duplicate and invalid ids are refused per field", async () => {
      signInAs(owner.id);
      const res = await call(stores.POST, {
        method: "POST",
        params: { projectId },
        body: { storeId: "oauth-tokens", displayName: "OAuth tokens", description: "GitHub" },
      });
      expect(res.status).toBe(201);
      expect(res.body.store).toMatchObject({ id: "oauth-tokens", displayName: "OAuth tokens", entryCount: 0 });
      const dup = await call(stores.POST, { method: "POST", params: { projectId }, body: { storeId: "oauth-tokens", displayName: "Again" } });
      expect(dup.status).toBe(409);
      expect(dup.body.error.code).toBe("STORE_EXISTS");
      // Unique without regard to case, said in the field's message; the id stays as created.
      const upper = await call(stores.POST, { method: "POST", params: { projectId }, body: { storeId: "OAuth-Tokens", displayName: "Again" } });
      expect(upper.status).toBe(409);
      expect(upper.body.error.code).toBe("STORE_EXISTS");
      expect(upper.body.error.details).toEqual([{ path: "storeId", message: expect.stringMatching(/"oauth-tokens".*without regard to case/) }]);
      expect((await call(store.GET, { params: { projectId, storeId: "oauth-tokens" } })).status).toBe(200);
      expect((await call(store.GET, { params: { projectId, storeId: "OAuth-Tokens" } })).status).toBe(404);
      const bad = await call(stores.POST, { method: "POST", params: { projectId }, body: { storeId: "-bad", displayName: "" } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(["displayName", "storeId"]);
    });

    it("lists for members; 403 for a member creating; 404 for outsiders", async () => {
      signInAs(viewer.id);
      const list = await call(stores.GET, { params: { projectId } });
      expect(list.status).toBe(200);
      expect(list.body.stores.map((s: { id: string }) => s.id)).toEqual(["oauth-tokens"]);
      expect((await call(stores.POST, { method: "POST", params: { projectId }, body: { storeId: "x", displayName: "X" } })).status).toBe(403);
      signInAs(outsider.id);
      expect((await call(stores.GET, { params: { projectId } })).status).toBe(404);
      expect((await call(stores.POST, { method: "POST", params: { projectId }, body: { storeId: "x", displayName: "X" } })).status).toBe(404);
      // The outsider's own project does not see it either.
      expect((await call(store.GET, { params: { projectId: otherProjectId, storeId: "oauth-tokens" } })).body.error.code).toBe("STORE_NOT_FOUND");
    });
  });

  describe("GET/DELETE /projects/{projectId}/stores/{storeId}", () => {
    it("shows the entry count, the counts per secret generation and 30 days of activity", async () => {
      for (const k of [hash(), hash()]) await putEntry(projectId, "oauth-tokens", k, { value: "ciphertext", expiresAt: null, generation: "uuYKpKNK" });
      await putEntry(projectId, "oauth-tokens", hash(), { value: "ciphertext", expiresAt: null });
      signInAs(viewer.id);
      const res = await call(store.GET, { params: { projectId, storeId: "oauth-tokens" } });
      expect(res.status).toBe(200);
      expect(res.body.store.entryCount).toBe(3);
      expect(res.body.store.generations).toEqual([{ id: "uuYKpKNK", entryCount: 2 }, { id: null, entryCount: 1 }]);
      expect(res.body.activity).toHaveLength(30);
      expect(Object.keys(res.body.activity[0]).sort()).toEqual(["day", "deletes", "misses", "reads", "writes"]);
      // 7, 30 or 90 days, ending today (UTC); anything else is refused. "Today"
      // is the day the request was served on: a request across midnight is repeated.
      for (const days of [7, 90]) {
        const { day: today, value: r } = await onOneUtcDay(() => call(store.GET, { params: { projectId, storeId: "oauth-tokens" }, path: `/api/dashboard/x?days=${days}` }));
        expect(r.body.activity).toHaveLength(days);
        expect(r.body.activity.at(-1).day).toBe(today);
      }
      const bad = await call(store.GET, { params: { projectId, storeId: "oauth-tokens" }, path: "/api/dashboard/x?days=365" });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details[0].path).toBe("days");
      signInAs(outsider.id);
      expect((await call(store.GET, { params: { projectId, storeId: "oauth-tokens" } })).status).toBe(404);
      expect((await call(store.DELETE, { method: "DELETE", params: { projectId, storeId: "oauth-tokens" }, body: { confirmStoreId: "oauth-tokens" } })).status).toBe(404);
      signInAs(viewer.id);
      expect((await call(store.DELETE, { method: "DELETE", params: { projectId, storeId: "oauth-tokens" }, body: { confirmStoreId: "oauth-tokens" } })).status).toBe(403);
    });

    it("deletes with its entries only when the typed id matches", async () => {
      signInAs(owner.id);
      const wrong = await call(store.DELETE, { method: "DELETE", params: { projectId, storeId: "oauth-tokens" }, body: { confirmStoreId: "oauth" } });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.details[0].path).toBe("confirmStoreId");
      const res = await call(store.DELETE, { method: "DELETE", params: { projectId, storeId: "oauth-tokens" }, body: { confirmStoreId: "oauth-tokens" } });
      expect(res.status).toBe(200);
      expect(await getDb().entry.count()).toBe(0);
      const gone = await call(store.GET, { params: { projectId, storeId: "oauth-tokens" } });
      expect(gone.status).toBe(404);
      expect(gone.body.error.code).toBe("STORE_NOT_FOUND");
    });
  });

  describe("GET/POST /projects/{projectId}/server-keys and DELETE .../server-keys/{keyId}", () => {
    let keyId: string;

    it("creates a key, shows the token once, lists it without secrets", async () => {
      signInAs(owner.id);
      await call(stores.POST, { method: "POST", params: { projectId }, body: { storeId: "s1", displayName: "S1" } });
      const res = await call(keys.POST, { method: "POST", params: { projectId }, body: { name: "api", stores: ["s1"], readOnly: true } });
      expect(res.status).toBe(201);
      expect(typeof res.body.token).toBe("string");
      expect(res.body.key).toMatchObject({ name: "api", stores: ["s1"], readOnly: true, revokedAt: null });
      keyId = res.body.key.id;
      signInAs(viewer.id);
      const list = await call(keys.GET, { params: { projectId } });
      expect(list.status).toBe(200);
      expect(list.body.keys).toHaveLength(1);
      expect(JSON.stringify(list.body)).not.toContain(res.body.token);
      expect(list.body.keys[0]).not.toHaveProperty("tokenHash");
    });

    it("validates input: a name, stores null or a non-empty list", async () => {
      signInAs(owner.id);
      const res = await call(keys.POST, { method: "POST", params: { projectId }, body: { name: "", stores: [], readOnly: "no" } });
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(["name", "readOnly", "stores"]);
    });

    it("403 for members, 404 for outsiders and for other projects' keys; owners revoke", async () => {
      signInAs(viewer.id);
      expect((await call(keys.POST, { method: "POST", params: { projectId }, body: { name: "x", stores: null, readOnly: false } })).status).toBe(403);
      expect((await call(key.DELETE, { method: "DELETE", params: { projectId, keyId } })).status).toBe(403);
      signInAs(outsider.id);
      expect((await call(keys.GET, { params: { projectId } })).status).toBe(404);
      expect((await call(key.DELETE, { method: "DELETE", params: { projectId, keyId } })).status).toBe(404);
      // Through their own project, someone else's key id is simply not there.
      const cross = await call(key.DELETE, { method: "DELETE", params: { projectId: otherProjectId, keyId } });
      expect(cross.status).toBe(404);
      signInAs(owner.id);
      expect((await call(key.DELETE, { method: "DELETE", params: { projectId, keyId } })).status).toBe(200);
      expect((await call(keys.GET, { params: { projectId } })).body.keys[0].revokedAt).not.toBeNull();
    });
  });

  describe("admin master-key routes", () => {
    it("are 404 for anyone but the instance admin", async () => {
      signInAs(viewer.id);
      expect((await call(masterKeys.GET)).status).toBe(404);
      expect((await call(rotate.POST, { method: "POST" })).status).toBe(404);
      expect((await call(rewrap.GET)).status).toBe(404);
      expect((await call(retire.POST, { method: "POST", body: { version: 1 } })).status).toBe(404);
      signInAs(null);
      expect((await call(masterKeys.GET)).status).toBe(401);
    });

    it("list versions with the policy, rotate, and report rewrap progress", async () => {
      signInAs(owner.id);
      const before = await call(masterKeys.GET);
      expect(before.status).toBe(200);
      expect(before.body.policy).toMatchObject({ maxAgeDays: expect.any(Number), maxWraps: expect.any(Number) });
      const primary = before.body.keys.find((k: { state: string }) => k.state === "primary");
      const rotated = await call(rotate.POST, { method: "POST" });
      expect(rotated.status).toBe(201);
      expect(rotated.body.version).toBe((primary?.version ?? 0) + 1);
      const status = await call(rewrap.GET);
      expect(status.status).toBe(200);
      expect(["idle", "running", "retiring", "stalled", "done", "failed"]).toContain(status.body.rewrap.state);
      expect(status.body.rewrap).toMatchObject({ quarantine: { total: 0, unconfirmed: 0 }, awaitingConfirmation: expect.any(Array) });
      const after = await call(masterKeys.GET);
      expect(after.body.keys.find((k: { state: string }) => k.state === "primary").version).toBe(rotated.body.version);
      expect(after.body.quarantine).toEqual([]);
      expect(after.body.nextRotation).toMatchObject({ primaryVersion: rotated.body.version, byAgeAt: expect.any(String) });
      // The rotation started the rewrap in the background of this process, and
      // it waits out the retirement grace period (seconds) before it finishes:
      // let it finish here. Left running, it would outlive this block and go on
      // with whatever database the next block points the process at.
      await expect.poll(async () => (await call(rewrap.GET)).body.rewrap.state, { timeout: 60_000, interval: 250 }).toBe("done");
      await expect.poll(() => getDb().lease.findUnique({ where: { name: "rewrap" } }), { timeout: 30_000, interval: 100 }).toBeNull();
    }, 120_000);

    it("retire: refuses the primary, an unknown version and a bad body, in the contract's shape", async () => {
      signInAs(owner.id);
      const primary = (await call(masterKeys.GET)).body.keys.find((k: { state: string }) => k.state === "primary").version;
      const self = await call(retire.POST, { method: "POST", body: { version: primary } });
      expect(self.status).toBe(409);
      expect(self.body.error.code).toBe("CONFLICT");
      expect((await call(retire.POST, { method: "POST", body: { version: 9999 } })).body.error.code).toBe("NOT_FOUND");
      expect((await call(retire.POST, { method: "POST", body: { version: "1" } })).status).toBe(400);
      expect((await call(retire.POST, { method: "POST", body: { version: 1, extra: true } })).status).toBe(400);
    });
  });
});
