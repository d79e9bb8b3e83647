/*
 * Chinese queries typed without spaces (perfeval).
 *
 * Sphinx's search splits a query on non-letters only, so "预算执行率三公经费" stays one
 * term that no page contains. Before Sphinx runs a query, each run of CJK characters is
 * segmented by forward maximum matching against the words of the loaded search index
 * (Search._index.terms and .titleterms, built with jieba and book/search-dict.txt):
 * "预算执行率三公经费" → "预算执行率", "三公经费"; Sphinx then requires both.
 *
 * Hook: searchtools.js (Sphinx 7.4) calls the global `splitQuery(query)` in
 * Search._parseQuery and defines its default only `if (typeof splitQuery === "undefined")`.
 * This file is loaded before searchtools.js (html_js_files), so it defines `splitQuery`;
 * if another script replaced it later, it is wrapped again once the page has loaded.
 */
(function (root) {
  "use strict";

  var CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}]/u;
  var CJK_RUN = /([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}]+)/u;
  var MAX_WORD = 16;

  // Sphinx's default splitter (searchtools.js): split on anything that is not a letter,
  // number, underscore or emoji.
  function defaultSplit(query) {
    return query
      .split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu)
      .filter(function (term) { return term; });
  }

  // Forward maximum matching of one CJK run. `has(word)` says whether a word is in the
  // dictionary. Characters matching no word are kept together; such a chunk is dropped
  // when it is a single character (particles like 的/和 are not indexed and would make
  // the whole query fail), kept otherwise (Sphinx may still find it as part of a word).
  function segmentRun(run, has, maxWord) {
    var chars = Array.from(run);
    var out = [];
    var unknown = "";
    var flush = function () {
      if (Array.from(unknown).length > 1) out.push(unknown);
      unknown = "";
    };
    var i = 0;
    while (i < chars.length) {
      var found = 0;
      for (var len = Math.min(maxWord, chars.length - i); len >= 2; len--) {
        if (has(chars.slice(i, i + len).join(""))) { found = len; break; }
      }
      if (found) {
        flush();
        out.push(chars.slice(i, i + found).join(""));
        i += found;
      } else {
        unknown += chars[i];
        i += 1;
      }
    }
    flush();
    return out;
  }

  // Segment every term of a split query: a term that is itself a word stays whole, other
  // terms are cut into CJK runs (segmented) and the rest (Latin, digits) kept as they are.
  function segmentTerms(terms, has, maxWord) {
    var out = [];
    terms.forEach(function (term) {
      if (!CJK.test(term) || has(term)) { out.push(term); return; }
      term.split(CJK_RUN).forEach(function (part) {
        if (!part) return;
        if (CJK.test(part)) out.push.apply(out, segmentRun(part, has, maxWord));
        else out.push(part);
      });
    });
    return out;
  }

  // A dictionary from a Sphinx search index object ({terms: {...}, titleterms: {...}}).
  function dictionary(index) {
    var words = new Set();
    var longest = 2;
    ["terms", "titleterms"].forEach(function (table) {
      Object.keys((index && index[table]) || {}).forEach(function (word) {
        words.add(word);
        var n = Array.from(word).length;
        if (CJK.test(word) && n > longest) longest = n;
      });
    });
    return { has: function (w) { return words.has(w); }, maxWord: Math.min(longest, MAX_WORD) };
  }

  function segmentQuery(query, index, split) {
    var d = dictionary(index);
    return segmentTerms((split || defaultSplit)(query), d.has, d.maxWord);
  }

  // --- browser: hook Sphinx's splitQuery -------------------------------------------------
  var cache = { index: null, dict: null };
  function currentDictionary() {
    /* global Search */
    var index = typeof Search !== "undefined" && Search._index ? Search._index : null;
    if (!index) return null;
    if (cache.index !== index) { cache.index = index; cache.dict = dictionary(index); }
    return cache.dict;
  }

  function wrap(base) {
    var wrapped = function (query) {
      var terms = base(query);
      var d = currentDictionary();
      return d ? segmentTerms(terms, d.has, d.maxWord) : terms;
    };
    wrapped.perfevalZh = true;
    return wrapped;
  }

  var api = {
    defaultSplit: defaultSplit,
    segmentRun: segmentRun,
    segmentTerms: segmentTerms,
    segmentQuery: segmentQuery,
    dictionary: dictionary,
  };

  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;  // node: the pure functions, for tests
    return;
  }
  root.perfevalZhSearch = api;
  if (typeof root.splitQuery === "undefined") root.splitQuery = wrap(defaultSplit);
  var ensure = function () {
    if (typeof root.splitQuery === "function" && !root.splitQuery.perfevalZh) {
      root.splitQuery = wrap(root.splitQuery);
    }
  };
  ensure();
  if (root.document && root.document.readyState === "loading") {
    root.document.addEventListener("DOMContentLoaded", ensure);
  }
})(typeof window !== "undefined" ? window : globalThis);
