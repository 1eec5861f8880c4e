// Files handed from one page to the modeler (e.g. files opened from disk on the processes page).

let pending = null;

export function handOver(files) {
  pending = files;
}

export function takeOver() {
  const files = pending;
  pending = null;
  return files;
}

export function kindOf(name, content = '') {
  const lower = name.toLowerCase();
  if (lower.endsWith('.dmn')) return 'dmn';
  if (lower.endsWith('.form') || lower.endsWith('.json')) return 'form';
  if (lower.endsWith('.bpmn')) return 'bpmn';
  return /<(\w+:)?definitions[^>]*DMN/i.test(content) ? 'dmn' : 'bpmn';
}

export function readLocalFiles(fileList) {
  return Promise.all([...fileList].map(async (file) => {
    const content = await file.text();
    return { name: file.name, kind: kindOf(file.name, content), content };
  }));
}

export function download(name, content, type = 'application/xml') {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
