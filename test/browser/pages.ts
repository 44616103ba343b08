/**
 * Page objects: what a person sees and does on each page, in their words, so the specs read as
 * stories and a change of markup is fixed in one place. Locators go by role and label, as
 * assistive technology does.
 */
import type { Locator, Page } from 'playwright-core';

export class SignInPage {
  constructor(readonly page: Page) {}

  async open(baseUrl: string, next?: string) {
    await this.page.goto(`${baseUrl}/signin${next ? `?next=${encodeURIComponent(next)}` : ''}`);
    await this.page.getByRole('heading', { name: 'Sign in' }).waitFor();
  }

  async signIn(email: string, password: string) {
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
  }

  get error(): Locator {
    return this.page.getByRole('alert');
  }
}

export class SitesPage {
  constructor(readonly page: Page) {}

  async open(baseUrl: string) {
    await this.page.goto(`${baseUrl}/`);
    await this.waitUntilShown();
  }

  async waitUntilShown() {
    await this.page.getByRole('heading', { name: 'Sites', level: 1 }).waitFor();
  }

  /** Site names in the order shown. */
  async siteNames(): Promise<string[]> {
    return this.page.locator('.site-card h3').allInnerTexts();
  }

  section(name: 'Your sites' | 'Other sites' | 'All sites'): Locator {
    return this.page.getByRole('region', { name });
  }

  async search(text: string) {
    await this.page.getByRole('searchbox', { name: 'Search sites' }).fill(text);
  }

  async openSite(name: string) {
    await this.page.getByRole('link', { name }).click();
    await this.page.getByRole('heading', { name, level: 1 }).waitFor();
  }
}

export class SitePage {
  constructor(readonly page: Page) {}

  async open(baseUrl: string, slug: string) {
    await this.page.goto(`${baseUrl}/sites/${slug}`);
    await this.page.getByRole('heading', { level: 1 }).waitFor();
  }

  get rooms(): Locator {
    return this.page.getByRole('list', { name: 'Rooms', exact: true });
  }

  async createRoom(kind: 'System map' | 'Document' | 'Learning summary', title: string) {
    const form = this.page.getByRole('group', { name: 'New room' });
    await form.getByLabel('Kind').selectOption({ label: kind });
    await form.getByLabel('Title').fill(title);
    await form.getByRole('button', { name: 'Create room' }).click();
    await this.rooms.getByRole('link', { name: title }).waitFor();
  }

  /**
   * Fills the new-room form and submits it twice before the first answer: a person's fast
   * double click (`dblclick`), or with `sameTask` two clicks in one script task, sooner than
   * any re-render could disable the button. Waits until the room is listed.
   */
  async createRoomWithDoubleClick(kind: 'System map' | 'Document', title: string, options: { sameTask?: boolean } = {}) {
    const form = this.page.getByRole('group', { name: 'New room' });
    await form.getByLabel('Kind').selectOption({ label: kind });
    await form.getByLabel('Title').fill(title);
    const button = form.getByRole('button', { name: 'Create room' });
    if (options.sameTask) {
      await button.evaluate((b: HTMLButtonElement) => {
        b.click();
        b.click();
      });
    } else {
      await button.dblclick();
    }
    await this.rooms.getByRole('link', { name: title }).waitFor();
  }

  async renameRoom(title: string, newTitle: string) {
    await this.page.getByRole('button', { name: `Rename “${title}”` }).click();
    await this.page.getByLabel(`New title for “${title}”`).fill(newTitle);
    await this.page.getByRole('button', { name: 'Save' }).click();
    await this.rooms.getByRole('link', { name: newTitle }).waitFor();
  }

  async archiveRoom(title: string) {
    await this.page.getByRole('button', { name: `Archive “${title}”` }).click();
    await this.rooms.getByRole('link', { name: title }).waitFor({ state: 'detached' });
  }

  async createInvite(role: 'Facilitator' | 'Member' | 'Viewer', email?: string): Promise<string> {
    const form = this.page.getByRole('group', { name: 'Invite someone' });
    await form.getByLabel('Role').selectOption({ label: role });
    if (email) await form.getByLabel('Only for this email (optional)').fill(email);
    await form.getByRole('button', { name: 'Create invite link' }).click();
    const link = this.page.getByLabel(/^Invite link for/);
    await link.waitFor();
    return link.inputValue();
  }

  get members(): Locator {
    return this.page.locator('table.members tbody tr');
  }

  async openRoom(title: string): Promise<RoomPage> {
    await this.rooms.getByRole('link', { name: title }).click();
    const room = new RoomPage(this.page);
    await room.waitUntilShown(title);
    return room;
  }
}

/**
 * Opens one of a map room's panels ("Loops", "Look at", "Parking lot"…) from its rail unless it
 * is open already. A room with no rail (a document) shows its panels in the page.
 */
export async function openPanel(page: Page, name: string): Promise<void> {
  const rail = page.getByRole('toolbar', { name: 'Panels' });
  if ((await rail.count()) === 0) return;
  const button = rail.getByRole('button', { name: new RegExp(`^${escapeRegExp(name)}`) });
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
}

export class RoomPage {
  constructor(readonly page: Page) {}

  async open(baseUrl: string, roomId: string, title: string) {
    await this.page.goto(`${baseUrl}/rooms/${roomId}`);
    await this.waitUntilShown(title);
  }

  async waitUntilShown(title: string) {
    await this.page.getByRole('heading', { name: title, level: 1 }).waitFor();
  }

  /** "Live", "Offline", "Connecting…" or "Disconnected". */
  async connectionState(): Promise<string> {
    return (await this.page.locator('.connection-state').textContent()) ?? '';
  }

  async waitForConnection(state: 'Live' | 'Offline' | 'Disconnected') {
    await this.page.locator('.connection-state', { hasText: state }).waitFor();
  }

  /**
   * Whether this person's edits are stored: "Saving…", "Saved", "N edits not yet saved", or ''
   * before any edit (checked now, without waiting).
   */
  async saveState(): Promise<string> {
    const save = this.page.locator('.connection-save');
    return (await save.count()) === 0 ? '' : ((await save.textContent()) ?? '').replace(/^\s*·\s*/, '');
  }

  /** People shown as present: "Name|Organisation". */
  async people(): Promise<string[]> {
    const rows = this.page.locator('.presence-list .person');
    const out: string[] = [];
    for (const row of await rows.all()) {
      const name = (await row.locator('.person-name').textContent())!.replace(/ \(you\)$/, '');
      out.push(`${name}|${await row.locator('.person-org').textContent()}`);
    }
    return out.sort();
  }

  async addNote(text: string) {
    await openPanel(this.page, 'Parking lot');
    await this.page.getByLabel('New note').fill(text);
    await this.page.getByRole('button', { name: 'Add note' }).click();
  }

  async notes(): Promise<string[]> {
    await openPanel(this.page, 'Parking lot');
    return this.page.locator('.note-text').allInnerTexts();
  }

  async removeNote(text: string) {
    await this.page.getByRole('button', { name: `Remove note “${text}”` }).click();
  }

  async undo() {
    await openPanel(this.page, 'Parking lot');
    await this.page.getByRole('region', { name: 'Parking lot' }).getByRole('button', { name: 'Undo' }).click();
  }
}

/** The map editor inside a room of kind `map`. */
export class MapPage {
  constructor(readonly page: Page) {}

  /** Opens one of the map's panels from the rail ("Loops", "Look at", "Versions"…). */
  openPanel(name: string): Promise<void> {
    return openPanel(this.page, name);
  }

  /** Opens a map room in `page` and waits until it is live and its canvas is drawn. */
  static async open(page: Page, baseUrl: string, roomId: string, title: string): Promise<MapPage> {
    const room = new RoomPage(page);
    await room.open(baseUrl, roomId, title);
    await room.waitForConnection('Live');
    await page.locator('.react-flow').waitFor();
    return new MapPage(page);
  }

  node(label: string): Locator {
    return this.page.locator('.react-flow__node', { has: this.page.locator('.map-node-label', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) });
  }

  async labels(): Promise<string[]> {
    return (await this.page.locator('.map-node-label').allInnerTexts()).sort();
  }

  /** Edge labels as shown: "+", "−" or "?" (plus any marks), in no particular order. */
  async polarities(): Promise<string[]> {
    return (await this.page.locator('.map-edge-polarity').allInnerTexts()).sort();
  }

  async addElement(label: string, kind = 'Factor') {
    await this.page.getByRole('toolbar', { name: 'Map tools' }).getByLabel('Kind of element to add').selectOption({ label: kind });
    await this.page.getByRole('button', { name: 'Add element' }).click();
    const field = this.page.locator('.inspector').getByLabel('Label', { exact: true });
    await field.fill(label);
    await field.press('Enter');
    await this.node(label).waitFor();
  }

  /**
   * Makes sure an element can be pointed at: one under a floating panel or the tools is brought
   * into the open part of the canvas with "Fit view", as a person would.
   */
  async bringIntoReach(label: string) {
    const reachable = () =>
      this.node(label).evaluate((el) => {
        const r = el.getBoundingClientRect();
        const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
        return hit !== null && el.contains(hit);
      });
    if (await reachable()) return;
    await this.page.locator('.react-flow__controls-fitview').click();
    await this.viewSettled();
  }

  async select(label: string) {
    await this.bringIntoReach(label);
    await this.node(label).click();
    await this.page.locator('.inspector h2', { hasText: label }).waitFor();
  }

  /** Connects by keyboard-friendly form in the inspector of the selected element. */
  async connect(from: string, to: string, polarity: '+' | '-' | '?') {
    await this.select(from);
    const form = this.page.getByRole('group', { name: 'Connect to another element' });
    await form.getByLabel('Affects').selectOption({ label: to });
    await form.getByLabel('Polarity').selectOption({ value: polarity });
    await form.getByRole('button', { name: 'Connect' }).click();
  }

  /** The node's position in map coordinates, read from React Flow's transform. */
  async position(label: string): Promise<{ x: number; y: number }> {
    const transform = await this.node(label).evaluate((el) => (el as HTMLElement).style.transform);
    const m = /translate\(([-\d.]+)px, ?([-\d.]+)px\)/.exec(transform);
    if (!m) throw new Error(`no position in ${transform}`);
    return { x: Number(m[1]), y: Number(m[2]) };
  }

  /** Waits until the view has stopped moving (a fit after a template glides for 300 ms). */
  async viewSettled() {
    const transform = () => this.page.locator('.react-flow__viewport').evaluate((el) => (el as HTMLElement).style.transform);
    let last = await transform();
    for (let i = 0; i < 50; i++) {
      await this.page.waitForTimeout(150);
      const now = await transform();
      if (now === last) return;
      last = now;
    }
    throw new Error('the view kept moving');
  }

  /** The handle on `side` of an element, to drag a connection from (shown on hover). */
  handle(label: string, side: 'right' | 'bottom' | 'left' | 'top' = 'right'): Locator {
    return this.node(label).locator(`.map-handle[data-handleid="${side}"]`);
  }

  /**
   * Drags a connection the way a person does: points at the element so its handles show, presses
   * on one and moves in steps to `to` (page pixels) before letting go.
   */
  async dragConnection(from: string, to: { x: number; y: number }, side: 'right' | 'bottom' | 'left' | 'top' = 'right') {
    await this.node(from).hover();
    const box = (await this.handle(from, side).boundingBox())!;
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(x, y);
    await this.page.mouse.down();
    for (let i = 1; i <= 12; i++) await this.page.mouse.move(x + ((to.x - x) * i) / 12, y + ((to.y - y) * i) / 12);
    await this.page.mouse.up();
  }

  async drag(label: string, dx: number, dy: number) {
    await this.bringIntoReach(label);
    const box = (await this.node(label).boundingBox())!;
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(x, y);
    await this.page.mouse.down();
    for (let i = 1; i <= 10; i++) await this.page.mouse.move(x + (dx * i) / 10, y + (dy * i) / 10);
    await this.page.mouse.up();
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The signed-in person's account page: their sessions and their password. */
export class AccountPage {
  constructor(readonly page: Page) {}

  /** Opens it the way a person does, from the masthead link. */
  async openFromMasthead() {
    await this.page.getByRole('link', { name: 'Your account' }).click();
    await this.page.getByRole('heading', { name: 'Your account', level: 1 }).waitFor();
    await this.sessions.waitFor();
  }

  get sessions(): Locator {
    return this.page.getByRole('table', { name: 'Your sessions' });
  }

  /** Each session's row as read aloud: its kind, and whether it is this one. */
  async sessionNames(): Promise<string[]> {
    return this.sessions.locator('tbody th').allInnerTexts();
  }

  /** The End buttons of the other sessions, in the order listed. */
  get endButtons(): Locator {
    return this.sessions.getByRole('button', { name: /^End / });
  }

  get signOutEverywhereElse(): Locator {
    return this.page.getByRole('button', { name: 'Sign out everywhere else' });
  }

  async changePassword(current: string, next: string) {
    await this.page.getByLabel('Current password').fill(current);
    await this.page.getByLabel(/^New password/).fill(next);
    await this.page.getByRole('button', { name: 'Change password' }).click();
  }
}
