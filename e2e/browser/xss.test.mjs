// Markup in visitor and agent text is shown as text, never run or parsed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, launch, openWidget, sendAsVisitor, session, shooter, texts, watch } from './harness.mjs';

test('XSS', async () => {
  const browser = await launch();
  try {
    const page = await (await browser.newContext({ locale: 'en-US' })).newPage();
    const w = watch(page);
    const shot = shooter('xss');
    const wg = await openWidget(page, shot);
    const s = await session(w);
    const agent = await Agent.login();

    const evil = '<img src=x onerror=alert(1)>';
    await sendAsVisitor(page, evil);
    const stored = await agent.waitMessage(s.conversation_id, evil, 'visitor');
    assert.equal(stored.text, evil, 'the server stores the text as it was typed');

    const bold = '<b>bold</b>';
    await agent.reply(s.conversation_id, bold);
    await wg.message(bold).first().waitFor({ state: 'visible', timeout: 5000 });
    await page.waitForTimeout(500); // an injected onerror would have fired by now
    await shot(page, 'rendered');

    const shown = await texts(page);
    assert.ok(shown.includes(evil), `visitor text shown literally: ${JSON.stringify(shown)}`);
    assert.ok(shown.includes(bold), `agent text shown literally: ${JSON.stringify(shown)}`);
    assert.equal(await wg.messages.locator('img').count(), 0, 'no <img> element was created');
    assert.equal(await wg.messages.locator('b').count(), 0, 'no <b> element was created');
    assert.deepEqual(w.dialogs, [], 'no dialog fired');
    assert.deepEqual(w.errors, [], 'no page errors');
  } finally {
    await browser.close();
  }
});
