import { useState, type FormEvent } from 'react';
import { LIMITS } from '../../shared/api.js';
import { Field } from '../ui/Field.js';

export interface PersonDetails {
  email: string;
  name: string;
  organisation: string;
  password: string;
}

/**
 * The form a new person fills in (first admin, invitee): email, name, organisation (their
 * agency) and a password. `existingAccount` asks only for email and password.
 */
export function PersonForm({
  submitLabel,
  busy,
  fixedEmail,
  existingAccount = false,
  onSubmit,
}: {
  submitLabel: string;
  busy: boolean;
  fixedEmail?: string | null;
  existingAccount?: boolean;
  onSubmit: (details: PersonDetails) => void;
}) {
  const [details, setDetails] = useState<PersonDetails>({ email: fixedEmail ?? '', name: '', organisation: '', password: '' });
  const set = (key: keyof PersonDetails) => (e: { target: { value: string } }) => setDetails((d) => ({ ...d, [key]: e.target.value }));

  function submit(event: FormEvent) {
    event.preventDefault();
    onSubmit(details);
  }

  return (
    <form className="card form" onSubmit={submit}>
      <Field
        label="Email"
        type="email"
        autoComplete="username"
        value={details.email}
        onChange={set('email')}
        readOnly={Boolean(fixedEmail)}
        hint={fixedEmail ? 'This invite is for this address.' : undefined}
        required
        maxLength={LIMITS.emailMax}
      />
      {!existingAccount && (
        <>
          <Field label="Your name" autoComplete="name" value={details.name} onChange={set('name')} required maxLength={LIMITS.nameMax} />
          <Field
            label="Organisation"
            hint="Your agency, as others should see it: for example Torbay Council, or Devon Partnership NHS Trust."
            autoComplete="organization"
            value={details.organisation}
            onChange={set('organisation')}
            required
            maxLength={LIMITS.organisationMax}
          />
        </>
      )}
      <Field
        label={existingAccount ? 'Password' : 'Password (at least 8 characters)'}
        type="password"
        autoComplete={existingAccount ? 'current-password' : 'new-password'}
        value={details.password}
        onChange={set('password')}
        required
        minLength={existingAccount ? undefined : LIMITS.passwordMin}
        maxLength={LIMITS.passwordMax}
      />
      <button type="submit" disabled={busy}>
        {busy ? 'Please wait…' : submitLabel}
      </button>
    </form>
  );
}

/** The secret in `#token=…`: fragments are not sent to servers, so the token stays out of logs. */
export function tokenFromHash(hash: string): string {
  return new URLSearchParams(hash.replace(/^#/, '')).get('token') ?? '';
}
