/**
 * A minimal shell until the React client lands: first-admin setup, invite acceptance, sign-in
 * and the list of sites. It talks to the same REST API the full client will use.
 */
import { readErrorBody } from '../shared/errors.js';
import { paths } from '../shared/routes.js';

const main = document.getElementById('main')!;
const who = document.getElementById('who')!;

async function call<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    credentials: 'same-origin',
  });
  const data: unknown = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw new Error(readErrorBody(data)?.error.message ?? `The server answered ${res.status}.`);
  return data as T;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Record<string, string | boolean> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  Object.assign(node, props);
  node.append(...children);
  return node;
}

function field(label: string, name: string, type = 'text', autocomplete = ''): HTMLLabelElement {
  return el('label', {}, label, el('input', { name, type, required: true, autocomplete }));
}

function form(title: string, fields: HTMLElement[], submit: string, onSubmit: (data: Record<string, string>) => Promise<void>) {
  const error = el('p', { className: 'error', role: 'alert' });
  const f = el('form', {}, el('h1', {}, title), ...fields, error, el('button', { type: 'submit' }, submit));
  f.addEventListener('submit', (event) => {
    event.preventDefault();
    error.textContent = '';
    const data = Object.fromEntries(new FormData(f).entries()) as Record<string, string>;
    onSubmit(data).catch((e: unknown) => {
      error.textContent = e instanceof Error ? e.message : String(e);
    });
  });
  main.replaceChildren(f);
  f.querySelector('input')?.focus();
}

function hashToken(): string {
  return new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
}

function personFields(): HTMLElement[] {
  return [
    field('Email', 'email', 'email', 'email'),
    field('Your name', 'name', 'text', 'name'),
    field('Organisation', 'organisation', 'text', 'organization'),
    field('Password (at least 8 characters)', 'password', 'password', 'new-password'),
  ];
}

function goHome(): void {
  history.replaceState(null, '', '/');
  void route();
}

async function showSites(): Promise<void> {
  const { user } = await call<{ user: { name: string; organisation: string } }>(paths.me);
  const signOut = el('button', { type: 'button' }, 'Sign out');
  signOut.addEventListener('click', () => void call(paths.logout, { method: 'POST' }).then(goHome));
  who.replaceChildren(`${user.name}, ${user.organisation} `, signOut);
  const sites = await call<{ slug: string; name: string; issue: string; role: string | null }[]>(paths.sites);
  main.replaceChildren(
    el('h1', {}, 'Sites'),
    el(
      'ul',
      { className: 'sites' },
      ...sites.map((s) =>
        el('li', {}, el('strong', {}, s.name), ' — ', s.issue, s.role ? el('span', { className: 'role' }, ` (you: ${s.role})`) : ''),
      ),
    ),
  );
}

async function route(): Promise<void> {
  who.replaceChildren();
  if (location.pathname === '/setup') {
    return form('Create the first administrator', personFields(), 'Create account', async (d) => {
      await call(paths.setup, { body: { ...d, token: hashToken() } });
      goHome();
    });
  }
  if (location.pathname === '/invite') {
    const token = hashToken();
    try {
      const info = await call<{ site: { name: string }; role: string }>(paths.invite(token));
      return form(`Join ${info.site.name} as ${info.role}`, personFields(), 'Accept invite', async (d) => {
        await call(paths.acceptInvite(token), { body: d });
        goHome();
      });
    } catch (e) {
      main.replaceChildren(el('p', { className: 'error', role: 'alert' }, (e as Error).message));
      return;
    }
  }
  try {
    await showSites();
  } catch {
    form('Sign in', [field('Email', 'email', 'email', 'email'), field('Password', 'password', 'password', 'current-password')], 'Sign in', async (d) => {
      await call(paths.login, { body: d });
      await showSites();
    });
  }
}

void route();
