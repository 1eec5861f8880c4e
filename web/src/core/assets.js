// The editors' style sheet is large: it is loaded only when a diagram, table or form editor opens.

let editorsCss;

function assetUrls() {
  try {
    return JSON.parse(document.querySelector('meta[name="ravand-assets"]')?.content || '{}');
  } catch {
    return {};
  }
}

export function loadEditorStyles() {
  if (editorsCss) return editorsCss;
  const href = assetUrls()['editors.css'];
  editorsCss = new Promise((resolve) => {
    if (!href) { resolve(); return; }
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    link.addEventListener('load', () => resolve());
    link.addEventListener('error', () => resolve());
    document.head.append(link);
  });
  return editorsCss;
}
