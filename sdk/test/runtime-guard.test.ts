import { afterEach, describe, expect, it, vi } from "vitest";

const scope = globalThis as { window?: unknown; document?: unknown };

afterEach(() => {
  delete scope.window;
  delete scope.document;
  vi.resetModules();
});

describe("browser guard", () => {
  it("importing the SDK where window and document exist throws", async () => {
    scope.window = {};
    scope.document = {};
    vi.resetModules();
    await expect(import("../src/index.js")).rejects.toThrow(/server-only/);
  });

  it("the browser entry point throws on import", async () => {
    await expect(import("../src/browser.js")).rejects.toThrow(/server-only/);
  });

  it("imports fine on the server", async () => {
    vi.resetModules();
    const sdk = await import("../src/index.js");
    expect(typeof sdk.DataVaultClient).toBe("function");
  });
});
