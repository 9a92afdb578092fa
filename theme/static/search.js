// Full-text search. The index is built at build time and loaded as a script
// (searchindex.js sets window.chaosbookSearch), so search also works when the
// book is opened from disk (file://), where fetch() is not allowed. Its
// layout and the ranking rules it shares with this file are described in
// generator/src/render/search.rs.
//
// A query is split into words and each word reduced to its English stem
// exactly as the index was (the stemmer below is a port of the Snowball
// English stemmer that the build uses). Each word also matches, with lower
// weights, its synonyms (from the vocabulary file, via the index), the words
// it begins (the last word is still being typed), and for longer words the
// stems one or two letters away from it. Sections score, for each word, by
// the weight of its best match times that term's rarity (both computed at
// build time), more when they hold all the words and when the words come in
// the query's order; catalog entry points rank above passing mentions.
// Postings are read heaviest first and reading stops once the top is
// settled (see `score`). Results are grouped by page. Everything shown is set as text: marks are <mark>
// elements around text nodes, never parsed HTML.
(function () {
  "use strict";

  // --- The Snowball English (Porter2) stemmer, as in the build. ---------
  var stem = (function () {
    function isV(c) { return c === "a" || c === "e" || c === "i" || c === "o" || c === "u" || c === "y"; }
    function isVWXY(c) { return isV(c) || c === "w" || c === "x" || c === "Y"; }
    var EXCEPTION1 = {
      skis: "ski", skies: "sky", dying: "die", lying: "lie", tying: "tie", idly: "idl", gently: "gentl",
      ugly: "ugli", early: "earli", only: "onli", singly: "singl", sky: "sky", news: "news", howe: "howe",
      atlas: "atlas", cosmos: "cosmos", bias: "bias", andes: "andes",
    };
    var EXCEPTION2 = ["inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed"];
    // [suffix, replacement] for steps 2 and 3, longest first where it matters.
    var STEP2 = [
      ["ization", "ize"], ["ational", "ate"], ["fulness", "ful"], ["ousness", "ous"], ["iveness", "ive"],
      ["tional", "tion"], ["biliti", "ble"], ["lessli", "less"], ["entli", "ent"], ["ation", "ate"],
      ["alism", "al"], ["aliti", "al"], ["ousli", "ous"], ["iviti", "ive"], ["fulli", "ful"], ["enci", "ence"],
      ["anci", "ance"], ["abli", "able"], ["izer", "ize"], ["ator", "ate"], ["alli", "al"], ["bli", "ble"],
      ["ogi", "og"], ["li", ""],
    ];
    var STEP3 = [
      ["ational", "ate"], ["tional", "tion"], ["alize", "al"], ["icate", "ic"], ["iciti", "ic"],
      ["ative", ""], ["ical", "ic"], ["ness", ""], ["ful", ""],
    ];
    var STEP4 = ["ement", "ance", "ence", "able", "ible", "ment", "ant", "ent", "ism", "ate", "iti", "ous",
      "ive", "ize", "ion", "al", "er", "ic"];

    function ends(w, s) { return w.length >= s.length && w.lastIndexOf(s) === w.length - s.length; }
    function longest(w, list, pick) {
      for (var i = 0; i < list.length; i++) { var s = pick ? list[i][0] : list[i]; if (ends(w, s)) return list[i]; }
      return null;
    }
    // Past the first vowel followed by a non-vowel, from `from`.
    function region(w, from) {
      for (var i = from + 1; i < w.length; i++) if (!isV(w[i]) && isV(w[i - 1])) return i + 1;
      return w.length;
    }
    // A short syllable ends at `end` (exclusive).
    function shortV(w, end) {
      if (end >= 3 && !isVWXY(w[end - 1]) && isV(w[end - 2]) && !isV(w[end - 3])) return true;
      return end === 2 && isV(w[0]) && !isV(w[1]);
    }
    function hasVowel(w, end) { for (var i = 0; i < end; i++) if (isV(w[i])) return true; return false; }

    return function (word) {
      if (Object.prototype.hasOwnProperty.call(EXCEPTION1, word)) return EXCEPTION1[word];
      if (word.length < 3) return word;
      var w = word;
      // Prelude: a y that starts the word or follows a vowel is a consonant.
      if (w[0] === "y") w = "Y" + w.slice(1);
      for (var k = 1; k < w.length; k++) if (w[k] === "y" && isV(w[k - 1])) w = w.slice(0, k) + "Y" + w.slice(k + 1);
      // Regions.
      var p1;
      if (/^(gener|commun|arsen)/.test(w)) p1 = /^(gener|commun|arsen)/.exec(w)[0].length;
      else p1 = region(w, 0);
      var p2 = region(w, p1);
      if (p1 > w.length) p1 = w.length;
      // Step 1a.
      if (ends(w, "sses")) w = w.slice(0, -2);
      else if (ends(w, "ied") || ends(w, "ies")) w = w.slice(0, -3) + (w.length > 4 ? "i" : "ie");
      else if (ends(w, "us") || ends(w, "ss")) { /* kept */ }
      else if (ends(w, "s") && w.length >= 3 && hasVowel(w, w.length - 2)) w = w.slice(0, -1);
      if (EXCEPTION2.indexOf(w) >= 0) return w;
      // Step 1b.
      var s1b = longest(w, ["eedly", "ingly", "edly", "eed", "ing", "ed"]);
      if (s1b === "eed" || s1b === "eedly") {
        if (w.length - s1b.length >= p1) w = w.slice(0, -s1b.length) + "ee";
      } else if (s1b && hasVowel(w, w.length - s1b.length)) {
        w = w.slice(0, -s1b.length);
        if (ends(w, "at") || ends(w, "bl") || ends(w, "iz")) w += "e";
        else if (/(bb|dd|ff|gg|mm|nn|pp|rr|tt)$/.test(w)) w = w.slice(0, -1);
        else if (w.length === p1 && shortV(w, w.length)) w += "e";
      }
      // Step 1c.
      var last = w[w.length - 1];
      if ((last === "y" || last === "Y") && w.length > 2 && !isV(w[w.length - 2])) w = w.slice(0, -1) + "i";
      // Step 2.
      var r = longest(w, STEP2, true);
      if (r && w.length - r[0].length >= p1) {
        var base = w.slice(0, -r[0].length);
        if (r[0] === "ogi") { if (ends(base, "l")) w = base + "og"; }
        else if (r[0] === "li") { if (/[cdeghkmnrt]$/.test(base)) w = base; }
        else w = base + r[1];
      }
      // Step 3.
      r = longest(w, STEP3, true);
      if (r && w.length - r[0].length >= p1) {
        if (r[0] === "ative") { if (w.length - 5 >= p2) w = w.slice(0, -5); }
        else w = w.slice(0, -r[0].length) + r[1];
      }
      // Step 4.
      var s4 = longest(w, STEP4);
      if (s4 && w.length - s4.length >= p2) {
        var before = w.slice(0, -s4.length);
        if (s4 !== "ion" || ends(before, "s") || ends(before, "t")) w = before;
      }
      // Step 5.
      if (ends(w, "e")) {
        var at = w.length - 1;
        if (at >= p2 || (at >= p1 && !shortV(w, at))) w = w.slice(0, -1);
      } else if (ends(w, "ll") && w.length - 1 >= p2) {
        w = w.slice(0, -1);
      }
      return w.replace(/Y/g, "y");
    };
  })();

  // Words as the build splits them: runs of letters and digits, lower-cased,
  // 2 to 40 characters.
  var SPLIT = /[^\p{Alphabetic}\p{N}]+/u;
  function words(text) {
    var out = [];
    var parts = text.split(SPLIT);
    for (var i = 0; i < parts.length; i++) {
      var n = Array.from(parts[i]).length;
      if (n >= 2 && n <= 40) out.push(parts[i].toLowerCase());
    }
    return out;
  }

  // The stems of a text, as a query's are computed (the browser tests check
  // them against the index's terms).
  window.chaosbookSearchStems = function (text) { return words(String(text)).map(stem); };

  // --- Ranking. ---------------------------------------------------------
  var MAX_WORDS = 12; // words of a query that count (a pasted paragraph stays fast)
  var MAX_PAGES = 10;
  var SECTIONS_PER_PAGE = 3;
  var SYNONYM = 0.7, PREFIX = 0.5, LAST_PREFIX = 0.8, TYPO1 = 0.5, TYPO2 = 0.3;
  var ENTRY_BOOST = 1.5, PHRASE_BOOST = 1.6, PHRASE_CHECKS = 80;
  var MAX_EXPANSIONS = 60;
  // Sections whose rank must be final before reading stops (enough for the
  // pages shown, and for the phrase check to reorder).
  var TOP = 100;
  // Sections found beyond which the early-stop check costs more than it saves.
  var CHECK_LIMIT = 5000;

  function lowerBound(terms, key) {
    var lo = 0, hi = terms.length;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (terms[mid] < key) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
  function find(terms, key) {
    var i = lowerBound(terms, key);
    return i < terms.length && terms[i] === key ? i : -1;
  }

  // Scratch rows of the edit distance, reused (a query checks every term).
  var prevRow = [], curRow = [];

  // Levenshtein distance of a and b if it is at most max, else max + 1.
  function distance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var prev = prevRow, cur = curRow, swap;
    for (var j = 0; j <= b.length; j++) prev[j] = j;
    for (var i = 1; i <= a.length; i++) {
      cur[0] = i;
      var best = i;
      for (j = 1; j <= b.length; j++) {
        var c = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        cur[j] = c;
        if (c < best) best = c;
      }
      if (best > max) return max + 1;
      swap = prev; prev = cur; cur = swap;
    }
    return prev[b.length];
  }

  // The query's words, each with the terms it matches and their factors.
  function parse(index, query) {
    var surface = words(query).slice(0, MAX_WORDS);
    var still = !/[^\p{Alphabetic}\p{N}]$/u.test(query); // the last word is being typed
    var terms = index.terms;
    var groups = index.synonyms || [];
    // Words typed as parts of an identifier (`pod-kill`, `terminate_pods`)
    // name a fault exactly: no synonyms for them.
    var exactOnly = new Set();
    query.split(/\s+/).forEach(function (token) {
      if (/[\p{Alphabetic}\p{N}][-_][\p{Alphabetic}\p{N}]/u.test(token)) words(token).forEach(function (w) { exactOnly.add(w); });
    });
    var out = surface.map(function (w, n) {
      var s = stem(w);
      var alts = new Map();
      var add = function (i, f) { if (i >= 0 && !(alts.get(i) >= f)) alts.set(i, f); };
      var exact = find(terms, s);
      add(exact, 1);
      // One-word synonyms of the word (phrases are matched below).
      for (var g = 0; g < groups.length && !exactOnly.has(w); g++) {
        var group = groups[g], member = false;
        for (var k = 0; k < group.length; k++) if (group[k].length === 1 && group[k][0] === s) member = true;
        if (!member) continue;
        for (k = 0; k < group.length; k++) if (group[k].length === 1 && group[k][0] !== s) add(find(terms, group[k][0]), SYNONYM);
      }
      var isLast = n === surface.length - 1 && still;
      var prefixed = false;
      // Prefixes: of the word being typed, or of a word the text lacks.
      if ((isLast && w.length >= 2) || (exact < 0 && w.length >= 3)) {
        var keys = s === w ? [s] : [s, w];
        for (var q = 0; q < keys.length; q++) {
          var from = lowerBound(terms, keys[q]);
          for (var i = from, e = 0; i < terms.length && e < MAX_EXPANSIONS && terms[i].lastIndexOf(keys[q], 0) === 0; i++, e++) {
            if (i !== exact) { add(i, isLast ? LAST_PREFIX : PREFIX); prefixed = true; }
          }
        }
      }
      // Typos, for a longer word that neither is nor begins a word of the
      // text (one being typed that begins one is not misspelt yet).
      if (exact < 0 && !prefixed && w.length >= 5) {
        var max = w.length >= 8 ? 2 : 1;
        for (var t = 0, found = 0; t < terms.length && found < MAX_EXPANSIONS; t++) {
          var d = distance(s, terms[t], max);
          if (d <= max) { add(t, d === 1 ? TYPO1 : TYPO2); found++; }
        }
      }
      return { word: w, stem: s, alts: alts };
    });
    // Two words typed apart that the text writes as one ("game day").
    for (var n = 0; n + 1 < out.length; n++) {
      var joined = find(terms, stem(out[n].word + out[n + 1].word));
      if (joined >= 0) { out[n].alts.set(joined, 1); out[n + 1].alts.set(joined, 1); }
    }
    // A phrase of a synonym group typed in full ("hypothesis failed"): each
    // of its words also matches the group's one-word members.
    for (var g2 = 0; g2 < groups.length; g2++) {
      var grp = groups[g2];
      for (var a = 0; a < grp.length; a++) {
        var ph = grp[a];
        if (ph.length < 2) continue;
        for (var at = 0; at + ph.length <= out.length; at++) {
          var same = true;
          for (var k2 = 0; k2 < ph.length && same; k2++) same = out[at + k2].stem === ph[k2];
          if (!same) continue;
          for (var b = 0; b < grp.length; b++) {
            if (grp[b].length !== 1) continue;
            var ti = find(terms, grp[b][0]);
            if (ti < 0) continue;
            for (k2 = 0; k2 < ph.length; k2++) {
              var alts2 = out[at + k2].alts;
              if (!(alts2.get(ti) >= SYNONYM)) alts2.set(ti, SYNONYM);
            }
          }
        }
      }
    }
    return out;
  }

  // The next match of the global expression `re` in `text` that starts a
  // word. (Checked here rather than with a lookbehind in the expression: an
  // expression that starts with its words is found much faster, and
  // snippets and phrases run it over long texts at every keystroke.)
  var WORD_CHAR = /[\p{Alphabetic}\p{N}]/u;
  function nextMatch(re, text) {
    var m;
    while ((m = re.exec(text))) {
      if (m.index === 0 || !WORD_CHAR.test(text[m.index - 1])) return m;
      re.lastIndex = m.index + 1;
    }
    return null;
  }
  // A section's heading and text in lower case, made when first needed and
  // kept: matching lower-cased text without the `i` flag is several times
  // faster than case-insensitive matching, and phrases and snippets match
  // the same sections keystroke after keystroke.
  function lowered(index, d) {
    var cache = index.lowered || (index.lowered = new Map());
    var low = cache.get(d);
    if (!low) {
      var doc = index.docs[d];
      low = [doc[2].toLowerCase(), doc[3].toLowerCase(), index.pages[doc[0]][1].toLowerCase()];
      cache.set(d, low);
    }
    return low;
  }
  function holds(re, text) {
    re.lastIndex = 0;
    return nextMatch(re, text) !== null;
  }

  // A regular expression that finds the query's words in text (as typed, as
  // stems, or as their synonyms), each at the start of a word.
  function marker(index, parsed) {
    var alts = [];
    parsed.forEach(function (p) {
      alts.push(p.word, p.stem);
      p.alts.forEach(function (f, i) { if (f >= SYNONYM) alts.push(index.terms[i]); });
    });
    alts = alts.filter(function (a, i) { return a.length > 1 && alts.indexOf(a) === i; })
      .sort(function (a, b) { return b.length - a.length; })
      .map(function (a) { return a.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
    if (alts.length === 0) return null;
    var source = "(?:" + alts.join("|") + ")[\\p{Alphabetic}\\p{N}]*";
    // `plain` is for lower-cased text (see `lowered`).
    return { re: new RegExp(source, "giu"), plain: new RegExp(source, "gu") };
  }

  // The query's words in their order, adjacent in the text. Each word is
  // its stem or as typed, followed by at most an inflection's letters and
  // the end of the word: "deleting pods" finds "deletes pods" but not
  // "deletes PodChaos".
  var INFLECTION = 4;
  function phrase(parsed) {
    if (parsed.length < 2) return null;
    var parts = parsed.map(function (p) {
      var a = p.stem === p.word ? p.word : p.word + "|" + p.stem;
      return "(?:" + a.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + ")[\\p{Alphabetic}\\p{N}]{0," + INFLECTION + "}(?![\\p{Alphabetic}\\p{N}])";
    });
    // Run over lower-cased text (see `lowered`): no case folding to do.
    return new RegExp(parts.join("[^\\p{Alphabetic}\\p{N}]+"), "gu");
  }

  // Per index, made once: each section's entry-point boost and the highest
  // (it bounds the score of a section not read yet), and the score arrays
  // a query fills, reused so that typing makes no garbage to collect.
  function scratch(index) {
    if (!index.scratch) {
      var n = index.docs.length, b = new Float32Array(n), max = 1;
      for (var d = 0; d < n; d++) {
        b[d] = index.pages[index.docs[d][0]][2] ? ENTRY_BOOST : 1;
        if (b[d] > max) max = b[d];
      }
      index.scratch = {
        boosts: b, maxBoost: max, total: new Float64Array(n), mask: new Uint32Array(n),
        scores: new Float64Array(n), sorted: new Float64Array(n),
      };
    }
    return index.scratch;
  }

  // The k-th smallest number of `a` (0-based), moving numbers of `a`
  // (Hoare's selection: linear on average, where sorting is not).
  function kthSmallest(a, k) {
    var lo = 0, hi = a.length - 1;
    while (lo < hi) {
      var pivot = a[(lo + hi) >>> 1], i = lo, j = hi;
      while (i <= j) {
        while (a[i] < pivot) i++;
        while (a[j] > pivot) j--;
        if (i <= j) { var t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
      }
      if (k <= j) hi = j; else if (k >= i) lo = i; else break;
    }
    return a[k];
  }

  // The scores of the `top` best sections of `docs`: [doc, score] pairs,
  // best first (a full sort of thousands of sections would not fit in a
  // frame; this finds the cut, then sorts only the few above it).
  function best(docs, scoreOf, top, work) {
    var scores = work.scores, sorted = work.sorted.subarray(0, docs.length);
    for (var i = 0; i < docs.length; i++) sorted[i] = scores[i] = scoreOf(docs[i]);
    var cut = -Infinity;
    if (docs.length > top) cut = kthSmallest(sorted, docs.length - top);
    var hits = [];
    for (i = 0; i < docs.length; i++) if (scores[i] >= cut) hits.push([docs[i], scores[i]]);
    hits.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    return hits.slice(0, top);
  }

  // Sections ranked by score, the best TOP. A section's score is the sum,
  // over the query's words, of its best weight for one of the word's terms
  // times the term's rarity and the alternative's factor, times the square
  // of the share of the query's words it holds, times the entry-point
  // boost. Postings are read heaviest first across all terms (each term's
  // groups of equal weight; the group with the highest weight x rarity x
  // factor next), so the first weight met for a (section, word) is its
  // best. Reading stops once the best TOP sections and their order are
  // settled: no section outside them can still reach them and their own
  // scores are final. (While few sections are found, that is checked each
  // time what is left to read has lost a fifth of its worth; a query of
  // several common words reads all its postings, which is cheap, and the
  // cost is in ranking: see `best`.)
  function score(index, parsed) {
    var work = scratch(index), full = parsed.length, entries = work.boosts, boost = work.maxBoost;
    var total = work.total, mask = work.mask;
    var cursors = [];
    parsed.forEach(function (p, word) {
      p.alts.forEach(function (factor, t) {
        var post = index.postings[t];
        var scale = index.rarity[t] * factor;
        if (post.length) cursors.push({ word: word, post: post, at: 0, scale: scale, bound: post[0] * scale });
      });
    });
    var touched = [], frozen = false, lastCheck = Infinity;
    var wordBound = new Float64Array(full);
    var entry = function (d) { return entries[d]; };
    var final = function (d) {
      var m = mask[d], c = 0;
      while (m) { c += m & 1; m >>>= 1; }
      return total[d] * (c / full) * (c / full) * entry(d);
    };
    for (;;) {
      // The group to read next, and what each word can still add.
      var next = null, sum = 0;
      wordBound.fill(0);
      for (var c = 0; c < cursors.length; c++) {
        var cur = cursors[c];
        if (cur.bound > wordBound[cur.word]) wordBound[cur.word] = cur.bound;
        if (cur.bound > 0 && (!next || cur.bound > next.bound)) next = cur;
      }
      if (!next) break;
      for (var w = 0; w < full; w++) sum += wordBound[w];
      if (sum <= lastCheck * 0.8 && touched.length >= TOP && touched.length <= CHECK_LIMIT) {
        lastCheck = sum;
        // A section's score so far is a lower bound (more words only add);
        // with each missing word at its best remaining weight, an upper one.
        var lows = work.scores, sorted = work.sorted.subarray(0, touched.length);
        for (var i = 0; i < touched.length; i++) sorted[i] = lows[i] = final(touched[i]);
        var kth = kthSmallest(sorted, touched.length - TOP);
        // No section not yet met can reach the top: meet no more.
        if (kth >= sum * boost) frozen = true;
        var settled = frozen;
        for (i = 0; i < touched.length && settled; i++) {
          var d = touched[i], rest = 0;
          for (w = 0; w < full; w++) if (!(mask[d] & (1 << w))) rest += wordBound[w];
          // Not final in the top, or able to climb into it.
          if (rest > 0 && (lows[i] >= kth || (total[d] + rest) * entry(d) >= kth)) settled = false;
        }
        if (settled) break;
      }
      // Read the group.
      var post = next.post, at = next.at, count = post[at + 1], bit = 1 << next.word;
      var add = post[at] * next.scale, doc = 0;
      at += 2;
      for (var k = 0; k < count; k++, at++) {
        doc = k === 0 ? post[at] : doc + post[at];
        var m = mask[doc];
        if (m & bit) continue;
        if (m === 0) { if (frozen) continue; touched.push(doc); }
        total[doc] += add;
        mask[doc] = m | bit;
      }
      next.at = at;
      next.bound = at < post.length ? post[at] * next.scale : 0;
    }
    var hits = best(touched, final, TOP, work);
    for (c = 0; c < touched.length; c++) { total[touched[c]] = 0; mask[touched[c]] = 0; }
    return hits;
  }

  function search(index, query) {
    var parsed = parse(index, query);
    if (parsed.length === 0) return { pages: [], parsed: parsed };
    var hits = score(index, parsed);
    var re = phrase(parsed);
    if (re) {
      for (var h = 0; h < hits.length && h < PHRASE_CHECKS; h++) {
        var doc = index.docs[hits[h][0]];
        var page = index.pages[doc[0]];
        var low = lowered(index, hits[h][0]);
        if (holds(re, low[0]) || holds(re, low[1]) || holds(re, low[2])) hits[h][1] *= PHRASE_BOOST;
      }
      hits.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    }
    // Group by page, in the order of each page's best section.
    var pages = [], byPage = new Map();
    for (var i = 0; i < hits.length; i++) {
      var p = index.docs[hits[i][0]][0];
      var group = byPage.get(p);
      if (!group) {
        if (pages.length === MAX_PAGES) continue;
        group = { page: p, docs: [] };
        byPage.set(p, group);
        pages.push(group);
      }
      if (group.docs.length < SECTIONS_PER_PAGE) group.docs.push(hits[i][0]);
    }
    return { pages: pages, parsed: parsed };
  }

  // --- Display. ---------------------------------------------------------
  var SNIPPET = 160;

  // A window of `text` around its best cluster of marked words (found in
  // `low`, the text lower-cased, when that kept every offset).
  function snippet(text, low, marks) {
    var spots = [];
    if (marks) {
      var re = low.length === text.length ? marks.plain : marks.re;
      var haystack = re === marks.plain ? low : text;
      re.lastIndex = 0;
      var m;
      while ((m = nextMatch(re, haystack)) && spots.length < 200) spots.push(m.index);
    }
    var at = 0, best = -1;
    for (var i = 0; i < spots.length; i++) {
      var n = 0;
      for (var j = i; j < spots.length && spots[j] < spots[i] + SNIPPET - 40; j++) n++;
      if (n > best) { best = n; at = spots[i]; }
    }
    var start = Math.max(0, at - 40);
    if (start > 0) {
      var space = text.indexOf(" ", start);
      if (space >= 0 && space < at) start = space + 1;
    }
    var end = Math.min(text.length, start + SNIPPET);
    if (end < text.length) {
      var cut = text.lastIndexOf(" ", end);
      if (cut > start + SNIPPET / 2) end = cut;
    }
    return (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  }

  // `text` into `parent` as text nodes, the matches of `re` in <mark>.
  function appendMarked(parent, text, re) {
    var from = 0;
    if (re) {
      re.lastIndex = 0;
      var m;
      while ((m = nextMatch(re, text))) {
        if (m[0].length === 0) { re.lastIndex++; continue; }
        if (m.index > from) parent.appendChild(document.createTextNode(text.slice(from, m.index)));
        var mark = document.createElement("mark");
        mark.textContent = m[0];
        parent.appendChild(mark);
        from = m.index + m[0].length;
      }
    }
    if (from < text.length) parent.appendChild(document.createTextNode(text.slice(from)));
  }

  function span(className, text, re) {
    var s = document.createElement("span");
    s.className = className;
    appendMarked(s, text, re);
    return s;
  }

  // --- The search box. --------------------------------------------------
  var root = document.documentElement.getAttribute("data-root") || "";
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!input || !list) return;
  var loading = false;
  var selected = -1;

  input.disabled = false;

  function load(then) {
    if (window.chaosbookSearch) { then(); return; }
    if (loading) return;
    loading = true;
    var s = document.createElement("script");
    s.src = root + "searchindex.js";
    s.onload = function () { loading = false; then(); };
    s.onerror = function () { loading = false; setStatus("The search index could not be loaded."); };
    document.head.appendChild(s);
  }

  function setStatus(text) { if (status) status.textContent = text; }

  function link(index, d, marks, withTitle) {
    var re = marks && marks.re;
    var doc = index.docs[d];
    var page = index.pages[doc[0]];
    var a = document.createElement("a");
    a.href = root + page[0] + doc[1];
    if (withTitle) a.appendChild(span("search-result-title", page[1], re));
    if (doc[2] && doc[2] !== page[1]) a.appendChild(span("search-result-section", doc[2], re));
    if (doc[3]) a.appendChild(span("search-result-teaser", snippet(doc[3], lowered(index, d)[1], marks), re));
    return a;
  }

  function render() {
    var query = input.value;
    selected = -1;
    var index = window.chaosbookSearch;
    if (!query.trim() || !index) { list.textContent = ""; list.hidden = true; setStatus(""); return; }
    var found = search(index, query);
    var marks = marker(index, found.parsed);
    var count = 0;
    // Built apart and put in at once: one change to the page per keystroke.
    var items = document.createDocumentFragment();
    found.pages.forEach(function (group) {
      var li = document.createElement("li");
      li.className = "search-page";
      li.appendChild(link(index, group.docs[0], marks, true));
      count++;
      if (group.docs.length > 1) {
        var sub = document.createElement("ul");
        sub.className = "search-sections";
        for (var k = 1; k < group.docs.length; k++) {
          var item = document.createElement("li");
          item.appendChild(link(index, group.docs[k], marks, false));
          sub.appendChild(item);
          count++;
        }
        li.appendChild(sub);
      }
      items.appendChild(li);
    });
    if (found.pages.length === 0) {
      var none = document.createElement("li");
      none.className = "search-empty";
      var shown = query.trim();
      if (shown.length > 60) shown = shown.slice(0, 60) + "…";
      none.textContent = "No results for “" + shown + "”";
      items.appendChild(none);
    }
    list.replaceChildren(items);
    list.hidden = false;
    var pages = found.pages.length;
    setStatus(pages === 0 ? "No results" : count + (count === 1 ? " result" : " results") + " on " + pages + (pages === 1 ? " page" : " pages"));
  }

  function move(delta) {
    var links = list.querySelectorAll("a");
    if (links.length === 0) return;
    selected = Math.max(-1, Math.min(links.length - 1, selected + delta));
    if (selected < 0) input.focus(); else links[selected].focus();
  }

  input.addEventListener("focus", function () { load(function () { if (input.value) render(); }); });
  input.addEventListener("input", function () { load(render); });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown") { ev.preventDefault(); move(1); }
    else if (ev.key === "Enter") {
      var first = list.querySelector("a");
      if (first) window.location.href = first.href;
    } else if (ev.key === "Escape") { input.value = ""; render(); input.blur(); }
  });
  list.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown") { ev.preventDefault(); move(1); }
    else if (ev.key === "ArrowUp") { ev.preventDefault(); move(-1); }
    else if (ev.key === "Escape") { input.focus(); }
  });
  document.addEventListener("click", function (ev) {
    if (!list.contains(ev.target) && ev.target !== input) list.hidden = true;
  });
})();
