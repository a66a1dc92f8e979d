import { describe, expect, it } from "vitest";
import { hashPassword, needsRehash, verifyPassword } from "./password";

describe("password hashing (scrypt)", () => {
  it("hashes with a per-user salt into a versioned string and verifies", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(a).toMatch(/^scrypt\$1\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse battery", a)).toBe(true);
    expect(await verifyPassword("correct horse batterY", a)).toBe(false);
    expect(needsRehash(a)).toBe(false);
  });

  it("is false, not an exception, for missing or malformed hashes", async () => {
    expect(await verifyPassword("x", null)).toBe(false);
    expect(await verifyPassword("x", "bcrypt$2b$...")).toBe(false);
    expect(await verifyPassword("x", "scrypt$1$99999999$8$1$a$b")).toBe(false);
  });

  it("verifies hashes made with older parameters and flags them for rehash", async () => {
    const old = "scrypt$1$1024$8$1$" + Buffer.from("0123456789abcdef").toString("base64url") + "$";
    const { scryptSync } = await import("node:crypto");
    const hash = scryptSync("pw-0123456789", Buffer.from("0123456789abcdef"), 32, { N: 1024, r: 8, p: 1 }).toString("base64url");
    expect(await verifyPassword("pw-0123456789", old + hash)).toBe(true);
    expect(needsRehash(old + hash)).toBe(true);
  });
});
