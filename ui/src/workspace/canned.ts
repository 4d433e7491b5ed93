// Canned replies for the composer: read once and again after a minute,
// filled in with the conversation's names on insert.
import { api, ok, type Schemas } from '../api/client';

export type CannedReply = Schemas['CannedReply'];

let cache: { at: number; replies: CannedReply[] } | null = null;

/** cannedReplies returns the replies the agent may use, at most a minute old. */
export async function cannedReplies(): Promise<CannedReply[]> {
  if (cache && Date.now() - cache.at < 60_000) return cache.replies;
  const replies: CannedReply[] = [];
  let cursor: string | undefined;
  do {
    const page = await ok(api.GET('/api/v1/canned-replies', { params: { query: { limit: 200, cursor } } }));
    replies.push(...page.data);
    cursor = page.next_cursor ?? undefined;
  } while (cursor && replies.length < 1000);
  cache = { at: Date.now(), replies };
  return replies;
}

/** fillPlaceholders replaces {{name}} with vars[name]; an unknown value leaves no gap before punctuation. */
export function fillPlaceholders(body: string, vars: Record<string, string>): string {
  return body.replace(/ ?\{\{([a-z_.]+)\}\}/g, (m: string, name: string) => {
    const v = vars[name] ?? '';
    return v ? m.replace(/\{\{.*\}\}/, () => v) : '';
  });
}
