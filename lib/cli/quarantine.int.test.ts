// quarantine list / show / delete as an operator runs them, on SQLite and
// PostgreSQL: what the rewrap quarantined is listed with the commands to
// act on it, inspected without its data, and erased with its count.
import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { describeEachProvider } from "@/test/providers";
import { keyHash, makeProject, makeStoreAndKey, TEST_ACTOR } from "@/test/fixtures";
import { cli } from "@/test/cli";
import { getDb } from "@/lib/db/client";
import { batchSet, reconcileCounts } from "@/lib/vault/entries";
import { ensureKeyring, rotateMasterKey } from "@/lib/vault/keyring";
import { runRewrap } from "@/lib/vault/rewrap";

describeEachProvider("admin CLI: quarantine", () => {
  it("lists, shows (never the data) and deletes a quarantined entry", async () => {
    await ensureKeyring();
    const { project } = await makeProject("Quarantine Co");
    await makeStoreAndKey(project.id, "tokens");
    const marker = `MARKER-${randomBytes(8).toString("hex")}`;
    const keys = Array.from({ length: 12 }, keyHash);
    // A key hash may start with "-": the CLI's hints write --key-hash=HASH so it pastes as one argument.
    keys[5] = `-${keys[5]!.slice(1)}`;
    await batchSet(project.id, "tokens", keys.map((key) => ({ key, value: `${marker}-${key}`, expiresAt: null })));
    const storeRef = (await getDb().store.findFirstOrThrow({ where: { projectId: project.id } })).id;
    const bad = keys[5]!;
    const row = await getDb().entry.findUniqueOrThrow({ where: { storeRef_keyHash: { storeRef, keyHash: bad } } });
    const w = Buffer.from(row.wrappedKey);
    w[w.length - 1]! ^= 0x80;
    await getDb().entry.update({ where: { storeRef_keyHash: { storeRef, keyHash: bad } }, data: { wrappedKey: w } });
    await rotateMasterKey(TEST_ACTOR);
    await runRewrap({ retireAfterMs: 0, pauseMs: 0 });

    const [list, listText, show] = await Promise.all([
      cli(["quarantine", "list", "--json"]),
      cli(["quarantine", "list"]),
      cli(["quarantine", "show", "--store-ref", storeRef, `--key-hash=${bad}`]),
    ]);
    expect(list.code, list.stderr + list.stdout).toBe(0);
    expect(list.json.quarantined).toEqual([expect.objectContaining({ projectName: "Quarantine Co", storeId: "tokens", storeRef, keyHash: bad, masterKeyVersion: row.masterKeyVersion })]);
    expect(list.json.awaitingConfirmation).toEqual([row.masterKeyVersion]);
    expect(listText.stdout).toContain(`quarantine show --store-ref ${storeRef} --key-hash=${bad}`);
    expect(listText.stdout).toContain(`master-key retire --version ${row.masterKeyVersion} --yes`);
    expect(show.code, show.stderr + show.stdout).toBe(0);
    expect(show.stdout).toMatch(/opens now\s+no: data key: authentication failed/);
    expect(show.stdout).toMatch(/wrapped key\s+\d+ bytes, format byte 1, names master key v\d+/);
    for (const out of [list.stdout, listText.stdout, show.stdout, show.stderr]) expect(out).not.toContain(marker);

    const noYes = await cli(["quarantine", "delete", "--store-ref", storeRef, `--key-hash=${bad}`, "--json"]);
    expect(noYes.code).toBe(2);
    const unknown = await cli(["quarantine", "show", "--store-ref", storeRef, `--key-hash=${keys[0]!}`, "--json"]);
    expect(unknown.json.error.code).toBe("NOT_FOUND");
    const deleted = await cli(["quarantine", "delete", "--store-ref", storeRef, `--key-hash=${bad}`, "--yes", "--json"]);
    expect(deleted.code, deleted.stderr + deleted.stdout).toBe(0);
    expect(deleted.json).toMatchObject({ deleted: true, storeId: "tokens", keyHash: bad });
    expect(await getDb().entry.count({ where: { storeRef } })).toBe(11);
    expect(await reconcileCounts(false)).toEqual([]);
    const empty = await cli(["quarantine", "list"]);
    expect(empty.stdout.trim()).toBe("No quarantined entries.");
  }, 240_000);
});
