// Content moderation as a creator meets it: a prompt the checks refuse is named beside the prompt field
// with what it was flagged for, and nothing is charged. The local Natural Language stand-in flags the
// marker [[flag:Violent]] as Violent.
import { api, createAccount, grantCredits } from "./support/stack";
import { expect, screenshot, signInThroughPage, test } from "./support/fixtures";

test("a refused prompt says why beside the prompt and charges nothing", async ({ page, consoleWatch }) => {
  const admin = await createAccount("admin", true);
  const creator = await createAccount("creator");
  await grantCredits(admin, creator.uid, 3);
  await signInThroughPage(page, creator.email, creator.password);
  await expect(page.getByTestId("credit-pill")).toHaveText("3 credits");
  // Chromium logs the refusal's 422 answer as a console error; that one line is expected here.
  consoleWatch.expected.push(/Failed to load resource: the server responded with a status of 422\b/);

  await page.getByRole("link", { name: "Create" }).click();
  const prompt = page.getByLabel("Prompt", { exact: true });
  await prompt.fill("Two knights duel in the rain [[flag:Violent]]");
  await page.getByRole("button", { name: /^Generate/ }).click();

  const refusal = page.getByTestId("prompt-error");
  await expect(refusal).toBeVisible();
  await expect(refusal).toHaveAttribute("role", "alert");
  await expect(refusal).toContainText("Flagged: Violent");
  await expect(prompt).toHaveAttribute("aria-invalid", "true");
  await expect(prompt).toHaveAccessibleDescription(/Violent/);
  await expect(page).toHaveURL(/\/create$/);
  await expect(page.getByTestId("credit-pill")).toHaveText("3 credits");
  await screenshot(page, "10-create-refused");

  const balance = await api<{ credits: number; reserved: number }>("GET", "/api/credits", creator.idToken);
  expect(balance).toMatchObject({ credits: 3, reserved: 0 });

  // Editing the prompt takes the refusal away.
  await prompt.fill("Two knights bow in the rain");
  await expect(refusal).toHaveCount(0);
  await expect(prompt).not.toHaveAttribute("aria-invalid");
});
