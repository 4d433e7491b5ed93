// Who is signed in. The session lives in an HttpOnly cookie that the
// server sets at login; the app asks /api/v1/me who that is.
import { reactive } from 'vue';
import * as rt from './realtime';
import { api, ok, type Schemas } from './api/client';
import { useTenantDefault } from './i18n';

export type Me = Schemas['Me'];
export type Permission = Schemas['Permission'];

export const session = reactive<{ me: Me | null; checked: boolean }>({ me: null, checked: false });

/** load asks the server who is signed in; false when nobody is. */
export async function load(): Promise<boolean> {
  const r = await api.GET('/api/v1/me');
  session.me = r.response.ok && r.data ? r.data : null;
  session.checked = true;
  if (session.me) tenantLanguage();
  return session.me !== null;
}

// The organisation's default language, for browsers that ask for neither of ours.
function tenantLanguage() {
  if (!session.me?.tenant_id) return;
  void ok(api.GET('/api/v1/settings')).then((s) => useTenantDefault(s.default_locale)).catch(() => undefined);
}

export async function login(email: string, password: string) {
  const s = await ok(api.POST('/api/v1/auth/login', { body: { email, password } }));
  session.me = s.user;
  session.checked = true;
  tenantLanguage();
}

export async function logout() {
  await api.POST('/api/v1/auth/logout').catch(() => undefined);
  forget();
}

/** forget drops the local state of a session the server no longer has, and its socket. */
export function forget() {
  session.me = null;
  rt.disconnect();
}

export function can(p: Permission): boolean {
  return session.me?.permissions.includes(p) ?? false;
}
