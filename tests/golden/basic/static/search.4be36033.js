/* thrustlib: the search page. The index written at build time (search/index.<hash>.json)
   is fetched once, from the same site, and searched in the page: words in any order,
   prefixes, one typo in longer words, separators ignored. Filters combine with AND
   across muscle, equipment and level and with OR inside one of them; the query and the
   filters live in the address, so a search can be shared, reloaded and gone back to.
   Without this script the page is a list of every exercise and links to the muscle,
   equipment and level pages. */
(function () {
  "use strict";

  var root = document.getElementById("search");
  if (!root || !window.fetch || !window.URLSearchParams || !window.history.pushState) {
    return;
  }

  var PAGE_SIZE = 50;
  var MAX_WORDS = 8;
  var TYPO_FROM = 5; // words this long may have one typo
  var ANNOUNCE_AFTER = 500; // ms of quiet typing before the count is read out
  var SHORT_TEXT = 160; // characters of description shown under a result
  var SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
  // Where a word was found, best first: the order results are ranked in.
  var TITLE = 0, ALIAS = 1, TAG = 2, RELATED = 3, DESCRIPTION = 4;
  // How it was found, best first.
  var EXACT = 0, PREFIX = 1, TYPO = 2;
  var NONE = 255;
  var FACETS = ["muscle", "equipment", "level"];
  var NO_EQUIPMENT = "none";

  var form = root.querySelector(".search-form");
  var input = root.querySelector(".search-input");
  var filters = root.querySelector(".search-filters");
  var active = root.querySelector(".search-active");
  var clear = root.querySelector(".search-clear");
  var heading = root.querySelector(".search-results-title");
  var status = root.querySelector(".search-status");
  var hits = root.querySelector(".search-hits");
  var more = root.querySelector(".search-more");
  var everything = root.querySelector(".search-all");
  var browse = root.querySelector(".search-browse");
  var prefix = root.getAttribute("data-exercise-prefix") || "";
  var suffix = root.getAttribute("data-exercise-suffix") || "";
  var boxes = {};
  FACETS.forEach(function (param) {
    boxes[param] = Array.prototype.slice.call(
      root.querySelectorAll('.search-facet[data-param="' + param + '"] input[type="checkbox"]')
    );
  });

  var index = null; // built once the file has arrived
  var shown = 0; // results drawn so far
  var results = [];
  var foundByAlias = new Set();
  var announceTimer = 0;
  var firstResults = true;

  // -- text: the same folding for the index and for what is typed -----------------------

  var NOT_ASCII = /[^\x00-\x7f]/;
  var MARKS = /\p{M}+/gu;
  var APOSTROPHES = /['\u2019\u02bc]/g;
  var WORD = /[\p{L}\p{N}]+/gu;
  var ASCII_WORD = /[a-z0-9]+/g;

  // Lowercase, accents off ("Élan" is "elan"), apostrophes gone ("farmer's" is "farmers"),
  // split at everything else. Most text is ASCII and takes the quicker road, which gives
  // the same words: a whole 10,000-exercise index is read this way before the first search.
  function words(text) {
    var lower = text.toLowerCase();
    if (NOT_ASCII.test(lower)) {
      return lower.normalize("NFD").replace(MARKS, "").replace(APOSTROPHES, "").match(WORD) || [];
    }
    if (lower.indexOf("'") !== -1) {
      lower = lower.replace(APOSTROPHES, "");
    }
    return lower.match(ASCII_WORD) || [];
  }

  // True when a and b are at most one edit apart (insert, delete, replace, or swap two
  // neighbours): the typo a query word of TYPO_FROM letters or more is forgiven.
  function nearlyEqual(a, b) {
    var la = a.length, lb = b.length;
    if (la > lb) {
      var t = a; a = b; b = t; la = a.length; lb = b.length;
    }
    if (lb - la > 1) {
      return false;
    }
    var i = 0;
    while (i < la && a.charCodeAt(i) === b.charCodeAt(i)) {
      i++;
    }
    if (i === la) {
      return true; // equal, or b has one more letter at the end
    }
    if (la === lb) {
      if (a.slice(i + 1) === b.slice(i + 1)) {
        return true; // one letter replaced
      }
      return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
    }
    return a.slice(i) === b.slice(i + 1); // one letter inserted
  }

  // -- the index ------------------------------------------------------------------------

  function implicitSlug(title) {
    // The build leaves a slug out when it is this (titles in ASCII only).
    return title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }

  function build(data) {
    var at = {};
    data.fields.forEach(function (name, n) { at[name] = n; });
    var muscles = data.muscles, equipment = data.equipment, levels = data.levels;
    var postings = new Map();
    var docs = data.exercises.map(function (row, n) {
      var slug = row[at.slug] || implicitSlug(row[at.title]);
      var bare = row[at.equipment].every(function (i) { return equipment[i][0] === "bodyweight"; });
      var level = row[at.level];
      return {
        n: n,
        slug: slug,
        title: row[at.title],
        description: row[at.description],
        aliases: row[at.aliases],
        muscles: row[at.muscles],
        secondary: row[at.secondary_muscles],
        equipment: row[at.equipment],
        level: level,
        family: row[at.family],
        titleWords: words(row[at.title]).length,
        // The values each filter sees, as the checkboxes name them.
        facets: [
          row[at.muscles].map(function (i) { return muscles[i][0]; }),
          row[at.equipment].map(function (i) { return equipment[i][0]; })
            .concat(bare ? [NO_EQUIPMENT] : []),
          level === null ? [] : [levels[level][0]]
        ]
      };
    });

    function add(doc, tier, list, joined) {
      var code = doc.n * 8 + tier;
      function put(token) {
        var found = postings.get(token);
        if (found === undefined) {
          postings.set(token, [code]);
        } else if ((found[found.length - 1] >> 3) !== doc.n) {
          found.push(code); // a document's first (best) tier for a word is the one kept
        }
      }
      for (var i = 0; i < list.length; i++) {
        put(list[i]);
        // "Pull-Ups" is also "pullups": adjacent words joined, for queries without the gap.
        if (joined && i + 1 < list.length) {
          put(list[i] + list[i + 1]);
        }
      }
    }

    var nameWords = function (table) {
      return table.map(function (entry) { return words(entry[1]); });
    };
    var muscleWords = nameWords(muscles), equipmentWords = nameWords(equipment);
    var levelWords = nameWords(levels);
    docs.forEach(function (doc) {
      add(doc, TITLE, words(doc.title), true);
      doc.aliases.forEach(function (alias) { add(doc, ALIAS, words(alias), true); });
      doc.muscles.forEach(function (i) { add(doc, TAG, muscleWords[i], false); });
      doc.equipment.forEach(function (i) { add(doc, TAG, equipmentWords[i], false); });
      if (doc.level !== null) {
        add(doc, TAG, levelWords[doc.level], false);
      }
      doc.secondary.forEach(function (i) { add(doc, RELATED, muscleWords[i], false); });
      if (doc.family !== null && doc.family !== doc.n) {
        add(doc, RELATED, words(docs[doc.family].title), false);
      }
      add(doc, DESCRIPTION, words(doc.description), false);
    });
    var vocabulary = Array.from(postings.keys()).sort();
    return {
      docs: docs,
      muscles: muscles,
      equipment: equipment,
      levels: levels,
      postings: postings,
      vocabulary: vocabulary
    };
  }

  // -- searching ------------------------------------------------------------------------

  // The tokens a query word matches, each with how: exact, as a prefix, or with a typo.
  function matches(word, last) {
    var vocabulary = index.vocabulary;
    var found = [];
    var lo = 0, hi = vocabulary.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (vocabulary[mid] < word) { lo = mid + 1; } else { hi = mid; }
    }
    for (var i = lo; i < vocabulary.length && vocabulary[i].startsWith(word); i++) {
      found.push([vocabulary[i], vocabulary[i] === word ? EXACT : PREFIX]);
    }
    if (word.length >= TYPO_FROM) {
      var len = word.length;
      for (var j = 0; j < vocabulary.length; j++) {
        var token = vocabulary[j];
        if (token.startsWith(word)) {
          continue;
        }
        var near = Math.abs(token.length - len) <= 1 && nearlyEqual(word, token);
        // The word being typed may be the start of a longer one with a typo in it.
        if (!near && last && token.length > len) {
          near = nearlyEqual(word, token.slice(0, len)) || nearlyEqual(word, token.slice(0, len + 1)) ||
            nearlyEqual(word, token.slice(0, len - 1));
        }
        if (near) {
          found.push([token, TYPO]);
        }
      }
    }
    return found;
  }

  // Each document's best score for one query word (tier * 3 + how), NONE if not found.
  function scores(word, last) {
    var best = new Uint8Array(index.docs.length).fill(NONE);
    matches(word, last).forEach(function (match) {
      var list = index.postings.get(match[0]);
      for (var i = 0; i < list.length; i++) {
        var score = (list[i] & 7) * 3 + match[1];
        var doc = list[i] >> 3;
        if (score < best[doc]) {
          best[doc] = score;
        }
      }
    });
    return best;
  }

  // Every way to read the query as single words and joined neighbours ("pull ups" is
  // also "pullups"), each a list of [start, length] pieces.
  function readings(count) {
    if (count === 0) {
      return [[]];
    }
    var out = readings(count - 1).map(function (r) { return r.concat([[count - 1, 1]]); });
    if (count >= 2) {
      readings(count - 2).forEach(function (r) { out.push(r.concat([[count - 2, 2]])); });
    }
    return out;
  }

  // The documents matching every word of the query, best first, ties in title order;
  // and which of them were found by one of their other names, to show those.
  function search(query) {
    var docs = index.docs;
    var list = words(query).slice(0, MAX_WORDS);
    if (list.length === 0) {
      return { docs: docs, byAlias: new Set() };
    }
    var pieces = {};
    var ways = readings(list.length).map(function (way) {
      return way.map(function (piece) {
        var key = piece[0] + ":" + piece[1];
        if (!(key in pieces)) {
          var text = list.slice(piece[0], piece[0] + piece[1]).join("");
          pieces[key] = scores(text, piece[0] + piece[1] === list.length);
        }
        return [pieces[key], piece[1]];
      });
    });
    var found = [];
    var byAlias = new Set();
    for (var d = 0; d < docs.length; d++) {
      var best = Infinity, alias = false;
      for (var w = 0; w < ways.length; w++) {
        var way = ways[w];
        var worst = 0, typos = 0, tiers = 0, prefixes = 0, inTitle = 0, named = false;
        var p = 0;
        for (; p < way.length; p++) {
          var score = way[p][0][d];
          if (score === NONE) {
            break;
          }
          var tier = (score / 3) | 0, how = score % 3;
          worst = Math.max(worst, tier);
          tiers += tier;
          typos += how === TYPO ? 1 : 0;
          prefixes += how === PREFIX ? 1 : 0;
          inTitle += tier === TITLE ? way[p][1] : 0;
          named = named || tier === ALIAS;
        }
        if (p < way.length) {
          continue; // a word this reading needs is not in the document
        }
        // Weakest field first, then typos, then how good the fields were overall, then
        // prefixes, then, for a title match, how much of the title the query leaves
        // unsaid ("Hip Thrust" before "Barbell Hip Thrust" for "hip thrust").
        var extra = inTitle ? Math.min(Math.max(docs[d].titleWords - inTitle, 0), 99) : 0;
        var key = worst * 1e8 + typos * 1e6 + tiers * 1e4 + prefixes * 1e2 + extra;
        if (key < best) {
          best = key;
          alias = named;
        }
      }
      if (best !== Infinity) {
        found.push([best, d]);
        if (alias) {
          byAlias.add(d);
        }
      }
    }
    found.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    return { docs: found.map(function (f) { return docs[f[1]]; }), byAlias: byAlias };
  }

  // -- filters --------------------------------------------------------------------------

  function chosen() {
    return FACETS.map(function (param) {
      return new Set(boxes[param].filter(function (b) { return b.checked; }).map(function (b) {
        return b.value;
      }));
    });
  }

  function passes(doc, facet, selected) {
    if (selected.size === 0) {
      return true;
    }
    var values = doc.facets[facet];
    for (var i = 0; i < values.length; i++) {
      if (selected.has(values[i])) {
        return true;
      }
    }
    return false;
  }

  // The results, and each option's count: the documents that match the query and the
  // other filters and have that option. That is how many results choosing it alone in
  // its filter would give; with options of the same filter already chosen, it is what
  // the option adds to their OR, those it shares with them included.
  function filter(found, selected) {
    var counts = FACETS.map(function () { return new Map(); });
    var out = [];
    for (var i = 0; i < found.length; i++) {
      var doc = found[i];
      var ok = [passes(doc, 0, selected[0]), passes(doc, 1, selected[1]), passes(doc, 2, selected[2])];
      if (ok[0] && ok[1] && ok[2]) {
        out.push(doc);
      }
      for (var f = 0; f < 3; f++) {
        if (ok[(f + 1) % 3] && ok[(f + 2) % 3]) {
          var values = doc.facets[f];
          for (var v = 0; v < values.length; v++) {
            counts[f].set(values[v], (counts[f].get(values[v]) || 0) + 1);
          }
        }
      }
    }
    return { results: out, counts: counts };
  }

  // -- the address ----------------------------------------------------------------------

  function readAddress() {
    var params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    FACETS.forEach(function (param) {
      var wanted = new Set(params.getAll(param));
      boxes[param].forEach(function (box) { box.checked = wanted.has(box.value); });
    });
  }

  function address() {
    var params = new URLSearchParams();
    var query = input.value.trim();
    if (query) {
      params.set("q", query);
    }
    FACETS.forEach(function (param) {
      boxes[param].forEach(function (box) {
        if (box.checked) {
          params.append(param, box.value);
        }
      });
    });
    var text = params.toString();
    return window.location.pathname + (text ? "?" + text : "");
  }

  // Typing replaces the current entry (no entry per letter); a filter, a submitted
  // search or a cleared one adds an entry, so the back button undoes it.
  function remember(push) {
    var next = address();
    if (next === window.location.pathname + window.location.search) {
      return;
    }
    if (push) {
      window.history.pushState(null, "", next);
    } else {
      window.history.replaceState(null, "", next);
    }
  }

  // -- drawing --------------------------------------------------------------------------

  function plural(n, one, many) {
    return n + " " + (n === 1 ? one : many);
  }

  function announce(text, soon) {
    window.clearTimeout(announceTimer);
    if (soon) {
      status.textContent = text;
    } else {
      announceTimer = window.setTimeout(function () { status.textContent = text; }, ANNOUNCE_AFTER);
    }
  }

  function shorten(text) {
    if (text.length <= SHORT_TEXT) {
      return text;
    }
    var cut = text.lastIndexOf(" ", SHORT_TEXT);
    return text.slice(0, cut > SHORT_TEXT / 2 ? cut : SHORT_TEXT).replace(/[\s,;:.]+$/, "") + "\u2026";
  }

  function element(name, className, text) {
    var node = document.createElement(name);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function hit(doc) {
    var item = element("li", "card search-hit");
    var title = element("h3", "card-title");
    var link = element("a", "", doc.title);
    if (SLUG.test(doc.slug)) {
      link.href = prefix + doc.slug + suffix;
    }
    title.appendChild(link);
    item.appendChild(title);
    item.appendChild(element("p", "card-text", shorten(doc.description)));
    if (foundByAlias.has(doc.n) && doc.aliases.length) {
      item.appendChild(element("p", "search-aliases", "Also called " + doc.aliases.join(", ")));
    }
    var tags = element("ul", "tags");
    if (doc.level !== null) {
      tags.appendChild(element("li", "tag tag-level", index.levels[doc.level][1]));
    }
    doc.muscles.forEach(function (i) { tags.appendChild(element("li", "tag", index.muscles[i][1])); });
    doc.equipment.forEach(function (i) {
      tags.appendChild(element("li", "tag tag-quiet", index.equipment[i][1]));
    });
    if (tags.firstChild) {
      item.appendChild(tags);
    }
    return item;
  }

  function drawMore() {
    var start = shown;
    var end = Math.min(results.length, shown + PAGE_SIZE);
    var batch = document.createDocumentFragment();
    for (var i = start; i < end; i++) {
      batch.appendChild(hit(results[i]));
    }
    hits.appendChild(batch);
    shown = end;
    var left = results.length - shown;
    more.hidden = left <= 0;
    more.textContent = "Show " + Math.min(left, PAGE_SIZE) + " more (" + left + " left)";
    return start;
  }

  function drawCounts(counts, selected) {
    FACETS.forEach(function (param, f) {
      boxes[param].forEach(function (box) {
        var n = counts[f].get(box.value) || 0;
        var label = box.closest("label");
        var number = label && label.querySelector(".search-count");
        if (number) {
          number.textContent = String(n);
        }
        if (label) {
          label.classList.toggle("is-empty", n === 0 && !selected[f].has(box.value));
        }
      });
    });
    var chosenCount = selected.reduce(function (sum, set) { return sum + set.size; }, 0);
    active.textContent = chosenCount ? "(" + chosenCount + " chosen)" : "";
    clear.hidden = chosenCount === 0 && !input.value.trim();
  }

  // Search, filter and draw what the query and the boxes say now.
  function run(soon) {
    if (index === null) {
      return;
    }
    var query = input.value.trim();
    var selected = chosen();
    var found = search(query);
    var filtered = filter(found.docs, selected);
    foundByAlias = found.byAlias;
    // A query of separators alone ("-") asks nothing: the page shows everything.
    var asked = words(query).length > 0;
    var searching = asked || selected.some(function (s) { return s.size > 0; });
    results = filtered.results;
    drawCounts(filtered.counts, selected);
    hits.textContent = "";
    shown = 0;
    if (searching) {
      drawMore();
    } else {
      more.hidden = true;
    }
    // With nothing asked, the list of every exercise the page already has is the answer.
    hits.hidden = !searching || results.length === 0;
    everything.hidden = searching;
    heading.textContent = searching ? "Results" : "All exercises";
    var total = index.docs.length;
    var text;
    if (!searching) {
      text = plural(total, "exercise", "exercises");
    } else if (results.length === 0) {
      text = "No exercise matches. Try fewer words, or fewer filters.";
    } else {
      text = plural(results.length, "exercise matches", "exercises match") +
        (results.length > shown ? "; showing the first " + shown : "");
    }
    announce(text, soon);
    if (firstResults) {
      firstResults = false;
      root.setAttribute("data-state", "ready");
      if (window.performance && window.performance.mark) {
        window.performance.mark("thrustlib-search-results");
      }
    }
  }

  // -- wiring ---------------------------------------------------------------------------

  form.hidden = false;
  if (browse) {
    browse.hidden = true;
  }
  // Phones get the results first; wider screens have room for the filters open.
  filters.open = window.matchMedia("(min-width: 40rem)").matches;
  readAddress();
  var asked = chosen().some(function (set) { return set.size > 0; });
  if (asked) {
    filters.open = true;
  }
  if (asked || input.value.trim()) {
    // Hidden before the browser first lays the page out: a list of 10,000 links that
    // is about to be replaced by results would be the slowest part of the page.
    everything.hidden = true;
    heading.textContent = "Results";
  }

  input.addEventListener("input", function () {
    run(false);
    remember(false);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run(true);
    remember(true);
    heading.focus();
  });
  form.addEventListener("change", function (event) {
    if (event.target && event.target.type === "checkbox") {
      run(true);
      remember(true);
    }
  });
  clear.addEventListener("click", function () {
    input.value = "";
    FACETS.forEach(function (param) {
      boxes[param].forEach(function (box) { box.checked = false; });
    });
    run(true);
    remember(true);
    input.focus();
  });
  more.addEventListener("click", function () {
    var first = drawMore();
    var link = hits.children[first] && hits.children[first].querySelector("a");
    // Keyboard users go on reading where the new results start, not at the top.
    if (link) {
      link.focus();
    }
    announce("Showing " + shown + " of " + results.length, true);
  });
  window.addEventListener("popstate", function () {
    readAddress();
    run(true);
  });

  // Without the index the page goes back to what it is without the script.
  function unavailable() {
    root.setAttribute("data-state", "failed");
    form.hidden = true;
    if (browse) {
      browse.hidden = false;
    }
    everything.hidden = false;
    announce("The search could not be loaded. Every exercise is listed below.", true);
  }

  var source = new URL(root.getAttribute("data-index") || "", document.baseURI);
  if (source.origin !== window.location.origin) {
    unavailable(); // the index is this site's own file, or nothing is fetched
    return;
  }
  announce("Loading the exercises\u2026", true);
  window.fetch(source.href, { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    })
    .then(function (data) {
      index = build(data);
      run(true);
    })
    .catch(unavailable);
})();
