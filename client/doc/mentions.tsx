/**
 * Mentions of map elements and loops in a document: the `mapRef` node from the shared schema,
 * given here what only a browser has: the "@" menu (from the site's maps, through the server's
 * index) and a live label. The mention shows the element's current label, follows a rename, says
 * when the element was deleted, and opens the map with it selected.
 */
import { Suggestion, type SuggestionKeyDownProps, type SuggestionProps } from '@tiptap/suggestion';
import { NodeViewWrapper, ReactNodeViewRenderer, ReactRenderer, type NodeViewProps } from '@tiptap/react';
import { PluginKey } from '@tiptap/pm/state';
import { useCallback, useSyncExternalStore } from 'react';
import { useNavigate } from 'react-router';
import { MentionablesResponseSchema, type Mentionable } from '../../shared/api.js';
import { MAP_REF_NODE, MapRef, mapRefHref, type MapRefAttrs } from '../../shared/doc/extensions.js';
import { paths } from '../../shared/routes.js';
import { request } from '../api/http.js';
import { MENTION_MENU_ID, MentionMenu, mentionOptionId, type MentionMenuHandle, type MentionMenuProps } from './MentionMenu.js';
import { MentionLabels } from './mentionLabels.js';

interface MapRefStorage {
  /** One per editor: every mention in this document asks it for its current label. */
  labels: MentionLabels;
}

function MapRefView({ node, extension }: NodeViewProps) {
  const attrs = node.attrs as MapRefAttrs;
  const labels = (extension.storage as MapRefStorage | undefined)?.labels ?? null;
  const navigate = useNavigate();
  const subscribe = useCallback((onChange: () => void) => labels?.subscribe(attrs.roomId, attrs.targetId, onChange) ?? (() => {}), [labels, attrs.roomId, attrs.targetId]);
  const current = useSyncExternalStore(subscribe, () => labels?.get(attrs.roomId, attrs.targetId) ?? null);
  const missing = current?.state === 'missing';
  const label = current?.state === 'current' ? current.label : attrs.label || attrs.targetId;
  const href = mapRefHref(attrs);
  return (
    <NodeViewWrapper
      as="a"
      href={href}
      className={`map-ref${missing ? ' map-ref-missing' : ''}`}
      data-map-ref=""
      data-target-kind={attrs.targetKind}
      title={missing ? `“${attrs.label}” is no longer on its map` : `Open the map at this ${attrs.targetKind === 'loop' ? 'loop' : 'element'}`}
      onClick={(e: MouseEvent) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey) return;
        e.preventDefault();
        void navigate(href);
      }}
    >
      {attrs.targetKind === 'loop' ? '⟲ ' : '◆ '}
      {label}
      {missing && <span className="visually-hidden"> (deleted from its map)</span>}
    </NodeViewWrapper>
  );
}

async function findMentionables(siteSlug: string, query: string): Promise<Mentionable[]> {
  const res = await request(`${paths.siteMentionables(siteSlug)}?q=${encodeURIComponent(query)}&limit=10`, { schema: MentionablesResponseSchema });
  return res.items;
}

/**
 * The `mapRef` node with the "@" menu and live labels, for the site the document belongs to.
 */
export function mapRefExtension(siteSlug: string) {
  return MapRef.extend<object, MapRefStorage>({
    addStorage() {
      return { labels: new MentionLabels(siteSlug) };
    },
    onDestroy() {
      this.storage.labels.stop();
    },
    addNodeView() {
      return ReactNodeViewRenderer(MapRefView);
    },
    addProseMirrorPlugins() {
      const slug = siteSlug;
      return [
        Suggestion<Mentionable, Mentionable>({
          editor: this.editor,
          pluginKey: new PluginKey('mapRefSuggestion'),
          char: '@',
          allowSpaces: true,
          items: async ({ query }) => {
            try {
              return await findMentionables(slug, query.trim());
            } catch {
              return [];
            }
          },
          command: ({ editor, range, props }) => {
            const attrs: MapRefAttrs = { roomId: props.roomId, targetKind: props.targetKind, targetId: props.targetId, label: props.label };
            editor
              .chain()
              .focus()
              .insertContentAt(range, [
                { type: MAP_REF_NODE, attrs },
                { type: 'text', text: ' ' },
              ])
              .run();
          },
          render: () => {
            let menu: ReactRenderer<MentionMenuHandle, MentionMenuProps> | null = null;
            const place = (props: SuggestionProps<Mentionable, Mentionable>) => {
              const rect = props.clientRect?.();
              const el = menu?.element as HTMLElement | undefined;
              if (!rect || !el) return;
              el.style.left = `${rect.left + window.scrollX}px`;
              el.style.top = `${rect.bottom + window.scrollY + 4}px`;
            };
            const menuProps = (props: SuggestionProps<Mentionable, Mentionable>): MentionMenuProps => ({
              items: props.items,
              loading: false,
              error: null,
              query: props.query,
              command: (item) => props.command(item),
            });
            return {
              onStart: (props) => {
                menu = new ReactRenderer(MentionMenu, { props: menuProps(props), editor: props.editor });
                const el = menu.element as HTMLElement;
                el.className = 'mention-popup';
                document.body.append(el);
                props.editor.view.dom.setAttribute('aria-controls', MENTION_MENU_ID);
                props.editor.view.dom.setAttribute('aria-activedescendant', mentionOptionId(0));
                place(props);
              },
              onUpdate: (props) => {
                menu?.updateProps(menuProps(props));
                place(props);
              },
              onKeyDown: (props: SuggestionKeyDownProps) => {
                if (props.event.key === 'Escape') {
                  menu?.destroy();
                  menu?.element.remove();
                  menu = null;
                  return true;
                }
                return menu?.ref?.onKeyDown(props.event) ?? false;
              },
              onExit: (props) => {
                props.editor.view.dom.removeAttribute('aria-controls');
                props.editor.view.dom.removeAttribute('aria-activedescendant');
                menu?.destroy();
                menu?.element.remove();
                menu = null;
              },
            };
          },
        }),
      ];
    },
  });
}
