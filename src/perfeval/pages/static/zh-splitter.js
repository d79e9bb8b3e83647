/*
 * Chinese queries typed without spaces (perfeval): Sphinx's search-language splitter.
 *
 * Sphinx's search splits a query on non-letters only, so "预算执行率三公经费" stays one
 * term that no page contains. Here each run of CJK characters is segmented by forward
 * maximum matching against the words of the loaded search index (Search._index.terms and
 * .titleterms, built with jieba and book/search-dict.txt):
 * "预算执行率三公经费" → "预算执行率", "三公经费"; Sphinx then requires both.
 *
 * Hook: this file is the `js_splitter_code` of perfeval's Chinese SearchLanguage
 * (perfeval.pages.sphinx_ext). Sphinx writes it into language_data.js, where it defines
 * the global `splitQuery(query)` that searchtools.js calls in Search._parseQuery (its own
 * default is defined only `if (typeof splitQuery === "undefined")`). The pure functions
 * are also exposed as `perfevalZhSearch` (and as a CommonJS module, for tests).
 *
 * The leading semicolon ends the stemmer code Sphinx writes just before this one (its
 * `var Stemmer = function () {…}` has none, and a parenthesis would call it).
 */
;(function (root) {
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

  // --- browser: the splitter Sphinx calls ---------------------------------------------------
  var cache = { index: null, dict: null };
  function currentDictionary() {
    /* global Search */
    var index = typeof Search !== "undefined" && Search._index ? Search._index : null;
    if (!index) return null;
    if (cache.index !== index) { cache.index = index; cache.dict = dictionary(index); }
    return cache.dict;
  }

  function split(query) {
    var terms = defaultSplit(query);
    var d = currentDictionary();
    return d ? segmentTerms(terms, d.has, d.maxWord) : terms;
  }

  var api = {
    defaultSplit: defaultSplit,
    segmentRun: segmentRun,
    segmentTerms: segmentTerms,
    segmentQuery: segmentQuery,
    dictionary: dictionary,
    split: split,
  };

  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;  // node: the pure functions, for tests
  } else {
    root.perfevalZhSearch = api;
  }
})(typeof window !== "undefined" ? window : globalThis);

/* The splitter searchtools.js calls (a global function, as Sphinx's js_splitter_code defines it). */
function splitQuery(query) {
  return perfevalZhSearch.split(query);
}
