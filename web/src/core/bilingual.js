// The server writes some messages in both languages, "english / فارسی" (the four-eyes refusal, a referral
// refused at intake): these pick the half the reader reads.

const PERSIAN = /[\u0600-\u06FF]/;
const SEPARATOR = ' / ';

// A message split into its English and Persian halves (either may be missing).
export function halves(message) {
  const text = String(message);
  for (let at = text.indexOf(SEPARATOR); at >= 0; at = text.indexOf(SEPARATOR, at + 1)) {
    const en = text.slice(0, at).trim();
    const fa = text.slice(at + SEPARATOR.length).trim();
    if (!PERSIAN.test(en) && PERSIAN.test(fa)) return { en, fa };
  }
  return PERSIAN.test(text) ? { en: '', fa: text.trim() } : { en: text.trim(), fa: '' };
}

// The half for ``lang`` ("fa" or "en"); the other half when that one is missing.
export function inLanguage(message, lang) {
  const { en, fa } = halves(message);
  return (lang === 'fa' ? fa || en : en || fa);
}

// What to tell someone whose claim or action was refused: the server's own reason when it gives one in both
// languages (one person decides one level a round; whoever drafted may not approve), else ``fallback`` for a
// conflict (someone else was quicker), else the message as it came.
export function refusal(error, lang, fallback) {
  const detail = error?.detail || '';
  if (PERSIAN.test(detail)) return inLanguage(detail, lang);
  return error?.status === 409 ? fallback : (error?.message || String(error));
}
