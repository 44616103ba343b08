/**
 * A document room: the editor, with its comments and versions beside it. The panels reach the
 * text through the editor instance (to find a commented range, to restore a version) and the
 * room's Y.Doc through the shared helpers.
 */
import type { Editor } from '@tiptap/react';
import { useState } from 'react';
import { DocComments } from './DocComments.js';
import { DocEditor } from './DocEditor.js';
import { DocVersions } from './DocVersions.js';

export function DocRoom({ readOnly, title, siteSlug }: { readOnly: boolean; title: string; siteSlug: string }) {
  const [editor, setEditor] = useState<Editor | null>(null);
  return (
    <div className="doc-room">
      <DocEditor readOnly={readOnly} title={title} siteSlug={siteSlug} onEditor={setEditor} />
      {editor && (
        <div className="doc-side">
          <DocComments editor={editor} readOnly={readOnly} />
          <DocVersions editor={editor} readOnly={readOnly} />
        </div>
      )}
    </div>
  );
}
