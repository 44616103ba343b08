/**
 * Agendas a facilitator can start a workshop from, then change step by step. Each step's
 * minutes add up to the session's length, so a template named "90 minutes" runs for 90.
 */
import type { WorkshopStepKind } from './api.js';

export interface WorkshopTemplateStep {
  title: string;
  kind: WorkshopStepKind;
  minutes: number;
}

export interface WorkshopTemplate {
  id: string;
  name: string;
  /** The session's length, in minutes: the sum of its steps'. */
  minutes: number;
  steps: readonly WorkshopTemplateStep[];
}

export const WORKSHOP_TEMPLATES: readonly WorkshopTemplate[] = [
  {
    id: 'map-the-system',
    name: 'Map the system in 90 minutes',
    minutes: 90,
    steps: [
      { title: 'Welcome and the question we are mapping', kind: 'round', minutes: 10 },
      { title: 'Who and what is in the system', kind: 'brainstorm', minutes: 20 },
      { title: 'Connections and feedback loops', kind: 'breakout', minutes: 25 },
      { title: 'Where could we intervene?', kind: 'discussion', minutes: 20 },
      { title: 'Vote on leverage points', kind: 'vote', minutes: 10 },
      { title: 'Check-out: one thing I will do', kind: 'round', minutes: 5 },
    ],
  },
  {
    id: 'action-learning-set',
    name: 'Action learning set',
    minutes: 120,
    steps: [
      { title: 'Check-in', kind: 'round', minutes: 10 },
      { title: 'Updates on actions since last time', kind: 'round', minutes: 20 },
      { title: 'Presenter describes their challenge', kind: 'discussion', minutes: 10 },
      { title: 'Open questions only', kind: 'round', minutes: 30 },
      { title: 'Presenter reflects and commits to action', kind: 'discussion', minutes: 15 },
      { title: 'What we learned about the system', kind: 'brainstorm', minutes: 20 },
      { title: 'Review of the process and check-out', kind: 'round', minutes: 15 },
    ],
  },
  {
    id: 'prioritise-interventions',
    name: 'Prioritise interventions',
    minutes: 60,
    steps: [
      { title: 'The outcomes we are after', kind: 'discussion', minutes: 10 },
      { title: 'List possible interventions', kind: 'brainstorm', minutes: 15 },
      { title: 'Test each against the map', kind: 'breakout', minutes: 15 },
      { title: 'Dot vote', kind: 'vote', minutes: 10 },
      { title: 'Agree owners and next steps', kind: 'discussion', minutes: 10 },
    ],
  },
];
