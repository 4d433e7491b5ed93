// The typed REST client. Its types are generated from api/openapi.yaml
// (npm run api → schema.d.ts), so a call that does not match the served
// API does not compile. The browser sends the HttpOnly session cookie; the
// token never reaches script.
import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];

/** ApiError is a refusal with the server's stable error code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds = 0,
    readonly details: { field: string; message: string }[] = [],
  ) {
    super(message);
  }

  /** text is the message with the fields it names, for showing to a person. */
  get text(): string {
    return this.details.length ? `${this.message}: ${this.details.map((d) => `${d.field} ${d.message}`).join('; ')}` : this.message;
  }
}

/** Called when a request finds the session gone (401). */
let onUnauthenticated: () => void = () => {};
export function whenUnauthenticated(fn: () => void) {
  onUnauthenticated = fn;
}

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });

api.use({
  onResponse({ request, response }) {
    if (response.status === 401 && !new URL(request.url).pathname.startsWith('/api/v1/auth/')) {
      onUnauthenticated();
    }
    return undefined;
  },
});

type Result<T> = { data?: T; error?: unknown; response: Response };

/** ok returns a call's data, or throws ApiError with the server's code. */
export async function ok<T>(call: Promise<Result<T>>): Promise<T> {
  let r: Result<T>;
  try {
    r = await call;
  } catch {
    throw new ApiError(0, 'network', 'network error');
  }
  if (r.error !== undefined || !r.response.ok) {
    type Body = { error?: { code?: string; message?: string; details?: { field: string; message: string }[] } };
    const e = (r.error as Body | undefined)?.error;
    const retry = Number(r.response.headers.get('Retry-After') || 0);
    throw new ApiError(r.response.status, e?.code || 'internal', e?.message || r.response.statusText, retry, e?.details ?? []);
  }
  return r.data as T;
}
