/**
 * What every editor does with pasted HTML: Word and web pages paste styles, fonts and comments
 * along with the text; keep only the structure the document schema understands (the shared
 * cleaner, with the browser's DOMPurify).
 */
import DOMPurify from 'dompurify';
import { cleanPastedHtml } from '../../shared/doc/paste.js';

export const cleanPaste = (html: string): string => cleanPastedHtml(html, DOMPurify);
