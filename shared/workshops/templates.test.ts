import { describe, expect, it } from 'vitest';
import { CreateWorkshopRequestSchema } from './api.js';
import { localDateTimeToIso, templateSteps, workshopRequest } from './form.js';
import { WORKSHOP_TEMPLATES } from './templates.js';

describe('workshop templates', () => {
  it.each(WORKSHOP_TEMPLATES.map((t) => [t.name, t] as const))('"%s" makes a valid request whose steps fill the session', (_name, template) => {
    const request = workshopRequest({ title: template.name, startsAt: '2026-03-02T10:00', steps: templateSteps(template.steps) }, 0);
    expect(CreateWorkshopRequestSchema.safeParse(request).error).toBeUndefined();
    expect(template.steps.reduce((sum, s) => sum + s.minutes, 0)).toBe(template.minutes);
  });

  it('have the names facilitators are offered', () => {
    expect(WORKSHOP_TEMPLATES.map((t) => t.name)).toEqual(['Map the system in 90 minutes', 'Action learning set', 'Prioritise interventions']);
  });
});

describe('the new-workshop form', () => {
  it('sends the local date and time with its offset, so the server stores the moment meant', () => {
    expect(localDateTimeToIso('2026-03-02T10:00', 60)).toBe('2026-03-02T10:00:00+01:00');
    expect(localDateTimeToIso('2026-03-02T10:00:30', -330)).toBe('2026-03-02T10:00:30-05:30');
    expect(localDateTimeToIso('2026-07-01T09:15', 0)).toBe('2026-07-01T09:15:00+00:00');
    expect(new Date(localDateTimeToIso('2026-03-02T10:00', 60)).toISOString()).toBe('2026-03-02T09:00:00.000Z');
    // Left for the server to refuse in its own words.
    expect(localDateTimeToIso('', 60)).toBe('');
  });

  it('cleans titles, sends minutes as numbers and leaves out a step with no room', () => {
    const request = workshopRequest(
      {
        title: ' Spring\u202e session ',
        startsAt: '2026-03-02T10:00',
        steps: [
          { title: 'Map', kind: 'brainstorm', minutes: '20', roomId: 'torbay-map-0001' },
          { title: 'Vote', kind: 'vote', minutes: '', roomId: '' },
        ],
      },
      0,
    );
    expect(request.title).not.toContain('\u202e');
    expect(request.steps).toEqual([
      { title: 'Map', kind: 'brainstorm', minutes: 20, roomId: 'torbay-map-0001' },
      { title: 'Vote', kind: 'vote', minutes: 0 },
    ]);
    expect(CreateWorkshopRequestSchema.safeParse(request).success).toBe(false);
  });
});
