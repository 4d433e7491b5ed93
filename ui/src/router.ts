// Routes. Every page but the login needs a session; pages that need a
// permission name it in meta.perm.
import { createRouter, createWebHistory } from 'vue-router';
import { can, load, session, type Permission } from './session';
import LoginView from './views/LoginView.vue';

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean;
    perm?: Permission;
  }
}

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', name: 'login', component: LoginView, meta: { public: true } },
    { path: '/invite', name: 'invite', component: () => import('./views/InviteView.vue'), meta: { public: true } },
    { path: '/', name: 'home', redirect: { name: 'workspace' } },
    { path: '/workspace/:id?', name: 'workspace', component: () => import('./views/WorkspaceView.vue'), meta: { perm: 'conversations.read' } },
    { path: '/wallboard', name: 'wallboard', component: () => import('./views/WallboardView.vue'), meta: { perm: 'routing.monitor' } },
    { path: '/customers', name: 'customers', component: () => import('./customers/CustomersView.vue'), meta: { perm: 'customers.read' } },
    { path: '/customers/:id', name: 'customer', component: () => import('./customers/CustomerView.vue'), meta: { perm: 'customers.read' } },
    {
      path: '/admin', name: 'admin', component: () => import('./views/AdminView.vue'),
      children: [
        { path: 'users', name: 'admin-users', component: () => import('./admin/UsersAdmin.vue'), meta: { perm: 'users.write' } },
        { path: 'queues', name: 'admin-queues', component: () => import('./admin/QueuesAdmin.vue'), meta: { perm: 'queues.write' } },
        { path: 'inboxes', name: 'admin-inboxes', component: () => import('./admin/InboxesAdmin.vue'), meta: { perm: 'inboxes.write' } },
        { path: 'teams', name: 'admin-teams', component: () => import('./admin/TeamsAdmin.vue'), meta: { perm: 'teams.write' } },
        { path: 'skills', name: 'admin-skills', component: () => import('./admin/SkillsAdmin.vue'), meta: { perm: 'skills.write' } },
        { path: 'tokens', name: 'admin-tokens', component: () => import('./admin/TokensAdmin.vue'), meta: { perm: 'tokens.manage' } },
        { path: 'audit', name: 'admin-audit', component: () => import('./admin/AuditAdmin.vue'), meta: { perm: 'audit.read' } },
        { path: 'routing', name: 'admin-routing', component: () => import('./admin/RoutingAdmin.vue'), meta: { perm: 'queues.write' } },
        { path: 'canned-replies', name: 'admin-canned', component: () => import('./admin/CannedAdmin.vue'), meta: { perm: 'canned_replies.write' } },
        { path: 'shield', name: 'admin-shield', component: () => import('./shield/ShieldAdmin.vue'), meta: { perm: 'shield.manage' } },
        { path: 'settings', name: 'admin-settings', component: () => import('./admin/SettingsAdmin.vue'), meta: { perm: 'settings.write' } },
        { path: 'away-reasons', name: 'admin-away-reasons', component: () => import('./admin/AwayReasonsAdmin.vue'), meta: { perm: 'queues.write' } },
      ],
    },
    { path: '/welcome', name: 'welcome', component: () => import('./views/HomeView.vue') },
    { path: '/:rest(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue') },
  ],
});

router.beforeEach(async (to) => {
  if (!session.checked) await load().catch(() => false);
  if (to.meta.public) return session.me && to.name === 'login' ? { name: 'home' } : true;
  if (!session.me) return { name: 'login', query: to.fullPath === '/' ? {} : { next: to.fullPath } };
  if (to.meta.perm && !can(to.meta.perm)) return { name: 'welcome' };
  // The console opens on the first section the user may manage.
  if (to.name === 'admin') {
    return can('users.write') ? { name: 'admin-users' } : can('queues.write') ? { name: 'admin-queues' }
      : can('canned_replies.write') ? { name: 'admin-canned' } : { name: 'welcome' };
  }
  return true;
});
