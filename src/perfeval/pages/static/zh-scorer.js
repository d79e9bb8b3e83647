/*
 * perfeval: Sphinx's search scorer (html_search_scorer, written into language_data.js before
 * searchtools.js); Sphinx's default weights are kept.
 *
 * Result titles are shown with innerHTML by searchtools.js. In the index, a page's title
 * (Search._index.titles) is HTML, escaped by Sphinx, but the headings of "alltitles" are raw text,
 * and a heading can come from the data (a department's report title). Scorer.score, which Sphinx calls
 * on every result before any is shown, escapes the raw part of a title, so every title is shown
 * literally and nothing in it runs:
 *   - the page title itself (already HTML): kept;
 *   - "<page title> > <heading>": the heading is escaped;
 *   - anything else: escaped.
 */
;var perfevalEscapeHtml = (text) =>
  String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#39;");

var perfevalResultTitle = (docname, title) => {
  const index = (typeof Search !== "undefined" && Search._index) || { docnames: [], titles: [] };
  const page = index.titles[index.docnames.indexOf(docname)];
  if (page !== undefined && title === page) return title;
  if (page !== undefined && title.startsWith(page + " > "))
    return page + " > " + perfevalEscapeHtml(title.slice(page.length + 3));
  return perfevalEscapeHtml(title);
};

var Scorer = {
  // result: [docname, title, anchor, description, score, filename]
  score: (result) => {
    if (!result.perfevalShown) {
      result[1] = perfevalResultTitle(result[0], result[1]);
      result.perfevalShown = true;
    }
    return result[4];
  },
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
};
