// The dashboard journey in Chromium against the production build, run at
// 1440×900 (desktop), 390×844 with touch (phone) and in dark mode (dark):
// sign in (accounts come from the admin CLI: e2e/seed.ts), create a project
// and stores with the longest names allowed, a server key shown once; the
// SDK writes and the store page charts it; a failed background refresh
// keeps the page; revoke, delete and member removal confirm and toast;
// 404 page, tab titles, theme, keyboard focus, axe-core on every page and
// dialog; sign-out stays on this origin with NEXTAUTH_URL unset. Each page
// is saved to e2e/artifacts/screens/<project>/.
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { DataVaultClient, DataVaultError } from "../sdk/src/index.js";
import { memberEmail, ownerEmail } from "./accounts";
import {
  expectAccessible,
  expectDialogFits,
  expectNoHorizontalScroll,
  expectToast,
  expectVisibleFocusWhileTabbing,
  firstFrameClass,
  focusIsVisible,
  recordFirstFrameTheme,
  shot,
  signIn,
} from "./helpers";

const appSecret = "e2e-app-secret-0123456789abcdef-0123456789";
const pad = (s: string, n: number) => s.padEnd(n, "x").slice(0, n);
// The longest names the dashboard allows, without spaces to break at.
const projectName = pad("Acme-Production-Europe-West-Payments-Platform-", 64);
const longStoreId = pad("oauth-refresh-tokens-for-the-github-and-google-integrations-", 63);
const longDisplayName = pad("OAuth-refresh-tokens-for-GitHub-Google-Microsoft-Slack-Atlassian-and-Salesforce-integrations-", 100);
const longDescription = pad("Refresh tokens for the GitHub and Google integrations, rotated every 90 days by the token service. ", 500);
const storeId = "oauth-tokens";

async function sdkErrorCode(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
    return "no error";
  } catch (error) {
    return error instanceof DataVaultError ? error.code : String(error);
  }
}

const DAY_MS = 86_400_000;

/**
 * Activity is counted per UTC day and the chart's last bar is the server's
 * today. A step that writes and then reads today's bar must not run across
 * midnight UTC: when less than `stepMs` is left of the day, it waits until
 * the next day has begun (and gives the test that much more time).
 */
async function notAcrossUtcMidnight(info: TestInfo, stepMs: number) {
  const left = DAY_MS - (Date.now() % DAY_MS);
  if (left > stepMs) return;
  const wait = left + 2_000;
  info.setTimeout(info.timeout + wait);
  await new Promise((r) => setTimeout(r, wait));
}

/** Every page of the journey: no sideways scroll, no axe violations, a screenshot. */
async function checkPage(page: Page, info: Parameters<typeof shot>[1], name: string) {
  await expectNoHorizontalScroll(page, name);
  await expectAccessible(page, name);
  await shot(page, info, name);
}

test.describe.configure({ mode: "serial" });

test("the dashboard journey", async ({ page, baseURL }, info) => {
  test.setTimeout(900_000);
  const vp = info.project.name;
  const phone = vp === "phone";
  const dark = vp === "dark";
  const teamId = (JSON.parse(process.env.E2E_TEAMS ?? "{}") as Record<string, string>)[vp]!;
  await recordFirstFrameTheme(page);

  await test.step("sign in", async () => {
    await page.goto("/projects");
    await expect(page).toHaveURL(/\/sign-in/);
    expect(await firstFrameClass(page)).toContain(dark ? "dark" : "light");
    await page.getByLabel("Email").fill(ownerEmail(vp));
    await page.getByLabel("Password").fill("wrong password here");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("That email and password do not match an account.")).toBeVisible();
    await checkPage(page, info, "sign-in");
    await signIn(page, ownerEmail(vp));
  });

  await test.step("projects page: who is signed in, titles, keyboard focus", async () => {
    await expect(page).toHaveTitle("Projects · Data Vault");
    await expect(page.getByRole("link", { name: new RegExp(`Team ${vp}`) })).toBeVisible();
    // The header shows who is signed in at every size.
    await expect(page.getByTestId("signed-in-as")).toBeVisible();
    await expect(page.getByTestId("signed-in-as")).toHaveText(`Olivia Owner-${vp}`);
    await expect(page.locator("html")).toHaveClass(dark ? /dark/ : /light/);
    await checkPage(page, info, "projects");
    await expectVisibleFocusWhileTabbing(page, 6);
  });

  let projectUrl = "";
  await test.step("create a project: nothing cut, every dialog starts afresh", async () => {
    await page.getByRole("button", { name: "New project" }).click();
    const dialog = page.getByRole("dialog", { name: "Create a project" });
    await dialog.getByRole("button", { name: "Create project" }).click();
    await expect(dialog.getByText("Enter a project name.")).toBeVisible();
    // A paste longer than allowed is kept whole, and the form says so.
    const tooLong = pad("A-name-pasted-from-somewhere-that-is-longer-than-allowed-", 70);
    await dialog.getByLabel("Project name").fill(tooLong);
    await expect(dialog.getByLabel("Project name")).toHaveValue(tooLong);
    await expect(dialog.getByText("At most 64 characters.")).toBeVisible();
    await expect(dialog.getByText("70 / 64")).toBeVisible();
    await expectDialogFits(page, dialog);
    await expectAccessible(page, "create-project dialog", '[role="dialog"]');
    await shot(page, info, "project-create-too-long");
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await page.getByRole("button", { name: "New project" }).click();
    await expect(dialog.getByLabel("Project name")).toHaveValue("");
    await expect(dialog.getByRole("alert")).toHaveCount(0);
    await dialog.getByLabel("Project name").fill(projectName);
    await dialog.getByRole("button", { name: "Create project" }).click();
    await expectToast(page, "created");
    await expect(page).toHaveURL(/\/projects\/[^/]+$/);
    projectUrl = page.url();
    await expect(page.getByTestId("project-name")).toHaveText(projectName);
    await expect(page).toHaveTitle(`Stores · ${projectName} · Data Vault`);
    // An owner never sees the member's wording.
    await expect(page.getByText("No stores yet")).toBeVisible();
    await expect(page.getByText("An owner of this project can create stores.")).toHaveCount(0);
    await checkPage(page, info, "project-empty");
  });

  await test.step("stores with the longest names; ids unique without regard to case", async () => {
    await page.getByRole("button", { name: "Create your first store" }).click();
    const dialog = page.getByRole("dialog", { name: "Create a store" });
    await expect(dialog.getByText("Unique in this project without regard to case")).toBeVisible();
    await dialog.getByLabel("Store id").fill("-bad id");
    await expect(dialog.getByText("Letters, digits, _ and - only")).toBeVisible();
    await expectAccessible(page, "create-store dialog", '[role="dialog"]');
    await shot(page, info, "store-create-invalid");
    await dialog.getByLabel("Store id").fill(longStoreId);
    await expect(dialog.getByText("Looks good")).toBeVisible();
    await dialog.getByLabel("Display name").fill(longDisplayName);
    await dialog.getByLabel("Description (optional)").fill(longDescription);
    await expectDialogFits(page, dialog);
    await dialog.getByRole("button", { name: "Create store" }).click();
    await expectToast(page, `Store “${longStoreId}” created`);
    await expect(page).toHaveURL(new RegExp(`/stores/${longStoreId}$`));
    await expect(page.getByTestId("store-entries")).toHaveText("0");
    // "Use this store": install the SDK from this instance, at the origin it is served from.
    await expect(page.getByText(/^npm install http:\/\/127\.0\.0\.1:\d+\/sdk\/data-vault-sdk-\d+\.\d+\.\d+\.tgz$/)).toBeVisible();
    await expect(page.getByTestId("activity-empty")).toContainText("No activity in the last 30 days");
    await page.getByRole("radio", { name: "Last 7 days" }).click();
    await expect(page.getByTestId("activity-empty")).toContainText("No activity in the last 7 days");
    await expect(page).toHaveTitle(`${longDisplayName} (${longStoreId}) · ${projectName} · Data Vault`);
    await checkPage(page, info, "store-long-names");

    await page.goto(projectUrl);
    await page.getByRole("button", { name: "New store" }).click();
    await dialog.getByLabel("Store id").fill(storeId);
    await dialog.getByLabel("Display name").fill("OAuth tokens");
    await dialog.getByLabel("Description (optional)").fill("GitHub refresh tokens");
    await dialog.getByRole("button", { name: "Create store" }).click();
    await expect(page).toHaveURL(new RegExp(`/stores/${storeId}$`));

    // The same id in other letters' case is refused as you type, keeping what was typed.
    await page.goto(projectUrl);
    await page.getByRole("button", { name: "New store" }).click();
    await dialog.getByLabel("Store id").fill("OAuth-Tokens");
    await dialog.getByLabel("Display name").fill("Again");
    await expect(dialog.getByText(`This project has a store “${storeId}”; ids are unique without regard to case.`)).toBeVisible();
    await dialog.getByRole("button", { name: "Create store" }).click();
    await expect(dialog).toBeVisible();
    await expect(dialog.getByLabel("Display name")).toHaveValue("Again");
    await shot(page, info, "store-create-case-duplicate");
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
  });

  await test.step("store list: descriptions, full names on hover, keyboard focus", async () => {
    const rows = page.getByTestId("store-row");
    await expect(rows).toHaveCount(2);
    const longRow = rows.filter({ hasText: longStoreId });
    await expect(longRow.getByTestId("store-description")).toBeVisible();
    // The full name is on the element the pointer is over (not hidden under the row's link).
    const name = longRow.getByTestId("store-name");
    await expect(name).toHaveAttribute("title", longDisplayName);
    const box = (await name.boundingBox())!;
    const hit = await page.evaluate(([x, y]) => document.elementFromPoint(x!, y!)?.getAttribute("title"), [box.x + 20, box.y + box.height / 2]);
    expect(hit).toBe(longDisplayName);
    await expect(longRow.getByTestId("store-id")).toHaveAttribute("title", longStoreId);
    if (!phone) {
      // The name column takes the room; dates stay narrow.
      const nameWidth = (await page.getByRole("columnheader", { name: "Store" }).boundingBox())!.width;
      const createdWidth = (await page.getByRole("columnheader", { name: "Created" }).boundingBox())!.width;
      expect(nameWidth).toBeGreaterThan(createdWidth * 3);
    }
    // Keyboard: the row's link shows a focus ring.
    await page.getByRole("button", { name: "New store" }).focus();
    await page.keyboard.press("Tab");
    await expect(page.getByTestId("store-link").first()).toBeFocused();
    expect((await focusIsVisible(page)).ok).toBe(true);
    await shot(page, info, "stores-focus");
    await page.mouse.click(1, 1);
    await checkPage(page, info, "stores");
  });

  let token = "";
  await test.step("server key: shown once, asks before closing unless copied", async () => {
    await page.getByRole("link", { name: "Server keys" }).click();
    await expect(page).toHaveTitle(`Server keys · ${projectName} · Data Vault`);
    await expect(page.getByText("No server keys yet")).toBeVisible();
    await page.getByRole("button", { name: "New server key" }).click();
    const create = page.getByRole("dialog", { name: "Create a server key" });
    await create.getByLabel("Name").fill("e2e-app");
    await create.getByText("Only some stores").click();
    await expectDialogFits(page, create);
    await expectAccessible(page, "create-key dialog", '[role="dialog"]');
    await shot(page, info, "server-key-create");
    await create.getByText("All stores").click();
    await create.getByRole("button", { name: "Create key" }).click();
    const shown = page.getByRole("dialog", { name: "Copy your server key" });
    token = (await shown.getByTestId("new-server-key").textContent())?.trim() ?? "";
    expect(token.length).toBeGreaterThan(20);
    await expectToast(page, "Server key “e2e-app” created");
    await expectAccessible(page, "one-time key dialog", '[role="dialog"]');
    await shot(page, info, "server-key-created");
    // Escape without copying: the dialog stays and asks.
    await page.keyboard.press("Escape");
    await expect(shown).toBeVisible();
    await expect(shown.getByText("You have not copied the key.")).toBeVisible();
    await expectDialogFits(page, shown);
    await expectAccessible(page, "close-without-copying question", '[role="dialog"]');
    await shot(page, info, "server-key-close-check");
    await shown.getByRole("button", { name: "Keep it open" }).click();
    await expect(shown.getByText("You have not copied the key.")).toBeHidden();
    // A click outside asks too.
    await page.mouse.click(5, 5);
    await expect(shown.getByText("You have not copied the key.")).toBeVisible();
    await shown.getByRole("button", { name: "Keep it open" }).click();
    // Once copied, it closes at once.
    await shown.getByRole("button", { name: "Copy key to clipboard" }).click();
    // The click returns before the page's clipboard write has finished: read until it has.
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    await page.keyboard.press("Escape");
    await expect(shown).toBeHidden();
    await expect(page.getByTestId("server-key-row")).toContainText("e2e-app");
    await checkPage(page, info, "server-keys");
  });

  await test.step("the SDK writes; the store page charts reads, writes, deletes, misses per day", async () => {
    // From the first write to the tooltip on today's bar: about 6½ minutes if every wait below ran to its limit.
    await notAcrossUtcMidnight(info, 7 * 60_000);
    const store = new DataVaultClient({ baseUrl: baseURL!, serverKey: token, retries: 0 }).getDataVaultStore(storeId);
    await store.setValue("gh:1", "refresh-token-1", { secret: appSecret });
    await store.setValue("gh:2", "refresh-token-2", { secret: appSecret });
    await store.setValue("gh:3", "refresh-token-3", { secret: appSecret });
    expect(await store.deleteValue("gh:2", { secret: appSecret })).toBe(true);
    expect(await store.getValue("gh:1", { secret: appSecret })).toBe("refresh-token-1");
    expect(await store.getValue("gh:9", { secret: appSecret })).toBeNull();

    await page.goto(`${projectUrl}/stores/${storeId}`);
    await expect(page.getByTestId("store-entries")).toHaveText("2", { timeout: 20_000 });
    await expect(page.getByTestId("activity-writes")).toHaveText("3", { timeout: 30_000 });
    // Counted in memory and flushed every 5 s: the later counts may come with the next flush and the page's next refresh.
    await expect(page.getByTestId("activity-deletes")).toHaveText("1", { timeout: 30_000 });
    await expect(page.getByTestId("activity-reads")).toHaveText("1", { timeout: 30_000 });
    // gh:9, and the version read before each of the three first writes (format v2 binds the version).
    await expect(page.getByTestId("activity-misses")).toHaveText("4", { timeout: 30_000 });
    await expect(page.getByTestId("activity-empty")).toHaveCount(0);
    // The y-axis has ticks; today's bar answers a hover, or a tap on a phone.
    const chart = page.getByTestId("activity-chart");
    await expect(chart.locator(".recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value").first()).toBeVisible();
    const cb = (await chart.boundingBox())!;
    const today = { x: cb.width - 12, y: cb.height - 40 };
    if (phone) await chart.tap({ position: today });
    else await chart.hover({ position: today });
    const tooltip = page.getByTestId("chart-tooltip");
    await expect(tooltip).toBeVisible();
    await expect(tooltip).toContainText("Writes");
    await expect(tooltip.locator("li").filter({ hasText: "Writes" })).toContainText("3");
    await expect(tooltip.locator("li").filter({ hasText: "Misses" })).toContainText("4");
    await shot(page, info, "store-tooltip");
    await page.getByRole("radio", { name: "Last 90 days" }).click();
    await expect(page.getByText("last 90 days", { exact: false }).first()).toBeVisible();
    await expect(page.getByTestId("activity-writes")).toHaveText("3");
    // Relative times carry the exact time on hover.
    const lastActivity = page.locator("dd time").last();
    await expect(lastActivity).toHaveAttribute("title", /\d{4}, \d{1,2}:\d{2}:\d{2}/);
    await page.mouse.move(1, 1);
    await checkPage(page, info, "store");
  });

  await test.step("a failed background refresh keeps the page and says so", async () => {
    const failing = "**/api/dashboard/projects/*/stores/*?days=*";
    await page.route(failing, (route) =>
      route.fulfill({ status: 500, contentType: "application/json", body: JSON.stringify({ error: { code: "INTERNAL", message: "Internal error." } }) }),
    );
    await expect(page.getByTestId("refresh-notice")).toBeVisible({ timeout: 40_000 });
    await expect(page.getByTestId("refresh-notice")).toContainText("Could not refresh");
    await expect(page.getByTestId("store-entries")).toHaveText("2");
    await expect(page.getByTestId("activity-chart")).toBeVisible();
    await shot(page, info, "store-refresh-failed");
    await page.unroute(failing);
    await page.getByTestId("refresh-notice").getByRole("button", { name: "Retry now" }).click();
    await expect(page.getByTestId("refresh-notice")).toBeHidden({ timeout: 20_000 });
  });

  await test.step("revoke: a red button, a confirmation, a toast; the SDK gets 401", async () => {
    await page.goto(`${projectUrl}/keys`);
    const revoke = page.getByRole("button", { name: "Revoke e2e-app" });
    const color = await revoke.evaluate((el) => getComputedStyle(el).color);
    const [r, g, b] = color.match(/\d+/g)!.map(Number);
    expect(r!, `Revoke is ${color}`).toBeGreaterThan(g! + 60);
    expect(r!).toBeGreaterThan(b! + 60);
    await revoke.click();
    const dialog = page.getByRole("dialog", { name: /Revoke/ });
    await expectAccessible(page, "revoke dialog", '[role="dialog"]');
    await shot(page, info, "server-key-revoke");
    await dialog.getByRole("button", { name: "Revoke key" }).click();
    await expectToast(page, "Server key “e2e-app” revoked");
    await expect(page.getByTestId("server-key-row")).toContainText("revoked");
    const store = new DataVaultClient({ baseUrl: baseURL!, serverKey: token, retries: 0 }).getDataVaultStore(storeId);
    await expect.poll(() => sdkErrorCode(() => store.getValue("gh:1", { secret: appSecret })), { timeout: 20_000 }).toBe("UNAUTHENTICATED");
  });

  await test.step("delete the long-named store: the dialog fits, typing the id confirms", async () => {
    await page.goto(`${projectUrl}/stores/${longStoreId}`);
    await page.getByRole("button", { name: "Delete store" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete this store?" });
    await expect(dialog).toContainText("The store is empty.");
    await expect(dialog).not.toContainText("0 entries");
    await expectDialogFits(page, dialog);
    const confirm = dialog.getByRole("button", { name: "Delete store and entries" });
    await expect(confirm).toBeDisabled();
    await dialog.getByLabel(/to confirm/).fill(longStoreId.toUpperCase());
    await expect(confirm).toBeDisabled();
    await dialog.getByLabel(/to confirm/).fill(longStoreId);
    await expectAccessible(page, "delete-store dialog", '[role="dialog"]');
    await shot(page, info, "store-delete");
    await confirm.click();
    await expectToast(page, `Store “${longStoreId}” deleted`);
    await expect(page).toHaveURL(projectUrl);
    await expect(page.getByTestId("store-row")).toHaveCount(1);
  });

  await test.step("settings; the team project: no member view for owners, removal confirms", async () => {
    await page.getByRole("link", { name: "Settings" }).click();
    await expect(page).toHaveTitle(`Settings · ${projectName} · Data Vault`);
    await expect(page.getByLabel("Project name")).toHaveValue(projectName);
    await checkPage(page, info, "project-settings");

    // On a full load an owner's page never shows, even briefly, what members see.
    await page.addInitScript(() => {
      const w = window as unknown as { __memberTextSeen: boolean };
      w.__memberTextSeen = false;
      new MutationObserver(() => {
        if (document.body?.textContent?.includes("An owner of this project can")) w.__memberTextSeen = true;
      }).observe(document, { subtree: true, childList: true, characterData: true });
    });
    await page.goto(`/projects/${teamId}`);
    await expect(page.getByRole("button", { name: "Create your first store" })).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { __memberTextSeen: boolean }).__memberTextSeen)).toBe(false);

    await page.goto(`/projects/${teamId}/settings`);
    const remove = page.getByRole("button", { name: `Remove ${memberEmail}` });
    await remove.click();
    const dialog = page.getByRole("dialog", { name: "Remove Mia Member?" });
    await expectAccessible(page, "remove-member dialog", '[role="dialog"]');
    await shot(page, info, "member-remove");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText(memberEmail, { exact: true })).toBeVisible();
    await remove.click();
    await dialog.getByRole("button", { name: "Remove member" }).click();
    await expectToast(page, `${memberEmail} removed from the project`);
    await expect(page.getByRole("button", { name: `Remove ${memberEmail}` })).toHaveCount(0);
  });

  await test.step("master keys (admin)", async () => {
    await page.getByRole("link", { name: "Master keys" }).click();
    await expect(page).toHaveTitle("Master keys · Data Vault");
    await expect(page.getByRole("heading", { name: "Master keys" })).toBeVisible();
    await expectNoHorizontalScroll(page, "master-keys");
    await expect(page.getByText("Next automatic rotation")).toBeVisible();
    await expectAccessible(page, "master-keys");
    await shot(page, info, "master-keys");
    if (vp === "desktop") {
      // Rotation: the dialog closes at once; the page follows the rewrap to
      // its end, and the retired version sits behind a toggle.
      await expect(page.getByRole("cell", { name: "v1", exact: true })).toBeVisible();
      await page.getByRole("button", { name: "Rotate now" }).click();
      await page.getByRole("button", { name: "Rotate master key" }).click();
      await expect(page.getByRole("dialog")).toBeHidden({ timeout: 10_000 });
      await expect(page.getByRole("cell", { name: "v2", exact: true })).toBeVisible({ timeout: 30_000 });
      await expect(page.getByText(/Last rewrap finished .*moved to v2/)).toBeVisible({ timeout: 60_000 });
      await expect(page.getByRole("cell", { name: "v1", exact: true })).toBeHidden();
      await page.getByRole("button", { name: "Show retired versions (1)" }).click();
      await expect(page.getByRole("cell", { name: "v1", exact: true })).toBeVisible();
      await expectAccessible(page, "master-keys after a rotation");
      await shot(page, info, "master-keys-rotated");
    }
  });

  await test.step("404 pages with a way back", async () => {
    await page.goto("/projects/no-such-project");
    await expect(page.getByRole("heading", { name: "This page does not exist" })).toBeVisible();
    await checkPage(page, info, "not-found-project");
    await page.goto("/no/such/page");
    await expect(page).toHaveTitle("Page not found · Data Vault");
    await expect(page.getByRole("heading", { name: "This page does not exist" })).toBeVisible();
    await checkPage(page, info, "not-found");
    await page.getByRole("link", { name: "Back to your projects" }).click();
    await expect(page).toHaveURL(/\/projects$/);
  });

  await test.step("theme: a choice in the account menu, remembered, right from the first paint", async () => {
    const other = dark ? "Light" : "Dark";
    await page.getByTestId("account-menu").click();
    const menu = page.getByRole("menu");
    await expectAccessible(page, "account menu", '[role="menu"]');
    await shot(page, info, "account-menu");
    await menu.getByRole("menuitemradio", { name: other }).click();
    await page.keyboard.press("Escape");
    await expect(page.locator("html")).toHaveClass(dark ? /light/ : /dark/);
    await page.reload();
    expect(await firstFrameClass(page)).toContain(dark ? "light" : "dark");
    await expect(page.locator("html")).toHaveClass(dark ? /light/ : /dark/);
    await shot(page, info, `projects-${other.toLowerCase()}`);
    await page.getByTestId("account-menu").click();
    await page.getByRole("menuitemradio", { name: "System" }).click();
    await page.keyboard.press("Escape");
    await expect(page.locator("html")).toHaveClass(dark ? /dark/ : /light/);
  });

  await test.step("sign-out stays on this origin (NEXTAUTH_URL is unset)", async () => {
    await page.getByTestId("account-menu").click();
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await expect(page).toHaveURL(`${baseURL}/sign-in`);
    await page.goto("/projects");
    await expect(page).toHaveURL(/\/sign-in/);
  });
});
