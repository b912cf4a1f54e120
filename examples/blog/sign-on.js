// The page's part of host-site sign-on: ask the blog's backend who is signed in, get a short-lived sign-on
// token for them, and give it to the circle. The backend (host-backend.ts) holds the circle's secret and
// signs the token; this page never sees the secret.
const circle = document.querySelector('hearth-circle');
const form = document.querySelector('#sign-in');
const signedIn = document.querySelector('#signed-in');
const hint = document.querySelector('#circle-hint');
const error = document.querySelector('#account-error');

async function api(method, path, body) {
  const response = await fetch(`/blog/api/${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json();
  return response.ok ? data : Promise.reject(new Error(data.error?.message ?? `HTTP ${response.status}`));
}

async function show() {
  const me = await api('GET', 'session').catch(() => null);
  // Only needed to join: a member who joined before signs in with the member token the circle saved. Asked for
  // before the circle shows, which would otherwise offer a reader the invite form for a moment.
  if (me) circle.ssoToken = (await api('POST', 'hearth-token')).token;
  form.hidden = !!me;
  signedIn.hidden = !me;
  hint.hidden = !!me;
  circle.hidden = !me;
  if (me) document.querySelector('#blog-name').textContent = me.name;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.textContent = '';
  try {
    await api('POST', 'session', { name: new FormData(form).get('name') });
    await show();
  } catch (failure) {
    error.textContent = failure.message;
  }
});

document.querySelector('#sign-out').addEventListener('click', async () => {
  await api('DELETE', 'session');
  // Signing out of the blog signs out of its circle on this device too; a fresh page starts clean.
  await circle.client?.signOut();
  location.reload();
});

show().catch((failure) => (error.textContent = failure.message));
