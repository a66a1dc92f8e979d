import { describe, expect, it } from "vitest";
import { clientIp, SlidingWindowLimiter } from "./rate-limit";

describe("SlidingWindowLimiter", () => {
  it("allows max hits per window, then says how long to wait, then forgets", () => {
    let now = 1_000_000;
    const l = new SlidingWindowLimiter({ max: 3, windowMs: 60_000 }, () => now);
    for (let i = 0; i < 3; i++) {
      expect(l.retryAfterSeconds("a")).toBe(0);
      l.hit("a");
      now += 1_000;
    }
    expect(l.retryAfterSeconds("a")).toBe(57);
    expect(l.retryAfterSeconds("b")).toBe(0);
    now += 57_000;
    expect(l.retryAfterSeconds("a")).toBe(0);
    l.reset("a");
    expect(l.retryAfterSeconds("a")).toBe(0);
  });
});

describe("clientIp", () => {
  it("takes the first forwarded address, else x-real-ip, else null", () => {
    expect(clientIp({ "x-forwarded-for": "203.0.113.1, 10.0.0.1" })).toBe("203.0.113.1");
    expect(clientIp(new Headers({ "x-real-ip": "198.51.100.2" }))).toBe("198.51.100.2");
    expect(clientIp({})).toBeNull();
    expect(clientIp(undefined)).toBeNull();
  });
});
