// The typed REST client. Its types are generated from api/openapi.yaml
// (npm run api → schema.d.ts), so a call that does not match the served
// API does not compile. The browser sends the HttpOnly session cookie; the
// token never reaches script.
import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];

/** Detail is one problem of a refusal: a field, or a line of an uploaded file. */
export type Detail = { field: string; message: string; line?: number; code?: string };

/** ApiError is a refusal with the server's stable error code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds = 0,
    readonly details: Detail[] = [],
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
type ErrorBody = { error?: { code?: string; message?: string; details?: Detail[] } };

/** refusal builds the ApiError of a response that is not 2xx from its error body. */
function refusal(res: Response, body: unknown): ApiError {
  const e = (body as ErrorBody | undefined)?.error;
  const retry = Number(res.headers.get('Retry-After') || 0);
  return new ApiError(res.status, e?.code || 'internal', e?.message || res.statusText, retry, e?.details ?? []);
}

/** ok returns a call's data, or throws ApiError with the server's code. */
export async function ok<T>(call: Promise<Result<T>>): Promise<T> {
  let r: Result<T>;
  try {
    r = await call;
  } catch {
    throw new ApiError(0, 'network', 'network error');
  }
  if (r.error !== undefined || !r.response.ok) throw refusal(r.response, r.error);
  return r.data as T;
}

/**
 * request is fetch for what openapi-fetch does not carry (multipart and CSV
 * bodies, images): the response when 2xx, else the server's refusal as an
 * ApiError, with the same sign-in handling as the typed client.
 */
export async function request(path: string, init: RequestInit = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, { credentials: 'same-origin', ...init });
  } catch {
    throw new ApiError(0, 'network', 'network error');
  }
  if (res.status === 401) onUnauthenticated();
  if (!res.ok) throw refusal(res, await res.json().catch(() => undefined));
  return res;
}
