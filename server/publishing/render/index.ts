/**
 * The public learning pages' renderer: pure functions from published data to HTML, SVG, Atom
 * and CSS strings. The routes (`server/http/publicRoutes.ts`) import from here only.
 */
export { renderGonePage, renderNotFoundPage } from './errorPages.js';
export { renderLessonsPage, renderThemesPage } from './crossSitePages.js';
export { diagramMap, diagramSize, renderDiagramSvg, type DiagramSvg } from './diagram.js';
export { diagramInWords } from './diagramText.js';
export { renderAtomFeed, type FeedSummary } from './feed.js';
export { renderIndexPage, renderSitePage } from './indexPage.js';
export { page, PRODUCT_NAME, type PageOptions, type RenderContext } from './layout.js';
export { dropInvisible, sanitizeHtml, textToHtml } from './sanitize.js';
export { LEARNING_CSS } from './styles.js';
export { PREVIEW_BANNER, renderSummaryPage } from './summaryPage.js';
