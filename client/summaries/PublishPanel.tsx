/**
 * Previewing, publishing and withdrawing the summary. Members preview; facilitators publish a
 * new version (each one kept, at its own address) and withdraw, each after saying what will
 * happen. Publishing copies the public part of the draft as it is on the server at that moment.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { SummaryDraft } from '../../shared/summaries/doc.js';
import { learningPaths } from '../../shared/summaries/public.js';
import { messageOf } from '../api/http.js';
import { summaryPaths, usePublishSummary, useSummaryStatus, useWithdrawSummary } from '../api/queries.js';
import { ErrorMessage, Status } from '../ui/Notice.js';
import { formatDateTime } from '../ui/format.js';
import { useSubmitOnce } from '../ui/useSubmitOnce.js';

/** An address the server gave (`/learning/site/slug`) as a person would type it. */
const absolute = (url: string) => new URL(url, window.location.origin).href;

export function PublishPanel({
  roomId,
  siteSlug,
  draft,
  facilitator,
  readOnly,
}: {
  roomId: string;
  siteSlug: string;
  draft: SummaryDraft;
  facilitator: boolean;
  readOnly: boolean;
}) {
  const headingId = useId();
  const status = useSummaryStatus(roomId);
  const publish = usePublishSummary(roomId);
  const withdraw = useWithdrawSummary(roomId);
  // A fast double click must not publish two versions (see useSubmitOnce).
  const publishOnce = useSubmitOnce(publish);
  const withdrawOnce = useSubmitOnce(withdraw);
  const [confirming, setConfirming] = useState<'publish' | 'withdraw' | null>(null);
  const question = useRef<HTMLParagraphElement>(null);
  const publishButton = useRef<HTMLButtonElement>(null);
  const withdrawButton = useRef<HTMLButtonElement>(null);
  const reopen = useRef<'publish' | 'withdraw' | null>(null);

  // The question takes the focus when asked, so a screen reader reads it; the button that asked
  // takes it back when the question is cancelled.
  useEffect(() => {
    if (confirming) question.current?.focus();
    else if (reopen.current === 'publish') publishButton.current?.focus();
    else if (reopen.current === 'withdraw') withdrawButton.current?.focus();
    reopen.current = null;
  }, [confirming]);
  const cancel = () => {
    reopen.current = confirming;
    setConfirming(null);
  };

  const s = status.data;
  const publications = s?.publications ?? [];
  const latest = publications.reduce((m, p) => Math.max(m, p.version), 0);
  const next = latest + 1;
  const isPublic = s !== undefined && s.url !== null && publications.length > 0 && !s.withdrawn;
  const where = s?.url ? absolute(s.url) : `${absolute(learningPaths.site(siteSlug))}/…`;
  const publicItems = draft.items.filter((i) => i.publishable).length;
  const privateItems = draft.items.length - publicItems;
  const notes = s?.notes.length ?? 0;
  const published = publish.data;

  return (
    <section className="panel summary-publish" aria-labelledby={headingId}>
      <h2 id={headingId}>Publishing</h2>
      {status.isPending ? (
        <Status>Reading what has been published…</Status>
      ) : !s ? (
        <ErrorMessage>{messageOf(status.error)}</ErrorMessage>
      ) : (
        <p className="summary-public-state">
          {s.withdrawn ? (
            <>Withdrawn: no version is public. Publishing again makes the new version public.</>
          ) : isPublic && s.url ? (
            <>
              Public at{' '}
              <a href={s.url} target="_blank" rel="noopener">
                {absolute(s.url)}
                <span className="visually-hidden"> (opens in a new tab)</span>
              </a>{' '}
              (version {latest}).
            </>
          ) : (
            <>Not published yet: only the site’s members can see this draft.</>
          )}
        </p>
      )}
      <p className="hint">
        {publicItems} {publicItems === 1 ? 'item is' : 'items are'} marked Public; {privateItems} private {privateItems === 1 ? 'item stays' : 'items stay'} in
        the draft.
        {notes > 0 && ` ${notes} public ${notes === 1 ? 'item' : 'items'} cannot be published as ${notes === 1 ? 'it is' : 'they are'}: see the notes beside ${notes === 1 ? 'it' : 'them'}.`}
      </p>

      <div className="summary-publish-actions">
        <a className="button-like button-secondary" href={summaryPaths.preview(roomId)} target="_blank" rel="noopener">
          Preview<span className="visually-hidden"> the public page (opens in a new tab)</span>
        </a>
        {facilitator ? (
          confirming !== 'publish' && (
            <button
              type="button"
              ref={publishButton}
              disabled={readOnly || publish.isPending || !s}
              onClick={() => {
                publish.reset();
                withdraw.reset();
                setConfirming('publish');
              }}
            >
              Publish
            </button>
          )
        ) : (
          <span className="hint">A facilitator publishes summaries.</span>
        )}
        {facilitator && isPublic && confirming !== 'withdraw' && (
          <button
            type="button"
            ref={withdrawButton}
            className="button-warning"
            disabled={readOnly || withdraw.isPending}
            onClick={() => {
              publish.reset();
              withdraw.reset();
              setConfirming('withdraw');
            }}
          >
            Withdraw
          </button>
        )}
      </div>
      {facilitator && readOnly && <p className="hint">This room is read-only here, so it cannot be published or withdrawn from it.</p>}

      {confirming === 'publish' && (
        <div className="summary-confirm" role="group" aria-labelledby={`${headingId}-q`}>
          <p id={`${headingId}-q`} ref={question} tabIndex={-1}>
            <strong>
              Publish version {next}? It will be public at {where}
            </strong>
          </p>
          <p className="hint">
            Anyone can read it there, and it stays there as version {next} even after later versions. Only items marked Public are published, as the Preview shows
            them.
          </p>
          <div className="toolbar">
            <button
              type="button"
              disabled={publish.isPending}
              onClick={() =>
                publishOnce(undefined, {
                  onSuccess: () => {
                    reopen.current = 'publish';
                    setConfirming(null);
                  },
                })
              }
            >
              {publish.isPending ? 'Publishing…' : `Publish version ${next}`}
            </button>
            <button type="button" className="button-secondary" onClick={cancel}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {confirming === 'withdraw' && (
        <div className="summary-confirm summary-confirm-warning" role="group" aria-labelledby={`${headingId}-q`}>
          <p id={`${headingId}-q`} ref={question} tabIndex={-1}>
            <strong>Withdraw this summary from the public?</strong>
          </p>
          <p className="hint">
            Its public page and every published version will answer that it has been withdrawn. The draft stays here, and publishing again makes it public
            again.
          </p>
          <div className="toolbar">
            <button
              type="button"
              className="button-warning"
              disabled={withdraw.isPending}
              onClick={() =>
                withdrawOnce(undefined, {
                  onSuccess: () => {
                    // The Withdraw button is gone with the public version; Publish is what is left.
                    reopen.current = 'publish';
                    setConfirming(null);
                  },
                })
              }
            >
              {withdraw.isPending ? 'Withdrawing…' : 'Withdraw the summary'}
            </button>
            <button type="button" className="button-secondary" onClick={cancel}>
              Cancel
            </button>
          </div>
        </div>
      )}
      <ErrorMessage>{publish.isError ? messageOf(publish.error) : withdraw.isError ? messageOf(withdraw.error) : null}</ErrorMessage>
      <div role="status" className="summary-published">
        {published && (
          <p className="notice">
            Published version {published.version}:{' '}
            <a href={published.url} target="_blank" rel="noopener">
              {absolute(published.url)}
              <span className="visually-hidden"> (opens in a new tab)</span>
            </a>
          </p>
        )}
        {withdraw.isSuccess && !published && <p className="notice">Withdrawn. Its public pages now say so.</p>}
      </div>

      {publications.length > 0 && (
        <>
          <h3>Versions</h3>
          <ul className="summary-versions">
            {[...publications]
              .sort((a, b) => b.version - a.version)
              .map((p) => (
                <li key={p.version}>
                  {s?.url && !s.withdrawn ? (
                    <a href={`${s.url}/v${p.version}`} target="_blank" rel="noopener">
                      Version {p.version}
                      <span className="visually-hidden"> (opens in a new tab)</span>
                    </a>
                  ) : (
                    <span>Version {p.version}</span>
                  )}
                  {' – '}“{p.title}”, published {formatDateTime(p.publishedAt)}
                  {p.publishedBy && ` by ${p.publishedBy}`}
                  {p.withdrawnAt && `; withdrawn ${formatDateTime(p.withdrawnAt)}`}
                </li>
              ))}
          </ul>
        </>
      )}
    </section>
  );
}
