/**
 * Guests from other agencies, for the facilitator: make a link to send (shown once, with a copy
 * button: only a hash of it is kept), see the links made, and stop one.
 */
import { useId, useState, type FormEvent } from 'react';
import type { Workshop } from '../../shared/workshops/api.js';
import { useCreateGuestInvite, useGuestInvites, useStopGuestInvite } from '../api/guestQueries.js';
import { messageOf } from '../api/http.js';
import { ErrorMessage } from '../ui/Notice.js';
import { formatDateTime } from '../ui/format.js';
import { useSubmitOnce } from '../ui/useSubmitOnce.js';

export function GuestLinks({ workshop }: { workshop: Workshop }) {
  const id = useId();
  const [label, setLabel] = useState('');
  const [copied, setCopied] = useState(false);
  const invites = useGuestInvites(workshop.id);
  const creating = useCreateGuestInvite(workshop.id);
  const create = useSubmitOnce(creating);
  const stopping = useStopGuestInvite(workshop.id);
  const made = creating.data;

  function submit(event: FormEvent) {
    event.preventDefault();
    setCopied(false);
    create({ label: label.trim() || undefined }, { onSuccess: () => setLabel('') });
  }

  async function copy(url: string) {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      // No clipboard (an insecure page, or refused): the link is selectable in its box.
      setCopied(false);
    }
  }

  return (
    <details className="panel workshop-guests">
      <summary>Guests from other agencies…</summary>
      <p className="hint">A guest joins this workshop alone with their name and organisation, and loses access when it ends.</p>
      <form className="inline-form" onSubmit={submit}>
        <label htmlFor={`${id}-label`}>Who the link is for (optional)</label>
        <div className="inline-row">
          <input id={`${id}-label`} value={label} maxLength={100} placeholder="e.g. Fire and Rescue partners" onChange={(e) => setLabel(e.target.value)} />
          <button type="submit" disabled={creating.isPending}>
            Make a guest link
          </button>
        </div>
      </form>
      {made && (
        <div className="guest-link-made" role="status">
          <label htmlFor={`${id}-url`}>Send this link (it is shown only now):</label>
          <div className="inline-row">
            <input id={`${id}-url`} readOnly value={made.url} onFocus={(e) => e.currentTarget.select()} />
            <button type="button" className="button-secondary" onClick={() => void copy(made.url)}>
              {copied ? 'Copied' : 'Copy'}
            </button>
          </div>
          <p className="hint">Works until the workshop ends or {formatDateTime(made.expiresAt)}.</p>
        </div>
      )}
      {(invites.data?.invites.length ?? 0) > 0 && (
        <ul className="guest-links" aria-label="Guest links">
          {invites.data!.invites.map((i) => (
            <li key={i.id}>
              <strong>{i.label ?? 'Guest link'}</strong>{' '}
              <span className="hint">
                made {formatDateTime(i.createdAt)} · {i.active ? `works until ${formatDateTime(i.expiresAt)}` : 'stopped or expired'}
              </span>{' '}
              {i.active && (
                <button type="button" className="button-link" disabled={stopping.isPending} onClick={() => stopping.mutate(i.id)}>
                  Stop<span className="visually-hidden"> the link “{i.label ?? 'Guest link'}”</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <ErrorMessage>{creating.error ? messageOf(creating.error) : stopping.error ? messageOf(stopping.error) : invites.error ? messageOf(invites.error) : null}</ErrorMessage>
    </details>
  );
}
