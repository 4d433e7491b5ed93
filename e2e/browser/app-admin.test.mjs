// The admin console: an admin invites an agent (the invitation link is
// shown to pass on), sets their capacity, and creates a queue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, launch, shooter, unique, waitFor } from './harness.mjs';

test('admin: invite an agent and create a queue', { skip: !process.env.SB_ADMIN_EMAIL && 'SB_ADMIN_EMAIL is not set' }, async () => {
  const browser = await launch();
  try {
    const page = await (await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } })).newPage();
    const shot = shooter('app-admin');
    await page.goto(`${env.base}/admin`);
    await page.getByTestId('login-email').fill(process.env.SB_ADMIN_EMAIL);
    await page.getByTestId('login-password').fill(env.agentPassword);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/admin\/users$/);

    const email = `${unique('new-agent').replace(/\s+/g, '-')}@example.com`.toLowerCase();
    await page.getByTestId('invite-email').fill(email);
    await page.getByTestId('invite-user-name').fill('New Agent');
    await page.getByTestId('invite-role').selectOption('agent');
    await page.getByTestId('invite-send').click();
    const link = page.getByTestId('invite-link');
    await link.waitFor();
    assert.match(await link.textContent(), /\/invite#token=sbi_/);
    const row = page.locator(`[data-testid="admin-user"][data-email="${email}"]`);
    await row.waitFor();
    assert.match(await row.textContent(), /Invited/);
    await shot(page, 'invited');

    await row.getByTestId('admin-user-edit').click();
    await page.getByTestId('admin-user-capacity').fill('5');
    await page.getByTestId('admin-user-save').click();
    await page.getByTestId('admin-user-save').waitFor({ state: 'detached' });
    await waitFor('the new capacity in the list', async () => (await row.locator('td').nth(4).textContent()) === '5');

    await page.getByTestId('admin-nav-queues').click();
    await page.getByTestId('queue-new').click();
    const name = unique('Billing queue');
    await page.getByTestId('queue-name').fill(name);
    await page.getByTestId('queue-strategy').selectOption('most_skilled');
    await page.getByTestId('queue-save').click();
    const q = page.locator(`[data-testid="admin-queue"][data-name="${name}"]`);
    await q.waitFor();
    assert.match(await q.textContent(), /Most skilled/);
    await shot(page, 'queue-created');

    // Business hours: weekdays in a time zone, and a holiday.
    await q.getByRole('button', { name: 'Edit' }).click();
    await page.getByTestId('hours-scheduled').check();
    await page.getByTestId('hours-timezone').selectOption('Asia/Shanghai');
    await page.getByTestId('holiday-add').click();
    await page.getByTestId('holiday').last().locator('input[type="date"]').fill('2026-10-01');
    await page.getByTestId('queue-save').click();
    await waitFor('the hours in the list', async () => /Asia\/Shanghai, 1 holiday$/.test(await q.getByTestId('admin-queue-hours').textContent()));
    await shot(page, 'queue-hours');

    // A web chat inbox routed to the new queue, with its embed code.
    await page.getByTestId('admin-nav-inboxes').click();
    await page.getByTestId('inbox-new').click();
    const inboxName = unique('Shop chat');
    await page.getByTestId('inbox-name').fill(inboxName);
    await page.getByTestId('inbox-queue').selectOption({ label: name });
    await page.getByTestId('inbox-save').click();
    const inbox = page.locator(`[data-testid="admin-inbox"][data-name="${inboxName}"]`);
    await inbox.waitFor();
    assert.match(await inbox.textContent(), new RegExp(name));
    assert.match(await inbox.getByTestId('inbox-snippet').textContent(), /<script src=".*\/widget\.js" data-inbox="sbk_/);
    await shot(page, 'inbox');

    // A queue rule: a broken condition is refused with its place, a good one saved.
    await page.getByTestId('admin-nav-routing').click();
    await page.getByTestId('rule-add').click();
    await page.getByTestId('rule-queue').last().selectOption({ label: name });
    await page.getByTestId('rule-when').last().fill('item.channel ==');
    await page.getByTestId('rules-save').click();
    assert.match(await page.getByTestId('admin-error').textContent(), /rules\[\d+\]\.when/);
    await page.getByTestId('rule-when').last().fill('item.channel == "voice"');
    await page.getByTestId('rules-save').click();
    await page.getByTestId('rules-saved').waitFor();
    await shot(page, 'rules');

    // A skill and an away reason, which queues and the agents' status use.
    await page.getByTestId('admin-nav-skills').click();
    const skill = unique('Refunds');
    await page.getByTestId('admin-skill-name').fill(skill);
    await page.getByTestId('admin-skill-add').click();
    await page.locator(`[data-testid="admin-skill"][data-name="${skill}"]`).waitFor();
    await page.getByTestId('admin-nav-away-reasons').click();
    const reason = unique('Coaching').slice(0, 40);
    await page.getByTestId('admin-away-reason-name').fill(reason);
    await page.getByTestId('admin-away-reason-add').click();
    await page.locator(`[data-testid="admin-away-reason"][data-name="${reason}"]`).waitFor();
    await shot(page, 'away-reason');

    // A canned reply for a team-less audience, and the organisation's settings.
    await page.getByTestId('admin-nav-canned').click();
    await page.getByTestId('canned-new').click();
    const shortcut = `refund-${Date.now().toString(36)}`;
    await page.getByTestId('canned-shortcut').fill(shortcut);
    await page.getByTestId('canned-title').fill('Refund policy');
    await page.getByTestId('canned-body').fill('Hi {{customer.name}}, refunds take 3 days.');
    await page.getByTestId('canned-save').click();
    await page.locator(`[data-testid="admin-canned"][data-shortcut="${shortcut}"]`).waitFor();
    await page.getByTestId('canned-new').click();
    await page.getByTestId('canned-shortcut').fill(`${shortcut}-2`);
    await page.getByTestId('canned-title').fill('Broken');
    await page.getByTestId('canned-body').fill('Hi {{customer.nickname}}');
    await page.getByTestId('canned-save').click();
    assert.match(await page.getByTestId('admin-error').textContent(), /placeholder/i);
    await shot(page, 'canned');
    await page.getByTestId('admin-nav-settings').click();
    await page.getByTestId('settings-auto-resolve').fill('48');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-saved').waitFor();
    await shot(page, 'settings');

    // An API token, its secret shown once; the audit log has the queue.
    await page.getByTestId('admin-nav-tokens').click();
    const tokenName = unique('CRM sync');
    await page.getByTestId('token-name').fill(tokenName);
    await page.getByTestId('token-create').click();
    assert.match(await page.getByTestId('token-secret').textContent(), /sbt_/);
    await page.locator(`[data-testid="admin-token"][data-name="${tokenName}"]`).waitFor();
    await page.getByTestId('admin-nav-audit').click();
    await page.locator('[data-testid="audit-entry"][data-action="queue.created"]').first().waitFor();
    await shot(page, 'audit');

    // A second queue with the same name is refused with the server's reason.
    await page.getByTestId('admin-nav-queues').click();
    await page.getByTestId('queue-new').click();
    await page.getByTestId('queue-name').fill(name);
    await page.getByTestId('queue-save').click();
    await page.getByTestId('admin-error').waitFor();
    await shot(page, 'duplicate-refused');
  } finally {
    await browser.close();
  }
});
