// What a dashboard page needs before it is sent: the signed-in account, the
// project (with the caller's role) and the page's data, read straight from
// the services the JSON routes call, and put into a TanStack Query cache
// under the same keys the client hooks use. The page sends that cache along
// (HydrationBoundary), so a full load shows the data at first paint and the
// hooks carry on from there. Each read is cached per request (React cache),
// so a layout, a page and generateMetadata share one query.
import "server-only";
import { configuredPublicUrl } from "./public-url";
import { queryAuditEvents } from "@/lib/audit/query";
import { QueryClient, dehydrate, type DehydratedState, type QueryKey } from "@tanstack/react-query";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { cache } from "react";
import { getSessionUser } from "@/lib/auth/session";
import { listMembers } from "@/lib/projects/members";
import { getProject, listProjects } from "@/lib/projects/service";
import { listServerKeys } from "@/lib/server-keys/service";
import { VaultError } from "@/lib/vault/errors";
import { getRewrapStatus, getRotationPolicy, listMasterKeys, nextRotation } from "@/lib/vault/keyring";
import { listQuarantine } from "@/lib/vault/quarantine";
import { getStore, getStoreActivity } from "@/lib/vault/stores";
import { listStores } from "@/lib/vault/stores";
import { masterKeyKeys } from "@/components/master-keys/api";
import { projectKeys } from "@/components/projects/api";
import { serverKeyKeys } from "@/components/server-keys/api";
import { storeKeys } from "@/components/stores/api";
import { DEFAULT_ACTIVITY_DAYS, idParam, storeIdSchema, type ActivityDays } from "./schemas";

export const sessionUser = cache(getSessionUser);

/** When this request was rendered (components print relative times against it while hydrating). */
export const renderTime = cache(() => Date.now());

const notFoundCode = (e: unknown) => e instanceof VaultError && /NOT_FOUND$/.test(e.code);

/** The project as its member sees it, or null (no such project, not a member, not signed in). */
export const loadProject = cache(async (projectId: string) => {
  const user = await sessionUser();
  if (!user || !idParam.safeParse(projectId).success) return null;
  try {
    return await getProject(projectId, user.id);
  } catch (e) {
    if (notFoundCode(e)) return null;
    throw e;
  }
});

/** The store with its activity, or null. Only after loadProject said the caller is a member. */
/** A store page's data, as GET /api/dashboard/projects/{p}/stores/{s} answers it: the store, its activity, its latest audit events. */
export async function storeDetail(projectId: string, storeId: string, days: ActivityDays) {
  const store = await getStore(projectId, storeId);
  const [activity, { events }] = await Promise.all([
    getStoreActivity(projectId, storeId, days),
    queryAuditEvents({ projectId, storeId }, { limit: 10 }),
  ]);
  return { store, activity, events };
}

export const loadStore = cache(async (projectId: string, storeId: string, days: ActivityDays) => {
  if (!(await loadProject(projectId)) || !storeIdSchema.safeParse(storeId).success) return null;
  try {
    return await storeDetail(projectId, storeId, days);
  } catch (e) {
    if (notFoundCode(e)) return null;
    throw e;
  }
});

/** The master-key overview as GET /api/dashboard/admin/master-keys answers it. */
export async function masterKeyOverview() {
  const [keys, rewrap, quarantine, next] = await Promise.all([listMasterKeys(), getRewrapStatus(), listQuarantine(100), nextRotation()]);
  return { keys, rewrap, quarantine, policy: getRotationPolicy(), nextRotation: next };
}

/** A query cache filled on the server, sent to the browser with the page. */
export class Prefetch {
  private readonly client = new QueryClient();

  set(key: QueryKey, data: unknown): this {
    this.client.setQueryData(key, data);
    return this;
  }

  state(): DehydratedState {
    return dehydrate(this.client);
  }
}

export async function prefetchProjects(): Promise<DehydratedState> {
  const user = await sessionUser();
  const p = new Prefetch();
  if (user) p.set(projectKeys.list(), await listProjects(user.id));
  return p.state();
}

/** The project (for its frame); a project you cannot see is the 404 page. */
export async function prefetchProject(projectId: string): Promise<DehydratedState> {
  const project = await loadProject(projectId);
  if (!project) notFound();
  return new Prefetch().set(projectKeys.detail(projectId), project).state();
}

async function memberOnly(projectId: string) {
  if (!(await loadProject(projectId))) notFound();
}

export async function prefetchStores(projectId: string): Promise<DehydratedState> {
  await memberOnly(projectId);
  return new Prefetch().set(storeKeys.list(projectId), await listStores(projectId)).state();
}

export async function prefetchStore(projectId: string, storeId: string, days: ActivityDays = DEFAULT_ACTIVITY_DAYS): Promise<DehydratedState> {
  const detail = await loadStore(projectId, storeId, days);
  if (!detail) notFound();
  return new Prefetch().set(storeKeys.detail(projectId, storeId, days), detail).state();
}

export async function prefetchServerKeys(projectId: string): Promise<DehydratedState> {
  await memberOnly(projectId);
  return new Prefetch().set(serverKeyKeys.list(projectId), await listServerKeys(projectId)).state();
}

export async function prefetchMembers(projectId: string): Promise<DehydratedState> {
  await memberOnly(projectId);
  return new Prefetch().set(projectKeys.members(projectId), await listMembers(projectId)).state();
}

export async function prefetchMasterKeys(): Promise<DehydratedState> {
  return new Prefetch().set(masterKeyKeys.overview(), await masterKeyOverview()).state();
}

/** This dashboard's origin as the browser sees it (for the SDK snippets' baseUrl). */
export async function requestOrigin(): Promise<string> {
  // The configured public URL when there is one (what users should paste);
  // else the Host this page was asked for (proxy.ts already checked it).
  const configured = configuredPublicUrl();
  if (configured) return configured;
  const host = (await headers()).get("host");
  return host ? `http://${host}` : "http://localhost:3000";
}
