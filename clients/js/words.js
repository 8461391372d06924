// @ts-check
// Cutting Thai text short without cutting a word: Thai has no spaces between words, so the
// cuts come from Intl.Segmenter('th', {granularity: 'word'}) and end with an ellipsis.
//
//   cutWords("ผู้สูงอายุในหมู่บ้านไปหาหมอไม่ได้", 14)  ->  "ผู้สูงอายุใน…"
//   fitWords(el, text, 2)   // the most whole words that fit in 2 lines of el

const ELLIPSIS = "…";
/** @type {Intl.Segmenter | null} */
let segmenter = null;

/** The text's pieces: words, spaces and punctuation, in order. */
/** @param {string} text @returns {string[]} */
export function segments(text) {
  if (!segmenter && typeof Intl !== "undefined" && Intl.Segmenter) segmenter = new Intl.Segmenter("th", { granularity: "word" });
  if (!segmenter) return text.split(/(\s+)/).filter(Boolean); // no Segmenter: cut at spaces only
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** The first `n` pieces, trimmed, with an ellipsis when something was left out. */
/** @param {string[]} pieces @param {number} n */
function firstPieces(pieces, n) {
  if (n >= pieces.length) return pieces.join("");
  return pieces.slice(0, n).join("").replace(/[\s,.;:·–-]+$/u, "") + ELLIPSIS;
}

/** At most `max` characters (the ellipsis included), cut between words. */
/** @param {string | null | undefined} text @param {number} max @returns {string} */
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
/** @param {HTMLElement} el @param {string} text @param {number} lines */
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

/** Pieces of `text` with whether each is a word (Intl.Segmenter's isWordLike). */
/** @param {string} text @returns {{segment: string, word: boolean | undefined}[]} */
function wordPieces(text) {
  if (!segmenter && typeof Intl !== "undefined" && Intl.Segmenter) segmenter = new Intl.Segmenter("th", { granularity: "word" });
  if (!segmenter) return text.split(/(\s+)/).filter(Boolean).map((segment) => ({ segment, word: /\S/.test(segment) }));
  return Array.from(segmenter.segment(text), (s) => ({ segment: s.segment, word: s.isWordLike }));
}

const GLUE_MOST = 18; // characters: a longer tail may break as it likes

/** `text` into `el` with its last two words kept on one line (a title never ends on one
 * short word alone), unless together they are long. */
/** @param {HTMLElement} el @param {string} text */
export function setKeepingTail(el, text) {
  const pieces = wordPieces(text);
  const words = pieces.map((p, i) => (p.word ? i : -1)).filter((i) => i >= 0);
  el.textContent = "";
  if (words.length < 3) {
    el.textContent = text;
    return;
  }
  const from = words[words.length - 2];
  const tail = pieces.slice(from).map((p) => p.segment).join("");
  if (tail.length > GLUE_MOST) {
    el.textContent = text;
    return;
  }
  el.append(pieces.slice(0, from).map((p) => p.segment).join(""));
  const glued = document.createElement("span");
  glued.className = "keep-together";
  glued.style.whiteSpace = "nowrap";
  glued.textContent = tail;
  el.append(glued);
}

/**
 * Fit `text` into `lines` lines of `el` (one line: a nowrap element's width), cutting only
 * between words, with an ellipsis; the whole text keeps its last words together. Measured
 * by scroll size, so the element may clip (overflow: hidden) but must not line-clamp.
 * Sets data-text (the whole text) and data-cut. Answers whether the whole text fit.
 * @param {HTMLElement} el
 * @param {string} text
 * @param {number} [lines]
 * @returns {boolean}
 */
export function fitText(el, text, lines = 1) {
  el.dataset.text = text;
  const style = getComputedStyle(el);
  const oneLine = style.whiteSpace === "nowrap" || style.whiteSpace === "pre";
  const lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.4;
  const fits = () => (oneLine ? el.scrollWidth <= el.clientWidth + 1 : el.scrollHeight <= lineHeight * lines + 2);
  setKeepingTail(el, text);
  let whole = fits();
  if (!whole) {
    const pieces = segments(text);
    let lo = 1;
    let hi = pieces.length - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      el.textContent = firstPieces(pieces, mid);
      if (fits()) lo = mid;
      else hi = mid - 1;
    }
    el.textContent = firstPieces(pieces, lo);
  }
  el.dataset.cut = String(!whole);
  if (document.fonts && document.fonts.status !== "loaded" && !el.dataset.refit) {
    el.dataset.refit = "1"; // measured with a stand-in font: measure again once Sarabun is in
    document.fonts.ready.then(() => el.isConnected && el.dataset.text === text && fitText(el, text, lines));
  }
  return whole;
}
