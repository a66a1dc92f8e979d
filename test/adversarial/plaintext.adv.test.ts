// Plaintext: entries written through the SDK against the production server
// with known markers in their keys and values; then the SQLite file with its
// -wal and -shm, a pg_dump of the PostgreSQL database, every file in
// DATA_DIR and the server's logs are scanned for the markers, the app
// secret and the server key, in several encodings. Zero hits.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresReachable, type Provider } from "@/test/providers";
import { makeProject, makeStoreAndKey } from "@/test/fixtures";
import { DataVaultClient } from "@/sdk/src/index";
import { record, scaled, startCluster, type Cluster } from "./harness";

/** The needle in the encodings a leak could take in a file or a dump. */
function encodings(s: string): Buffer[] {
  const raw = Buffer.from(s, "utf8");
  const out = [raw, Buffer.from(s, "utf16le"), Buffer.from(raw.toString("hex")), Buffer.from(raw.toString("hex").toUpperCase())];
  // base64 / base64url at each of the three alignments (inner, stable part).
  for (let pad = 0; pad < 3; pad++) {
    const b = Buffer.concat([Buffer.alloc(pad), raw]);
    for (const enc of ["base64", "base64url"] as const) {
      const t = b.toString(enc).replace(/=+$/, "");
      out.push(Buffer.from(t.slice(pad === 0 ? 0 : 4, t.length - 4)));
    }
  }
  return out;
}

function scan(haystacks: { name: string; data: Buffer }[], needles: { what: string; s: string }[]) {
  const hits: string[] = [];
  for (const h of haystacks) for (const n of needles) for (const e of encodings(n.s)) if (h.data.includes(e)) hits.push(`${n.what} in ${h.name}`);
  return [...new Set(hits)];
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function plaintext(provider: Provider) {
  let cluster: Cluster;
  let token: string;
  const tag = randomBytes(6).toString("hex");
  const secret = `APPSECRET-${randomBytes(24).toString("base64url")}`;
  const n = scaled(24, 120);
  const markerKey = (i: number) => `MKEY-${tag}-${i}`;
  const markerValue = (i: number) => `MVAL-${tag}-${i}-` + (i % 6 === 0 ? "long-refresh-token-".repeat(200) : "refresh-token");

  beforeAll(async () => {
    cluster = await startCluster(provider, 1, { VAULT_RATE_LIMIT_PER_SECOND: "0" });
    const { project } = await makeProject();
    ({ token } = await makeStoreAndKey(project.id, "oauth-tokens"));
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it("no marker, app secret or server key in the database files, a dump, DATA_DIR or the logs", async () => {
    const vault = new DataVaultClient({ baseUrl: cluster.url, serverKey: token });
    const store = vault.getDataVaultStore("oauth-tokens");
    const half = Math.floor(n / 2);
    for (let i = 0; i < half; i++) await store.setValue(markerKey(i), markerValue(i), { secret });
    await store.setValues(
      Array.from({ length: n - half }, (_, j) => [markerKey(half + j), markerValue(half + j)] as [string, string]),
      { secret },
    );
    // Read, overwrite and delete some too, so every path has run.
    for (let i = 0; i < n; i += 5) expect(await store.getValue(markerKey(i), { secret })).toBe(markerValue(i));
    await store.getValues([markerKey(1), markerKey(2), `MKEY-${tag}-missing`], { secret });
    for (let i = 0; i < n; i += 7) await store.setValue(markerKey(i), markerValue(i) + "-v2", { secret });
    for (let i = 3; i < n; i += 11) await store.deleteValue(markerKey(i), { secret });
    // A wrong secret and a miss, for the logs.
    await store.getValue(markerKey(0), { secret: `WRONG-${secret}` });

    const haystacks: { name: string; data: Buffer }[] = [];
    if (provider === "sqlite") {
      const file = cluster.databaseUrl.replace(/^file:/, "");
      // While the server is running: the WAL holds the recent pages.
      for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) haystacks.push({ name: path.basename(f) + " (live)", data: readFileSync(f) });
    } else {
      const dump = execFileSync("pg_dump", ["--no-owner", cluster.databaseUrl], { maxBuffer: 1 << 30 });
      haystacks.push({ name: "pg_dump", data: dump });
    }
    for (const f of filesUnder(cluster.dataDir)) haystacks.push({ name: `DATA_DIR/${path.basename(f)}`, data: readFileSync(f) });
    await cluster.stop().catch(() => undefined);
    haystacks.push({ name: "server logs", data: Buffer.from(cluster.logs()) });
    cluster = undefined as unknown as Cluster;

    const needles = [
      ...Array.from({ length: n }, (_, i) => ({ what: `key marker ${i}`, s: markerKey(i) })),
      ...Array.from({ length: n }, (_, i) => ({ what: `value marker ${i}`, s: `MVAL-${tag}-${i}-` })),
      { what: "marker tag", s: tag },
      { what: "app secret", s: secret },
      { what: "server key", s: token },
      { what: "server key body", s: token.slice(4) },
    ];
    const hits = scan(haystacks, needles);
    record(`plaintext-${provider}`, {
      entriesWritten: n,
      scanned: haystacks.map((h) => `${h.name}: ${h.data.length} bytes`),
      needles: needles.length,
      encodingsPerNeedle: encodings("x").length,
      hits: hits.length,
      firstHits: hits.slice(0, 10),
    });
    // The scan must have something to find: the database is not empty.
    expect(haystacks.reduce((a, h) => a + h.data.length, 0)).toBeGreaterThan(10_000);
    expect(hits).toEqual([]);
  });
}

describe("plaintext [sqlite]", () => plaintext("sqlite"));
const pgUp = await postgresReachable();
describe.skipIf(!pgUp)("plaintext [postgres]", () => plaintext("postgres"));
