/**
 * Named versions of a document: save the text as "agreed at the March board", compare any
 * version with another or with now (block by block, words within a changed block), read one,
 * and restore it. A restore is an ordinary edit: it syncs to everyone and the restorer can undo
 * it.
 */
import type { Editor } from '@tiptap/react';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { docContent, docContentJson } from '../../shared/doc/content.js';
import { jsonToHtmlFragment } from '../../shared/doc/html.js';
import {
  DOC_VERSION_NAME_MAX,
  deleteDocVersion,
  diffDocs,
  listDocVersions,
  observeDocVersions,
  readDocVersion,
  restoreDocVersion,
  saveDocVersion,
  type DocDiffEntry,
} from '../../shared/doc/versions.js';
import { newId } from '../../shared/ids.js';
import { useExternalValue } from '../room/hooks.js';
import { useRoomConnection } from '../room/RoomProvider.js';
import { ErrorMessage } from '../ui/Notice.js';
import { formatDateTime } from '../ui/format.js';
import { useAttempt } from '../ui/useAttempt.js';
import { actorOf } from '../room/actor.js';

const NOW = 'now';
/** A comparison with now catches up this long after the last change to the text. */
const LIVE_DIFF_DELAY_MS = 150;

function DiffView({ entries }: { entries: DocDiffEntry[] }) {
  const changes = entries.filter((e) => e.kind !== 'unchanged').length;
  return (
    <div className="doc-diff">
      <p className="hint">{changes === 0 ? 'No differences.' : `${changes} ${changes === 1 ? 'block differs' : 'blocks differ'}.`}</p>
      <ol>
        {entries.map((e, i) => (
          <li key={i} className={`diff-${e.kind}`}>
            <span className="visually-hidden">{e.kind === 'unchanged' ? '' : `${e.kind}: `}</span>
            {e.kind === 'changed'
              ? e.parts.map((p, j) =>
                  p.kind === 'added' ? <ins key={j}>{p.text}</ins> : p.kind === 'removed' ? <del key={j}>{p.text}</del> : <span key={j}>{p.text}</span>,
                )
              : e.text || <em>(empty {e.type})</em>}
          </li>
        ))}
      </ol>
    </div>
  );
}

export function DocVersions({ editor, readOnly }: { editor: Editor; readOnly: boolean }) {
  const conn = useRoomConnection();
  const id = useId();
  const versions = useExternalValue((onChange) => observeDocVersions(conn.doc, onChange), () => listDocVersions(conn.doc), [conn]);
  const [name, setName] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState(NOW);
  const [compared, setCompared] = useState<{ from: string; to: string } | null>(null);
  const [reading, setReading] = useState<string | null>(null);
  const { error, attempt } = useAttempt();
  const actor = useMemo(() => actorOf(conn), [conn]);
  const label = (v: string) => (v === NOW ? 'the text now' : `“${versions.find((x) => x.id === v)?.name ?? '?'}”`);

  function save(event: FormEvent) {
    event.preventDefault();
    if (attempt(() => saveDocVersion(conn.doc, newId(), name, actor))) setName('');
  }

  function compare(event: FormEvent) {
    event.preventDefault();
    if (from) setCompared({ from, to });
  }

  // A comparison with "now" follows the text as people go on writing: a snapshot taken at the
  // click would silently miss what a colleague typed a moment later.
  const live = compared?.from === NOW || compared?.to === NOW;
  const entries = useExternalValue(
    (onChange) => {
      if (!compared) return () => {};
      // A compared version may be deleted by someone else meanwhile.
      const stopVersions = observeDocVersions(conn.doc, onChange);
      // Diffing a long document takes milliseconds: done once typing pauses, not per keystroke.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const typed = () => {
        clearTimeout(timer);
        timer = setTimeout(onChange, LIVE_DIFF_DELAY_MS);
      };
      const content = docContent(conn.doc);
      if (live) content.observeDeep(typed);
      return () => {
        stopVersions();
        clearTimeout(timer);
        if (live) content.unobserveDeep(typed);
      };
    },
    (): DocDiffEntry[] | null => {
      if (!compared) return null;
      const json = (v: string) => (v === NOW ? docContentJson(conn.doc) : (readDocVersion(conn.doc, v)?.json ?? null));
      const a = json(compared.from);
      const b = json(compared.to);
      return a && b ? diffDocs(a, b) : null;
    },
    [conn, compared, live],
  );

  const read = reading ? readDocVersion(conn.doc, reading) : null;

  return (
    <section className="doc-versions" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Versions</h3>
      {!readOnly && (
        <form className="inline-form" onSubmit={save}>
          <label htmlFor={`${id}-name`}>Save the text as a version named</label>
          <div className="inline-row">
            <input id={`${id}-name`} value={name} maxLength={DOC_VERSION_NAME_MAX} placeholder="e.g. after workshop 3" onChange={(e) => setName(e.target.value)} />
            <button type="submit" className="button-secondary">
              Save version
            </button>
          </div>
        </form>
      )}
      <ErrorMessage>{error}</ErrorMessage>
      {versions.length === 0 ? (
        <p className="hint">No versions saved yet.</p>
      ) : (
        <>
          <ol className="version-list">
            {versions.map((v) => (
              <li key={v.id}>
                <strong>{v.name}</strong>
                <span className="hint">
                  {' '}
                  · {v.by.name}, {formatDateTime(v.at)}
                </span>
                <div className="inline-row">
                  <button type="button" className="button-link" aria-label={`Read “${v.name}”`} onClick={() => setReading(reading === v.id ? null : v.id)}>
                    {reading === v.id ? 'Close' : 'Read'}
                  </button>
                  <button
                    type="button"
                    className="button-link"
                    aria-label={`Compare “${v.name}” with now`}
                    onClick={() => setCompared({ from: v.id, to: NOW })}
                  >
                    Compare with now
                  </button>
                  {!readOnly && (
                    <>
                      <button
                        type="button"
                        className="button-link"
                        aria-label={`Restore “${v.name}”`}
                        onClick={() => {
                          if (window.confirm(`Replace the text with the version “${v.name}”? Everyone sees the change; you can undo it.`)) {
                            restoreDocVersion(conn.doc, v.id);
                            editor.commands.focus();
                          }
                        }}
                      >
                        Restore
                      </button>
                      <button type="button" className="button-link" aria-label={`Delete the version “${v.name}”`} onClick={() => deleteDocVersion(conn.doc, v.id)}>
                        Delete
                      </button>
                    </>
                  )}
                </div>
              </li>
            ))}
          </ol>
          {versions.length > 1 && (
            <form className="inline-form version-compare" onSubmit={compare}>
              <fieldset>
                <legend>Compare two versions</legend>
                <label htmlFor={`${id}-from`}>From</label>
                <select id={`${id}-from`} value={from} onChange={(e) => setFrom(e.target.value)} required>
                  <option value="">Choose…</option>
                  {versions.map((v) => (
                    <option key={v.id} value={v.id}>
                      {v.name}
                    </option>
                  ))}
                </select>
                <label htmlFor={`${id}-to`}>To</label>
                <select id={`${id}-to`} value={to} onChange={(e) => setTo(e.target.value)}>
                  <option value={NOW}>The text now</option>
                  {versions.map((v) => (
                    <option key={v.id} value={v.id}>
                      {v.name}
                    </option>
                  ))}
                </select>
                <button type="submit" className="button-secondary">
                  Compare
                </button>
              </fieldset>
            </form>
          )}
        </>
      )}
      {compared && entries && (
        <div role="region" aria-label="Differences">
          <h4>
            From {label(compared.from)} to {label(compared.to)}
          </h4>
          <DiffView entries={entries} />
          <button type="button" className="button-link" onClick={() => setCompared(null)}>
            Close the comparison
          </button>
        </div>
      )}
      {read && (
        <div role="region" aria-label={`The version “${read.name}”`} className="version-read">
          <h4>“{read.name}” (read-only)</h4>
          {/* Rendered by the shared HTML exporter, which escapes all text and allows only the schema's tags and safe links. */}
          <div className="doc-content version-content" dangerouslySetInnerHTML={{ __html: jsonToHtmlFragment(read.json) }} />
        </div>
      )}
    </section>
  );
}
