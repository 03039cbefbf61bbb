// The audience screen in a browser: follows the host's show over server-sent events.
// Every slide change is computed here from the talk's schedule (the host's
// clock rebuilt), in the host's monotonic time: hostNow() = our clock + offset.
"use strict";

const TIME_UP_SHOWN = 10;   // seconds "Time!" stays up after a talk ends
const ABORT_SHOWN = 4;      // seconds "Talk stopped" stays up
const EARLY = 0.004;        // wake this much before a deadline, then wait out the rest
const SCORE_SMALLEST = 14;  // pixels: the smallest a closed vote's scores are drawn (fewer of them, then)
const GLYPH = 0.7;          // a bold digit's width, in ems

const $ = (id) => document.getElementById(id);
let state = null;           // the last state from the host
let offset = null;          // host monotonic seconds minus ours
let timer = null;
let slidesFor = null;       // talk key whose slides are loaded
let images = [];            // preloaded slide images of the talk on stage
let shownSlide = -1;
let gongFor = null;         // talk key the gong has sounded for
let audio = null;
window.battledecks = { shown: [], state: () => state, hostNow: () => hostNow() };

function localNow() { return performance.now() / 1000; }
function hostNow() { return localNow() + (offset || 0); }

// --- the talk clock (battledecks/core/clock.py) ---------------------------------
function clockState(s, now) {
  const period = s.seconds / s.slides, last = s.slides - 1;
  if (s.started_at === null) return { phase: "ready", slide: 0, countdown: s.countdown, talkLeft: s.seconds, paused: false };
  const end = s.paused_since !== null ? s.paused_since : now;
  const run = Math.max(0, end - s.started_at - s.paused_total) + s.skipped;
  const paused = s.paused_since !== null;
  if (run < s.countdown) return { phase: s.aborted ? "aborted" : "countdown", slide: 0, countdown: s.countdown - run, talkLeft: s.seconds, paused };
  const talk = run - s.countdown;
  if (talk >= s.seconds) return { phase: s.aborted ? "aborted" : "time-up", slide: last, countdown: 0, talkLeft: 0, paused: false };
  let slide = Math.min(last, Math.floor(talk / period));
  if (Math.abs(talk - (slide + 1) * period) <= 1e-9 && slide < last) slide += 1;
  return { phase: s.aborted ? "aborted" : "talk", slide, countdown: 0, talkLeft: s.seconds - talk, paused };
}
function at(s, run) { return s.started_at + s.paused_total - s.skipped + run; }
function nextChange(s, now) {
  if (s.started_at === null || s.paused_since !== null || s.aborted) return null;
  const run = Math.max(0, now - s.started_at - s.paused_total) + s.skipped;
  if (run < s.countdown) return at(s, s.countdown - (Math.ceil(s.countdown - run) - 1));
  const talk = run - s.countdown;
  if (talk >= s.seconds) return null;
  const period = s.seconds / s.slides;
  const st = clockState(s, now);
  const nextSecond = at(s, s.countdown + s.seconds - (Math.ceil(s.seconds - talk - 1e-9) - 1));
  return Math.min(at(s, s.countdown + (st.slide + 1) * period), nextSecond);
}
function endOf(s) { return at(s, s.countdown + s.seconds); }

// --- showing --------------------------------------------------------------------
function show(view) {
  for (const el of document.querySelectorAll(".view")) el.classList.toggle("shown", el.id === view);
  document.body.dataset.view = view;  // the gong's button shows only between talks, never over a slide
}
function duration(seconds) {
  const whole = Math.max(0, Math.ceil(seconds - 1e-9));
  return Math.floor(whole / 60) + ":" + String(whole % 60).padStart(2, "0");
}
function talkKey(talk) { return talk.presenter + "\u0000" + talk.round + "\u0000" + talk.schedule.started_at; }
function slideUrl(talk, n) { return "/slides/" + encodeURIComponent(talk.deck) + "/" + (n + 1); }

// The server gives a slide only once the one before it shows (during the 3-2-1, the first):
// each is asked for then, and asked again a moment later if this clock ran a hair ahead of the host's.
function preload(talk, n, again) {
  if (n < 0 || n >= talk.schedule.slides || images[n]) return;
  const key = talkKey(talk);
  const img = new Image();
  img.onerror = () => {
    if (images[n] !== img) return;
    images[n] = null;
    setTimeout(() => {
      if (slidesFor !== key || !state || !state.talk || state.talk.ended) return;
      preload(state.talk, n, (again || 0) + 1);
      if (n === shownSlide) shownSlide = -1;  // put it on screen once it comes
      render();
    }, 500);
  };
  img.src = slideUrl(talk, n) + (again ? "?again=" + again : "");
  img.decode().catch(() => {});
  images[n] = img;
}

function render() {
  clearTimeout(timer);
  timer = null;
  if (!state) { show("waiting"); return; }
  $("event-name").textContent = state.event;
  const now = hostNow();
  // The host's latest step: a vote shows until it closes or the show moves on (a draw, a talk, the standings).
  if (state.stage === "vote" && state.vote && state.vote.open) { renderVote(state.vote); return; }
  if (state.stage === "voted" && state.voted && renderVoted(state.voted, now)) return;
  if (state.stage === "talk" && state.talk && renderTalk(state.talk, now)) return;
  if (state.stage === "reveal" && state.reveal) { renderReveal(state.reveal, now); return; }
  if (state.stage === "standings" && state.standings) { renderStandings(state.standings); return; }
  renderIdle();
}

function renderVote(vote) {
  $("vote-for").textContent = "Vote for " + vote.presenter + (vote.step ? " (" + vote.step + ")" : "") + " on your phone";
  const qr = $("vote-qr");
  if (qr.dataset.url !== vote.url) { qr.dataset.url = vote.url; qr.src = "/vote/qr.svg?u=" + encodeURIComponent(vote.url); }
  $("vote-code").textContent = vote.code;
  const url = $("vote-url");
  if (url.dataset.url !== vote.url) { url.dataset.url = vote.url; url.replaceChildren(...breakable(vote.url || "")); }
  $("vote-count").textContent = votes(vote.count);
  show("vote");
}

function votes(n) { return n + (n === 1 ? " vote" : " votes"); }

// An address in pieces that wrap sensibly and are never cut: the host and port on a line, then the path
// ("/vote?c=CODE") whole; a host and port too wide for the screen wrap before a "." or ":" of the host.
function breakable(text) {
  const match = /^([a-z][a-z0-9+.-]*:\/\/[^/]*)(.*)$/i.exec(text);
  const [origin, path] = match ? [match[1], match[2]] : ["", text];
  const start = origin.indexOf("//") + 2;
  const pieces = [];
  if (origin) pieces.push(piece(cut(origin, (t, i) => i > start && (t[i] === "." || t[i] === ":")).map(piece)));
  pieces.push(...cut(path, (t, i) => t[i] === "/").map(piece));
  return pieces.flatMap((p, i) => (i ? [document.createElement("wbr"), p] : [p]));
}
function cut(text, before) {
  const parts = [];
  let from = 0;
  for (let i = 1; i < text.length; i++) if (before(text, i)) { parts.push(text.slice(from, i)); from = i; }
  if (text.length) parts.push(text.slice(from));
  return parts;
}
function piece(content) {
  const span = document.createElement("span");
  if (typeof content === "string") span.textContent = content;
  else span.append(...content.flatMap((p, i) => (i ? [document.createElement("wbr"), p] : [p])));
  return span;
}

// A vote just closed: a bar per score with the phones that gave it, for a while (then who is next).
function renderVoted(voted, now) {
  const until = voted.at + voted.shown;
  if (now >= until) return false;
  $("voted-for").textContent = "How the room voted for " + voted.presenter;
  $("voted-count").textContent = votes(voted.count);
  const bars = $("bars");
  const most = Math.max(1, ...voted.bars.map((b) => b.count));
  // Scores and counts as big as their columns let them be; on a fine scale in a narrow window, every
  // other score (or every third...) is shown, never fewer counts.
  const n = voted.bars.length;
  const chars = Math.max(1, ...voted.bars.map((b) => b.score.length));
  const column = Math.min(0.92 * innerWidth, 1.6 * innerHeight) / n;
  const every = Math.max(1, Math.ceil(SCORE_SMALLEST * chars * GLYPH / (0.9 * column)));
  bars.style.setProperty("--n", String(n));
  bars.style.setProperty("--chars", String(chars));
  bars.style.setProperty("--every", String(every));
  bars.style.setProperty("--digits", String(Math.max(1, ...voted.bars.map((b) => String(b.count).length))));
  bars.replaceChildren(...voted.bars.map((b) => {
    const bar = document.createElement("div"); bar.className = "bar";
    const track = document.createElement("div"); track.className = "track";
    const fill = document.createElement("div"); fill.className = "fill";
    const height = 85 * b.count / most;  // the tallest leaves room for its count above it
    fill.style.height = height + "%";
    const n = document.createElement("span"); n.className = "n" + (b.count ? "" : " none");
    n.textContent = String(b.count);
    n.style.bottom = height + "%";
    track.append(fill, n);
    const score = document.createElement("span"); score.className = "score";
    score.textContent = voted.bars.indexOf(b) % every === 0 ? b.score : "";
    bar.append(track, score);
    return bar;
  }));
  show("voted");
  arm(until);
  return true;
}

function renderIdle() {
  const next = state.next;
  $("next-label").textContent = next ? "Next up" : "";
  $("next-name").textContent = next || "";
  // The draw's commitment, for the room to note before the first draw: every draw can be checked against it.
  $("commitment").textContent = state.commitment ? "Draw commitment: " + state.commitment : "";
  show("idle");
}

function renderReveal(reveal, now) {
  $("reveal-for").textContent = "A deck for " + reveal.presenter;
  $("reveal-room").textContent = reveal.room ? "with the room's numbers " + reveal.room : "";
  const left = reveal.at + reveal.suspense - now;
  // The title comes when the host's screen reveals it: suspense until then, however long it takes.
  const suspense = left > 0 || reveal.revealed === false;
  $("reveal-suspense").style.display = suspense ? "" : "none";
  $("reveal-title").textContent = suspense ? "" : (reveal.title || "");
  $("reveal-topic").textContent = suspense || !reveal.topic ? "" : "Topic: " + reveal.topic;
  show("reveal");
  if (left > 0) arm(reveal.at + reveal.suspense);
}

function renderStandings(st) {
  // "standings": the table as it stands; "winner": the podium, announced.
  const rows = $("standings-rows");
  rows.replaceChildren();
  let head = {third: "Third place", second: "Second place"}[st.show] || "Standings";
  let shown = st.rows;
  if (st.show === "winner") {
    if (st.sudden_death.length) head = "Tie for first: sudden death!";
    else if (st.winners.length > 1) head = "Joint winners: " + st.winners.join(" & ");
    else if (st.winners.length === 1) head = "The winner is " + st.winners[0] + "!";
    shown = st.rows.filter((r) => r.rank <= 3);
  }
  $("standings-head").textContent = head;
  for (const r of shown) {
    const li = document.createElement("li");
    const rank = document.createElement("span"); rank.className = "rank"; rank.textContent = r.rank + (r.tied ? "=" : "");
    const name = document.createElement("span"); name.textContent = r.presenter;
    const total = document.createElement("span"); total.className = "total"; total.textContent = r.total;
    li.append(rank, name, total);
    rows.append(li);
  }
  $("fan").textContent = st.show === "winner" && st.fan_favourites.length ? "Fan favourite: " + st.fan_favourites.join(" & ") : "";
  show("standings");
}

function renderTalk(talk, now) {
  const s = talk.schedule;
  const key = talkKey(talk);
  if (slidesFor !== key) { slidesFor = key; images = []; shownSlide = -1; $("slide").classList.remove("shown"); }
  const c = clockState(s, now);
  const ended = talk.ended;
  if (c.phase === "aborted" || (ended && ended.how !== "time")) {
    const since = ended ? ended.at : now;
    if (now - since > ABORT_SHOWN) return false;
    curtain("", "Talk stopped");
    arm(since + ABORT_SHOWN);
    show("talk");
    return true;
  }
  if (c.phase === "time-up") {
    if (now - endOf(s) > TIME_UP_SHOWN) return false;
    curtain("", "Time!");
    $("remaining").textContent = "0:00";
    $("paused").classList.remove("shown");
    if (gongFor !== key) { gongFor = key; gong(); }
    arm(endOf(s) + TIME_UP_SHOWN);
    show("talk");
    return true;
  }
  show("talk");
  $("presenter").textContent = talk.presenter + (talk.title ? " \u00b7 " + talk.title : "");
  $("remaining").textContent = duration(c.talkLeft);
  $("remaining").classList.toggle("low", c.talkLeft <= 30);
  $("paused").classList.toggle("shown", c.paused);
  if (c.phase === "countdown") {
    preload(talk, 0);
    curtain(String(Math.max(1, Math.ceil(c.countdown - 1e-9))), "");
    $("slide-no").textContent = "get ready";
  } else {
    $("curtain").classList.add("hidden");
    preload(talk, c.slide);
    if (c.slide !== shownSlide) {
      shownSlide = c.slide;
      const img = $("slide");
      img.src = images[c.slide] ? images[c.slide].src : slideUrl(talk, c.slide);
      img.classList.add("shown");
      window.battledecks.shown.push({ slide: c.slide, at: hostNow(), due: at(s, s.countdown + c.slide * s.seconds / s.slides) });
    }
    preload(talk, c.slide + 1);
    $("slide-no").textContent = (c.slide + 1) + "/" + s.slides;
  }
  const next = nextChange(s, now);
  if (next !== null) arm(next);
  return true;
}

function curtain(count, text) {
  $("curtain").classList.remove("hidden");
  $("count").textContent = count;
  $("curtain-text").textContent = text;
}

// A deadline: wake a little early, then wait out the rest on the next frames.
function arm(due) {
  clearTimeout(timer);
  const delay = Math.max(0, (due - hostNow() - EARLY) * 1000);
  timer = setTimeout(function wake() {
    const left = due - hostNow();
    if (left > 0.0005) { timer = setTimeout(wake, Math.max(0, left * 1000 - 1)); return; }
    render();
  }, delay);
}

// --- the gong: struck in the browser (WebAudio), no sound file -------------------
function gong() {
  if (!audio || audio.state !== "running") return;
  const t = audio.currentTime;
  const out = audio.createGain();
  out.gain.setValueAtTime(0.0001, t);
  out.gain.exponentialRampToValueAtTime(0.9, t + 0.02);
  out.gain.exponentialRampToValueAtTime(0.0001, t + 6);
  out.connect(audio.destination);
  for (const [ratio, level, decay] of [[1, 1, 6], [1.48, 0.5, 4], [2.03, 0.45, 3.5], [2.74, 0.3, 2.5], [3.76, 0.2, 2], [0.5, 0.35, 5]]) {
    const osc = audio.createOscillator();
    const g = audio.createGain();
    osc.frequency.setValueAtTime(110 * ratio, t);
    osc.frequency.exponentialRampToValueAtTime(110 * ratio * 0.985, t + decay);
    g.gain.setValueAtTime(level, t);
    g.gain.exponentialRampToValueAtTime(0.0001, t + decay);
    osc.connect(g); g.connect(out);
    osc.start(t); osc.stop(t + decay);
  }
  window.battledecks.gongs = (window.battledecks.gongs || 0) + 1;
}
function allowSound() {
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!Ctx) return;
  if (!audio) audio = new Ctx();
  audio.resume().then(() => document.body.classList.add("sound-on"));
}
document.addEventListener("click", allowSound);
document.addEventListener("keydown", allowSound);

// --- the stream ----------------------------------------------------------------
function connect() {
  const source = new EventSource("/events");
  let best = null;
  function take(event) {
    const received = localNow();
    const msg = JSON.parse(event.data);
    const sample = msg.now - received;
    if (best === null || sample > best) { best = sample; offset = sample; }
    if (msg.state) { state = msg.state; render(); }
  }
  source.addEventListener("state", take);
  source.addEventListener("change", take);
  source.addEventListener("beat", take);
  source.onopen = () => { best = null; };
  source.onerror = () => {
    state = null;
    render();
    if (source.readyState === EventSource.CLOSED) { setTimeout(connect, 1000); }
  };
}
connect();
