import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { LIMITS } from '../../../shared/api.js';
import { roleAtLeast, type SiteRole } from '../../../shared/roles.js';
import { WORKSHOP_LIMITS, WORKSHOP_STEP_KINDS, WORKSHOP_STEP_KIND_NAMES, type WorkshopStepKind } from '../../../shared/workshops/api.js';
import { templateSteps, workshopRequest, type WorkshopFormStep } from '../../../shared/workshops/form.js';
import { WORKSHOP_TEMPLATES } from '../../../shared/workshops/templates.js';
import { messageOf } from '../../api/http.js';
import { useCreateWorkshop, useRooms, useWorkshops } from '../../api/queries.js';
import { ErrorMessage, Status } from '../../ui/Notice.js';
import { formatDateTime } from '../../ui/format.js';
import { useSubmitOnce } from '../../ui/useSubmitOnce.js';


export function WorkshopsSection({ slug, role }: { slug: string; role: SiteRole }) {
  const workshops = useWorkshops(slug);
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className="panel">
      <h2 id={headingId}>Workshops</h2>
      <p className="hint">Timed sessions on this site's maps and documents, with one countdown everyone sees.</p>
      {workshops.isPending ? (
        <Status>Loading workshops…</Status>
      ) : workshops.isError ? (
        <ErrorMessage>{messageOf(workshops.error)}</ErrorMessage>
      ) : workshops.data.workshops.length === 0 ? (
        <p className="empty">No workshops yet.</p>
      ) : (
        <ul className="rooms" aria-label="Workshops">
          {workshops.data.workshops.map((w) => (
            <li key={w.id} className="room-item">
              <Link to={`/workshops/${w.id}`} className="room-link">
                {w.title}
              </Link>
              <span className="room-updated">
                <time dateTime={w.startsAt}>{formatDateTime(w.startsAt)}</time> · {w.steps.length} {w.steps.length === 1 ? 'step' : 'steps'} ·{' '}
                {w.steps.reduce((sum, s) => sum + s.minutes, 0)} min{w.endedAt && ' · ended'}
              </span>
            </li>
          ))}
        </ul>
      )}
      {roleAtLeast(role, 'facilitator') && <CreateWorkshopForm slug={slug} />}
    </section>
  );
}

const emptyStep = (): WorkshopFormStep => ({ title: '', kind: 'discussion', minutes: '10', roomId: '' });

function CreateWorkshopForm({ slug }: { slug: string }) {
  const create = useCreateWorkshop(slug);
  // A fast double click must not make two workshops (see useSubmitOnce).
  const createOnce = useSubmitOnce(create);
  const rooms = useRooms(slug, 'false');
  const [title, setTitle] = useState('');
  const [startsAt, setStartsAt] = useState('');
  const [template, setTemplate] = useState('');
  const [steps, setSteps] = useState<WorkshopFormStep[]>([emptyStep()]);
  const id = useId();
  const roomChoices = (rooms.data?.pages ?? []).flatMap((p) => p.rooms).filter((r) => r.kind === 'map' || r.kind === 'doc');
  const total = steps.reduce((sum, s) => sum + (Number(s.minutes) || 0), 0);

  function applyTemplate(templateId: string) {
    setTemplate(templateId);
    const chosen = WORKSHOP_TEMPLATES.find((t) => t.id === templateId);
    if (!chosen) return;
    setSteps(templateSteps(chosen.steps));
    if (!title.trim()) setTitle(chosen.name);
  }

  const change = (index: number, patch: Partial<WorkshopFormStep>) => setSteps((all) => all.map((s, i) => (i === index ? { ...s, ...patch } : s)));
  const move = (index: number, by: -1 | 1) =>
    setSteps((all) => {
      const next = [...all];
      [next[index], next[index + by]] = [next[index + by]!, next[index]!];
      return next;
    });

  function submit(event: FormEvent) {
    event.preventDefault();
    createOnce(workshopRequest({ title, startsAt, steps }), {
      onSuccess: () => {
        setTitle('');
        setStartsAt('');
        setTemplate('');
        setSteps([emptyStep()]);
      },
    });
  }

  return (
    <form className="create-workshop" onSubmit={submit}>
      <fieldset>
        <legend>New workshop</legend>
        <div className="inline-row">
          <div className="field grow">
            <label htmlFor={`${id}-title`}>Title</label>
            <input id={`${id}-title`} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={LIMITS.titleMax} required />
          </div>
          <div className="field">
            <label htmlFor={`${id}-starts`}>Date and time</label>
            <input id={`${id}-starts`} type="datetime-local" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} required />
          </div>
        </div>
        <div className="field">
          <label htmlFor={`${id}-template`}>Start the agenda from a template</label>
          <select id={`${id}-template`} value={template} onChange={(e) => applyTemplate(e.target.value)}>
            <option value="">No template: step by step</option>
            {WORKSHOP_TEMPLATES.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name} ({t.minutes} min)
              </option>
            ))}
          </select>
        </div>
        <h3>
          Agenda <span className="count">({steps.length} {steps.length === 1 ? 'step' : 'steps'}, {total} min)</span>
        </h3>
        <ol className="workshop-steps">
          {steps.map((step, i) => (
            <li key={i}>
              <fieldset className="workshop-step">
                <legend>Step {i + 1}</legend>
                <div className="inline-row">
                  <div className="field grow">
                    <label htmlFor={`${id}-s${i}-title`}>Step title</label>
                    <input id={`${id}-s${i}-title`} value={step.title} onChange={(e) => change(i, { title: e.target.value })} maxLength={LIMITS.titleMax} required />
                  </div>
                  <div className="field">
                    <label htmlFor={`${id}-s${i}-kind`}>Kind</label>
                    <select id={`${id}-s${i}-kind`} value={step.kind} onChange={(e) => change(i, { kind: e.target.value as WorkshopStepKind })}>
                      {WORKSHOP_STEP_KINDS.map((k) => (
                        <option key={k} value={k}>
                          {WORKSHOP_STEP_KIND_NAMES[k]}
                        </option>
                      ))}
                    </select>
                  </div>
                  <div className="field workshop-minutes">
                    <label htmlFor={`${id}-s${i}-minutes`}>Minutes</label>
                    <input
                      id={`${id}-s${i}-minutes`}
                      type="number"
                      inputMode="numeric"
                      min={1}
                      max={WORKSHOP_LIMITS.stepMinutesMax}
                      step={1}
                      value={step.minutes}
                      onChange={(e) => change(i, { minutes: e.target.value })}
                      required
                    />
                  </div>
                  <div className="field">
                    <label htmlFor={`${id}-s${i}-room`}>Map or document (optional)</label>
                    <select id={`${id}-s${i}-room`} value={step.roomId} onChange={(e) => change(i, { roomId: e.target.value })}>
                      <option value="">None</option>
                      {roomChoices.map((r) => (
                        <option key={r.id} value={r.id}>
                          {r.title}
                        </option>
                      ))}
                    </select>
                  </div>
                  {step.roomId && (
                    <div className="field-check">
                      <input id={`${id}-s${i}-lock`} type="checkbox" checked={step.lock ?? false} onChange={(e) => change(i, { lock: e.target.checked })} />
                      <label htmlFor={`${id}-s${i}-lock`}>Lock it during this step (only facilitators change it)</label>
                    </div>
                  )}
                </div>
                <div className="inline-row workshop-step-actions">
                  <button type="button" className="button-link" disabled={i === 0} onClick={() => move(i, -1)}>
                    Move up<span className="visually-hidden"> step {i + 1}</span>
                  </button>
                  <button type="button" className="button-link" disabled={i === steps.length - 1} onClick={() => move(i, 1)}>
                    Move down<span className="visually-hidden"> step {i + 1}</span>
                  </button>
                  <button type="button" className="button-link" disabled={steps.length === 1} onClick={() => setSteps((all) => all.filter((_, j) => j !== i))}>
                    Remove<span className="visually-hidden"> step {i + 1}</span>
                  </button>
                </div>
              </fieldset>
            </li>
          ))}
        </ol>
        <div className="inline-row">
          <button type="button" className="button-secondary" disabled={steps.length >= WORKSHOP_LIMITS.stepsMax} onClick={() => setSteps((all) => [...all, emptyStep()])}>
            Add a step
          </button>
          <button type="submit" disabled={create.isPending}>
            Create workshop
          </button>
        </div>
        <ErrorMessage>{create.isError ? messageOf(create.error) : null}</ErrorMessage>
        {create.isSuccess && (
          <p role="status" className="status">
            Created <Link to={`/workshops/${create.data.id}`}>{create.data.title}</Link>.
          </p>
        )}
      </fieldset>
    </form>
  );
}
