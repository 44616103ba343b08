import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { newId, slugify } from '../../shared/ids.js';
import { VOCABULARY_LIMITS, type VocabularyTerm } from '../../shared/summaries/vocabulary.js';
import { messageOf } from '../api/http.js';
import { useLearningThemes, useMe, useSaveLearningThemes } from '../api/queries.js';
import { Breadcrumb } from '../ui/Breadcrumb.js';
import { ErrorMessage, Status } from '../ui/Notice.js';
import { useDocumentTitle } from '../ui/useDocumentTitle.js';
import { useSubmitOnce } from '../ui/useSubmitOnce.js';

/**
 * A theme being edited. `id` is null for a theme added here and not saved yet: its id follows
 * its label until it is saved, and never changes after, because published summaries keep it.
 */
interface DraftTheme {
  key: string;
  id: string | null;
  label: string;
  description: string;
}

/**
 * The id a new theme gets from its label: lower-case words joined by hyphens, as short as the
 * server allows (cut at a hyphen's edge, so it never ends in one).
 *
 * @example
 * themeIdFor('Housing & homelessness') // 'housing-homelessness'
 */
export function themeIdFor(label: string): string {
  return slugify(label).slice(0, VOCABULARY_LIMITS.idMax).replace(/-+$/, '');
}

function idOf(theme: DraftTheme): string {
  return theme.id ?? themeIdFor(theme.label);
}

function nameOf(theme: DraftTheme): string {
  return theme.label.trim() || 'Untitled theme';
}

function fromSaved(themes: readonly VocabularyTerm[]): DraftTheme[] {
  // Saved ids are unique (the server refuses repeats), so they serve as React keys.
  return themes.map((t) => ({ key: t.id, id: t.id, label: t.label, description: t.description }));
}

function toTerms(themes: readonly DraftTheme[]): VocabularyTerm[] {
  return themes.map((t) => ({ id: idOf(t), label: t.label.trim(), description: t.description }));
}

function sameList(a: readonly VocabularyTerm[], b: readonly VocabularyTerm[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * What would make the server refuse the list, by theme key, in words that say what to change.
 * Saved ids are claimed first, so a clash is always reported on the new theme, whose label
 * (and so id) can still change.
 */
function problemsOf(themes: readonly DraftTheme[]): Map<string, string> {
  const problems = new Map<string, string>();
  const owners = new Map<string, DraftTheme>();
  for (const t of themes) if (t.id !== null) owners.set(t.id, t);
  for (const t of themes) {
    if (!t.label.trim()) {
      problems.set(t.key, t.id === null ? 'Give the theme a label.' : `Give the theme a label; its id stays “${t.id}”.`);
      continue;
    }
    if (t.id !== null) continue;
    const id = idOf(t);
    const owner = owners.get(id);
    if (!id) problems.set(t.key, 'The label needs a letter or a digit to make the theme’s id from.');
    else if (owner && owner !== t) problems.set(t.key, `The id “${id}” belongs to “${nameOf(owner)}”: change this theme’s label.`);
    else owners.set(id, t);
  }
  return problems;
}

function countOf(n: number): string {
  return n === 1 ? '1 theme' : `${n} themes`;
}

/** The programme's theme vocabulary: administrators edit it, everyone else reads it. */
export function ThemesPage() {
  useDocumentTitle('Programme themes');
  const me = useMe();
  const themes = useLearningThemes();
  const isAdmin = me.data?.isAdmin === true;

  return (
    <>
      <Breadcrumb trail={[{ to: '/', label: 'Sites' }]} current="Programme themes" />
      <h1>Programme themes</h1>
      <p className="lead">Learning summaries tag each lesson with themes from this list, so lessons from different sites can be compared.</p>
      {themes.isPending && <Status>Loading the themes…</Status>}
      {themes.isError && (
        <ErrorMessage>
          {messageOf(themes.error)}{' '}
          <button type="button" className="button-secondary" onClick={() => void themes.refetch()}>
            Try again
          </button>
        </ErrorMessage>
      )}
      {themes.data && (isAdmin ? <ThemesEditor saved={themes.data.themes} /> : <ThemesList themes={themes.data.themes} />)}
    </>
  );
}

function ThemesList({ themes }: { themes: readonly VocabularyTerm[] }) {
  return (
    <>
      <p className="notice">Only administrators of the workspace change the programme’s themes.</p>
      <ol className="themes-read">
        {themes.map((t) => (
          <li key={t.id}>
            <strong>{t.label}</strong> <span className="themes-id">({t.id})</span>
            {t.description && <p className="hint">{t.description}</p>}
          </li>
        ))}
      </ol>
    </>
  );
}

/** After a move, the same button keeps focus; at either end of the list, its partner takes it. */
const moveButtonId = (base: string, key: string, direction: -1 | 1) => `${base}-${key}-${direction === -1 ? 'up' : 'down'}`;

function ThemesEditor({ saved }: { saved: readonly VocabularyTerm[] }) {
  const id = useId();
  const save = useSaveLearningThemes();
  const saveOnce = useSubmitOnce(save);
  /**
   * Null until the first edit and again after a save, so the list follows the server until then
   * (another administrator's save shows here). `base` is the list the edits started from.
   */
  const [draft, setDraft] = useState<{ base: readonly VocabularyTerm[]; themes: DraftTheme[] } | null>(null);
  const [said, setSaid] = useState('');
  const [blocked, setBlocked] = useState(false);
  const [newLabel, setNewLabel] = useState('');
  const [newDescription, setNewDescription] = useState('');
  const [addError, setAddError] = useState<string | null>(null);
  const pendingFocus = useRef<{ key: string; direction: -1 | 1 } | 'heading' | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const newLabelRef = useRef<HTMLInputElement>(null);

  const themes = draft?.themes ?? fromSaved(saved);
  const terms = toTerms(themes);
  const dirty = draft !== null && !sameList(terms, saved);
  const problems = problemsOf(themes);
  const theirsChanged = dirty && !sameList(draft.base, saved);

  // Focus is moved once React has put the list in its new order, not on a guessed timer.
  useEffect(() => {
    const target = pendingFocus.current;
    pendingFocus.current = null;
    if (target === 'heading') headingRef.current?.focus();
    else if (target) {
      const button = document.getElementById(moveButtonId(id, target.key, target.direction)) as HTMLButtonElement | null;
      const other = document.getElementById(moveButtonId(id, target.key, target.direction === -1 ? 1 : -1));
      (button && !button.disabled ? button : other)?.focus();
    }
  }, [draft, id]);

  // Leaving the page (reload, closing the tab) would drop the edits: the browser asks first.
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  function edit(change: (themes: DraftTheme[]) => DraftTheme[]) {
    setDraft((d) => ({ base: d?.base ?? saved, themes: change(d?.themes ?? fromSaved(saved)) }));
  }

  function update(key: string, patch: Partial<Pick<DraftTheme, 'label' | 'description'>>) {
    edit((all) => all.map((t) => (t.key === key ? { ...t, ...patch } : t)));
  }

  function move(theme: DraftTheme, direction: -1 | 1) {
    const from = themes.findIndex((t) => t.key === theme.key);
    const to = from + direction;
    if (from < 0 || to < 0 || to >= themes.length) return;
    pendingFocus.current = { key: theme.key, direction };
    edit((all) => {
      const next = [...all];
      [next[from], next[to]] = [next[to]!, next[from]!];
      return next;
    });
    setSaid(`Moved “${nameOf(theme)}” to position ${to + 1} of ${themes.length}.`);
  }

  function remove(theme: DraftTheme) {
    pendingFocus.current = 'heading';
    edit((all) => all.filter((t) => t.key !== theme.key));
    setSaid(`Removed “${nameOf(theme)}”. Save to keep the change.`);
  }

  function add(event: FormEvent) {
    event.preventDefault();
    if (save.isPending) return;
    const label = newLabel.trim();
    const themeId = themeIdFor(label);
    const owner = themes.find((t) => idOf(t) === themeId);
    let problem: string | null = null;
    if (themes.length >= VOCABULARY_LIMITS.themesMax) problem = `The programme keeps at most ${VOCABULARY_LIMITS.themesMax} themes: remove one first.`;
    else if (!label) problem = 'Give the theme a label.';
    else if (!themeId) problem = 'The label needs a letter or a digit to make the theme’s id from.';
    else if (owner) problem = `“${nameOf(owner)}” already has the id “${themeId}”: choose a different label, or rename that theme instead.`;
    setAddError(problem);
    if (problem) {
      newLabelRef.current?.focus();
      return;
    }
    edit((all) => [...all, { key: `new-${newId(10)}`, id: null, label, description: newDescription }]);
    setNewLabel('');
    setNewDescription('');
    setSaid(`Added “${label}” at the end of the list, with the id “${themeId}”. Save to keep it.`);
    // Ready for the next one.
    newLabelRef.current?.focus();
  }

  function submit() {
    if (problems.size > 0) {
      setBlocked(true);
      const first = themes.find((t) => problems.has(t.key));
      if (first) document.getElementById(`${id}-${first.key}-label`)?.focus();
      return;
    }
    setBlocked(false);
    saveOnce(terms, {
      onSuccess: () => {
        setDraft(null);
        setSaid('');
      },
    });
  }

  const atMost = themes.length >= VOCABULARY_LIMITS.themesMax;
  /** The id the theme being added would get, shown as the label is typed. */
  const nextId = themeIdFor(newLabel);

  return (
    <>
      <p className="hint themes-intro">
        Published summaries keep a theme’s id, not its label. Renaming a label is safe: every summary shows the new one. An id is
        fixed once saved, because giving a theme that is already in use a new id would split it in two, with earlier lessons under
        the old id and later ones under the new. A new theme’s id is made from its label. A removed theme still reads, by its old
        label, in summaries published with it.
      </p>

      <section className="panel" aria-labelledby={`${id}-heading`}>
        <h2 id={`${id}-heading`} ref={headingRef} tabIndex={-1} className="themes-heading">
          Themes <span className="count">({themes.length})</span>
        </h2>
        <p className="hint" role="status">
          {said}
        </p>
        <ol className="themes-list" aria-labelledby={`${id}-heading`}>
          {themes.map((t, i) => {
            const name = nameOf(t);
            const problem = problems.get(t.key);
            const base = `${id}-${t.key}`;
            return (
              <li key={t.key} className={problem ? 'themes-item themes-item-error' : 'themes-item'}>
                {/* Held still while saving: an edit made meanwhile would be dropped when the saved list comes back. */}
                <fieldset disabled={save.isPending}>
                  <legend>{name}</legend>
                  <p className="themes-id" id={`${base}-id`}>
                    Id <code>{idOf(t) || '—'}</code>
                    {t.id === null ? ' (new: made from the label, fixed once saved)' : ' (kept by published summaries)'}
                  </p>
                  <div className={problem ? 'field field-error' : 'field'}>
                    <label htmlFor={`${base}-label`}>Label</label>
                    {problem && (
                      <p className="error" id={`${base}-error`}>
                        {problem}
                      </p>
                    )}
                    <input
                      id={`${base}-label`}
                      value={t.label}
                      maxLength={VOCABULARY_LIMITS.labelMax}
                      aria-invalid={problem ? true : undefined}
                      aria-describedby={problem ? `${base}-error ${base}-id` : `${base}-id`}
                      onChange={(e) => update(t.key, { label: e.target.value })}
                    />
                  </div>
                  <div className="field">
                    <label htmlFor={`${base}-description`}>Description</label>
                    <textarea
                      id={`${base}-description`}
                      rows={2}
                      value={t.description}
                      maxLength={VOCABULARY_LIMITS.descriptionMax}
                      onChange={(e) => update(t.key, { description: e.target.value })}
                    />
                  </div>
                  <div className="toolbar themes-actions">
                    <button type="button" id={moveButtonId(id, t.key, -1)} className="button-secondary" disabled={i === 0} onClick={() => move(t, -1)}>
                      Move up<span className="visually-hidden"> “{name}”</span>
                    </button>
                    <button
                      type="button"
                      id={moveButtonId(id, t.key, 1)}
                      className="button-secondary"
                      disabled={i === themes.length - 1}
                      onClick={() => move(t, 1)}
                    >
                      Move down<span className="visually-hidden"> “{name}”</span>
                    </button>
                    {/* The server keeps at least one theme. */}
                    <button type="button" className="button-link themes-remove" disabled={themes.length === 1} onClick={() => remove(t)}>
                      Remove<span className="visually-hidden"> “{name}”</span>
                    </button>
                  </div>
                </fieldset>
              </li>
            );
          })}
        </ol>
      </section>

      <form className="panel form themes-add" aria-labelledby={`${id}-add`} onSubmit={add} noValidate>
        <h2 id={`${id}-add`}>Add theme</h2>
        <div className={addError ? 'field field-error' : 'field'}>
          <label htmlFor={`${id}-new-label`}>Label</label>
          <p className="hint" id={`${id}-new-hint`}>
            {nextId ? <>Its id will be “{nextId}”.</> : 'Its id is made from the label.'}
          </p>
          {addError && (
            <p className="error" id={`${id}-new-error`}>
              {addError}
            </p>
          )}
          <input
            id={`${id}-new-label`}
            ref={newLabelRef}
            value={newLabel}
            maxLength={VOCABULARY_LIMITS.labelMax}
            aria-invalid={addError ? true : undefined}
            aria-describedby={addError ? `${id}-new-error ${id}-new-hint` : `${id}-new-hint`}
            onChange={(e) => setNewLabel(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-new-description`}>Description</label>
          <textarea
            id={`${id}-new-description`}
            rows={2}
            value={newDescription}
            maxLength={VOCABULARY_LIMITS.descriptionMax}
            onChange={(e) => setNewDescription(e.target.value)}
          />
        </div>
        <div>
          <button type="submit" className="button-secondary" disabled={save.isPending}>
            Add theme
          </button>
        </div>
        {atMost && <p className="hint">The list holds the most themes the programme keeps ({VOCABULARY_LIMITS.themesMax}).</p>}
      </form>

      <div className="themes-save">
        {dirty && <p className="notice notice-warning">You have unsaved changes. Save them, or leave this page to drop them.</p>}
        {theirsChanged && (
          <p className="notice notice-warning">
            Another administrator saved the themes after you started. Saving replaces their list with yours; reload the page to start
            again from theirs.
          </p>
        )}
        <button type="button" disabled={save.isPending} onClick={submit}>
          {save.isPending ? 'Saving…' : 'Save themes'}
        </button>
        <ErrorMessage>{blocked && problems.size > 0 ? `Correct the ${problems.size === 1 ? 'theme' : 'themes'} marked above before saving.` : null}</ErrorMessage>
        <ErrorMessage>{save.isError ? messageOf(save.error) : null}</ErrorMessage>
        {save.isSuccess && draft === null && <Status>Saved {countOf(save.data.themes.length)}.</Status>}
      </div>
    </>
  );
}
