/**
 * The public learning pages' one stylesheet, served at `learningPaths.stylesheet()`. Plain and
 * readable in the manner of GOV.UK: the system font, text and links at 4.5:1 or better on their
 * background, a yellow focus ring you cannot miss, lines no longer than about 48rem. Nothing
 * scrolls sideways on a 390 px phone except the sites × themes table, inside its own focusable
 * region. No fonts or images to fetch.
 */

/**
 * The stylesheet (CSS text).
 *
 * @example
 * app.get(learningPaths.stylesheet(), (c) => c.body(LEARNING_CSS, 200, { 'content-type': 'text/css; charset=utf-8' }))
 */
export const LEARNING_CSS = `
/* Contrast, on white and on the grey #f3f2f1: ink #0b0c0c 19.6:1, secondary #505a5f 7.1:1 and
   6.3:1, links #1d4f91 8.1:1 and 7.3:1, visited #4c2c92 10.1:1 and 9.0:1; ink on the tags' and
   shaded cells' #e8f1f8 17.1:1; white on the green button 6.2:1; ink on focus yellow 14.6:1. */
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 1.1875rem;
  line-height: 1.5;
  color: #0b0c0c;
  background: #ffffff;
  overflow-wrap: break-word;
}
@media (max-width: 40rem) { body { font-size: 1rem; } }

.page-width { max-width: 75rem; margin: 0 auto; padding: 0 1rem; }
@media (min-width: 40rem) { .page-width { padding: 0 1.5rem; } }
.readable { max-width: 48rem; }
/* A long address or word breaks rather than pushing the page sideways on a phone ("anywhere",
   unlike "break-word", also lets grid and flex items shrink below the word's width). */
main { display: block; padding-top: 1.5rem; padding-bottom: 3rem; overflow-wrap: anywhere; }
.columns > *, .filter-fields > *, .tags > li { min-width: 0; }

h1, h2, h3, h4 { line-height: 1.25; margin: 2rem 0 0.75rem; }
h1 { font-size: 2.25rem; margin-top: 0.5rem; }
h2 { font-size: 1.5rem; }
h3 { font-size: 1.1875rem; }
h4 { font-size: 1rem; }
@media (max-width: 40rem) { h1 { font-size: 1.75rem; } h2 { font-size: 1.3rem; } }
p, ul, ol, dl, blockquote, figure { margin: 0 0 1rem; }
ul, ol { padding-left: 1.25rem; }
li > p:last-child { margin-bottom: 0.25rem; }
.lead { font-size: 1.25rem; }
.meta, .muted { color: #505a5f; }
.meta { font-size: 1rem; }
img { max-width: 100%; height: auto; }

a { color: #1d4f91; text-decoration: underline; text-decoration-thickness: max(1px, 0.0625rem); text-underline-offset: 0.15em; }
a:visited { color: #4c2c92; }
a:hover { color: #0b0c0c; text-decoration-thickness: max(3px, 0.1875rem); }

.skip-link { position: absolute; left: -9999px; top: 0; padding: 0.5rem 1rem; background: #ffdd00; color: #0b0c0c; z-index: 10; }
.skip-link:focus, .skip-link:focus-visible { left: 0; }
.visually-hidden {
  position: absolute !important; width: 1px !important; height: 1px !important; margin: 0 !important; padding: 0 !important;
  overflow: hidden !important; clip: rect(0 0 0 0) !important; clip-path: inset(50%) !important; border: 0 !important; white-space: nowrap !important;
}

.banner { background: #ffdd00; color: #0b0c0c; border-bottom: 4px solid #0b0c0c; font-weight: 700; }
.banner p { margin: 0; padding: 0.75rem 0; }

.site-header { background: #0b0c0c; color: #ffffff; border-bottom: 8px solid #1d70b8; }
.site-header .page-width { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.25rem 2rem; padding-top: 0.75rem; padding-bottom: 0.75rem; }
.site-header a, .site-header a:visited { color: #ffffff; }
.product-name { font-weight: 700; font-size: 1.5rem; text-decoration: none; }
.site-nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.25rem 1.25rem; }
.site-nav a { font-weight: 700; font-size: 1rem; }
.site-nav a[aria-current="page"] { text-decoration-thickness: 3px; }

.site-footer { border-top: 1px solid #b1b4b6; background: #f3f2f1; padding: 1.5rem 0; font-size: 1rem; }
.site-footer p { margin: 0 0 0.5rem; }

.notice { border-left: 6px solid #1d70b8; background: #f3f2f1; padding: 0.75rem 1rem; margin: 0 0 1.5rem; }
.notice p { margin: 0; }

/* Filter form */
.filters { background: #f3f2f1; padding: 1rem; margin: 1.5rem 0; }
.filter-fields { display: grid; grid-template-columns: repeat(auto-fit, minmax(13rem, 1fr)); gap: 1rem; }
.field label { display: block; font-weight: 700; font-size: 1rem; margin-bottom: 0.25rem; }
select {
  width: 100%; max-width: 100%; min-height: 2.5rem; font: inherit; font-size: 1rem;
  color: #0b0c0c; background: #ffffff; border: 2px solid #0b0c0c; border-radius: 0; padding: 0.25rem;
}
.filter-actions { margin-top: 1rem; display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; }
.button {
  font: inherit; font-weight: 700; font-size: 1rem; color: #ffffff; background: #00703c; border: 2px solid transparent;
  box-shadow: 0 2px 0 #002d18; padding: 0.5rem 1rem; cursor: pointer; border-radius: 0;
}
.button:hover { background: #005a30; }

/* Cards of summaries */
.cards { list-style: none; padding: 0; }
.cards > li { border-top: 1px solid #b1b4b6; padding: 1rem 0 0.5rem; }
.cards h3 { margin: 0 0 0.25rem; }
.cards p { margin-bottom: 0.5rem; }
.cards .tags { display: block; font-size: 1rem; }
.cards .tags a { display: inline; padding: 0; background: none; border: 0; font-size: inherit; color: #1d4f91; text-decoration: underline; }
.cards .tags a:visited { color: #4c2c92; }
.pagination { border-top: 1px solid #b1b4b6; margin-top: 1rem; padding-top: 0.75rem; }
.pagination ul { list-style: none; padding: 0; display: flex; gap: 1.5rem; flex-wrap: wrap; }

.tags { list-style: none; padding: 0; margin: 0 0 0.75rem; display: flex; flex-wrap: wrap; gap: 0.4rem; }
.tags a { display: inline-block; padding: 0.1rem 0.5rem; background: #e8f1f8; color: #0b0c0c; font-size: 0.9rem; text-decoration: none; border: 1px solid #8eb8dc; }
.tags a:hover { text-decoration: underline; }
.tag-row { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.4rem; }
.tag-label { font-size: 0.95rem; color: #505a5f; }

/* One summary */
.contents { border-left: 4px solid #b1b4b6; padding-left: 1rem; }
.contents h2 { font-size: 1.1875rem; margin-top: 1rem; }
.summary-section { margin-top: 2.5rem; }
.diagram { margin: 1.5rem 0 0.5rem; }
.diagram-image { border: 1px solid #b1b4b6; padding: 0.5rem; background: #ffffff; }
.diagram figcaption h3 { margin-top: 0.75rem; }
.diagram-words { margin: 0 0 2rem; border-left: 4px solid #b1b4b6; padding-left: 1rem; }
.diagram-words summary { color: #1d4f91; text-decoration: underline; cursor: pointer; font-weight: 700; }
.lesson { border-top: 1px solid #b1b4b6; padding-top: 0.25rem; margin-bottom: 1.5rem; scroll-margin-top: 1rem; }
.lesson:target { background: #fff7bf; outline: 4px solid #fff7bf; }
.lesson h3 { margin-top: 0.75rem; }
.evidence { list-style: none; padding: 0; }
.evidence li { border-top: 1px solid #b1b4b6; padding-top: 0.25rem; margin-bottom: 1rem; }
.evidence h3 { margin: 0.75rem 0 0.25rem; }
.quotation { margin: 0 0 1.5rem; }
.quotation blockquote { margin: 0 0 0.5rem; padding: 0 0 0 1rem; border-left: 6px solid #b1b4b6; font-size: 1.25rem; }
.quotation figcaption::before { content: "— "; }
.versions { padding-left: 1.25rem; }

/* Lessons across sites: a column per site, one above another on a phone. */
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 17rem), 1fr)); gap: 1.5rem; list-style: none; padding: 0; }
.column h3 { margin-top: 0; padding-bottom: 0.5rem; border-bottom: 4px solid #1d70b8; }
.lesson-list { list-style: none; padding: 0; }
.lesson-card { border: 1px solid #b1b4b6; padding: 0.75rem 1rem 0.25rem; margin-bottom: 1rem; background: #ffffff; }
.similar-group { border-top: 4px solid #b1b4b6; margin-top: 1.5rem; }

/* Sites × themes: the one thing that may scroll sideways, inside its own region. */
.table-scroll { overflow-x: auto; margin: 1rem 0 1.5rem; border: 1px solid #b1b4b6; /* Holds its cells' visually hidden words (absolutely placed), which would otherwise widen the page. */ position: relative; }
.matrix { border-collapse: collapse; font-size: 1rem; min-width: 100%; overflow-wrap: normal; }
.matrix caption { text-align: left; font-weight: 700; padding: 0.5rem; }
.matrix th, .matrix td { border: 1px solid #b1b4b6; padding: 0.4rem 0.6rem; text-align: center; vertical-align: top; }
.matrix thead th { vertical-align: bottom; min-width: 7rem; }
.matrix th[scope="row"] { text-align: left; min-width: 10rem; }
.matrix tfoot { font-weight: 700; background: #f3f2f1; }
.matrix .recurring { background: #e8f1f8; }
.recurs { display: block; font-size: 0.8rem; font-weight: 700; text-transform: uppercase; letter-spacing: 0.03em; color: #0b0c0c; }

/* Focus last, and as specific as any rule above, so nothing can hide it: black text on
   yellow with a black underline, as on GOV.UK. */
a:focus-visible, .site-header a:focus-visible, .tags a:focus-visible, .cards .tags a:focus-visible {
  outline: 3px solid transparent;
  color: #0b0c0c;
  background-color: #ffdd00;
  box-shadow: 0 -2px #ffdd00, 0 4px #0b0c0c;
  text-decoration: none;
}
select:focus-visible, summary:focus-visible, [tabindex]:focus-visible, .table-scroll:focus-visible {
  outline: 3px solid #ffdd00;
  outline-offset: 0;
  box-shadow: inset 0 0 0 2px #0b0c0c;
}
.button:focus-visible { color: #0b0c0c; background: #ffdd00; box-shadow: inset 0 0 0 1px #ffdd00, 0 2px 0 #0b0c0c; outline: 3px solid transparent; }

@media print {
  body { font-size: 11pt; color: #000000; }
  .skip-link, .site-nav, .filters, .feed-link, .contents, .banner { display: none !important; }
  .site-header { background: none; color: #000000; border-bottom: 2px solid #000000; }
  .site-header a, .site-header a:visited { color: #000000; }
  a, a:visited { color: #000000; }
  /* Where links go, printed after them (not for tags, which would drown the text). */
  main a[href^="http"]::after, main a[href^="/learning"]::after { content: " (" attr(href) ")"; font-size: 0.85em; overflow-wrap: anywhere; }
  main .tags a::after { content: none; }
  h1, h2, h3, h4 { break-after: avoid; }
  figure, blockquote, li, tr, .lesson-card { break-inside: avoid; }
  .table-scroll { overflow: visible; border: 0; }
  .columns { display: block; }
  .tags a { border: 1px solid #000000; background: none; }
  /* The diagram in words is part of the page on paper, even when it was closed on screen. */
  details > *:not(summary) { display: block; }
  details::details-content { content-visibility: visible; display: block; }
}
`.trimStart();
