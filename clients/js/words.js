// Cutting Thai text short without cutting a word: Thai has no spaces between words, so the
// cuts come from Intl.Segmenter('th', {granularity: 'word'}) and end with an ellipsis.
//
//   cutWords("ผู้สูงอายุในหมู่บ้านไปหาหมอไม่ได้", 14)  ->  "ผู้สูงอายุใน…"
//   fitWords(el, text, 2)   // the most whole words that fit in 2 lines of el

const ELLIPSIS = "…";
let segmenter = null;

/** The text's pieces: words, spaces and punctuation, in order. */
export function segments(text) {
  if (!segmenter && typeof Intl !== "undefined" && Intl.Segmenter) segmenter = new Intl.Segmenter("th", { granularity: "word" });
  if (!segmenter) return text.split(/(\s+)/).filter(Boolean); // no Segmenter: cut at spaces only
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** The first `n` pieces, trimmed, with an ellipsis when something was left out. */
function firstPieces(pieces, n) {
  if (n >= pieces.length) return pieces.join("");
  return pieces.slice(0, n).join("").replace(/[\s,.;:·–-]+$/u, "") + ELLIPSIS;
}

/** At most `max` characters (the ellipsis included), cut between words. */
export function cutWords(text, max) {
  if (!text || text.length <= max) return text || "";
  const pieces = segments(text);
  let n = 0;
  let length = 0;
  while (n < pieces.length && length + pieces[n].length + 1 <= max) length += pieces[n++].length;
  return firstPieces(pieces, Math.max(n, 1));
}

/** Fill `el` with as many whole words of `text` as fit in `lines` lines of it (measured:
 * the element's line height and width); answers whether the whole text fit. */
export function fitWords(el, text, lines) {
  const style = getComputedStyle(el);
  const lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.4;
  const room = lineHeight * lines + 1;
  const fits = () => el.getBoundingClientRect().height <= room;
  el.textContent = text;
  if (fits()) return true;
  const pieces = segments(text);
  let lo = 1; // fits (one word always stays, whatever its length)
  let hi = pieces.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    el.textContent = firstPieces(pieces, mid);
    if (fits()) lo = mid;
    else hi = mid - 1;
  }
  el.textContent = firstPieces(pieces, lo);
  return false;
}
