import { afterEach, describe, expect, it } from "vitest";
import { clientAddress, clientAddressFrom, normaliseAddress, parseTrustedProxies, PEER_HEADER } from "./client-address";

const req = (headers: Record<string, string>) => new Request("http://dash.test/", { headers });

describe("clientAddress", () => {
  const saved = process.env.TRUSTED_PROXIES;
  afterEach(() => {
    if (saved === undefined) delete process.env.TRUSTED_PROXIES;
    else process.env.TRUSTED_PROXIES = saved;
  });

  it("is the peer, and ignores X-Forwarded-For when TRUSTED_PROXIES is unset (finding 2: a forged header picked the address)", () => {
    delete process.env.TRUSTED_PROXIES;
    expect(clientAddress(req({ [PEER_HEADER]: "203.0.113.7", "x-forwarded-for": "198.51.100.1" }))).toBe("203.0.113.7");
    for (let i = 0; i < 5; i++) {
      expect(clientAddress(req({ [PEER_HEADER]: "203.0.113.7", "x-forwarded-for": `10.9.${i}.${i}` }))).toBe("203.0.113.7");
    }
  });

  it('is "unknown" without a peer header, whatever X-Forwarded-For says', () => {
    process.env.TRUSTED_PROXIES = "0.0.0.0/1, 128.0.0.0/1";
    expect(clientAddress(req({ "x-forwarded-for": "198.51.100.1" }))).toBe("unknown");
    expect(clientAddress(req({ [PEER_HEADER]: "not-an-ip", "x-forwarded-for": "198.51.100.1" }))).toBe("unknown");
  });

  it("walks X-Forwarded-For from the right while the hop is a trusted proxy", () => {
    process.env.TRUSTED_PROXIES = "10.0.0.0/8, 192.0.2.10";
    // client, then an outer proxy (trusted), then the peer (trusted)
    expect(clientAddress(req({ [PEER_HEADER]: "10.1.2.3", "x-forwarded-for": "203.0.113.5, 192.0.2.10" }))).toBe("203.0.113.5");
    // a forged left-most entry is not reached: the first untrusted hop wins
    expect(clientAddress(req({ [PEER_HEADER]: "10.1.2.3", "x-forwarded-for": "1.1.1.1, 203.0.113.5" }))).toBe("203.0.113.5");
    // an untrusted peer: its X-Forwarded-For is not read at all
    expect(clientAddress(req({ [PEER_HEADER]: "198.51.100.9", "x-forwarded-for": "203.0.113.5" }))).toBe("198.51.100.9");
    // all hops trusted: the furthest one
    expect(clientAddress(req({ [PEER_HEADER]: "10.1.2.3", "x-forwarded-for": "10.0.0.1" }))).toBe("10.0.0.1");
  });

  it("handles IPv6 CIDRs and IPv4-mapped IPv6 peers", () => {
    process.env.TRUSTED_PROXIES = "fd00::/8";
    expect(clientAddress(req({ [PEER_HEADER]: "fd00::1", "x-forwarded-for": "2001:db8::42" }))).toBe("2001:db8::42");
    expect(clientAddressFrom("::ffff:203.0.113.8", null)).toBe("203.0.113.8");
    expect(clientAddressFrom("fe80::1%eth0", null)).toBe("fe80::1");
  });

  it("falls back to the proxy when a trusted proxy forwarded garbage", () => {
    const trust = parseTrustedProxies("127.0.0.1");
    expect(clientAddressFrom("127.0.0.1", "<script>", trust)).toBe("127.0.0.1");
  });

  it("refuses a TRUSTED_PROXIES entry that is not an address or CIDR, naming the variable", () => {
    expect(() => parseTrustedProxies("10.0.0.0/8, proxy.internal")).toThrow(/TRUSTED_PROXIES: "proxy.internal"/);
    expect(() => parseTrustedProxies("10.0.0.0/33")).toThrow(/TRUSTED_PROXIES/);
    expect(parseTrustedProxies(" ")("10.0.0.1", 0)).toBe(false);
  });

  it("normalises addresses", () => {
    expect(normaliseAddress(" 2001:DB8:0:0:0:0:0:1 ")).toBe("2001:db8::1");
    expect(normaliseAddress("x".repeat(100))).toBeNull();
    expect(normaliseAddress(undefined)).toBeNull();
  });
});
