// The agent workspace end to end: an agent signs in to the app and goes
// available; a visitor writes from the widget; the chat is offered to the
// agent, who accepts it, reads the question and answers; the visitor sees
// the answer. A supervisor watches the queue's count on the wallboard.
// Then the agent writes a private note (never shown to the visitor),
// resolves the conversation and goes offline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, env, launch, sendAsVisitor, shooter, unique, waitFor, widget } from './harness.mjs';

const routedKey = process.env.SB_ROUTED_INBOX_KEY;

test('workspace: offer, accept, answer', { skip: !routedKey && 'SB_ROUTED_INBOX_KEY is not set' }, async () => {
  const browser = await launch();
  const agentAPI = await Agent.login();
  const me = await agentAPI.api('GET', '/api/v1/me');
  try {
    const app = await (await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } })).newPage();
    const shot = shooter('app-workspace');
    await app.goto(`${env.base}/`);
    await app.getByTestId('login-email').fill(env.agentEmail);
    await app.getByTestId('login-password').fill(env.agentPassword);
    await app.getByTestId('login-submit').click();
    const presence = app.getByTestId('presence-toggle');
    await presence.waitFor();
    await app.waitForFunction(() => !document.querySelector('[data-testid="presence-toggle"]').disabled);
    await presence.selectOption('available');
    await app.waitForFunction(() => document.querySelector('[data-presence]')?.dataset.presence === 'available');
    await shot(app, 'available');

    // The supervisor's wallboard, in another browser.
    const sup = await (await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } })).newPage();
    await sup.goto(`${env.base}/wallboard`);
    await sup.getByTestId('login-email').fill(process.env.SB_SUPERVISOR_EMAIL);
    await sup.getByTestId('login-password').fill(env.agentPassword);
    await sup.getByTestId('login-submit').click();
    const queueCard = sup.getByTestId('wallboard-queue').filter({ hasText: 'Browser app queue' });
    await queueCard.waitFor();
    assert.equal(await queueCard.getAttribute('data-waiting'), '0');
    const agentRow = sup.locator(`[data-testid="wallboard-agent"][data-agent="${me.id}"]`);
    await agentRow.waitFor();
    assert.equal(await agentRow.getAttribute('data-presence'), 'available');

    const visitor = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await visitor.goto(`${env.base}/widget/demo?inbox=${encodeURIComponent(routedKey)}`);
    const wg = widget(visitor);
    await wg.launcher.click();
    await wg.input.waitFor({ state: 'visible' });
    const question = unique('Where is my parcel?');
    await sendAsVisitor(visitor, question);

    // The offer appears with a countdown; accepting opens the conversation.
    const accept = app.getByTestId('offer-accept');
    await accept.waitFor({ timeout: 10000 });
    await shot(app, 'offer');
    // Offered work still waits for an answer: the wallboard counts it.
    await sup.waitForFunction((name) => [...document.querySelectorAll('[data-testid="wallboard-queue"]')]
      .some((q) => q.textContent.includes(name) && q.dataset.waiting === '1'), 'Browser app queue', { timeout: 10000 });
    await shot(sup, 'wallboard-waiting');
    await accept.click();
    await app.getByTestId('offer').waitFor({ state: 'detached' });
    await sup.waitForFunction((name) => [...document.querySelectorAll('[data-testid="wallboard-queue"]')]
      .some((q) => q.textContent.includes(name) && q.dataset.waiting === '0'), 'Browser app queue', { timeout: 10000 });
    await shot(sup, 'wallboard-answered');
    await app.waitForURL(/\/workspace\/[^/]+$/);
    const list = app.getByTestId('message-list');
    await list.getByText(question).waitFor();
    await app.getByTestId('list-filter-mine').click();
    await app.getByTestId('conversation-item').first().waitFor();
    await shot(app, 'accepted');

    const answer = unique('It arrives tomorrow');
    await app.getByTestId('composer').fill(answer);
    await app.getByTestId('composer-send').click();
    await list.locator('[data-testid="message"]:not(.pending)').filter({ hasText: answer }).waitFor();
    await wg.message(answer).first().waitFor({ state: 'visible', timeout: 10000 });
    await shot(visitor, 'visitor-sees-answer');
    await shot(app, 'answered');

    // The customer panel shows who this is and their contacts.
    await app.getByTestId('customer-panel').getByTestId('customer-contact').first().waitFor();

    // A canned reply: "/gre" finds it, Enter inserts it with the placeholders filled.
    const composer = app.getByTestId('composer');
    await composer.fill('/gre');
    await app.getByTestId('canned-option').filter({ hasText: '/greet' }).waitFor();
    await shot(app, 'canned-picker');
    await composer.press('Enter');
    const inserted = await composer.inputValue();
    assert.match(inserted, /^Hello\b.*, this is \S+\.$/, `canned reply inserted: ${inserted}`);
    assert.doesNotMatch(inserted, /\{\{/);
    await composer.press('Enter');
    await wg.message(inserted).first().waitFor({ state: 'visible', timeout: 10000 });

    // An emoji goes in at the caret.
    await app.getByTestId('composer-emoji').click();
    await app.getByTestId('emoji').first().click();
    assert.equal(await composer.inputValue(), '😀');
    await composer.fill('');

    // A file alone is a message; the visitor sees the image.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');
    await app.getByTestId('composer-file-input').setInputFiles({ name: 'label.png', mimeType: 'image/png', buffer: png });
    await app.getByTestId('composer-file').filter({ hasText: /ready/ }).waitFor();
    await app.getByTestId('composer-send').click();
    await list.locator('[data-testid="message"]:not(.pending) [data-testid="message-file"] img').first().waitFor();
    await visitor.locator('[data-testid="widget-message"] img[alt="label.png"]').first().waitFor({ timeout: 10000 });
    await shot(app, 'attachment');

    // The supervisor sees today's contacts and moves the conversation back to unassigned.
    await sup.waitForFunction(() => Number(document.querySelector('[data-testid="chart-volume"]')?.dataset.entered) >= 1, null, { timeout: 15000 });
    const convID = new URL(app.url()).pathname.split('/').pop();
    await agentRow.getByTestId('wallboard-work-toggle').click();
    const item = sup.locator(`[data-testid="wallboard-conversation"][data-conversation="${convID}"]`);
    await item.waitFor();
    await shot(sup, 'wallboard-work');
    await item.getByTestId('wallboard-reassign').selectOption('none');
    await list.getByText('Unassigned').first().waitFor();
    // Given back to routing, it is offered to the only free agent, who takes it again.
    await app.getByTestId('offer-accept').click();
    await waitFor('assigned again', async () => (await list.getByText('Assigned to agent').count()) >= 2);
    await shot(app, 'reassigned');

    // Enter sends; a private note stays internal.
    const note = unique('Customer is polite');
    await app.getByTestId('composer-note').check();
    await app.getByTestId('composer').fill(note);
    await app.getByTestId('composer').press('Enter');
    await list.locator('.note:not(.pending)').filter({ hasText: note }).waitFor();
    const shown = await app.getByTestId('message').count();
    assert.ok(shown >= 3, `question, answer and note are shown (${shown})`);

    // Snoozed for an hour, then back.
    await app.getByTestId('snooze').selectOption('1');
    await app.getByTestId('reopen').waitFor();
    await app.getByTestId('reopen').click();
    await app.getByTestId('snooze').waitFor();

    await app.getByTestId('resolve').click();
    await app.getByTestId('reopen').waitFor();
    await shot(app, 'resolved');
    // The status filter finds it among the resolved ones.
    await app.getByTestId('list-filter-all').click();
    await app.getByTestId('list-status').selectOption('resolved');
    await app.locator(`[data-testid="conversation-item"][data-id="${convID}"]`).waitFor();
    await app.getByTestId('list-status').selectOption('active');
    await app.locator(`[data-testid="conversation-item"][data-id="${convID}"]`).waitFor({ state: 'detached' });
    await visitor.waitForTimeout(300);
    assert.equal(await wg.message(note).count(), 0, 'the visitor never sees a private note');

    // Transferred to the supervisor.
    await app.getByTestId('transfer').selectOption({ label: 'supervisor' });
    await waitFor('the transfer', async () => {
      const c = await agentAPI.api('GET', `/api/v1/conversations/${convID}`).catch(() => null);
      return c === null || c.assignee_id !== me.id; // out of the agent's sight once it is the supervisor's
    });
  } finally {
    // Later tests expect nobody to take routed work.
    await agentAPI.api('PUT', `/api/v1/agents/${me.id}/presence`, { status: 'offline' }).catch(() => undefined);
    await browser.close();
  }
});
