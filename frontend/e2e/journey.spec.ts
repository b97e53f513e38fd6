// A new creator's first clip, as they would make it: sign up, get credits from an admin, create a 5 s
// video, watch it render live, play it, download it, and find the charge in the credit history.
import { readFileSync } from "node:fs";
import { createAccount } from "./support/stack";
import { expect, screenshot, signInThroughPage, test, watchPage } from "./support/fixtures";

test("sign up, get credits from an admin, make a 5 s clip, play and download it", async ({ page, browser, consoleWatch }) => {
  const email = `creator-${Date.now()}@example.com`;
  const password = "paper-boat-2026";

  // 1. Sign up.
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin/);
  await screenshot(page, "01-sign-in");
  await page.getByRole("button", { name: "Create an account" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("balance")).toContainText("0");
  await expect(page.getByText("No videos yet")).toBeVisible();

  // 2. An admin grants credits from the console, with a reason.
  const admin = await createAccount("admin", true);
  const adminContext = await browser.newContext();
  const adminPage = await adminContext.newPage();
  watchPage(adminPage, consoleWatch);
  await signInThroughPage(adminPage, admin.email, admin.password);
  await adminPage.getByRole("link", { name: "Admin" }).click();
  await adminPage.getByLabel("Find a user by email").fill(email);
  await adminPage.getByRole("button", { name: "Find" }).click();
  const row = adminPage.locator(`[data-testid="admin-user-row"][data-email="${email}"]`);
  await expect(row).toBeVisible();
  await row.getByLabel(`Credits to add for ${email}`).fill("5");
  await row.getByLabel(`Reason for ${email}`).fill("welcome credits");
  await row.getByRole("button", { name: "Apply" }).click();
  await expect(row.getByText("Done: 5 credits now.")).toBeVisible();
  await expect(row.getByTestId("user-credits")).toHaveText("5");
  await screenshot(adminPage, "05-admin");
  await adminContext.close();

  // 3. The creator sees the credits arrive on the open page, with no reload, and makes a 5 s clip.
  await expect(page.getByTestId("credit-pill")).toHaveText("5 credits");
  await screenshot(page, "02-dashboard-empty");
  await page.getByRole("link", { name: "New video" }).click();
  const prompt = "A paper boat drifting down a rain-soaked street at dusk";
  await page.getByLabel("Prompt", { exact: true }).fill(prompt);
  await expect(page.getByTestId("prompt-counter")).toHaveText(new RegExp(`^${prompt.length} / \\d+$`));
  await expect(page.getByText("5 s · 1 credit", { exact: true })).toBeVisible();
  await screenshot(page, "03-create");
  await page.getByRole("button", { name: /^Generate/ }).click();
  await expect(page).toHaveURL(/\/jobs\/[\w-]+$/);
  const jobId = page.url().split("/").pop()!;

  // 4. Watch it: the status moves live through the worker's stages with a progress bar.
  const status = page.getByTestId("job-status");
  await expect(page.getByText("Live")).toBeVisible();
  await expect(status).toContainText(/(Rendering|Decoding) frames · [1-9]\d*%/, { timeout: 180_000 });
  const bar = page.getByRole("progressbar", { name: "Render progress" });
  const seen = Number(await bar.getAttribute("aria-valuenow"));
  expect(seen).toBeGreaterThan(0);
  await screenshot(page, "04-job-rendering");
  const video = page.getByTestId("video");
  await expect(video).toBeVisible({ timeout: 240_000 });
  await expect(page.locator(".chip-done")).toBeVisible();

  // 5. The video plays: metadata loads, the duration is about 5 s, and time moves when played.
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
  const durationSec = await video.evaluate((v: HTMLVideoElement) => v.duration);
  expect(durationSec).toBeGreaterThan(4.9);
  expect(durationSec).toBeLessThan(5.2);
  await video.evaluate((v: HTMLVideoElement) => { v.muted = true; return v.play(); });
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 15_000 }).toBeGreaterThan(0.2);
  await video.evaluate((v: HTMLVideoElement) => v.pause());
  await expect(page.getByTestId("expiry")).toContainText(/Deleted in (23 h|24 h 0 min)/);
  await screenshot(page, "04-job-done");

  // 6. Download: an MP4 file (an ISO media file starts with an `ftyp` box).
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download MP4" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`cineweave-${jobId}.mp4`);
  const saved = readFileSync(await download.path());
  expect(saved.length).toBeGreaterThan(10_000);
  expect(saved.subarray(4, 8).toString("latin1")).toBe("ftyp");

  // 7. The history shows the admin grant, the reservation and its settlement for this job.
  await page.getByRole("link", { name: "Account" }).click();
  const ledger = page.getByTestId("ledger");
  await expect(ledger.locator('tr[data-kind="settle"]')).toHaveCount(1);
  await expect(ledger.locator('tr[data-kind="reserve"]')).toHaveCount(1);
  await expect(ledger.locator('tr[data-kind="adjust"]')).toContainText("welcome credits");
  await expect(page.getByTestId("account-credits")).toHaveText("4");
  await screenshot(page, "06-account");

  // 8. Back on the dashboard the finished clip is listed with its poster.
  await page.getByRole("link", { name: "Dashboard" }).click();
  const card = page.locator(`[data-job-id="${jobId}"]`);
  await expect(card.locator(".chip-done")).toBeVisible();
  await expect.poll(() => card.locator("img").evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await screenshot(page, "02-dashboard");
});
