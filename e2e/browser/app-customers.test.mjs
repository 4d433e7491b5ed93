// Customers and the number shield in the app: an admin creates a customer,
// sees the number only masked, reveals it for a stated reason, gets a
// dial code to call; sets up the shield (a hotline, a VIP rule) and tries
// the rule for a junior agent in the tester.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, launch, shooter, unique } from './harness.mjs';

test('customers and the number shield', { skip: !process.env.SB_ADMIN_EMAIL && 'SB_ADMIN_EMAIL is not set' }, async () => {
  const browser = await launch();
  try {
    const page = await (await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } })).newPage();
    const shot = shooter('app-customers');
    await page.goto(`${env.base}/customers`);
    await page.getByTestId('login-email').fill(process.env.SB_ADMIN_EMAIL);
    await page.getByTestId('login-password').fill(env.agentPassword);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/customers$/);

    // A CSV import with a bad row writes nothing and says which line; fixed, it goes in.
    const tail = String(Date.now()).slice(-7);
    const csv = (phone2) => Buffer.from(`name,phones,tier\nImported One,+86137${tail}1,standard\nImported Two,${phone2},vip\n`);
    await page.getByTestId('customers-import').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: csv('12ab') });
    await page.getByTestId('import-report').filter({ hasText: 'line 3' }).waitFor();
    await page.getByTestId('customers-import').setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: csv(`+86137${tail}2`) });
    assert.match(await page.getByTestId('import-done').textContent(), /Imported 2 customers/);
    await shot(page, 'imported');

    // A VIP customer with a phone number: shown masked everywhere.
    const name = unique('Vera Vip');
    const phone = `+86138${String(Date.now()).slice(-8)}`;
    await page.getByTestId('customer-new').click();
    await page.getByTestId('customer-name-input').fill(name);
    await page.getByTestId('customer-phone-input').fill(phone);
    await page.getByTestId('customer-tier-input').selectOption('vip');
    await page.getByTestId('customer-create').click();
    await page.getByTestId('customer-page').waitFor();
    const customerID = new URL(page.url()).pathname.split('/').pop();
    const shown = await page.getByTestId('customer-phones').textContent();
    assert.match(shown, /\*\*\*\*/, `masked: ${shown}`);
    assert.ok(!shown.includes(phone.slice(1)), 'the full number is not on the page');
    assert.ok(!(await page.content()).includes(phone.slice(3)), 'nor anywhere in the page');
    await shot(page, 'customer-masked');

    // Revealed only for a reason, and then shown.
    await page.getByTestId('customer-reveal').click();
    await page.getByTestId('reveal-reason').fill('Customer asked for a call back');
    await page.getByTestId('reveal-confirm').click();
    await page.getByTestId('revealed').filter({ hasText: phone }).waitFor();
    await shot(page, 'revealed');

    // A dial code to call, never the number.
    await page.getByTestId('customer-call').click();
    const code = await page.getByTestId('dial-code').textContent();
    assert.match(code, /^8\d{4,6}$/);
    await shot(page, 'dial-code');

    // The shield: a hotline and the VIP rule, tried for the junior agent (extension 1001).
    await page.goto(`${env.base}/admin/shield`);
    await page.getByTestId('shield-number').fill(`+86950${String(Date.now()).slice(-4)}`);
    await page.getByTestId('shield-purpose').selectOption('hotline');
    await page.getByTestId('shield-number-add').click();
    await page.getByTestId('shield-number-row').first().waitFor();
    await page.getByTestId('shield-tab-rules').click();
    await page.getByTestId('shield-rule-new').click();
    await page.getByTestId('shield-rule-name').fill('VIP to seniors');
    await page.getByTestId('shield-rule-condition').fill('customer.tier == "vip" && agent.level < 2');
    await page.getByTestId('shield-rule-outcome').selectOption('deny');
    await page.getByTestId('shield-rule-reason').fill('VIP customers are served by senior agents');
    await page.getByTestId('shield-rule-save').click();
    await page.locator('[data-testid="shield-rule"][data-name="VIP to seniors"]').waitFor();
    await page.getByTestId('tester-extension').fill('1001');
    await page.getByTestId('tester-customer').fill(customerID);
    await page.getByTestId('tester-run').click();
    const result = page.getByTestId('tester-result');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-action'), 'reject');
    assert.match(await result.textContent(), /VIP customers are served by senior agents/);
    await shot(page, 'rule-tester');

    // A blocked prefix, a binding number, and an AXB binding with its QR code.
    await page.getByTestId('shield-tab-lists').click();
    await page.getByTestId('shield-block-number').fill('+86170');
    await page.getByTestId('shield-block-add').click();
    await page.getByTestId('shield-block-entry').filter({ hasText: '+86170' }).waitFor();
    await page.getByTestId('shield-tab-numbers').click();
    const x = `+86139${String(Date.now()).slice(-8)}`;
    await page.getByTestId('shield-number').fill(x);
    await page.getByTestId('shield-purpose').selectOption('binding');
    await page.getByTestId('shield-number-add').click();
    await page.locator(`[data-testid="shield-number-row"][data-number="${x}"]`).waitFor();
    await page.getByTestId('shield-tab-bindings').click();
    await page.getByTestId('binding-a').fill(`+86150${String(Date.now()).slice(-8)}`);
    await page.getByTestId('binding-b').fill(`+86151${String(Date.now()).slice(-8)}`);
    await page.getByTestId('binding-create').click();
    const row = page.locator(`[data-testid="binding-row"][data-x="${x}"]`);
    await row.waitFor();
    await row.getByTestId('binding-show-qr').click();
    const img = page.getByTestId('binding-qr').locator('img');
    await img.waitFor();
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
    await shot(page, 'binding-qr');

    // A broken condition is refused with its place.
    await page.getByTestId('shield-tab-rules').click();
    await page.getByTestId('shield-rule-new').click();
    await page.getByTestId('shield-rule-name').fill('Broken');
    await page.getByTestId('shield-rule-condition').fill('customer.tier ==');
    await page.getByTestId('shield-rule-save').click();
    await page.getByTestId('admin-error').waitFor();
  } finally {
    await browser.close();
  }
});
