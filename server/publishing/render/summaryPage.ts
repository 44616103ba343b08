/**
 * One published summary, as the public reads it (`/learning/:site/:slug` and its versions),
 * and as its editors preview it before publishing: the same HTML, so the preview is exactly
 * what will be published. Sections with nothing in them are left out.
 */
import { isSafeHref } from '../../../shared/doc/html.js';
import { learningPaths } from '../../../shared/summaries/public.js';
import type { PublishedDiagram, PublishedEvidence, PublishedSummary, PublishedVersionInfo } from '../../../shared/summaries/published.js';
import { AGENCY_TYPES, ARCHETYPES, termLabel } from '../../../shared/summaries/vocabulary.js';
import { renderDiagramSvg } from './diagram.js';
import { diagramInWords } from './diagramText.js';
import { excerpt, lessonAnchor, tagList, text, timeElement, type RenderContext } from './html.js';
import { page } from './layout.js';
import { textToHtml } from './sanitize.js';

export const PREVIEW_BANNER = 'Preview: this is exactly what the public will see once published. It is not published yet.';

interface Section {
  id: string;
  heading: string;
  html: string;
}

function section(s: Section): string {
  return `<section class="summary-section" aria-labelledby="${s.id}"><h2 id="${s.id}">${s.heading}</h2>${s.html}</section>`;
}

function textList(items: readonly string[]): string {
  return `<ul class="items">${items.map((item) => `<li>${textToHtml(item)}</li>`).join('')}</ul>`;
}

function diagramFigure(summary: PublishedSummary, diagram: PublishedDiagram, preview: boolean): string {
  const { svg, width, height } = renderDiagramSvg(diagram);
  const url = learningPaths.diagram(summary.site.slug, summary.slug, summary.version, diagram.n);
  // A draft has no public address for its diagrams yet, so the preview carries them inline.
  const src = preview ? `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}` : url;
  const alt = `Diagram: ${diagram.title}. It is described in words below the picture.`;
  const id = `diagram-${diagram.n}`;
  const archetype = diagram.archetype ? `<p class="meta">Systems archetype: ${text(termLabel(ARCHETYPES, diagram.archetype))}</p>` : '';
  return [
    `<figure class="diagram" aria-labelledby="${id}-title">`,
    `<div class="diagram-image"><img src="${text(src)}" alt="${text(alt)}"${width && height ? ` width="${width}" height="${height}"` : ''}${preview ? '' : ' loading="lazy"'}></div>`,
    `<figcaption><h3 id="${id}-title">${text(diagram.title)}</h3>${archetype}${textToHtml(diagram.caption)}`,
    preview ? '' : `<p><a href="${text(url)}">Open the diagram at full size (SVG)</a></p>`,
    '</figcaption></figure>',
    `<details class="diagram-words"><summary>Diagram in words<span class="visually-hidden">: ${text(diagram.title)}</span></summary>${diagramInWords(diagram)}</details>`,
  ].join('');
}

function lessonArticle(summary: PublishedSummary, lesson: PublishedSummary['lessons'][number], n: number): string {
  const themes = lesson.themes.map((id) => ({ label: summary.terms.themes[id] ?? id, href: learningPaths.lessons({ theme: id }) }));
  const behaviours = lesson.behaviours.map((id) => ({ label: summary.terms.behaviours[id] ?? id, href: learningPaths.lessons({ behaviour: id }) }));
  const tags = [
    themes.length ? `<div class="tag-row"><span class="tag-label">Themes:</span> ${tagList('Themes', themes)}</div>` : '',
    behaviours.length ? `<div class="tag-row"><span class="tag-label">Behaviours:</span> ${tagList('Behaviours', behaviours)}</div>` : '',
    lesson.archetype ? `<p class="meta">Systems archetype: ${text(termLabel(ARCHETYPES, lesson.archetype))}</p>` : '',
  ];
  return `<article class="lesson" id="${text(lessonAnchor(lesson.id))}"><h3>Lesson ${n}</h3>${textToHtml(lesson.text)}${tags.join('')}</article>`;
}

const EVIDENCE_KIND: Record<PublishedEvidence['kind'], string> = { log: 'From the learning log', document: 'Document', link: 'Web page' };

function evidenceItem(item: PublishedEvidence): string {
  // Only web addresses are published, but the page checks again rather than trust the data.
  const url = /^https?:\/\//i.test(item.url.trim()) && isSafeHref(item.url) ? item.url.trim() : '';
  const title = url ? `<a href="${text(url)}">${text(item.title)}</a>` : text(item.title);
  const meta = [EVIDENCE_KIND[item.kind], item.date ? timeElement(item.date) : '', item.organisations.length ? text(item.organisations.join(', ')) : ''];
  return `<li><h3>${title}</h3><p class="meta">${meta.filter(Boolean).join(' · ')}</p>${textToHtml(item.text)}</li>`;
}

function quotation(q: PublishedSummary['quotations'][number]): string {
  return `<figure class="quotation"><blockquote>${textToHtml(q.text)}</blockquote>${q.attribution.trim() ? `<figcaption>${text(q.attribution)}</figcaption>` : ''}</figure>`;
}

function contributor(c: PublishedSummary['contributors'][number]): string {
  const name = c.name.trim();
  const organisation = c.organisation.trim();
  if (!name) return organisation ? `<li>${text(organisation)}</li>` : '';
  return `<li>${text(name)}${organisation ? `, ${text(organisation)}` : ''}</li>`;
}

function versionList(summary: PublishedSummary, versions: readonly PublishedVersionInfo[], latestVersion: number): string {
  const items = [...versions]
    .sort((a, b) => b.version - a.version)
    .map((v) => {
      const current = v.version === summary.version;
      const notes = [v.version === latestVersion ? 'latest' : '', current ? 'this version' : ''].filter(Boolean);
      const renamed = v.title !== summary.title ? `, as “${text(v.title)}”` : '';
      return `<li><a href="${text(learningPaths.version(summary.site.slug, summary.slug, v.version))}"${current ? ' aria-current="page"' : ''}>Version ${v.version}</a>, published ${timeElement(v.publishedAt)}${renamed}${notes.length ? ` (${notes.join(', ')})` : ''}</li>`;
    });
  // Not an <ol>: withdrawn versions leave gaps, and its numbers would then disagree with the versions'.
  return `<ul class="versions">${items.join('')}</ul>`;
}

function sections(summary: PublishedSummary, versions: readonly PublishedVersionInfo[], latestVersion: number, preview: boolean): Section[] {
  const s = summary;
  const all: (Section | null)[] = [
    s.issue.trim() ? { id: 'issue', heading: 'The issue', html: textToHtml(s.issue) } : null,
    s.agencies.length
      ? { id: 'agencies', heading: 'Agencies involved', html: `<ul class="items">${s.agencies.map((a) => `<li>${text(a.name)} <span class="muted">(${text(termLabel(AGENCY_TYPES, a.type))})</span></li>`).join('')}</ul>` }
      : null,
    s.diagrams.length ? { id: 'diagrams', heading: 'Key loops and diagrams', html: s.diagrams.map((d) => diagramFigure(s, d, preview)).join('') } : null,
    s.interventions.length ? { id: 'interventions', heading: 'Interventions', html: textList(s.interventions) } : null,
    s.enablers.length ? { id: 'enablers', heading: 'Enablers', html: textList(s.enablers) } : null,
    s.barriers.length ? { id: 'barriers', heading: 'Barriers', html: textList(s.barriers) } : null,
    s.lessons.length ? { id: 'lessons', heading: 'Lessons', html: s.lessons.map((l, i) => lessonArticle(s, l, i + 1)).join('') } : null,
    s.evidence.length ? { id: 'evidence', heading: 'Evidence and links', html: `<ul class="evidence">${s.evidence.map(evidenceItem).join('')}</ul>` } : null,
    s.quotations.length ? { id: 'quotations', heading: 'Quotations', html: s.quotations.map(quotation).join('') } : null,
    s.contributors.some((c) => c.name.trim() || c.organisation.trim())
      ? { id: 'contributors', heading: 'Contributors', html: `<ul class="items">${s.contributors.map(contributor).join('')}</ul>` }
      : null,
    versions.length ? { id: 'versions', heading: 'Versions', html: versionList(s, versions, latestVersion) } : null,
  ];
  return all.filter((x): x is Section => x !== null);
}

/**
 * One summary's page: its issue, agencies, diagrams (with each described in words),
 * interventions, enablers, barriers, lessons, evidence, quotations, contributors and versions.
 * With `preview`, a banner says it is not published yet and diagrams are inline images.
 *
 * @example
 * renderSummaryPage(ctx, { summary, versions, latestVersion: 2 })
 * renderSummaryPage(ctx, { summary: redactSummary(draft, sources).summary, versions, latestVersion: 1, preview: true })
 */
export function renderSummaryPage(
  ctx: RenderContext,
  args: { summary: PublishedSummary; versions: PublishedVersionInfo[]; latestVersion: number; preview?: boolean },
): string {
  const { summary, versions, latestVersion } = args;
  const preview = args.preview === true;
  const latestPath = learningPaths.summary(summary.site.slug, summary.slug);
  const isLatest = preview || summary.version >= latestVersion;
  const parts = sections(summary, versions, latestVersion, preview);
  const contents =
    parts.length >= 4
      ? `<nav class="contents" aria-labelledby="contents"><h2 id="contents">Contents</h2><ul>${parts.map((p) => `<li><a href="#${p.id}">${p.heading}</a></li>`).join('')}</ul></nav>`
      : '';
  const body = [
    '<div class="readable">',
    `<h1>${text(summary.title)}</h1>`,
    `<p class="meta"><a href="${text(learningPaths.site(summary.site.slug))}">${text(summary.site.name)}</a> · Version ${summary.version}, published ${timeElement(summary.publishedAt)}</p>`,
    isLatest
      ? ''
      : `<div class="notice"><p>This is an earlier version of this summary. <a href="${text(latestPath)}">Read the latest version (version ${latestVersion})</a>.</p></div>`,
    contents,
    parts.map(section).join(''),
    '</div>',
  ].join('');
  return page({
    ctx,
    title: summary.version === latestVersion || preview ? summary.title : `${summary.title} (version ${summary.version})`,
    description: summary.issue.trim() ? excerpt(summary.issue, 160) : `A learning summary published by ${summary.site.name}.`,
    ...(preview ? {} : { canonicalPath: isLatest ? latestPath : learningPaths.version(summary.site.slug, summary.slug, summary.version) }),
    feed: { title: `Learning summaries from ${summary.site.name}`, path: learningPaths.siteFeed(summary.site.slug) },
    body,
    ...(preview ? { banner: PREVIEW_BANNER, noindex: true } : {}),
  });
}
