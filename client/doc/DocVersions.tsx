/**
 * Named versions of a document: save the text as "agreed at the March board", compare any
 * version with another or with now (block by block, words within a changed block), read one,
 * and restore it for everyone. The server keeps the versions (`client/room/versions.tsx`); a
 * restore saves the text as it was first, as a version to restore to go back.
 */
import type { JSONContent } from '@tiptap/core';
import type { Editor } from '@tiptap/react';
import { useId, useState, type FormEvent } from 'react';
import type { VersionWithContent } from '../../shared/api.js';
import { docContent, docContentJson } from '../../shared/doc/content.js';
import { jsonToHtmlFragment } from '../../shared/doc/html.js';
import { diffDocs, type DocDiffEntry } from '../../shared/doc/versions.js';
import { useVersion } from '../api/queries.js';
import { useExternalValue } from '../room/hooks.js';
import { useRoomConnection } from '../room/RoomProvider.js';
import { SaveVersionForm, useRoomVersions, VersionByline } from '../room/versions.js';
import { ErrorMessage } from '../ui/Notice.js';

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

/** The body a fetched version holds, once it has arrived. */
function bodyOf(version: VersionWithContent | undefined): JSONContent | null {
  return version?.content.kind === 'doc' ? (version.content.doc as JSONContent) : null;
}

export function DocVersions({ editor, readOnly }: { editor: Editor; readOnly: boolean }) {
  const conn = useRoomConnection();
  const id = useId();
  const { roomId, versions, canDelete, error, restore, restoring, remove } = useRoomVersions('the text');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState(NOW);
  const [compared, setCompared] = useState<{ from: string; to: string } | null>(null);
  const [reading, setReading] = useState<string | null>(null);
  const label = (v: string) => (v === NOW ? 'the text now' : `“${versions.find((x) => x.id === v)?.name ?? '?'}”`);
  const fromBody = bodyOf(useVersion(roomId, compared && compared.from !== NOW ? compared.from : null).data);
  const toBody = bodyOf(useVersion(roomId, compared && compared.to !== NOW ? compared.to : null).data);
  const read = useVersion(roomId, reading).data;

  function compare(event: FormEvent) {
    event.preventDefault();
    if (from) setCompared({ from, to });
  }

  // A comparison with "now" follows the text as people go on writing: a snapshot taken at the
  // click would silently miss what a colleague typed a moment later.
  const live = compared?.from === NOW || compared?.to === NOW;
  const entries = useExternalValue(
    (onChange) => {
      if (!compared || !live) return () => {};
      // Diffing a long document takes milliseconds: done once typing pauses, not per keystroke.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const typed = () => {
        clearTimeout(timer);
        timer = setTimeout(onChange, LIVE_DIFF_DELAY_MS);
      };
      const content = docContent(conn.doc);
      content.observeDeep(typed);
      return () => {
        clearTimeout(timer);
        content.unobserveDeep(typed);
      };
    },
    (): DocDiffEntry[] | null => {
      if (!compared) return null;
      const a = compared.from === NOW ? docContentJson(conn.doc) : fromBody;
      const b = compared.to === NOW ? docContentJson(conn.doc) : toBody;
      return a && b ? diffDocs(a, b) : null;
    },
    [conn, compared, live, fromBody, toBody],
  );

  return (
    <section className="doc-versions" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Versions</h3>
      {!readOnly && <SaveVersionForm label="Save the text as a version named" placeholder="e.g. after workshop 3" />}
      <ErrorMessage>{error}</ErrorMessage>
      {versions.length === 0 ? (
        <p className="hint">No versions saved yet.</p>
      ) : (
        <>
          <ol className="version-list" reversed>
            {versions.map((v) => (
              <li key={v.id}>
                <strong>{v.name}</strong>
                <VersionByline version={v} />
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
                    <button
                      type="button"
                      className="button-link"
                      aria-label={`Restore “${v.name}”`}
                      disabled={restoring}
                      onClick={() => restore(v, () => editor.commands.focus())}
                    >
                      Restore
                    </button>
                  )}
                  {canDelete && (
                    <button type="button" className="button-link" aria-label={`Delete the version “${v.name}”`} onClick={() => remove(v)}>
                      Delete
                    </button>
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
      {read && reading === read.id && bodyOf(read) && (
        <div role="region" aria-label={`The version “${read.name}”`} className="version-read">
          <h4>“{read.name}” (read-only)</h4>
          {/* Rendered by the shared HTML exporter, which escapes all text and allows only the schema's tags and safe links. */}
          <div className="doc-content version-content" dangerouslySetInnerHTML={{ __html: jsonToHtmlFragment(bodyOf(read)!) }} />
        </div>
      )}
    </section>
  );
}
