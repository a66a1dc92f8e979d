// key create / key list / key revoke. A new key's token is printed once,
// here and nowhere else; lists show only its display prefix.
import "server-only";
import { getDb } from "@/lib/db/client";
import { createServerKey, listServerKeys, revokeServerKey } from "@/lib/server-keys/service";
import { CLI_ACTOR } from "@/lib/audit/actor";
import { CliError, UsageError, type Command } from "../command";
import { table, when } from "../format";
import { PROJECT_OPTION, resolveProject } from "./projects";

const CLI = CLI_ACTOR;

function parseStores(raw: string | undefined): string[] | null {
  if (raw === undefined) return null;
  const ids = raw.split(",").map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0) throw new UsageError("--stores: give store ids separated by commas, or leave it out for all stores");
  return [...new Set(ids)];
}

const scopeText = (stores: string[] | null) => (stores === null ? "all stores" : stores.join(","));
const accessText = (k: { readOnly: boolean; audit: boolean }) => `${k.readOnly ? "read-only" : "read-write"}${k.audit ? "+audit" : ""}`;

export const keyCreate: Command = {
  name: "key create",
  summary: "create a server key (its token is printed once)",
  options: {
    project: PROJECT_OPTION,
    name: { type: "string", arg: "NAME", description: "what the key is for", required: true },
    stores: { type: "string", arg: "A,B", description: "limit the key to these stores (default: all stores)" },
    "read-only": { type: "boolean", description: "reads only; writes and deletes are refused" },
    audit: { type: "boolean", description: "grant the audit permission (read entries' access logs); the default for read-write keys" },
    "no-audit": { type: "boolean", description: "withhold the audit permission (the default for read-only keys)" },
  },
  details:
    "The stores must exist. The token is shown only now: with --json it is the \"token\" field.\n" +
    "The audit permission lets the key read entries' access logs (GET .../entries/{keyHash}/access-log, the SDK's getAccessLog).",
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
    if (args.flag("audit") && args.flag("no-audit")) throw new UsageError("use one of --audit and --no-audit");
    const audit = args.flag("audit") ? true : args.flag("no-audit") ? false : undefined;
    const { key, token } = await createServerKey(project.id, { name, stores, readOnly: args.flag("read-only"), audit }, CLI);
    return {
      json: { projectId: project.id, key, token },
      text: [
        `Created server key "${key.name}" (id ${key.id}) in "${project.name}": ${scopeText(key.stores)}, ${accessText(key)}.`,
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
          accessText(k),
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
