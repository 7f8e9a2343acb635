// The operator's page: reads the admin JSON API with a bearer token kept in this tab's session storage and renders
// it with DOM text nodes only (never HTML from the API). docs/API.md, "Operator page".
"use strict";

const TOKEN_KEY = "strongroom.adminToken";
const REFRESH_MS = 5000;

let refreshTimer = null;
let deadlines = new Map(); // versionless KEK URL -> {secondsLeft, at: performance.now() when read}

function $(id) {
  return document.getElementById(id);
}

function el(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) {
    e.textContent = String(text);
  }
  if (className) {
    e.className = className;
  }
  return e;
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const c of cells) {
    tr.appendChild(c instanceof Node ? c : el("td", c));
  }
  return tr;
}

function show(message, isError) {
  const m = $("message");
  m.textContent = message || "";
  m.className = isError ? "error" : "";
}

async function api(method, path) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const response = await fetch(path, {
    method: method,
    headers: { "Authorization": "Bearer " + token },
    cache: "no-store",
    credentials: "omit",
  });
  const body = await response.json().catch(() => ({}));
  if (response.status === 401) {
    signOut("The token was not accepted; enter an admin token.");
    throw new Error("unauthorized");
  }
  if (!response.ok && !(path === "/health" && response.status === 503)) {
    const code = body.error ? body.error.code + ": " + body.error.message : "HTTP " + response.status;
    throw new Error(method + " " + path + " failed: " + code);
  }
  return body;
}

// "https://vault/keys/name/version" -> {url: "https://vault/keys/name", name: "name", version: "version"}
function splitKek(kek) {
  const m = /^(.*\/keys\/([^/]+))(?:\/([^/]+))?$/.exec(kek || "");
  return m ? { url: m[1], name: m[2], version: m[3] || "" } : { url: kek, name: kek, version: "" };
}

function duration(seconds) {
  seconds = Math.max(0, Math.floor(seconds));
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (d > 0) return d + "d " + h + "h";
  if (h > 0) return h + "h " + m + "m";
  if (m > 0) return m + "m " + s + "s";
  return s + "s";
}

function graceLeft(kekUrl) {
  const d = deadlines.get(kekUrl);
  if (!d) return "";
  return duration(d.secondsLeft - (performance.now() - d.at) / 1000);
}

function stateCell(state) {
  const td = document.createElement("td");
  td.appendChild(el("span", state, "badge " + state));
  return td;
}

function actionCell(volume) {
  const td = document.createElement("td");
  const revalidate = el("button", "Revalidate");
  revalidate.type = "button";
  revalidate.dataset.action = "revalidate";
  revalidate.dataset.volume = volume;
  const rotate = el("button", "Rotate DEK");
  rotate.type = "button";
  rotate.dataset.action = "rollover";
  rotate.dataset.volume = volume;
  td.append(revalidate, rotate);
  return td;
}

function renderVolumes(volumes) {
  const body = $("volumes").tBodies[0];
  body.replaceChildren();
  if (volumes.length === 0) {
    body.appendChild(row([el("td", "No volumes yet.", "muted")]));
    return;
  }
  const now = Date.now();
  for (const v of volumes) {
    const kek = splitKek(v.kek);
    const keyCell = el("td", kek.url, "key");
    const grace = el("td", v.keyState === "DEGRADED" ? graceLeft(kek.url) : "");
    grace.dataset.kek = kek.url;
    grace.className = "grace";
    const dekAge = v.activeDekCreated ? duration((now - Date.parse(v.activeDekCreated)) / 1000) : "";
    const r = v.rollover;
    const rollover = r
      ? r.state + " " + (r.blocksTotal ? Math.floor((100 * r.blocksScanned) / r.blocksTotal) : 100) + "%"
      : "done";
    const cause = v.keyStateCause ? v.keyStateCause + (v.keyStateCauseDetail ? " — " + v.keyStateCauseDetail : "") : "";
    const tr = row([
      el("td", v.name),
      keyCell,
      el("td", kek.version, "key"),
      stateCell(v.keyState),
      el("td", cause),
      grace,
      el("td", dekAge),
      el("td", rollover),
      actionCell(v.name),
    ]);
    tr.dataset.volume = v.name;
    body.appendChild(tr);
  }
}

function tickGrace() {
  for (const td of document.querySelectorAll("#volumes td.grace")) {
    if (td.textContent !== "") {
      td.textContent = graceLeft(td.dataset.kek);
    }
  }
}

function renderAlerts(health, activity) {
  const list = $("alerts");
  list.replaceChildren();
  for (const k of health.keys || []) {
    if (k.state !== "AVAILABLE") {
      const li = el("li");
      li.append(
        el("span", k.state, "badge " + k.state),
        " " + splitKek(k.kek).name + " (" + k.identity + ") since " + k.since + ": " + (k.cause || "") +
          (k.causeDetail ? " — " + k.causeDetail : ""));
      list.appendChild(li);
    }
  }
  const vault = health.vault || {};
  for (const w of vault.warnings || []) {
    list.appendChild(el("li", "vault: " + w));
  }
  for (const f of (health.storage || {}).faultedVolumes || []) {
    list.appendChild(el("li", "storage: volume " + f.volumeId + " " + f.state + " since " + f.since + ": " + f.cause));
  }
  for (const e of activity) {
    if (e.type === "stateChange") {
      list.appendChild(el("li", e.time + " " + (e.volumes || []).join(", ") + ": " + (e.detail || "") +
        (e.cause ? " (" + e.cause + ")" : "")));
    }
  }
  if (list.children.length === 0) {
    list.appendChild(el("li", "No alerts: every key is available.", "none"));
  }
}

function renderVault(health) {
  const body = $("vault").tBodies[0];
  body.replaceChildren();
  const latency = (health.vault || {}).latency || [];
  if (latency.length === 0) {
    body.appendChild(row([el("td", "No vault calls yet.", "muted")]));
  }
  for (const l of latency) {
    const ms = (x) => x.toFixed(1) + " ms";
    body.appendChild(row([
      el("td", l.endpoint, "key"),
      l.region + (l.crossRegion ? " (cross-region)" : ""),
      l.operation,
      l.calls,
      ms(l.p50Ms),
      ms(l.p99Ms),
      ms(l.maxMs),
    ]));
  }
}

function renderActivity(events) {
  const body = $("activity").tBodies[0];
  body.replaceChildren();
  for (const e of events) {
    const outcome = document.createElement("td");
    outcome.appendChild(el("span", e.outcome, "badge " + e.outcome));
    body.appendChild(row([e.time, e.type, outcome, (e.volumes || []).join(", "), e.cause || "", e.detail || ""]));
  }
}

async function refresh() {
  try {
    const [volumes, health, activity] = await Promise.all([
      api("GET", "/v1/volumes"),
      api("GET", "/health"),
      api("GET", "/v1/activity?limit=20"),
    ]);
    const now = performance.now();
    deadlines = new Map();
    for (const d of (health.keyAccess || {}).deadlines || []) {
      deadlines.set(d.kek, { secondsLeft: d.secondsLeft, at: now });
    }
    renderVolumes(volumes.volumes);
    renderAlerts(health, activity.events);
    renderVault(health);
    renderActivity(activity.events);
    const status = $("gateway-status");
    status.textContent = "gateway " + health.status;
    status.className = "badge " + health.status;
    $("updated").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    if (e.message !== "unauthorized") {
      show(e.message, true);
    }
  }
}

async function act(button) {
  const volume = button.dataset.volume;
  const action = button.dataset.action;
  button.disabled = true;
  try {
    const result = await api("POST", "/v1/volumes/" + encodeURIComponent(volume) + "/" + action);
    if (action === "revalidate") {
      show("Revalidated " + volume + ": key " + result.keyState +
        (result.keyStateCause ? " (" + result.keyStateCause + ")" : ""), false);
    } else {
      show("Rotated the DEK of " + volume + ": new active DEK " + result.dekIds[0], false);
    }
  } catch (e) {
    if (e.message !== "unauthorized") {
      show(e.message, true);
    }
  } finally {
    button.disabled = false;
  }
  await refresh();
}

function signedIn() {
  $("sign-in").hidden = true;
  $("content").hidden = false;
  $("sign-out").hidden = false;
  refresh();
  clearInterval(refreshTimer);
  refreshTimer = setInterval(refresh, REFRESH_MS);
}

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  clearInterval(refreshTimer);
  $("content").hidden = true;
  $("sign-out").hidden = true;
  $("sign-in").hidden = false;
  const status = $("gateway-status");
  status.textContent = "not signed in";
  status.className = "badge";
  show(message, Boolean(message));
}

document.addEventListener("DOMContentLoaded", () => {
  $("sign-in").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("token");
    sessionStorage.setItem(TOKEN_KEY, input.value.trim());
    input.value = "";
    show("");
    signedIn();
  });
  $("sign-out").addEventListener("click", () => signOut(""));
  $("volumes").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (button) {
      act(button);
    }
  });
  setInterval(tickGrace, 1000);
  if (sessionStorage.getItem(TOKEN_KEY)) {
    signedIn();
  } else {
    signOut("");
  }
});
