import { expect, test } from "@playwright/test";

test("the home page loads in Chromium and says what the product is", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveTitle(/Data Vault/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("secrets your app holds for its users");
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  await page.screenshot({ path: "e2e/artifacts/screens/home.png", fullPage: true });
});

test("the health endpoint answers through the real server", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  expect(res.headers()["cache-control"]).toBe("no-store");
  expect(await res.json()).toEqual({ status: "ok" });
});
