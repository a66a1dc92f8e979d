import { describe, expect, it } from "vitest";
import { addressKey, SIGN_IN_LIMITS, SignInThrottle, SlidingWindowLimiter } from "./rate-limit";

describe("SlidingWindowLimiter", () => {
  it("allows max hits per window, then says how long to wait, then forgets", () => {
    let now = 1_000_000;
    const l = new SlidingWindowLimiter({ max: 3, windowMs: 60_000 }, () => now);
    for (let i = 0; i < 3; i++) {
      expect(l.retryAfterSeconds("a")).toBe(0);
      expect(l.hit("a")).toBe(i === 2);
      now += 1_000;
    }
    expect(l.retryAfterSeconds("a")).toBe(57);
    expect(l.retryAfterSeconds("b")).toBe(0);
    now += 57_000;
    expect(l.retryAfterSeconds("a")).toBe(0);
    l.reset("a");
    expect(l.count("a")).toBe(0);
  });
});

describe("SignInThrottle", () => {
  const account = "bob@example.com";

  it("locks the guessing pair after 5 failures; the owner from another address is not locked (finding 2)", () => {
    let now = 0;
    const t = new SignInThrottle(() => now);
    for (let i = 0; i < SIGN_IN_LIMITS.perPair.max; i++) {
      expect(t.check(account, "198.51.100.1")).toEqual({ allowed: true });
      t.attempt(account, "198.51.100.1");
      const lock = t.failure(account, "198.51.100.1");
      expect(lock?.scope ?? null).toBe(i === SIGN_IN_LIMITS.perPair.max - 1 ? "pair" : null);
      now += 1000;
    }
    expect(t.check(account, "198.51.100.1")).toMatchObject({ allowed: false, reason: "pair" });
    expect(t.check(account, "192.0.2.7")).toEqual({ allowed: true });
    // 15 minutes after the oldest failure, the pair may try again.
    now += SIGN_IN_LIMITS.perPair.windowMs;
    expect(t.check(account, "198.51.100.1")).toEqual({ allowed: true });
  });

  it("an account under attack allows each address one try a minute; a fresh address goes at once", () => {
    let now = 0;
    const t = new SignInThrottle(() => now);
    for (let i = 0; i < SIGN_IN_LIMITS.perAccount.max; i++) {
      t.attempt(account, `198.51.100.${i}`);
      t.failure(account, `198.51.100.${i}`);
    }
    expect(t.check(account, "198.51.100.0")).toMatchObject({ allowed: false, reason: "account", retryAfterSeconds: 60 });
    expect(t.check(account, "192.0.2.9")).toEqual({ allowed: true });
    now += 60_000;
    expect(t.check(account, "198.51.100.0")).toEqual({ allowed: true });
    expect(t.check("alice@example.com", "198.51.100.0")).toEqual({ allowed: true });
  });

  it("locks an address spraying many accounts after 30 failures", () => {
    const t = new SignInThrottle(() => 0);
    let lock = null;
    for (let i = 0; i < SIGN_IN_LIMITS.perAddress.max; i++) lock = t.failure(`user${i}@example.com`, "203.0.113.5");
    expect(lock).toMatchObject({ scope: "address" });
    expect(t.check("someone@example.com", "203.0.113.5")).toMatchObject({ allowed: false, reason: "address" });
  });

  it("counts IPv6 clients per /64 and IPv4-mapped addresses as IPv4", () => {
    expect(addressKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8:1:2:ffff::2")).toBe("2001:db8:1:2::/64");
    expect(addressKey("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(addressKey("unknown")).toBe("unknown");
  });
});
