/**
 * What the map's and the document's versions panels share. Versions are kept by the server,
 * not in the room's doc: the list comes from the API and is polled while a panel is open
 * (`VERSIONS_POLL_MS`), so a version someone else saves shows up within seconds; saving,
 * restoring and deleting are requests, and a restore reaches everyone as the server's edit.
 */
import { useId, useState, type FormEvent } from 'react';
import { VERSION_LIMITS, type Version } from '../../shared/api.js';
import { roleAtLeast } from '../../shared/roles.js';
import { messageOf } from '../api/http.js';
import { useDeleteVersion, useFetchVersion, useRestoreVersion, useRoom, useSaveVersion, useSite, useVersions } from '../api/queries.js';
import { ErrorMessage } from '../ui/Notice.js';
import { formatDateTime } from '../ui/format.js';
import { useRoomConnection } from './RoomProvider.js';

/**
 * The open room's versions, newest first, with who may delete them and the actions on them.
 * `what` names the content in the confirmations ("the map", "the text").
 */
export function useRoomVersions(what: string) {
  const conn = useRoomConnection();
  const { roomId } = conn;
  const list = useVersions(roomId);
  // Both already loaded by the room page; read here from the cache.
  const room = useRoom(roomId).data;
  const role = useSite(room?.siteSlug ?? '', room !== undefined).data?.role ?? null;
  const deleting = useDeleteVersion(roomId);
  const restoring = useRestoreVersion(roomId);
  const failed = deleting.error ?? restoring.error ?? list.error;
  return {
    roomId,
    versions: list.data?.versions ?? [],
    canDelete: roleAtLeast(role, 'facilitator'),
    error: failed ? messageOf(failed) : null,
    fetchVersion: useFetchVersion(roomId),
    restoring: restoring.isPending,
    remove(version: Version) {
      if (window.confirm(`Delete the version “${version.name}”? It cannot be brought back.`)) deleting.mutate(version);
    },
    /** Asks first; `then` runs once the server has restored it. */
    restore(version: Version, then?: () => void) {
      const question = `Replace ${what} with the version “${version.name}”? Everyone sees the change. ${what[0]!.toUpperCase()}${what.slice(1)} as it is now is saved first, as a version to go back to.`;
      // The server saves the room as it holds it first: edits still on their way go into that.
      if (window.confirm(question)) void conn.whenSaved().then(() => restoring.mutate(version, { onSuccess: () => then?.() }));
    },
  };
}

/** "3 elements, 2 connections" or "120 words", from a version's summary. */
export function versionSummaryText(version: Version): string {
  const { elements, connections, words } = version.summary;
  const count = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  if (words !== undefined) return count(words, 'word');
  return [elements !== undefined && count(elements, 'element'), connections !== undefined && count(connections, 'connection')].filter(Boolean).join(', ');
}

/** "22 Nov 2026, 10:00 by Cal Council · 3 elements, 2 connections" */
export function VersionByline({ version }: { version: Version }) {
  const summary = versionSummaryText(version);
  return (
    <span className="hint">
      {' '}
      · {formatDateTime(version.createdAt)} by {version.createdBy.name}
      {summary && ` · ${summary}`}
    </span>
  );
}

/** The form that saves the room as it is now under a name (the server takes the snapshot). */
export function SaveVersionForm({ label, placeholder }: { label: string; placeholder: string }) {
  const conn = useRoomConnection();
  const saving = useSaveVersion(conn.roomId);
  const [name, setName] = useState('');
  const [waiting, setWaiting] = useState(false);
  const id = useId();

  function save(event: FormEvent) {
    event.preventDefault();
    if (waiting || saving.isPending) return;
    setWaiting(true);
    // The server snapshots the room as it holds it: what was typed a moment ago goes first.
    void conn.whenSaved().then(() => {
      setWaiting(false);
      saving.mutate(name, { onSuccess: () => setName('') });
    });
  }

  return (
    <form className="inline-form" onSubmit={save}>
      <label htmlFor={`${id}-name`}>{label}</label>
      <div className="inline-row">
        <input id={`${id}-name`} value={name} maxLength={VERSION_LIMITS.nameMax} placeholder={placeholder} required onChange={(e) => setName(e.target.value)} />
        <button type="submit" className="button-secondary" disabled={saving.isPending || waiting}>
          Save version
        </button>
      </div>
      <ErrorMessage>{saving.error ? messageOf(saving.error) : null}</ErrorMessage>
    </form>
  );
}
