// The agent socket (docs/protocol/webchat.md §3): one per tab, opened after
// sign-in. It reconnects on its own with backoff, and whoever listens is
// told when it is (re)connected so they can resume what they show; a
// message is sent again with the same client_id until it is acked, so
// nothing typed is lost to a dropped connection.
import { ref } from 'vue';

export type Frame = { type: string; [k: string]: unknown };
type Listener = (f: Frame) => void;

export const connected = ref(false);

const listeners = new Map<string, Set<Listener>>();
const pending = new Map<string, { frame: Frame; resolve: (f: Frame) => void; reject: (e: Frame) => void }>();
let ws: WebSocket | null = null;
let wanted = false;
let attempt = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

/** on calls fn for every frame of a type ('open' after each connect); it returns an unsubscribe. */
export function on(type: string, fn: Listener): () => void {
  let set = listeners.get(type);
  if (!set) listeners.set(type, (set = new Set()));
  set.add(fn);
  return () => set!.delete(fn);
}

function emit(f: Frame) {
  listeners.get(f.type)?.forEach((fn) => fn(f));
}

export function connect() {
  wanted = true;
  if (ws) return;
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/agent`;
  const sock = new WebSocket(url);
  ws = sock;
  sock.onopen = () => {
    attempt = 0;
    connected.value = true;
    emit({ type: 'open' });
    for (const p of pending.values()) sock.send(JSON.stringify(p.frame));
  };
  sock.onmessage = (e) => {
    let f: Frame;
    try {
      f = JSON.parse(e.data as string) as Frame;
    } catch {
      return;
    }
    const id = typeof f.client_id === 'string' ? f.client_id : '';
    if (id && (f.type === 'ack' || f.type === 'error') && pending.has(id)) {
      const p = pending.get(id)!;
      pending.delete(id);
      if (f.type === 'ack') p.resolve(f);
      else p.reject(f);
    }
    emit(f);
  };
  sock.onclose = (e) => {
    ws = null;
    connected.value = false;
    emit({ type: 'close', code: e.code, reason: e.reason });
    if (!wanted) return;
    // 1008 unauthorized: the session ended; the app's next API call finds out.
    const delay = Math.min(15000, 500 * 2 ** attempt++) * (0.8 + Math.random() * 0.4);
    timer = setTimeout(connect, delay);
  };
}

export function disconnect() {
  wanted = false;
  clearTimeout(timer);
  ws?.close(1000, 'bye');
  ws = null;
  for (const p of pending.values()) p.reject({ type: 'error', code: 'closed' });
  pending.clear();
}

/** send writes a frame now if connected; frames that need no answer are dropped while offline. */
export function send(f: Frame) {
  if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(f));
}

/** sendMessage resolves with the ack once the message is stored, resending across reconnects. */
export function sendMessage(f: Frame & { client_id: string }): Promise<Frame> {
  return new Promise((resolve, reject) => {
    pending.set(f.client_id, { frame: f, resolve, reject });
    send(f);
  });
}
