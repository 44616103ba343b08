/**
 * Maps to start from: a blank causal loop diagram, the classic system archetypes, and framing
 * canvases (stakeholder power/interest grid, iceberg, three horizons). A template is plain map
 * data laid out for a 1200 × 800 area; `instantiate` gives it fresh ids and an author so it can
 * be added to a room with `addMapData`.
 */
import type { Attribution, ElementKind, MapData, Polarity } from './model.js';

export const TEMPLATE_IDS = [
  'blank',
  'fixes-that-fail',
  'shifting-the-burden',
  'limits-to-growth',
  'success-to-the-successful',
  'tragedy-of-the-commons',
  'stakeholder-grid',
  'iceberg',
  'three-horizons',
] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];

export interface TemplateInfo {
  id: TemplateId;
  name: string;
  /** One sentence on when to use it. */
  summary: string;
}

interface Sketch {
  info: TemplateInfo;
  elements: { key: string; label: string; kind?: ElementKind; x: number; y: number; description?: string }[];
  connections: { from: string; to: string; polarity: Polarity; delay?: boolean }[];
  groups: { key: string; label: string; x: number; y: number; width: number; height: number }[];
}

const V = 'variable' as const;

const SKETCHES: Sketch[] = [
  {
    info: { id: 'blank', name: 'Blank causal loop diagram', summary: 'Start from nothing and draw the system as you see it.' },
    elements: [],
    connections: [],
    groups: [],
  },
  {
    info: {
      id: 'fixes-that-fail',
      name: 'Fixes that fail',
      summary: 'A quick fix eases the symptom, but its side effects bring the problem back worse.',
    },
    elements: [
      { key: 'problem', label: 'Problem symptom', x: 500, y: 100 },
      { key: 'fix', label: 'Quick fix', kind: 'intervention', x: 200, y: 350 },
      { key: 'side', label: 'Unintended consequence', x: 800, y: 350 },
    ],
    connections: [
      { from: 'problem', to: 'fix', polarity: '+' },
      { from: 'fix', to: 'problem', polarity: '-' },
      { from: 'fix', to: 'side', polarity: '+' },
      { from: 'side', to: 'problem', polarity: '+', delay: true },
    ],
    groups: [],
  },
  {
    info: {
      id: 'shifting-the-burden',
      name: 'Shifting the burden',
      summary: 'A symptomatic solution takes the pressure off the fundamental one, which withers.',
    },
    elements: [
      { key: 'symptom', label: 'Problem symptom', x: 500, y: 300 },
      { key: 'quick', label: 'Symptomatic solution', kind: 'intervention', x: 500, y: 50 },
      { key: 'fundamental', label: 'Fundamental solution', kind: 'intervention', x: 500, y: 550 },
      { key: 'side', label: 'Side effect: capability to act fundamentally erodes', x: 950, y: 300 },
    ],
    connections: [
      { from: 'symptom', to: 'quick', polarity: '+' },
      { from: 'quick', to: 'symptom', polarity: '-' },
      { from: 'symptom', to: 'fundamental', polarity: '+' },
      { from: 'fundamental', to: 'symptom', polarity: '-', delay: true },
      { from: 'quick', to: 'side', polarity: '+' },
      { from: 'side', to: 'fundamental', polarity: '-' },
    ],
    groups: [],
  },
  {
    info: {
      id: 'limits-to-growth',
      name: 'Limits to growth',
      summary: 'Effort drives growth until a constraint starts to push back harder.',
    },
    elements: [
      { key: 'effort', label: 'Growing effort', x: 100, y: 300 },
      { key: 'performance', label: 'Performance', x: 500, y: 300 },
      { key: 'slowing', label: 'Slowing action', x: 900, y: 300 },
      { key: 'constraint', label: 'Limiting condition', x: 900, y: 600 },
    ],
    connections: [
      { from: 'effort', to: 'performance', polarity: '+' },
      { from: 'performance', to: 'effort', polarity: '+' },
      { from: 'performance', to: 'slowing', polarity: '+' },
      { from: 'slowing', to: 'performance', polarity: '-' },
      { from: 'constraint', to: 'slowing', polarity: '+' },
    ],
    groups: [],
  },
  {
    info: {
      id: 'success-to-the-successful',
      name: 'Success to the successful',
      summary: 'Two parties compete for one pool of resources; early success wins more of it.',
    },
    elements: [
      { key: 'allocA', label: 'Resources to A', x: 200, y: 150 },
      { key: 'successA', label: 'Success of A', x: 200, y: 500 },
      { key: 'allocB', label: 'Resources to B', x: 900, y: 150 },
      { key: 'successB', label: 'Success of B', x: 900, y: 500 },
      { key: 'split', label: 'Allocation to A instead of B', x: 550, y: 320 },
    ],
    connections: [
      { from: 'allocA', to: 'successA', polarity: '+' },
      { from: 'successA', to: 'split', polarity: '+' },
      { from: 'split', to: 'allocA', polarity: '+' },
      { from: 'split', to: 'allocB', polarity: '-' },
      { from: 'allocB', to: 'successB', polarity: '+' },
      { from: 'successB', to: 'split', polarity: '-' },
    ],
    groups: [],
  },
  {
    info: {
      id: 'tragedy-of-the-commons',
      name: 'Tragedy of the commons',
      summary: 'Each agency draws on a shared resource for its own gain until the resource runs down for all.',
    },
    elements: [
      { key: 'actA', label: 'Activity of agency A', x: 150, y: 150 },
      { key: 'gainA', label: 'Gain for A', x: 150, y: 450 },
      { key: 'actB', label: 'Activity of agency B', x: 950, y: 150 },
      { key: 'gainB', label: 'Gain for B', x: 950, y: 450 },
      { key: 'total', label: 'Total activity', x: 550, y: 150 },
      { key: 'resource', label: 'Shared resource available', x: 550, y: 450 },
    ],
    connections: [
      { from: 'actA', to: 'gainA', polarity: '+' },
      { from: 'gainA', to: 'actA', polarity: '+' },
      { from: 'actB', to: 'gainB', polarity: '+' },
      { from: 'gainB', to: 'actB', polarity: '+' },
      { from: 'actA', to: 'total', polarity: '+' },
      { from: 'actB', to: 'total', polarity: '+' },
      { from: 'total', to: 'resource', polarity: '-', delay: true },
      { from: 'resource', to: 'gainA', polarity: '+' },
      { from: 'resource', to: 'gainB', polarity: '+' },
    ],
    groups: [],
  },
  {
    info: {
      id: 'stakeholder-grid',
      name: 'Stakeholder power and interest grid',
      summary: 'Place each stakeholder by their power (up) and interest (right); the quadrant says how to engage them.',
    },
    elements: [],
    connections: [],
    groups: [
      { key: 'satisfied', label: 'Keep satisfied (high power, low interest)', x: 0, y: 0, width: 600, height: 400 },
      { key: 'manage', label: 'Manage closely (high power, high interest)', x: 600, y: 0, width: 600, height: 400 },
      { key: 'monitor', label: 'Monitor (low power, low interest)', x: 0, y: 400, width: 600, height: 400 },
      { key: 'inform', label: 'Keep informed (low power, high interest)', x: 600, y: 400, width: 600, height: 400 },
    ],
  },
  {
    info: {
      id: 'iceberg',
      name: 'Iceberg',
      summary: 'Look beneath the events: the patterns, the structures that cause them, and the mental models that hold the structures in place.',
    },
    elements: [],
    connections: [],
    groups: [
      { key: 'events', label: 'Events: what happened?', x: 0, y: 0, width: 1200, height: 180 },
      { key: 'patterns', label: 'Patterns: what has been happening over time?', x: 0, y: 200, width: 1200, height: 180 },
      { key: 'structures', label: 'Structures: what is causing the patterns?', x: 0, y: 400, width: 1200, height: 180 },
      { key: 'models', label: 'Mental models: what beliefs keep the system in place?', x: 0, y: 600, width: 1200, height: 180 },
    ],
  },
  {
    info: {
      id: 'three-horizons',
      name: 'Three horizons',
      summary: 'Today’s way of working (H1), the innovations in transition (H2) and the future we want (H3).',
    },
    elements: [],
    connections: [],
    groups: [
      { key: 'h1', label: 'Horizon 1: the way things are done now', x: 0, y: 0, width: 380, height: 800 },
      { key: 'h2', label: 'Horizon 2: innovations and transitions', x: 410, y: 0, width: 380, height: 800 },
      { key: 'h3', label: 'Horizon 3: the future we want to grow', x: 820, y: 0, width: 380, height: 800 },
    ],
  },
];

export const TEMPLATES: readonly TemplateInfo[] = SKETCHES.map((s) => s.info);

/**
 * The template as map data with fresh ids from `newId`, placed with its top-left at `origin`,
 * authored by `by`.
 */
export function instantiate(id: TemplateId, newId: () => string, by: Attribution, origin = { x: 0, y: 0 }): MapData {
  const sketch = SKETCHES.find((s) => s.info.id === id);
  if (!sketch) throw new RangeError(`No template called ${id}.`);
  const ids = new Map<string, string>();
  const idOf = (key: string) => {
    let value = ids.get(key);
    if (!value) ids.set(key, (value = newId()));
    return value;
  };
  return {
    groups: sketch.groups.map((g) => ({
      id: idOf(`group:${g.key}`),
      label: g.label,
      x: g.x + origin.x,
      y: g.y + origin.y,
      width: g.width,
      height: g.height,
      created: by,
      updated: by,
    })),
    elements: sketch.elements.map((e) => ({
      id: idOf(e.key),
      kind: e.kind ?? V,
      label: e.label,
      description: e.description ?? '',
      tags: [],
      agency: '',
      x: e.x + origin.x,
      y: e.y + origin.y,
      groupId: null,
      created: by,
      updated: by,
    })),
    connections: sketch.connections.map((c) => ({
      id: newId(),
      from: idOf(c.from),
      to: idOf(c.to),
      polarity: c.polarity,
      delay: c.delay ?? false,
      confidence: null,
      label: '',
      evidence: '',
      views: [],
      created: by,
      updated: by,
    })),
    loopNotes: [],
  };
}

export type StakeholderQuadrant = 'keep-satisfied' | 'manage-closely' | 'monitor' | 'keep-informed';

/**
 * The power/interest quadrant of a position on a stakeholder grid whose top-left is `origin`
 * and size `size`: up is more power, right is more interest. Derived from position, so moving
 * a stakeholder is how people change their assessment.
 */
export function stakeholderQuadrant(
  position: { x: number; y: number },
  origin = { x: 0, y: 0 },
  size = { width: 1200, height: 800 },
): StakeholderQuadrant {
  const right = position.x - origin.x >= size.width / 2;
  const top = position.y - origin.y < size.height / 2;
  if (top) return right ? 'manage-closely' : 'keep-satisfied';
  return right ? 'keep-informed' : 'monitor';
}
