// Buying credits from the account page: the API names a payment page (the local TrueLayer stand-in's),
// the creator pays there, comes back, and sees the credits arrive once the signed webhook has landed.
import { api, createAccount } from "./support/stack";
import { expect, screenshot, signInThroughPage, test } from "./support/fixtures";

test("a top-up paid on the payment page adds its credits", async ({ page }) => {
  const creator = await createAccount("buyer");
  await signInThroughPage(page, creator.email, creator.password);
  await page.getByRole("link", { name: "Account" }).click();
  await page.getByLabel(/Top up credits/).fill("40");
  await expect(page.getByText("£8.00", { exact: true })).toBeVisible(); // 40 × 20p at the seed rate
  await page.getByRole("button", { name: "Top up" }).click();

  await expect(page.getByRole("button", { name: "Pay now" })).toBeVisible();
  await page.getByRole("button", { name: "Pay now" }).click();

  await expect(page).toHaveURL(/\/account\?paymentId=/);
  await expect(page.getByText("Payment received: 40 credits added to your balance.")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("account-credits")).toHaveText("40");
  await expect(page.getByTestId("ledger").locator('tr[data-kind="topup"]')).toHaveCount(1);
  await screenshot(page, "09-account-paid");

  const balance = await api<{ credits: number }>("GET", "/api/credits", creator.idToken);
  expect(balance.credits).toBe(40);
});

test("a declined payment says so and adds nothing", async ({ page }) => {
  const creator = await createAccount("decliner");
  await signInThroughPage(page, creator.email, creator.password);
  await page.getByRole("link", { name: "Account" }).click();
  await page.getByRole("button", { name: "Choose Starter" }).click();
  await page.getByRole("button", { name: "Decline" }).click();
  await expect(page).toHaveURL(/\/account\?paymentId=/);
  await expect(page.getByText(/The payment did not go through/)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("account-credits")).toHaveText("0");
});
