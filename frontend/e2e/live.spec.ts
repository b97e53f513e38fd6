// What moves on the page without a reload: the credit badge and the account page follow the user's own
// document when an admin grants credits or a job is refunded, and the job page announces each status in a
// polite live region for screen readers.
import type { Page } from "@playwright/test";
import { api, createAccount, grantCredits } from "./support/stack";
import { expect, signInThroughPage, test } from "./support/fixtures";

/** Marks the loaded document; a reload or a full navigation loses the mark. */
async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { cineweaveMark?: string }).cineweaveMark = "still here";
  });
}

async function pageMark(page: Page): Promise<string | undefined> {
  return page.evaluate(() => (window as unknown as { cineweaveMark?: string }).cineweaveMark);
}

test("an admin's grant shows on the badge and the account page without a reload", async ({ page }) => {
  const [creator, admin] = await Promise.all([createAccount("live-balance"), createAccount("live-admin", true)]);
  await signInThroughPage(page, creator.email, creator.password);
  const badge = page.getByTestId("credit-pill");
  await expect(badge).toHaveText("0 credits");
  await markPage(page);

  await grantCredits(admin, creator.uid, 5);
  await expect(badge).toHaveText("5 credits", { timeout: 10_000 });

  await page.getByRole("link", { name: "Account" }).click(); // inside the app: no page load
  await expect(page.getByTestId("account-credits")).toHaveText("5");
  await grantCredits(admin, creator.uid, 3);
  await expect(page.getByTestId("account-credits")).toHaveText("8", { timeout: 10_000 });
  await expect(badge).toHaveText("8 credits");
  await expect(page.getByTestId("ledger").locator('tr[data-kind="adjust"]')).toHaveCount(2);
  expect(await pageMark(page)).toBe("still here");
});

test("the job page announces the job's status, and its refund reaches the badge live", async ({ page }) => {
  const [creator, admin] = await Promise.all([createAccount("live-job"), createAccount("live-job-admin", true)]);
  await grantCredits(admin, creator.uid, 1);
  await signInThroughPage(page, creator.email, creator.password);
  const created = await api<{ jobId: string }>("POST", "/api/jobs/create", creator.idToken, {
    prompt: "A lighthouse beam sweeping over a night sea", durationSec: 5,
  });
  await page.goto(`/jobs/${created.jobId}`);
  await expect(page.getByText("Live")).toBeVisible();
  await expect(page.getByTestId("credit-pill")).toHaveText("0 credits"); // the credit is reserved
  await markPage(page);

  const region = page.getByTestId("job-announcement");
  await expect(region).toHaveAttribute("role", "status");
  await expect(region).toHaveAttribute("aria-live", "polite");
  await expect(region).toHaveText(/^(Queued|Starting|Waiting for a GPU|Starting the GPU worker|Loading the model)/);

  // Canceled from elsewhere (another tab, or a script with an API key): the page says so and the refund lands.
  await api("POST", `/api/jobs/${created.jobId}/cancel`, creator.idToken);
  await expect(region).toHaveText("Canceled.", { timeout: 10_000 });
  await expect(page.getByTestId("credit-pill")).toHaveText("1 credit", { timeout: 10_000 });
  expect(await pageMark(page)).toBe("still here");
});
