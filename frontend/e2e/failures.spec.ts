// What people see when things go wrong: a render that fails says why and gives the credit back, and
// the admin console is closed to everyone else.
import { api, createAccount, grantCredits } from "./support/stack";
import { expect, screenshot, signInThroughPage, test } from "./support/fixtures";

test("a render that fails shows its reason and the refund", async ({ page }) => {
  const admin = await createAccount("admin", true);
  const creator = await createAccount("creator");
  await grantCredits(admin, creator.uid, 2);
  await signInThroughPage(page, creator.email, creator.password);

  await page.getByRole("link", { name: "Create" }).click();
  await page.getByLabel("Prompt", { exact: true }).fill("A lighthouse in a storm");
  // Starts with PNG's signature, so it passes the page's type and size checks and the image check at create,
  // but it is not an image the worker can decode.
  const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  await page.getByLabel("Starting image").setInputFiles({
    name: "lighthouse.png", mimeType: "image/png",
    buffer: Buffer.concat([pngSignature, Buffer.from("this is not really a PNG file")]),
  });
  await expect(page.getByText("Uploaded — the video starts from this image.")).toBeVisible();
  await page.getByRole("button", { name: /^Generate/ }).click();
  await expect(page).toHaveURL(/\/jobs\//);

  const status = page.getByTestId("job-status");
  await expect(page.locator(".chip-failed")).toBeVisible({ timeout: 180_000 });
  await expect(status).toContainText("The input image could not be decoded");
  await expect(status).toContainText("1 credit refunded.");
  await expect(page.getByTestId("credit-pill")).toHaveText("2 credits");
  await screenshot(page, "07-job-failed");

  const balance = await api<{ credits: number; reserved: number }>("GET", "/api/credits", creator.idToken);
  expect(balance).toMatchObject({ credits: 2, reserved: 0 });
});

test("a creator who is not an admin gets the 403 page on /admin", async ({ page }) => {
  const creator = await createAccount("creator");
  await signInThroughPage(page, creator.email, creator.password);
  await expect(page.getByRole("link", { name: "Admin" })).toHaveCount(0);
  await page.goto("/admin");
  await expect(page.getByTestId("forbidden")).toContainText("403");
  await expect(page.getByText("Admins only")).toBeVisible();
  await screenshot(page, "08-admin-forbidden");

  // The API refuses too, whatever the page shows.
  await expect(api("GET", "/api/admin/overview", creator.idToken)).rejects.toThrow(/403/);
});
