// quarantine list / show / delete: entries the rewrap could not open. Never
// their data: where they are, why they failed, what the row looks like.
import "server-only";
import { awaitingConfirmation, deleteQuarantined, inspectQuarantined, listQuarantine } from "@/lib/vault/quarantine";
import { CLI_ACTOR } from "@/lib/audit/actor";
import { UsageError, type Args, type Command } from "../command";
import { plural, when } from "../format";
import { quarantineAdvice, quarantineTable } from "./master-keys";

const CLI = CLI_ACTOR;

const TARGET = {
  "store-ref": { type: "string", arg: "REF", description: "the store's internal id (STORE REF in quarantine list)", required: true },
  "key-hash": { type: "string", arg: "HASH", description: "the entry's key hash", required: true },
} as const;

const target = (args: Args) => ({ storeRef: args.required("store-ref"), keyHash: args.required("key-hash") });

export const quarantineList: Command = {
  name: "quarantine list",
  summary: "list entries the rewrap quarantined (it could not open their data key)",
  options: {},
  async run() {
    const [rows, waiting] = await Promise.all([listQuarantine(), awaitingConfirmation()]);
    return {
      json: { quarantined: rows, awaitingConfirmation: waiting },
      text: rows.length === 0 ? "No quarantined entries." : [quarantineTable(rows), `${plural(rows.length, "quarantined entry", "quarantined entries")}`, ...quarantineAdvice(rows, waiting)].join("\n"),
    };
  },
};

export const quarantineShow: Command = {
  name: "quarantine show",
  summary: "inspect a quarantined entry: where it is, why it failed, whether it opens now (never its data)",
  options: TARGET,
  async run(args) {
    const d = await inspectQuarantined(target(args));
    const r = d.row;
    const lines = [
      `project       ${d.projectName} (${d.projectId})`,
      `store         ${d.storeId} (ref ${d.storeRef})`,
      `key hash      ${d.keyHash}`,
      `entry version ${d.version}, written ${when(r.createdAt)}, updated ${when(r.updatedAt)}${r.expiresAt ? `, expires ${when(r.expiresAt)}` : ""}`,
      `master key    v${d.masterKeyVersion} (${r.masterKeyExists ? r.masterKeyState : "no longer exists"})`,
      `wrapped key   ${r.wrappedKeyBytes} bytes, format byte ${r.wrappedKeyFormat ?? "-"}, names master key ${r.wrappedKeyNamesVersion === null ? "(unreadable header)" : `v${r.wrappedKeyNamesVersion}`}`,
      `ciphertext    ${r.ciphertextBytes} bytes`,
      `quarantined   ${when(d.foundAt)}: ${d.reason}${d.confirmedAt ? ` (accepted ${when(d.confirmedAt)})` : ""}`,
      d.opensNow
        ? "opens now     yes: its data key unwraps again (restored?); the next rewrap moves it and drops the quarantine"
        : `opens now     no: ${d.whyNot}`,
      "",
      "To restore it, put the row back from a backup taken before the damage (the whole Entry row), then run rewrap.",
      `To erase it:  npm run admin -- quarantine delete --store-ref ${d.storeRef} --key-hash=${d.keyHash} --yes`,
    ];
    return { json: d, text: lines.join("\n") };
  },
};

export const quarantineDelete: Command = {
  name: "quarantine delete",
  summary: "erase a quarantined entry (the app reads it as absent afterwards)",
  options: { ...TARGET, yes: { type: "boolean", description: "confirm: the entry is erased for good", required: true } },
  details: "Only the row as it was quarantined: if the app rewrote the entry meanwhile, nothing is deleted.",
  async run(args) {
    const t = target(args);
    if (!args.flag("yes")) throw new UsageError("deleting erases the entry for good; add --yes to confirm");
    const { projectId, storeId } = await deleteQuarantined(t, CLI);
    return { json: { deleted: true, projectId, storeId, keyHash: t.keyHash }, text: `Erased the quarantined entry ${t.keyHash} from store "${storeId}".` };
  },
};
