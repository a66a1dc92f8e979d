// key create / key list / key revoke. A new key's token is printed once,
// here and nowhere else; lists show only its display prefix.
import "server-only";
import { getDb } from "@/lib/db/client";
import { createServerKey, listServerKeys, revokeServerKey } from "@/lib/server-keys/service";
import { CliError, UsageError, type Command } from "../command";
import { table, when } from "../format";
import { PROJECT_OPTION, resolveProject } from "./projects";

const CLI = { cli: true } as const;

function parseStores(raw: string | undefined): string[] | null {
  if (raw === undefined) return null;
  const ids = raw.split(",").map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0) throw new UsageError("--stores: give store ids separated by commas, or leave it out for all stores");
  return [...new Set(ids)];
}

const scopeText = (stores: string[] | null) => (stores === null ? "all stores" : stores.join(","));

export const keyCreate: Command = {
  name: "key create",
  summary: "create a server key (its token is printed once)",
  options: {
    project: PROJECT_OPTION,
    name: { type: "string", arg: "NAME", description: "what the key is for", required: true },
    stores: { type: "string", arg: "A,B", description: "limit the key to these stores (default: all stores)" },
    "read-only": { type: "boolean", description: "reads only; writes and deletes are refused" },
  },
  details: "The stores must exist. The token is shown only now: with --json it is the \"token\" field.",
  async run(args) {
    const name = args.required("name");
    const stores = parseStores(args.string("stores"));
    const project = await resolveProject(args.required("project"));
    if (stores) {
      // A typo here would make a key that can reach nothing.
      const found = await getDb().store.findMany({ where: { projectId: project.id, storeId: { in: stores } }, select: { storeId: true } });
      const missing = stores.filter((s) => !found.some((f) => f.storeId === s));
      if (missing.length) throw new CliError("STORE_NOT_FOUND", `no store "${missing.join('", "')}" in project "${project.name}"`);
    }
    const { key, token } = await createServerKey(project.id, { name, stores, readOnly: args.flag("read-only") }, CLI);
    return {
      json: { projectId: project.id, key, token },
      text: [
        `Created server key "${key.name}" (id ${key.id}) in "${project.name}": ${scopeText(key.stores)}, ${key.readOnly ? "read-only" : "read-write"}.`,
        "Token (shown only this once; keep it in your app's secret store):",
        token,
      ].join("\n"),
    };
  },
};

export const keyList: Command = {
  name: "key list",
  summary: "list a project's server keys (never their tokens)",
  options: { project: PROJECT_OPTION },
  async run(args) {
    const project = await resolveProject(args.required("project"));
    const keys = await listServerKeys(project.id);
    return {
      json: { projectId: project.id, keys },
      text: table(
        ["id", "name", "prefix", "stores", "access", "created", "last used", "status"],
        keys.map((k) => [
          k.id,
          k.name,
          `${k.displayPrefix}…`,
          scopeText(k.stores),
          k.readOnly ? "read-only" : "read-write",
          when(k.createdAt),
          when(k.lastUsedAt),
          k.revokedAt ? `revoked ${when(k.revokedAt)}` : "active",
        ]),
      ),
    };
  },
};

export const keyRevoke: Command = {
  name: "key revoke",
  summary: "revoke a server key",
  options: {
    project: PROJECT_OPTION,
    id: { type: "string", arg: "KEYID", description: "the key id (see key list)", required: true },
  },
  details: "Takes effect at once on this instance and within VAULT_KEY_CACHE_SECONDS on running servers. Revoking twice is not an error.",
  async run(args) {
    const keyId = args.required("id");
    const project = await resolveProject(args.required("project"));
    await revokeServerKey(project.id, keyId, CLI);
    return { json: { projectId: project.id, keyId, revoked: true }, text: `Revoked server key ${keyId}.` };
  },
};
