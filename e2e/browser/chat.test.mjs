// A visitor on the demo page and an agent on the REST API talk to each
// other; a reload keeps the history and the visitor's identity.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, launch, openWidget, sendAsVisitor, session, shooter, texts, unique, waitFor, watch, widget } from './harness.mjs';

let browser, context, page, w, agent;
const shot = shooter('chat');
const convo = {}; // what test 1 leaves for test 2

before(async () => {
  browser = await launch();
  context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  w = watch(page);
  agent = await Agent.login();
});

after(async () => {
  await browser?.close();
});

test('visitor to agent to visitor', async () => {
  const wg = await openWidget(page, shot);
  const s = await session(w);
  assert.match(s.visitor_token, /\S/, 'the session returns a visitor token');
  assert.match(s.conversation_id, /\S/, 'the session returns a conversation');
  const stored = await page.evaluate((k) => localStorage.getItem(`switchboard:${k}:visitor`), process.env.SB_INBOX_KEY);
  assert.equal(stored, s.visitor_token, 'the widget keeps the visitor token in localStorage');

  const question = unique('Hello from the browser');
  await sendAsVisitor(page, question);
  await shot(page, 'visitor-sent');

  // The agent finds the conversation through the list, reads the message and answers.
  const conv = await agent.conversation(s.conversation_id);
  assert.equal(conv.id, s.conversation_id);
  const stored1 = await agent.waitMessage(s.conversation_id, question, 'visitor');
  assert.ok(stored1.seq >= 1, 'the stored message has a seq');

  const answer = unique('Hi, this is the agent');
  const started = Date.now();
  const reply = await agent.reply(s.conversation_id, answer);
  assert.equal(reply.text, answer);
  await wg.message(answer).first().waitFor({ state: 'visible', timeout: 5000 });
  console.log(`agent reply rendered in the widget ${Date.now() - started} ms after the POST returned`);
  assert.equal(await wg.message(answer).first().getAttribute('data-sender'), 'agent');
  await shot(page, 'agent-reply');

  assert.equal(await wg.message(question).count(), 1, 'the question is shown once');
  assert.equal(await wg.message(answer).count(), 1, 'the answer is shown once');
  const order = await texts(page);
  assert.ok(order.indexOf(question) < order.indexOf(answer), `question before answer: ${JSON.stringify(order)}`);
  assert.deepEqual(w.dialogs, []);
  assert.deepEqual(w.errors, []);
  Object.assign(convo, { session: s, question, answer });
});

test('reload keeps history and identity', async (t) => {
  if (!convo.session) return t.skip('needs the conversation of the previous test');
  const earlier = await texts(page);

  w.sessions.length = 0;
  await page.reload();
  const wg = await openWidget(page, shot, { navigate: false });
  const s = await session(w);
  assert.equal(s.visitor_token, convo.session.visitor_token, 'same visitor token after a reload');
  assert.equal(s.customer_id, convo.session.customer_id, 'same customer after a reload');
  assert.equal(s.conversation_id, convo.session.conversation_id, 'same conversation after a reload');
  await wg.message(convo.answer).first().waitFor({ state: 'visible' });
  await page.waitForTimeout(500); // give a duplicate a chance to show up
  await shot(page, 'reloaded');
  assert.deepEqual(await texts(page), earlier, 'every earlier message once, in order');

  // A new tab starts with empty sessionStorage: the history comes from the server.
  const tab = await context.newPage();
  const tw = watch(tab);
  const tabShot = shooter('chat-newtab');
  const tg = await openWidget(tab, tabShot);
  assert.equal((await session(tw)).conversation_id, convo.session.conversation_id);
  await tg.message(convo.answer).first().waitFor({ state: 'visible' });
  await waitFor('the whole history in the new tab', async () => (await texts(tab)).length >= earlier.length, 5000);
  await tab.waitForTimeout(500);
  await tabShot(tab, 'history');
  assert.deepEqual(await texts(tab), earlier, 'the new tab shows the same history, once each, in order');
  await tab.close();

  // The widget still works after the reload: one more round trip.
  const again = unique('Still there?');
  await sendAsVisitor(page, again);
  await agent.waitMessage(convo.session.conversation_id, again, 'visitor');
  const yes = unique('Yes');
  await agent.reply(convo.session.conversation_id, yes);
  await widget(page).message(yes).first().waitFor({ state: 'visible', timeout: 5000 });
  const all = await texts(page);
  assert.deepEqual(all.slice(-2), [again, yes]);
  assert.equal(new Set(all.filter(Boolean)).size, all.filter(Boolean).length, `no duplicates: ${JSON.stringify(all)}`);
  await shot(page, 'after-reload-round-trip');
  assert.deepEqual(w.dialogs, []);
});
