/*
 * perfeval: the book's search scorer (Sphinx's html_search_scorer). Sphinx writes it into language_data.js,
 * which the search page loads after searchtools.js and before the index; the splitter (zh-splitter.js)
 * follows it. It takes over three steps of Sphinx's search (and its "searching" pulse, which did not stop),
 * keeping the rest (the query box, the index loading, the stemmer, the page layout):
 *
 *   - Matching (Search._performSearch): a page is found when every word of the query is one of its words
 *     (Search._index.terms / titleterms, built from whole words and their parts, perfeval.pages.search_text):
 *     民政 finds 湘潭市民政局 (民政局 → 民政, 局) but not 人民政府 (人民, 政府). Sphinx's own matching also
 *     takes any index word that merely contains the query, and any heading that contains it as text; here
 *     only Latin words keep Sphinx's partial match. A query that is a department's code finds its chapters.
 *   - Order (Scorer.score, the documented hook): the chapter of the department whose code or name the
 *     query is comes first, then chapters whose department name holds every word of the query, then
 *     Sphinx's score (a word of a heading 15, of the text 5); among equals a chapter before other pages
 *     and the newer year first.
 *   - What is shown (Search.query): each page's title as text, and the sentence of the page that holds the
 *     most words of the query, with those words marked (<mark>), from the page's sentences
 *     (_search/<page>.js, a script file: no fetch(), so it works from file://). The link goes to the
 *     section of that sentence.
 *
 * Everything from the book's data is set with textContent or as text nodes: nothing in a title or a
 * sentence is read as HTML.
 */
;var perfevalSearch = (function () {
  "use strict";

  var CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}]/u;
  var LATIN = /^[A-Za-z0-9_]+$/;
  var QUOTES = /[“”‘’「」『』"]/g;  // a word's tree keeps the marks written inside it: “三公”经费 is 三公经费
  var WINDOW = 150;           // characters of a long sentence shown around its first mark
  var PARALLEL = 6;           // sentence files loaded at a time

  var state = {
    departments: null,        // page → {code, name, words}, from _search/_departments.js
    departmentsWaiting: [],
    sentences: {},            // page → {sections, sentences}
    sentenceWaiting: {},      // page → callbacks
    query: null,              // {raw, terms: Set}
  };

  // --- the data files ---------------------------------------------------------------------------------
  function contentRoot() {
    return (document.documentElement && document.documentElement.dataset.content_root) || "";
  }

  function loadScript(src, done) {
    var script = document.createElement("script");
    script.src = src;
    script.onload = done;
    script.onerror = done;
    document.head.appendChild(script);
  }

  function withDepartments(callback) {
    if (state.departments !== null) return callback();
    state.departmentsWaiting.push(callback);
    if (state.departmentsWaiting.length > 1) return;
    loadScript(contentRoot() + "_search/_departments.js", function () {
      if (state.departments === null) state.departments = {};
      var waiting = state.departmentsWaiting;
      state.departmentsWaiting = [];
      waiting.forEach(function (cb) { cb(); });
    });
  }

  function withSentences(docname, callback) {
    if (Object.prototype.hasOwnProperty.call(state.sentences, docname)) return callback(state.sentences[docname]);
    var waiting = state.sentenceWaiting[docname];
    if (waiting) { waiting.push(callback); return; }
    state.sentenceWaiting[docname] = [callback];
    loadScript(contentRoot() + "_search/" + docname + ".js", function () {
      if (!Object.prototype.hasOwnProperty.call(state.sentences, docname)) state.sentences[docname] = null;
      var callbacks = state.sentenceWaiting[docname] || [];
      delete state.sentenceWaiting[docname];
      callbacks.forEach(function (cb) { cb(state.sentences[docname]); });
    });
  }

  // --- the query ------------------------------------------------------------------------------------
  // Sphinx's parsing (Search._parseQuery) without storing the words for sphinx_highlight.js, whose
  // highlighting on the page opened would mark a word inside another (民政 inside 人民政府).
  function parse(query) {
    var stemmer = new Stemmer();
    var terms = new Set();
    var excluded = new Set();
    splitQuery(query.trim()).forEach(function (word) {
      var lower = word.toLowerCase();
      if (stopwords.indexOf(lower) !== -1 || /^\d+$/.test(word)) return;
      var stem = stemmer.stemWord(lower);
      if (stem[0] === "-") excluded.add(stem.substr(1));
      else if (Array.from(stem).length > 1) terms.add(stem);   // one-character words are never indexed
    });
    return { raw: query.trim(), terms: terms, excluded: excluded };
  }

  function filesOf(table, word) {
    var files = table[word];
    if (files === undefined) return [];
    return Array.isArray(files) ? files : [files];
  }

  // file → score of one word: a whole word of the page (a heading's: Scorer.title, the text's: Scorer.term);
  // a Latin word of three or more letters also as part of a longer one (Sphinx's partial match).
  function pagesWithWord(index, word) {
    var found = new Map();
    var add = function (files, score) {
      files.forEach(function (file) { found.set(file, Math.max(found.get(file) || 0, score)); });
    };
    add(filesOf(index.terms, word), Scorer.term);
    add(filesOf(index.titleterms, word), Scorer.title);
    if (!CJK.test(word) && word.length > 2) {
      var escaped = word.replace(/[.*+\-?^${}()|[\]\\]/g, "\\$&");
      [[index.terms, Scorer.partialTerm], [index.titleterms, Scorer.partialTitle]].forEach(function (pair) {
        if (Object.prototype.hasOwnProperty.call(pair[0], word)) return;
        Object.keys(pair[0]).forEach(function (term) {
          if (term.match(escaped)) add(filesOf(pair[0], term), pair[1]);
        });
      });
    }
    return found;
  }

  function codeOf(docname) {
    return docname.split("/").pop();
  }

  // [docname, title, anchor, descr, score, filename] of every page found, best first.
  function results(index, query) {
    var scores = null;
    query.terms.forEach(function (word) {
      var found = pagesWithWord(index, word);
      if (scores === null) { scores = found; return; }
      var both = new Map();
      scores.forEach(function (score, file) {
        if (found.has(file)) both.set(file, Math.max(score, found.get(file)));
      });
      scores = both;
    });
    scores = scores || new Map();
    query.excluded.forEach(function (word) {
      filesOf(index.terms, word).concat(filesOf(index.titleterms, word)).forEach(function (file) {
        scores.delete(file);
      });
    });
    // A department's code: its chapters, whether or not the text holds the code.
    var code = query.raw.toLowerCase();
    Object.keys(state.departments || {}).forEach(function (docname) {
      var file = index.docnames.indexOf(docname);
      if (file >= 0 && state.departments[docname].code.toLowerCase() === code && !scores.has(file)) {
        scores.set(file, 0);
      }
    });
    var out = [];
    scores.forEach(function (score, file) {
      out.push([index.docnames[file], index.titles[file], "", null, score, index.filenames[file]]);
    });
    out.forEach(function (result) { result[4] = Scorer.score(result); });
    out.sort(function (a, b) {
      if (a[4] !== b[4]) return b[4] - a[4];
      return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
    });
    return out;
  }

  // The score of a page found for the current query (Scorer.score).
  function score(result) {
    var query = state.query;
    var base = result[4];
    if (!query) return base;
    var department = (state.departments || {})[result[0]];
    var year = Number((result[0].match(/(?:^|\/)(\d{4})\//) || [0, 0])[1]);
    var bonus = year / 10000;                        // the newer year first among equals
    if (department) {
      bonus += 1;                                    // a chapter before a page about many departments
      var raw = query.raw.replace(/\s+/g, "");
      if (department.code && department.code.toLowerCase() === query.raw.toLowerCase()) bonus += 100;
      else if (raw === department.name.replace(/\s+/g, "")) bonus += 60;
      else if (query.terms.size && Array.from(query.terms).every(function (w) {
        return department.words.indexOf(w) !== -1;
      })) bonus += 30;
    }
    return base + bonus;
  }

  // --- the sentence shown ---------------------------------------------------------------------------
  function textOf(node) {
    return typeof node === "string" ? node : node.map(textOf).join("");
  }

  // Spans [start, end) of the words of the query in one sentence (a list of word trees, search_text.cut):
  // a whole word, or a part of one (its tree), never a stretch of text across words.
  function marks(words, terms, stemmer) {
    var found = [];
    var offset = 0;
    var visit = function (node) {
      var text = textOf(node);
      var key = LATIN.test(text) ? stemmer.stemWord(text.toLowerCase()) : text.replace(QUOTES, "").toLowerCase();
      if (terms.has(key)) {
        found.push([offset, offset + text.length, key]);
        offset += text.length;
        return;
      }
      if (typeof node === "string") { offset += text.length; return; }
      node.forEach(visit);
    };
    words.forEach(visit);
    return found;
  }

  // The best sentence of a page: most words of the query, then text before headings, then the first.
  function bestSentence(data, terms) {
    var stemmer = new Stemmer();
    var best = null;
    data.sentences.forEach(function (sentence, i) {
      var found = marks(sentence[2], terms, stemmer);
      var count = new Set(found.map(function (m) { return m[2]; })).size;
      var rank = [count, sentence[1] ? 0 : 1];
      if (best === null || rank[0] > best.rank[0] || (rank[0] === best.rank[0] && rank[1] > best.rank[1])) {
        best = { rank: rank, sentence: sentence, marks: found, index: i };
      }
    });
    return best;
  }

  function snippet(data, terms) {
    var best = bestSentence(data, terms);
    var p = document.createElement("p");
    p.classList.add("context");
    if (best === null) return { element: p, section: null };
    var text = textOf(best.sentence[2]);
    var start = 0;
    var end = text.length;
    if (text.length > WINDOW + 20) {
      var first = best.marks.length ? best.marks[0][0] : 0;
      start = Math.max(0, first - 40);
      end = Math.min(text.length, start + WINDOW);
    }
    var at = start;
    if (start > 0) p.appendChild(document.createTextNode("…"));
    best.marks.forEach(function (m) {
      if (m[0] < at || m[1] > end) return;
      p.appendChild(document.createTextNode(text.slice(at, m[0])));
      p.appendChild(document.createElement("mark")).textContent = text.slice(m[0], m[1]);
      at = m[1];
    });
    p.appendChild(document.createTextNode(text.slice(at, end)));
    if (end < text.length) p.appendChild(document.createTextNode("…"));
    return { element: p, section: data.sections[best.sentence[0]] || null };
  }

  // --- the list of results --------------------------------------------------------------------------
  // A title from the index is HTML escaped by Sphinx: read as text by an inert parser (nothing runs).
  function titleText(html) {
    return new DOMParser().parseFromString(String(html), "text/html").documentElement.textContent;
  }

  function show(found, terms) {
    var queue = [];
    found.forEach(function (result) {
      var docname = result[0];
      var li = document.createElement("li");
      var link = li.appendChild(document.createElement("a"));
      var href = docname + DOCUMENTATION_OPTIONS.LINK_SUFFIX;
      link.href = href;
      link.dataset.score = result[4];
      link.textContent = titleText(result[1]);
      Search.output.appendChild(li);
      queue.push(function (next) {
        withSentences(docname, function (data) {
          var shown = data ? snippet(data, terms) : { element: document.createElement("p"), section: null };
          shown.element.classList.add("context");
          var section = shown.section;
          if (section && section[0]) {
            link.href = href + "#" + section[0];
            if (section[1] && section[1] !== link.textContent) {
              var where = li.insertBefore(document.createElement("span"), link.nextSibling);
              where.classList.add("pe-search-section");
              where.textContent = section[1];
            }
          }
          li.appendChild(shown.element);
          next();
        });
      });
    });
    var running = 0;
    var pump = function () {
      while (running < PARALLEL && queue.length) {
        running += 1;
        queue.shift()(function () { running -= 1; pump(); });
      }
    };
    pump();
  }

  function finish(count) {
    Search.stopPulse();
    Search.title.innerText = _("Search Results");
    if (!count) {
      Search.status.innerText = Documentation.gettext(
        "Your search did not match any documents. Please make sure that all words are spelled correctly and that you've selected enough categories.");
    } else {
      Search.status.innerText = _(
        "Search finished, found ${resultCount} page(s) matching the search query.").replace("${resultCount}", count);
    }
  }

  // Search.query: parse, match, order, show.
  function query(text) {
    withDepartments(function () {
      var parsed = parse(text);
      state.query = parsed;
      var progress = document.getElementById("search-progress");
      while (progress && progress.lastChild) progress.removeChild(progress.lastChild);
      var found = results(Search._index, parsed);
      show(found, parsed.terms);
      finish(found.length);
    });
  }

  // The dots after "searching": Sphinx's pulse reschedules itself, and one tick still pending when the search
  // stops starts it again (its status, -1 when done, goes back to 0 within half a second). Ours stops.
  var pulseTimer = null;
  function startPulse() {
    if (pulseTimer !== null) return;
    var pulse = function () {
      Search._pulse_status = (Search._pulse_status + 1) % 4;
      if (Search.dots) Search.dots.innerText = ".".repeat(Search._pulse_status);
      pulseTimer = window.setTimeout(pulse, 500);
    };
    pulse();
  }
  function stopPulse() {
    if (pulseTimer !== null) window.clearTimeout(pulseTimer);
    pulseTimer = null;
    Search._pulse_status = -1;
  }

  function install() {
    if (typeof Search === "undefined") return false;
    Search.query = query;
    Search.startPulse = startPulse;
    Search.stopPulse = stopPulse;
    return true;
  }

  if (!install()) document.addEventListener("DOMContentLoaded", install);

  return {
    parse: parse,
    results: results,
    score: score,
    marks: marks,
    bestSentence: bestSentence,
    snippet: snippet,
    textOf: textOf,
    state: state,
    departments: function (data) { state.departments = data || {}; },
    sentences: function (docname, data) { state.sentences[docname] = data; },
  };
})();

/* The data files call these (_search/_departments.js, _search/<page>.js). */
function perfevalDepartments(data) { perfevalSearch.departments(data); }
function perfevalSentences(docname, data) { perfevalSearch.sentences(docname, data); }

var Scorer = {
  // result: [docname, title, anchor, description, score, filename]
  score: function (result) { return perfevalSearch.score(result); },
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
};
