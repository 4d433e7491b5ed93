// The agent workspace's state: the conversation list, the open
// conversation's messages, offers and the agent's presence, kept live from
// the agent socket and filled from the REST API.
import { computed, reactive, watch } from 'vue';
import { i18n } from '../i18n';
import { api, ok, request, type Schemas } from '../api/client';
import * as rt from '../realtime';
import { session } from '../session';

export type Conversation = Schemas['Conversation'];
export type Message = Schemas['Message'];
export type WorkItem = Schemas['WorkItem'];
export type Attachment = Schemas['Attachment'];
export type AgentState = Schemas['AgentState'];
export type Filter = 'mine' | 'unassigned' | 'all';
/** Which statuses the list shows: active is everything not resolved. */
export type StatusFilter = 'active' | 'open' | 'pending' | 'snoozed' | 'resolved';
export type Offer = { offer_id: string; conversation_id: string; expires_at: string; item: WorkItem };
/** A message as shown: stored, or on its way (no seq yet). */
export type Shown = Message & { pending?: boolean; failed?: boolean };

const pageSize = 50;

export const ws = reactive({
  filter: 'mine' as Filter,
  status: 'active' as StatusFilter,
  inbox: '', // '' every inbox
  conversations: new Map<string, Conversation>(),
  listLoaded: false,
  next: null as string | null,
  openID: '',
  messages: [] as Shown[], // the open conversation's, in seq order; pending ones last
  olderLeft: false, // earlier messages exist
  offers: new Map<string, Offer>(),
  state: null as AgentState | null,
  typing: '' as string, // who is typing in the open conversation
  names: new Map<string, string>(), // user ID → name, for system messages
  customer: null as { id: string; name: string } | null, // the open conversation's customer
});

/** loadNames reads the tenant's users' names once (agents may read users). */
export async function loadNames() {
  let cursor: string | undefined;
  do {
    const page = await ok(api.GET('/api/v1/users', { params: { query: { limit: 200, cursor } } }));
    for (const u of page.data) ws.names.set(u.id, u.name);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
}

// The agent's load changes with offers and assignments; their state is read
// again shortly after (coalesced).
let stateTimer: ReturnType<typeof setTimeout> | undefined;
function refreshState() {
  clearTimeout(stateTimer);
  stateTimer = setTimeout(() => void loadPresence().catch(() => undefined), 300);
}

const me = () => session.me?.id ?? '';

/** The list for the current filter, most recent activity first. */
export const listed = computed(() => {
  const out = [...ws.conversations.values()].filter((c) => {
    if (ws.status === 'active' ? c.status === 'resolved' : c.status !== ws.status) return false;
    if (ws.inbox && c.inbox_id !== ws.inbox) return false;
    if (ws.filter === 'mine') return c.assignee_id === me();
    if (ws.filter === 'unassigned') return !c.assignee_id;
    return true;
  });
  return out.sort((a, b) => (b.last_message_at ?? b.created_at).localeCompare(a.last_message_at ?? a.created_at));
});

export const unread = (c: Conversation) => Math.max(0, c.last_seq - c.agent_read_seq);

export async function loadList(more = false) {
  const assignee = ws.filter === 'all' ? undefined : ws.filter === 'mine' ? 'me' : 'unassigned';
  const page = await ok(api.GET('/api/v1/conversations', {
    params: { query: {
      limit: 100, assignee, cursor: more ? (ws.next ?? undefined) : undefined,
      status: ws.status === 'active' ? undefined : ws.status, inbox_id: ws.inbox || undefined,
    } },
  }));
  for (const c of page.data) ws.conversations.set(c.id, c);
  ws.next = page.next_cursor ?? null;
  ws.listLoaded = true;
}

export async function setFilter(f: Filter) {
  ws.filter = f;
  await loadList();
}

/** open shows a conversation: its last page of messages, then live ones. */
export async function open(id: string) {
  ws.openID = id;
  ws.messages = [];
  ws.typing = '';
  let c = ws.conversations.get(id);
  if (!c) {
    c = await ok(api.GET('/api/v1/conversations/{id}', { params: { path: { id } } }));
    ws.conversations.set(id, c);
  }
  const page = await ok(api.GET('/api/v1/conversations/{id}/messages', {
    params: { path: { id }, query: { before_seq: c.last_seq + 1, limit: pageSize } },
  }));
  if (ws.openID !== id) return;
  merge(page.data);
  ws.olderLeft = (ws.messages[0]?.seq ?? 1) > 1;
  markRead();
}

/** older loads the page before the first message shown. */
export async function older() {
  const id = ws.openID;
  const first = ws.messages.find((m) => !m.pending)?.seq;
  if (!id || !first || first <= 1) return;
  const page = await ok(api.GET('/api/v1/conversations/{id}/messages', {
    params: { path: { id }, query: { before_seq: first, limit: pageSize } },
  }));
  if (ws.openID !== id) return;
  merge(page.data);
  ws.olderLeft = (ws.messages[0]?.seq ?? 1) > 1;
}

/** merge adds stored messages, once each, in seq order; an ack's message replaces its pending one. */
function merge(ms: Message[]) {
  const bySeq = new Map(ws.messages.filter((m) => !m.pending).map((m) => [m.seq, m as Shown]));
  const clientIDs = new Set(ms.map((m) => m.client_id).filter(Boolean));
  for (const m of ms) bySeq.set(m.seq, m);
  const pending = ws.messages.filter((m) => m.pending && !clientIDs.has(m.client_id));
  ws.messages = [...[...bySeq.values()].sort((a, b) => a.seq - b.seq), ...pending];
}

function markRead() {
  const c = ws.conversations.get(ws.openID);
  const last = ws.messages.filter((m) => !m.pending).at(-1)?.seq ?? 0;
  if (!c || last <= c.agent_read_seq || document.hidden) return;
  c.agent_read_seq = last;
  rt.send({ type: 'read', conversation_id: c.id, seq: last });
}

/** upload stores a file in a conversation, to be sent with a message. */
export async function upload(conversationID: string, file: File): Promise<Attachment> {
  const form = new FormData();
  form.append('file', file, file.name || 'pasted');
  const res = await request(`/api/v1/conversations/${encodeURIComponent(conversationID)}/attachments`, { method: 'POST', body: form });
  return (await res.json()) as Attachment;
}

/** send posts a reply or a private note, shown at once and confirmed by its ack. */
export async function send(text: string, isPrivate: boolean, attachments: Attachment[] = []) {
  const id = ws.openID;
  const clientID = crypto.randomUUID();
  const shown: Shown = {
    id: clientID, conversation_id: id, seq: 0, sender_type: 'agent', sender_id: me(), sender_name: session.me?.name,
    text, private: isPrivate, client_id: clientID, attachments, created_at: new Date().toISOString(), pending: true,
  };
  ws.messages = [...ws.messages, shown];
  try {
    await rt.sendMessage({
      type: 'message', client_id: clientID, conversation_id: id, text, private: isPrivate,
      attachment_ids: attachments.map((a) => a.id),
    });
  } catch {
    const m = ws.messages.find((x) => x.client_id === clientID && x.pending);
    if (m) m.failed = true;
  }
}

export async function setStatus(id: string, status: 'open' | 'resolved' | 'snoozed', until?: Date) {
  const body = until ? { status, until: until.toISOString() } : { status };
  const c = await ok(api.POST('/api/v1/conversations/{id}/status', { params: { path: { id } }, body }));
  ws.conversations.set(c.id, c);
}

/** transfer gives the conversation to an agent or a team (null: nobody). */
export async function transfer(id: string, to: { assignee_id?: string | null; team_id?: string | null; queue_id?: string }) {
  const c = await ok(api.POST('/api/v1/conversations/{id}/assignment', { params: { path: { id } }, body: to }));
  ws.conversations.set(c.id, c);
}

/** teams lists the tenant's teams once, for transfers. */
export const teams = reactive(new Map<string, string>());
export async function loadTeams() {
  for (const tm of (await ok(api.GET('/api/v1/teams', { params: { query: { limit: 200 } } }))).data) teams.set(tm.id, tm.name);
}

/** queues names the tenant's queues, for transfers. */
export const queues = reactive(new Map<string, string>());
export async function loadQueues() {
  for (const q of (await ok(api.GET('/api/v1/queues'))).data) queues.set(q.id, q.name);
}

/** inboxes names the inboxes the agent sees, for the list's filter. */
export const inboxes = reactive(new Map<string, string>());
export async function loadInboxes() {
  for (const ib of (await ok(api.GET('/api/v1/inboxes', { params: { query: { limit: 200 } } }))).data) inboxes.set(ib.id, ib.name);
}

export async function loadPresence() {
  ws.state = await ok(api.GET('/api/v1/agents/{id}/state', { params: { path: { id: me() } } }));
  ws.offers.clear();
  for (const it of ws.state.offers) {
    ws.offers.set(it.offer_id!, { offer_id: it.offer_id!, conversation_id: it.ref, expires_at: it.expires_at!, item: it });
  }
}

export async function setPresence(status: 'available' | 'away' | 'offline', reason?: string) {
  ws.state = await ok(api.PUT('/api/v1/agents/{id}/presence', {
    params: { path: { id: me() } }, body: reason ? { status, reason } : { status },
  }));
}

export function accept(offerID: string) {
  rt.send({ type: 'accept', offer_id: offerID });
}

export function decline(offerID: string) {
  rt.send({ type: 'decline', offer_id: offerID });
  ws.offers.delete(offerID);
}

/** follow wires the socket's frames into the state; it returns the unsubscribe. */
export function follow(): () => void {
  const offs = [
    rt.on('open', () => {
      // After a reconnect: catch up on the list, the open conversation and offers.
      void loadList().catch(() => undefined);
      void loadPresence().catch(() => undefined);
      const last = ws.messages.filter((m) => !m.pending).at(-1)?.seq;
      if (ws.openID) rt.send({ type: 'resume', conversation_id: ws.openID, after_seq: last ?? 0 });
    }),
    rt.on('conversation', (f) => {
      const c = f.conversation as Conversation;
      const had = ws.conversations.get(c.id);
      ws.conversations.set(c.id, had ? { ...had, ...c } : c);
    }),
    rt.on('message', (f) => {
      const m = f.message as Message;
      const c = ws.conversations.get(m.conversation_id);
      if (c) {
        c.last_seq = Math.max(c.last_seq, m.seq);
        c.last_message_at = m.created_at;
        notifyMessage(c, m);
      } else {
        void ok(api.GET('/api/v1/conversations/{id}', { params: { path: { id: m.conversation_id } } }))
          .then((x) => ws.conversations.set(x.id, x)).catch(() => undefined);
      }
      if (m.conversation_id === ws.openID) {
        merge([m]);
        if (m.sender_type === 'visitor') ws.typing = '';
        markRead();
      }
    }),
    rt.on('typing', (f) => {
      if (f.conversation_id === ws.openID) ws.typing = f.typing ? String(f.name || '') || '…' : '';
    }),
    rt.on('offer', (f) => {
      const o = f as unknown as Offer;
      ws.offers.set(o.offer_id, o);
      notify(o);
      refreshState();
    }),
    rt.on('offer_ended', (f) => {
      ws.offers.delete(String(f.offer_id));
      refreshState();
    }),
    rt.on('assigned', refreshState),
    rt.on('offer_declined', (f) => void ws.offers.delete(String(f.offer_id))),
    rt.on('offer_accepted', (f) => {
      ws.offers.delete(String(f.offer_id));
      refreshState();
      const it = f.item as WorkItem;
      const c = ws.conversations.get(it.ref);
      if (c) c.assignee_id = me(); // the conversation event confirms it
    }),
    // An accept or decline refused (the offer ended meanwhile): the error
    // names no offer, so the open offers are read again.
    rt.on('error', (f) => {
      if (f.code === 'offer_gone' || f.code === 'not_found') refreshState();
    }),
    rt.on('presence', (f) => {
      if (ws.state) Object.assign(ws.state, { presence: f.presence, reason: f.reason ?? '', since: f.since });
    }),
  ];
  document.addEventListener('visibilitychange', markRead);
  return () => {
    offs.forEach((off) => off());
    document.removeEventListener('visibilitychange', markRead);
  };
}

/** sound: whether offers and new messages make a sound in this browser. */
export const sound = reactive({ on: localStorage.getItem('sb.sound') !== 'off' });
watch(() => sound.on, (on) => localStorage.setItem('sb.sound', on ? 'on' : 'off'));

/** notify sounds a chime for a new offer and, when the agent looks elsewhere, shows a desktop notification. */
function notify(o: Offer) {
  if (sound.on) chime([880, 1320]);
  desktop(i18n.global.t('notify.offer'), i18n.global.t('notify.offerBody', { id: o.item.customer_id?.slice(-6) ?? '' }), o.offer_id);
}

/** notifyMessage tells the agent of a customer's message in a conversation of theirs they are not looking at. */
function notifyMessage(c: Conversation, m: Message) {
  if (m.sender_type !== 'visitor' || c.assignee_id !== me()) return;
  if (m.conversation_id === ws.openID && !document.hidden) return;
  if (sound.on) chime([660]);
  const who = m.sender_name || i18n.global.t('list.visitor', { id: c.customer_id.slice(-6) });
  desktop(who, m.text ? m.text.slice(0, 140) : i18n.global.t('notify.file'), m.conversation_id);
}

function desktop(title: string, body: string, tag: string) {
  if (!document.hidden || !('Notification' in window) || Notification.permission !== 'granted') return;
  new Notification(title, { body, tag });
}

let audio: AudioContext | undefined;
/** chime plays two short tones (no sound file to load). Browsers allow it after the user interacted with the page. */
function chime(tones: number[]) {
  try {
    audio ??= new AudioContext();
    const t0 = audio.currentTime;
    for (const [i, freq] of tones.entries()) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, t0 + i * 0.18);
      gain.gain.exponentialRampToValueAtTime(0.2, t0 + i * 0.18 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + i * 0.18 + 0.16);
      osc.connect(gain).connect(audio.destination);
      osc.start(t0 + i * 0.18);
      osc.stop(t0 + i * 0.18 + 0.17);
    }
  } catch {
    // No audio: the offer is still on screen.
  }
}
