import { describe, expect, it } from "vitest";
import { pooledRandomBytes } from "./random";

describe("pooledRandomBytes", () => {
  it("hands out the asked length, never the same bytes twice, across many refills", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5_000; i++) {
      const n = i % 3 === 0 ? 12 : 32;
      const b = pooledRandomBytes(n);
      expect(b.length).toBe(n);
      seen.add(b.toString("hex"));
    }
    expect(seen.size).toBe(5_000);
  });

  it("returns copies: changing one does not change later output", () => {
    const a = pooledRandomBytes(32);
    a.fill(0);
    const b = pooledRandomBytes(32);
    expect(b.equals(Buffer.alloc(32))).toBe(false);
  });

  it("serves sizes past the pool's share straight from the CSPRNG", () => {
    const big = pooledRandomBytes(4096);
    expect(big.length).toBe(4096);
    expect(big.equals(Buffer.alloc(4096))).toBe(false);
  });

  it("looks uniform: each bit is set about half the time", () => {
    let ones = 0;
    const bytes = 64 * 1024;
    for (let i = 0; i < bytes / 32; i++) for (const x of pooledRandomBytes(32)) ones += x.toString(2).split("1").length - 1;
    const ratio = ones / (bytes * 8);
    expect(ratio).toBeGreaterThan(0.49);
    expect(ratio).toBeLessThan(0.51);
  });
});
