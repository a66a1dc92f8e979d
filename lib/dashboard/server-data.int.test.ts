// The server prefetch puts into the page exactly what the JSON routes
// answer (the client hooks read both under the same keys), and shows a
// project or store to its members only. In-process on real SQLite and
// PostgreSQL; only the session is mocked.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DehydratedState } from "@tanstack/react-query";
import { beforeAll, expect, it, vi } from "vitest";
import { describeEachProvider } from "@/test/providers";
import { onOneUtcDay } from "@/test/fixtures";
import { clearKeyringCache } from "@/lib/vault/keyring";
import { call, makeUser, signInAs } from "./testing";
import * as projects from "@/app/api/dashboard/projects/route";
import * as project from "@/app/api/dashboard/projects/[projectId]/route";
import * as members from "@/app/api/dashboard/projects/[projectId]/members/route";
import * as stores from "@/app/api/dashboard/projects/[projectId]/stores/route";
import * as store from "@/app/api/dashboard/projects/[projectId]/stores/[storeId]/route";
import * as keys from "@/app/api/dashboard/projects/[projectId]/server-keys/route";
import * as masterKeys from "@/app/api/dashboard/admin/master-keys/route";

vi.mock("next-auth", async (importOriginal) => {
  const { currentSession } = await import("./testing");
  return { ...(await importOriginal<typeof import("next-auth")>()), getServerSession: async () => currentSession() };
});
process.env.NEXTAUTH_SECRET ??= "test-secret-test-secret-test-secret-0123";
process.env.VAULT_ROOT_KEY ??= randomBytes(32).toString("base64");
process.env.DATA_DIR ??= mkdtempSync(path.join(tmpdir(), "dv-prefetch-"));
process.env.VAULT_BACKGROUND_JOBS = "off";

const data = (state: DehydratedState, key: unknown[]) => state.queries.find((q) => JSON.stringify(q.queryKey) === JSON.stringify(key))?.state.data;
// What the browser gets: the wire JSON.
const wire = (v: unknown) => JSON.parse(JSON.stringify(v));

describeEachProvider("server prefetch", () => {
  let sd: typeof import("./server-data");
  let owner: { id: string; email: string };
  let outsider: { id: string; email: string };
  let projectId: string;

  beforeAll(async () => {
    sd = await import("./server-data");
    clearKeyringCache();
    owner = await makeUser({ admin: true });
    outsider = await makeUser();
    signInAs(owner.id);
    projectId = (await call(projects.POST, { method: "POST", body: { name: "Prefetch" } })).body.project.id;
    await call(stores.POST, { method: "POST", params: { projectId }, body: { storeId: "s1", displayName: "S1", description: "d" } });
    await call(keys.POST, { method: "POST", params: { projectId }, body: { name: "k", stores: null, readOnly: false } });
  });

  it("holds what each JSON route answers, under the hooks' keys", async () => {
    signInAs(owner.id);
    const p = { params: { projectId } };
    expect(wire(data(await sd.prefetchProjects(), ["projects", "list"]))).toEqual((await call(projects.GET)).body.projects);
    expect(wire(data(await sd.prefetchProject(projectId), ["projects", "detail", projectId]))).toEqual((await call(project.GET, p)).body.project);
    expect(wire(data(await sd.prefetchStores(projectId), ["projects", projectId, "stores", "list"]))).toEqual((await call(stores.GET, p)).body.stores);
    expect(wire(data(await sd.prefetchServerKeys(projectId), ["projects", projectId, "server-keys", "list"]))).toEqual((await call(keys.GET, p)).body.keys);
    expect(wire(data(await sd.prefetchMembers(projectId), ["projects", "members", projectId]))).toEqual((await call(members.GET, p)).body.members);
    // The store's activity is 30 UTC days ending today: both reads on one day (repeated across midnight).
    const { value: detail } = await onOneUtcDay(async () => ({
      prefetched: data(await sd.prefetchStore(projectId, "s1", 30), ["projects", projectId, "stores", "detail", "s1", 30]),
      answered: (await call(store.GET, { params: { projectId, storeId: "s1" } })).body,
    }));
    expect(wire(detail.prefetched)).toEqual(detail.answered);
    expect(wire(data(await sd.prefetchMasterKeys(), ["master-keys", "overview"]))).toEqual((await call(masterKeys.GET)).body);
  });

  it("a project or store you cannot see is the 404 page", async () => {
    signInAs(outsider.id);
    for (const load of [() => sd.prefetchProject(projectId), () => sd.prefetchStores(projectId), () => sd.prefetchStore(projectId, "s1", 30)]) {
      await expect(load()).rejects.toMatchObject({ digest: expect.stringContaining("404") });
    }
    signInAs(owner.id);
    await expect(sd.prefetchStore(projectId, "S1", 30)).rejects.toMatchObject({ digest: expect.stringContaining("404") });
    await expect(sd.prefetchProject("no such id!")).rejects.toMatchObject({ digest: expect.stringContaining("404") });
  });
});
