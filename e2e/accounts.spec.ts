// Issue 9's journey in Chromium against the production build: the admin is
// made with the CLI; sign-up is closed; a redirect payload lands on the
// dashboard home; the admin invites a member by link; the member accepts,
// sets a password and signs in; a copied cookie stops working after
// sign-out; the member changes the password and the old session in a
// second browser context is gone; the admin sees it all as security
// events. No page breaks its Content-Security-Policy. Screens go to
// e2e/artifacts/screens/accounts-*.png.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { createUser } from "./cli";

const SCREENS = "e2e/artifacts/screens";
const stamp = Date.now();
const admin = { email: `admin-${stamp}@example.com`, password: "admin passphrase for e2e" };
const member = { email: `member-${stamp}@example.com`, password: "member passphrase one", next: "member passphrase two" };

// Steps that hash or check a password (scrypt) on a slow, shared machine.
const SLOW = { timeout: 30_000 };

const shot = (page: Page, name: string) => page.screenshot({ path: `${SCREENS}/accounts-${name}.png`, fullPage: true });

/** Fails the test on any CSP violation the page reports. */
function watchCsp(page: Page, seen: string[]) {
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to (execute|load)/i.test(m.text())) seen.push(`${page.url()}: ${m.text()}`);
  });
}

async function signIn(page: Page, who: { email: string; password: string }, callbackUrl?: string) {
  await page.goto(callbackUrl ? `/sign-in?callbackUrl=${callbackUrl}` : "/sign-in");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function newPage(browser: Browser, csp: string[]): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  watchCsp(page, csp);
  return page;
}

test.describe.configure({ mode: "serial" });

test("admin from the CLI invites a member by link; sessions end on sign-out and password change", async ({ page, browser, baseURL }) => {
  test.setTimeout(900_000);
  const cspViolations: string[] = [];
  watchCsp(page, cspViolations);

  // Sign-up is closed and says so; nothing tells a visitor whether accounts exist.
  await page.goto("/sign-up");
  await expect(page.getByRole("heading", { name: "Sign-up is by invitation" })).toBeVisible();
  await shot(page, "sign-up-closed");
  await page.goto("/setup");
  await expect(page.getByText("needs the one-time setup link")).toBeVisible();

  // The first admin is made on the server's machine.
  createUser(admin.email, admin.password, { admin: true });

  // Finding 3: /%5Cevil.example ends on the dashboard home, not at evil.example.
  await signIn(page, admin, "/%5Cevil.example");
  await expect(page).toHaveURL(`${baseURL}/projects`, SLOW);
  const res = await page.request.get("/projects");
  expect(res.headers()["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(res.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");

  // A project, and an invitation link for the member.
  await page.getByRole("button", { name: /New project|Create your first project/ }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create a project" });
  await dialog.getByLabel("Project name").fill("Accounts e2e");
  await dialog.getByRole("button", { name: "Create project" }).click();
  await expect(page).toHaveURL(/\/projects\/[^/]+$/);
  const projectUrl = page.url();
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByLabel("Invite by email").fill(member.email);
  await page.getByLabel("Role").last().selectOption("member");
  await page.getByRole("button", { name: "Create invitation link" }).click();
  const link = ((await page.getByTestId("invitation-link").textContent()) ?? "").trim();
  expect(link).toMatch(/\/invite#dvi_[\w-]{43}$/);
  await expect(page.getByTestId("invitation-row")).toContainText(member.email);
  await shot(page, "invitation-created");

  // The member, in their own browser: opens the link, sets a password, joins.
  const memberPage = await newPage(browser, cspViolations);
  await memberPage.goto(link.replace(/^https?:\/\/[^/]+/, baseURL!));
  await expect(memberPage.getByRole("heading", { name: "Join Accounts e2e" })).toBeVisible();
  await expect(memberPage).toHaveURL(`${baseURL}/invite`); // the token left the address bar
  await memberPage.getByLabel("Choose a password").fill("password1234");
  await memberPage.getByRole("button", { name: "Create account and join" }).click();
  await expect(memberPage.getByText("commonly used passwords")).toBeVisible(SLOW);
  await shot(memberPage, "invitation-accept");
  await memberPage.getByLabel("Choose a password").fill(member.password);
  await memberPage.getByRole("button", { name: "Create account and join" }).click();
  await expect(memberPage).toHaveURL(projectUrl, SLOW);
  await expect(memberPage.getByRole("heading", { name: "Accounts e2e" })).toBeVisible();

  // The link works once.
  const usedPage = await newPage(browser, cspViolations);
  await usedPage.goto(link.replace(/^https?:\/\/[^/]+/, baseURL!));
  await expect(usedPage.getByText("already used, revoked or has expired")).toBeVisible();
  await usedPage.context().close();

  // Finding 4: a copy of the session cookie stops working after sign-out.
  const copied = await memberPage.context().cookies();
  await memberPage.getByTestId("account-menu").click();
  await memberPage.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(memberPage).toHaveURL(/\/sign-in/);
  const replay = await browser.newContext();
  await replay.addCookies(copied);
  const replayPage = await replay.newPage();
  await replayPage.goto("/projects");
  await expect(replayPage).toHaveURL(/\/sign-in/);
  await replay.close();

  // The member signs in again (with the other redirect payload) in two browsers.
  await signIn(memberPage, member, "/%09/evil.example");
  await expect(memberPage).toHaveURL(`${baseURL}/projects`, SLOW);
  const second = await newPage(browser, cspViolations);
  await signIn(second, member);
  await expect(second).toHaveURL(`${baseURL}/projects`, SLOW);
  await expect(second.getByRole("link", { name: /Accounts e2e/ })).toBeVisible();

  // Changing the password in the first ends the second at once.
  await memberPage.goto("/settings");
  await expect(memberPage.getByTestId("session-row")).toHaveCount(2);
  await memberPage.getByLabel("Current password").fill(member.password);
  await memberPage.getByLabel("New password").fill(member.next);
  await memberPage.getByRole("button", { name: "Change password" }).click();
  await expect(memberPage.getByText("1 other session was signed out.")).toBeVisible(SLOW);
  await expect(memberPage.getByTestId("session-row")).toHaveCount(1);
  await shot(memberPage, "settings");
  await second.reload();
  await expect(second).toHaveURL(/\/sign-in/);
  // The first session is still good.
  await memberPage.goto("/projects");
  await expect(memberPage.getByRole("link", { name: /Accounts e2e/ })).toBeVisible();

  // The admin sees the events and the sign-up settings.
  await page.goto("/admin/security-events");
  await expect(page.getByRole("heading", { name: "Security events" })).toBeVisible();
  for (const action of ["invitation.create", "invitation.accept", "account.password_change", "session.revoke_all", "auth.sign_out"]) {
    await expect(page.locator(`[data-action="${action}"]`).first()).toBeVisible();
  }
  await shot(page, "security-events");
  await page.goto("/admin/instance");
  await expect(page.getByLabel("Allow open sign-up")).not.toBeChecked();
  await shot(page, "instance-settings");

  // Narrow screen.
  await memberPage.setViewportSize({ width: 390, height: 844 });
  await memberPage.goto("/settings");
  await expect(memberPage.getByTestId("session-row")).toHaveCount(1);
  await shot(memberPage, "settings-390");

  expect(cspViolations).toEqual([]);
});
