import { createApp } from 'vue';
import App from './App.vue';
import { whenUnauthenticated } from './api/client';
import { i18n } from './i18n';
import { router } from './router';
import { forget } from './session';
import { showUnhandledRefusals } from './toast';
import './theme';
import './styles.css';

// A session that ended elsewhere (signed out, expired, revoked) sends the
// user back to the login page, to return where they were.
whenUnauthenticated(() => {
  forget();
  const here = router.currentRoute.value;
  if (!here.meta.public) router.push({ name: 'login', query: { next: here.fullPath } });
});

showUnhandledRefusals();

createApp(App).use(i18n).use(router).mount('#app');
