// store create / store list / store show / store delete, through the same
// services the dashboard calls.
import "server-only";
import { createStore, deleteStore, getStore, listStores } from "@/lib/vault/stores";
import { VaultError } from "@/lib/vault/errors";
import { CLI_ACTOR } from "@/lib/audit/actor";
import { CliError, UsageError, type Command } from "../command";
import { plural, table, when } from "../format";
import { PROJECT_OPTION, resolveProject } from "./projects";

const CLI = CLI_ACTOR;

export const storeCreate: Command = {
  name: "store create",
  summary: "create a store in a project",
  options: {
    project: PROJECT_OPTION,
    id: { type: "string", arg: "ID", description: "store id used by the API (letters, digits, _ and -)", required: true },
    name: { type: "string", arg: "NAME", description: "display name (default: the id)" },
    description: { type: "string", arg: "TEXT", description: "what the store holds" },
  },
  async run(args) {
    const storeId = args.required("id");
    const project = await resolveProject(args.required("project"));
    const store = await createStore(
      project.id,
      { storeId, displayName: args.string("name") ?? "", description: args.string("description") },
      CLI,
    );
    return {
      json: { projectId: project.id, store },
      text: `Created store "${store.id}" in project "${project.name}".`,
    };
  },
};

export const storeList: Command = {
  name: "store list",
  summary: "list a project's stores with their entry counts",
  options: { project: PROJECT_OPTION },
  details: "ENTRIES counts live entries: expired ones awaiting the purge are left out.",
  async run(args) {
    const project = await resolveProject(args.required("project"));
    const stores = await listStores(project.id);
    return {
      json: { projectId: project.id, stores },
      text:
        table(
          ["store", "name", "entries", "last activity", "created"],
          stores.map((s) => [s.id, s.displayName, s.entryCount, when(s.lastActivityAt), when(s.createdAt)]),
        ) + (stores.length ? `\n${plural(stores.length, "store")} in "${project.name}"` : ""),
    };
  },
};

export const storeShow: Command = {
  name: "store show",
  summary: "show a store with its live entries per secret generation",
  options: {
    project: PROJECT_OPTION,
    id: { type: "string", arg: "ID", description: "the store id", required: true },
  },
  details:
    "GENERATION is the SDK's short, non-secret id of the app secret that wrote the entries; \"unknown\" counts entries written without one (SDKs before format v2). " +
    "A rotation of the app's secret is finished when the old secret's generation is gone from the list.",
  async run(args) {
    const storeId = args.required("id");
    const project = await resolveProject(args.required("project"));
    const store = await getStore(project.id, storeId).catch((error: unknown) => {
      if (error instanceof VaultError && error.code === "STORE_NOT_FOUND") throw new CliError("STORE_NOT_FOUND", `no store "${storeId}" in project "${project.name}"`);
      throw error;
    });
    return {
      json: { projectId: project.id, store },
      text: [
        `Store "${store.id}" (${store.displayName}) in "${project.name}": ${plural(store.entryCount, "live entry", "live entries")}, created ${when(store.createdAt)}, last activity ${when(store.lastActivityAt)}.`,
        "",
        table(
          ["generation", "entries"],
          store.generations.map((g) => [g.id ?? "unknown", g.entryCount]),
        ),
      ].join("\n"),
    };
  },
};

export const storeDelete: Command = {
  name: "store delete",
  summary: "delete a store and erase all its entries",
  options: {
    project: PROJECT_OPTION,
    id: { type: "string", arg: "ID", description: "the store id", required: true },
    yes: { type: "boolean", description: "confirm: the entries cannot be recovered", required: true },
  },
  async run(args) {
    const storeId = args.required("id");
    if (!args.flag("yes")) throw new UsageError(`deleting store "${storeId}" erases its entries for good; add --yes to confirm`);
    const project = await resolveProject(args.required("project"));
    const { erasedEntries } = await deleteStore(project.id, storeId, CLI);
    return {
      json: { projectId: project.id, storeId, erasedEntries },
      text: `Deleted store "${storeId}" from "${project.name}" and erased ${plural(erasedEntries, "entry", "entries")}.`,
    };
  },
};
