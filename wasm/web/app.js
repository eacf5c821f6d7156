// The osallisuus demo page: plain DOM, no framework. Every action goes
// through globalThis.osallisuus (see osallisuus.d.ts); every change is
// appended to the journal saved in localStorage.

const JOURNAL = "osallisuus.journal", KEYS = "osallisuus.keys", LANG = "osallisuus.lang";
const SERVICES = ["aikuissosiaalityo", "sosiaalinen_kuntoutus", "paihdepalvelut", "asumispalvelut"];

const T = {
  fi: {
    skip: "Siirry sisältöön", title: "Asiakkaat kehittäjinä", loading: "Ladataan…",
    lead: "Asiakasosallisuuden malli selaimessa: asiakasraati, palaute, kokemusasiantuntijat ja palautesilmukka. Kaikki tieto pysyy tässä selaimessa.",
    sample: "Lataa esimerkkihyvinvointialue", reset: "Tyhjennä", footer: "osallisuus – avoin Go-kirjasto asiakasosallisuuteen. Tila tallentuu selaimen localStorageen tapahtumaketjuna.",
    tabPanel: "Asiakasraati", tabFeedback: "Palaute", tabReceipt: "Kuitti", tabReport: "Sosiaalinen raportti", tabExperts: "Kokemusasiantuntijat", tabLoop: "Palautesilmukka", tabHouse: "Osallisuuden talo",
    saved: (n, ok) => `${n} tapahtumaa tallessa selaimessa – ketju ${ok ? "tarkistettu ✓" : "RIKKI ✗"}`,
    createPanel: "Perusta asiakasraati", constituted: "Raati on päätösvaltainen kokoonpanoltaan ✓", notConstituted: "Raati ei ole vielä päätösvaltainen:",
    addMember: "Lisää jäsen", name: "Nimi", service: "Palvelu", type: "Jäsentyyppi", addFive: "Lisää viisi jäsentä", members: "Jäsenet",
    makeChair: "Puheenjohtajaksi", makeSecretary: "Sihteeriksi", holdMeeting: "Pidä kokous, kaikki jäsenet paikalla", official: "Kokous oli virallinen ✓", notOfficial: "Kokous ei ollut virallinen:",
    statement: "Kannanotto", adopt: "Hyväksy kannanotto", statements: "Kannanotot ja vastaukset", answer: "Vastaa kannanottoon", decision: "Päätös", reason: "Perustelu", response: "Vastaus raadille", noAnswer: "Odottaa vastausta",
    device: "Palautelaite", howWas: "Millaista palvelu oli tänään?", counted: "Kiitos! Painallus kirjattiin.", filtered: "Toistopainallus suodatettiin – se lasketaan vain kerran.", followUp: "Lisäkysymys",
    eform: "Sosiaalisen raportoinnin lomake", rating: "Arvio", none: "Ei arviota", text: "Palautteesi", preview: "Tallennetaan näin (henkilötiedot poistettu):", wantReceipt: "Haluan kuittikoodin", send: "Lähetä palaute",
    receiptShown: "Kuittikoodisi – näytetään vain kerran:", code: "Kuittikoodi", lookUp: "Katso, mitä palautteelle tapahtui", state: "Tila", updated: "Päivitetty",
    report90: "Viimeiset 90 päivää", items: "palautetta", suppressed: "piilotettu (< 5)", happy: "Tyytyväisyys (1–4)", change: "Muutos", topThemes: "Yleisimmät teemat", tasks: "Sosiaalihuoltolain 7 §:n tehtävät",
    legendSupp: "Viivoitettu = alle viiden palautteen solu on piilotettu, ettei ketään voi tunnistaa.",
    experts: "Kokemusasiantuntijat", withdraw: "Peru suostumus", withdrawn: "suostumus peruttu – tiedot poistettu", trained: "koulutettu", match: "Etsi kokemusasiantuntija", background: "Kokemustausta", area: "Alue", language: "Kieli", requireTrained: "Vaaditaan koulutus", find: "Etsi", score: "pisteet", noMatch: "Ei sopivia – perutut ja varatut eivät tule ehdolle.",
    overdue: "myöhässä", ack: "Kuittaa", adoptIt: "Päätä: toteutetaan", reply: "Vastaa", replyText: "Kiitos, asia on käsitelty ja toteutetaan.",
    floors: "Kerrokset", events: "tapahtumaa", people: "henkilöä", empty: "tyhjä", indicators: "Eheysmittarit", warnings: "Näennäisosallistamisen varoitukset", noWarnings: "Ei varoituksia.",
    confirmReset: "Poistetaanko kaikki tiedot tästä selaimesta?", quota: "Selaimen tallennustila täyttyi; uusimpia muutoksia ei tallennettu.", damaged: "Tallennettu tila oli vahingoittunut:",
  },
  sv: {
    skip: "Till innehållet", title: "Klienter som utvecklare", loading: "Laddar…",
    lead: "En modell för klientdelaktighet i webbläsaren: klientråd, respons, erfarenhetsexperter och responsslingan. Allt stannar i den här webbläsaren.",
    sample: "Ladda ett exempelområde", reset: "Töm", footer: "osallisuus – ett öppet Go-bibliotek för klientdelaktighet. Tillståndet sparas i webbläsarens localStorage som en händelsekedja.",
    tabPanel: "Klientråd", tabFeedback: "Respons", tabReceipt: "Kvitto", tabReport: "Social rapport", tabExperts: "Erfarenhetsexperter", tabLoop: "Responsslingan", tabHouse: "Delaktighetens hus",
    saved: (n, ok) => `${n} händelser sparade i webbläsaren – kedjan ${ok ? "kontrollerad ✓" : "BRUTEN ✗"}`,
    createPanel: "Grunda ett klientråd", constituted: "Rådet är fulltaligt sammansatt ✓", notConstituted: "Rådet är ännu inte fulltaligt:",
    addMember: "Lägg till medlem", name: "Namn", service: "Tjänst", type: "Medlemstyp", addFive: "Lägg till fem medlemmar", members: "Medlemmar",
    makeChair: "Till ordförande", makeSecretary: "Till sekreterare", holdMeeting: "Håll möte, alla närvarande", official: "Mötet var officiellt ✓", notOfficial: "Mötet var inte officiellt:",
    statement: "Ställningstagande", adopt: "Godkänn ställningstagandet", statements: "Ställningstaganden och svar", answer: "Svara", decision: "Beslut", reason: "Motivering", response: "Svar till rådet", noAnswer: "Väntar på svar",
    device: "Responsenhet", howWas: "Hur var servicen i dag?", counted: "Tack! Trycket registrerades.", filtered: "Ett upprepat tryck filtrerades – det räknas bara en gång.", followUp: "Följdfråga",
    eform: "Blankett för social rapportering", rating: "Bedömning", none: "Ingen", text: "Din respons", preview: "Sparas så här (personuppgifter borttagna):", wantReceipt: "Jag vill ha en kvittokod", send: "Skicka",
    receiptShown: "Din kvittokod – visas bara en gång:", code: "Kvittokod", lookUp: "Se vad som hände med responsen", state: "Läge", updated: "Uppdaterad",
    report90: "De senaste 90 dagarna", items: "svar", suppressed: "dold (< 5)", happy: "Nöjdhet (1–4)", change: "Förändring", topThemes: "Vanligaste teman", tasks: "Uppgifterna i 7 § socialvårdslagen",
    legendSupp: "Streckad = en cell med färre än fem svar är dold så att ingen kan identifieras.",
    experts: "Erfarenhetsexperter", withdraw: "Återkalla samtycket", withdrawn: "samtycket återkallat – uppgifterna raderade", trained: "utbildad", match: "Sök en erfarenhetsexpert", background: "Erfarenhet", area: "Område", language: "Språk", requireTrained: "Utbildning krävs", find: "Sök", score: "poäng", noMatch: "Inga lämpliga – återkallade och bokade föreslås inte.",
    overdue: "försenad", ack: "Kvittera", adoptIt: "Beslut: genomförs", reply: "Svara", replyText: "Tack, ärendet är behandlat och genomförs.",
    floors: "Våningar", events: "händelser", people: "personer", empty: "tom", indicators: "Integritetsmått", warnings: "Varningar för skendelaktighet", noWarnings: "Inga varningar.",
    confirmReset: "Radera alla uppgifter i den här webbläsaren?", quota: "Webbläsarens lagring är full; de senaste ändringarna sparades inte.", damaged: "Det sparade tillståndet var skadat:",
  },
  en: {
    skip: "Skip to content", title: "Clients as developers", loading: "Loading…",
    lead: "A model of client participation in your browser: client panel, feedback, experience experts and the feedback loop. All data stays in this browser.",
    sample: "Load a sample county", reset: "Reset", footer: "osallisuus – an open Go library for client participation. The state is kept in the browser's localStorage as a chain of events.",
    tabPanel: "Client panel", tabFeedback: "Feedback", tabReceipt: "Receipt", tabReport: "Social report", tabExperts: "Experience experts", tabLoop: "Feedback loop", tabHouse: "House of participation",
    saved: (n, ok) => `${n} events kept in this browser – chain ${ok ? "verified ✓" : "BROKEN ✗"}`,
    createPanel: "Set up a client panel", constituted: "The panel is constituted ✓", notConstituted: "The panel is not constituted yet:",
    addMember: "Add member", name: "Name", service: "Service", type: "Member type", addFive: "Add five members", members: "Members",
    makeChair: "Make chair", makeSecretary: "Make secretary", holdMeeting: "Hold a meeting, everyone present", official: "The meeting was official ✓", notOfficial: "The meeting was not official:",
    statement: "Statement", adopt: "Adopt the statement", statements: "Statements and answers", answer: "Answer the statement", decision: "Decision", reason: "Reason", response: "Answer to the panel", noAnswer: "Awaiting an answer",
    device: "Feedback device", howWas: "How was the service today?", counted: "Thank you! The press was counted.", filtered: "A repeated press was filtered – it counts once.", followUp: "Follow-up question",
    eform: "Social reporting e-form", rating: "Rating", none: "No rating", text: "Your feedback", preview: "Stored like this (personal data removed):", wantReceipt: "I want a receipt code", send: "Send feedback",
    receiptShown: "Your receipt code – shown only once:", code: "Receipt code", lookUp: "See what became of the feedback", state: "State", updated: "Updated",
    report90: "The last 90 days", items: "items", suppressed: "hidden (< 5)", happy: "Happy index (1–4)", change: "Change", topThemes: "Top themes", tasks: "Tasks of section 7 of the Social Welfare Act",
    legendSupp: "Hatched = a cell under five items is hidden so that nobody can be identified.",
    experts: "Experience experts", withdraw: "Withdraw consent", withdrawn: "consent withdrawn – data erased", trained: "trained", match: "Find an experience expert", background: "Background", area: "Area", language: "Language", requireTrained: "Training required", find: "Find", score: "score", noMatch: "No match – withdrawn and booked people are never offered.",
    overdue: "overdue", ack: "Acknowledge", adoptIt: "Decide: adopt", reply: "Answer", replyText: "Thank you, this was handled and will be done.",
    floors: "Floors", events: "events", people: "people", empty: "empty", indicators: "Integrity indicators", warnings: "Pseudo-participation warnings", noWarnings: "No warnings.",
    confirmReset: "Delete all data from this browser?", quota: "The browser's storage is full; the latest changes were not saved.", damaged: "The saved state was damaged:",
  },
};

let lang = localStorage.getItem(LANG) || "fi";
let labels = {};
let tab = "panel";
let openResult = null;
const $ = (s) => document.querySelector(s);
const t = (k) => T[lang][k] ?? T.en[k] ?? k;
const L = (group, code) => labels[group]?.[code]?.[lang] ?? String(code);

function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), (e) => Promise.resolve().then(() => v(e)).catch((err) => showError(err)));
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of kids.flat()) if (c !== null && c !== undefined && c !== false) el.append(c.nodeType ? c : document.createTextNode(String(c)));
  return el;
}

let uid = 0;
function field(labelText, control) {
  const id = control.id || `f${++uid}`;
  control.id = id;
  return h("div", {}, h("label", { for: id, text: labelText }), control);
}
function select(options, value) {
  return h("select", {}, options.map(([v, text]) => h("option", { value: v, selected: v === value, text })));
}

function showError(e) {
  $("#error").textContent = e ? `${e.code ? e.code + ": " : ""}${e.message}` : "";
}

function save() {
  const { lines, keys } = osallisuus.pending();
  try {
    if (lines) localStorage.setItem(JOURNAL, (localStorage.getItem(JOURNAL) || "") + lines);
    if (keys) localStorage.setItem(KEYS, keys);
  } catch (e) {
    showError({ message: t("quota") });
  }
}

async function call(method, args) {
  showError(null);
  try {
    const out = await osallisuus.call(method, args || {});
    save();
    return out;
  } catch (e) {
    showError(e);
    throw e;
  }
}

async function status() {
  const st = await call("state");
  const el = $("#status");
  el.textContent = t("saved")(st.events, openResult.verified) + (openResult.error ? ` — ${t("damaged")} ${openResult.error}` : "");
  el.className = openResult.verified && !openResult.error ? "" : "bad";
}

const TABS = [["panel", "tabPanel"], ["feedback", "tabFeedback"], ["receipt", "tabReceipt"], ["report", "tabReport"], ["experts", "tabExperts"], ["loop", "tabLoop"], ["house", "tabHouse"]];

function renderChrome() {
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-t]").forEach((el) => { const v = t(el.dataset.t); if (typeof v === "string") el.textContent = v; });
  document.querySelectorAll("[data-lang]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.lang === lang)));
  const tabs = $("#tabs");
  tabs.replaceChildren(...TABS.map(([id, key]) => h("button", { type: "button", role: "tab", id: `tab-${id}`, "aria-selected": String(id === tab), "aria-controls": "main", onclick: () => { tab = id; render(); } }, t(key))));
}

async function render() {
  renderChrome();
  const main = $("#main");
  const view = await VIEWS[tab]();
  main.replaceChildren(h("h2", { text: t(TABS.find(([id]) => id === tab)[1]) }), view);
  await status();
}

// ---- Client panel ----
async function panelView() {
  const st = await call("panel.status");
  if (!st.panel) return h("button", { type: "button", id: "create-panel", onclick: async () => { await call("panel.create"); render(); } }, t("createPanel"));
  const pid = st.panel.id;
  const c = st.composition;
  const comp = c.constituted ? h("p", { class: "ok", id: "composition" }, t("constituted"))
    : h("div", { id: "composition" }, h("p", { class: "bad" }, t("notConstituted")), h("ul", { class: "reasons" }, (st.reasons || []).map((r) => h("li", {}, r[lang]))));
  const name = h("input", { type: "text", autocomplete: "off" });
  const service = select(SERVICES.map((s) => [s, s]), SERVICES[0]);
  const type = select(Object.keys(labels.memberTypes).map((k) => [k, L("memberTypes", k)]), "client");
  let n = st.members.length;
  const addFive = async () => {
    for (let i = 0; i < 5; i++) { n++; await call("panel.addMember", { panel: pid, name: `Raatilainen ${n}`, service: SERVICES[n % 2], type: "client" }); }
    render();
  };
  const members = h("table", {}, h("caption", { text: t("members") }),
    h("tr", {}, h("th", { text: t("name") }), h("th", { text: t("type") }), h("th", { text: t("service") }), h("th", { text: "" })),
    st.members.map((m) => h("tr", {}, h("td", { text: m.displayName || "–" }), h("td", { text: L("memberTypes", m.type) }), h("td", { text: m.service }),
      h("td", {}, (m.positions || []).map((p) => h("span", { class: "tag" }, L("positions", p))),
        !m.positions && m.type !== "staff" ? [
          h("button", { type: "button", class: "secondary", onclick: async () => { await call("panel.appoint", { panel: pid, member: m.id, position: "chair" }); render(); } }, t("makeChair")),
          h("button", { type: "button", class: "secondary", onclick: async () => { await call("panel.appoint", { panel: pid, member: m.id, position: "secretary" }); render(); } }, t("makeSecretary")),
        ] : null))));
  const last = st.meetings.at(-1);
  const meetingBox = h("div", { class: "card" },
    h("button", { type: "button", id: "hold-meeting", onclick: async () => {
      await call("panel.meet", { panel: pid, present: st.members.filter((m) => m.type !== "staff").map((m) => m.id) }); render();
    } }, t("holdMeeting")),
    last ? (last.official ? h("p", { class: "ok", id: "meeting-result" }, t("official"))
      : h("div", { id: "meeting-result" }, h("p", { class: "bad" }, t("notOfficial")), h("ul", { class: "reasons" }, (last.notOfficial || []).map((r) => h("li", {}, r.code))))) : null);
  const stText = h("textarea", {}, "Raati esittää, että vastaanotto on auki yhtenä iltana viikossa.");
  const adopt = last && last.official ? h("div", { class: "card" }, field(t("statement"), stText),
    h("button", { type: "button", id: "adopt", onclick: async () => { await call("panel.adopt", { meeting: last.id, text: stText.value }); render(); } }, t("adopt"))) : null;
  const statements = h("div", {}, h("h3", { text: t("statements") }), st.statements.map((s) => {
    const card = h("div", { class: "card statement" }, h("p", {}, h("strong", { text: s.text })), h("p", {}, h("span", { class: "tag" }, L("states", s.loop.state))));
    if (s.answer) card.append(h("p", { class: "ok answer" }, `${L("decisions", s.answer.decision)}: ${s.answer.response}`));
    else {
      const dec = select(Object.keys(labels.decisions).map((k) => [k, L("decisions", k)]), "partly_adopted");
      const reason = h("input", { type: "text", value: "Kokeillaan yhdessä toimipisteessä" });
      const resp = h("input", { type: "text", value: "Iltavastaanottoa kokeillaan tiistaisin." });
      card.append(h("p", {}, t("noAnswer")), h("div", { class: "grid" }, field(t("decision"), dec), field(t("reason"), reason), field(t("response"), resp)),
        h("button", { type: "button", class: "answer-btn", onclick: async () => { await call("panel.answer", { statement: s.id, decision: dec.value, reason: reason.value, response: resp.value }); render(); } }, t("answer")));
    }
    return card;
  }));
  return h("div", {}, h("div", { class: "card" }, h("p", {}, h("strong", { text: st.panel.name })), comp),
    h("div", { class: "card" }, h("h3", { text: t("addMember") }), h("div", { class: "grid" }, field(t("name"), name), field(t("service"), service), field(t("type"), type)),
      h("button", { type: "button", onclick: async () => { await call("panel.addMember", { panel: pid, name: name.value, service: service.value, type: type.value }); render(); } }, t("addMember")),
      h("button", { type: "button", class: "secondary", id: "add-five", onclick: addFive }, t("addFive"))),
    members, meetingBox, adopt, statements);
}

// ---- Feedback: device emulator and e-form ----
async function feedbackView() {
  const devices = await call("feedback.devices");
  const dev = select(devices.map((d) => [d.id, `${d.point} (${d.service})`]), devices[0].id);
  const msg = h("p", { id: "press-result", role: "status" });
  const follow = h("div", {});
  const press = async (rating, answer = 0) => {
    const r = await call("feedback.press", { device: dev.value, rating, answer });
    msg.textContent = r.filtered ? t("filtered") : t("counted");
    msg.className = r.filtered ? "bad" : "ok";
    const d = devices.find((x) => x.id === dev.value);
    follow.replaceChildren();
    if (r.counted && d.followUp && answer === 0) {
      follow.append(h("p", { text: `${t("followUp")}: ${d.followUp.question[lang] || d.followUp.question.fi}` }),
        ...d.followUp.options.map((o, i) => h("button", { type: "button", class: "secondary", onclick: () => { follow.replaceChildren(); } }, o[lang] || o.fi)));
    }
    status();
  };
  const faces = ["😞", "🙁", "🙂", "😀"];
  const device = h("div", { class: "card" }, h("h3", { text: t("device") }), field(t("device"), dev), h("p", { text: t("howWas") }),
    h("div", { class: "smileys" }, faces.map((f, i) => h("button", { type: "button", class: "smiley", "data-rating": i + 1, "aria-label": L("ratings", i + 1), onclick: () => press(i + 1) }, f))),
    msg, follow);
  const service = select(SERVICES.map((s) => [s, s]), SERVICES[0]);
  const rating = select([["0", t("none")], ...[1, 2, 3, 4].map((r) => [String(r), L("ratings", r)])], "0");
  const text = h("textarea", { id: "eform-text" });
  const preview = h("p", { id: "eform-preview", class: "code" });
  let timer;
  text.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(async () => { const p = await call("feedback.preview", { text: text.value }); preview.textContent = p.text; }, 150); });
  const receipt = h("input", { type: "checkbox", id: "want-receipt", checked: true });
  const out = h("div", { id: "eform-result", role: "status" });
  const eform = h("div", { class: "card" }, h("h3", { text: t("eform") }), h("div", { class: "grid" }, field(t("service"), service), field(t("rating"), rating)),
    field(t("text"), text), h("p", { text: t("preview") }), preview,
    h("div", { class: "inline" }, receipt, h("label", { for: "want-receipt", text: t("wantReceipt") })),
    h("button", { type: "button", id: "send-eform", onclick: async () => {
      const r = await call("feedback.submit", { service: service.value, rating: Number(rating.value), text: text.value, receipt: receipt.checked });
      out.replaceChildren(h("p", { class: "ok" }, `${r.text || ""}`), r.receipt ? h("p", {}, t("receiptShown"), " ", h("span", { class: "code", id: "receipt-code" }, r.receipt)) : "");
      text.value = ""; preview.textContent = ""; status();
    } }, t("send")), out);
  return h("div", { class: "grid" }, device, eform);
}

// ---- Receipt look-up ----
async function receiptView() {
  const code = h("input", { type: "text", id: "receipt-input", autocomplete: "off", placeholder: "XXXX-XXXX-XXXX-XXXX-XXXX" });
  const out = h("div", { id: "receipt-result", role: "status" });
  return h("div", { class: "card" }, field(t("code"), code),
    h("button", { type: "button", id: "lookup", onclick: async () => {
      const v = await call("feedback.receipt", { code: code.value });
      out.replaceChildren(h("p", {}, `${t("state")}: `, h("strong", { text: L("states", v.state) })), v.decision ? h("p", { text: `${t("decision")}: ${L("decisions", v.decision)}` }) : "",
        v.response ? h("p", { text: `${t("response")}: ${v.response}` }) : "", h("p", { text: `${t("updated")}: ${v.updated}` }));
    } }, t("lookUp")), out);
}

// ---- Social report with SVG ----
const SVGNS = "http://www.w3.org/2000/svg";
function s(tag, attrs = {}, ...kids) { const el = document.createElementNS(SVGNS, tag); for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v); el.append(...kids); return el; }

async function reportView() {
  const rep = await call("feedback.report", { days: 90 });
  const rows = rep.ratings.rows || [], W = 640, rowH = 34, left = 190, colors = ["#b3261e", "#e8833a", "#7fb37a", "#16704a", "#9aa5b1"];
  const svg = s("svg", { viewBox: `0 0 ${W} ${rows.length * rowH + 30}`, role: "img", "aria-labelledby": "chart-title", width: "100%" },
    s("title", { id: "chart-title" }, `${t("rating")} / ${t("service")}`),
    s("defs", {}, s("pattern", { id: "hatch", width: "8", height: "8", patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" }, s("rect", { width: "8", height: "8", fill: "#eef1f4" }), s("line", { x1: "0", y1: "0", x2: "0", y2: "8", stroke: "#8a96a3", "stroke-width": "4" }))));
  rows.forEach((row, i) => {
    const y = i * rowH + 10, total = rep.ratings.rowTotals[i];
    svg.append(s("text", { x: 0, y: y + 18 }, row));
    const cells = rep.ratings.cells[i] || [], sum = cells.reduce((a, c) => a + (c.suppressed ? 5 : c.value), 0) || 1;
    let x = left;
    cells.forEach((c, j) => {
      const w = ((c.suppressed ? 5 : c.value) / sum) * (W - left - 10);
      if (w <= 0) return;
      svg.append(s("rect", { x, y, width: w, height: 24, fill: c.suppressed ? "url(#hatch)" : colors[j], class: c.suppressed ? "supp" : "" }, s("title", {}, `${rep.ratings.cols[j]}: ${c.suppressed ? t("suppressed") : c.value}`)));
      x += w;
    });
    if (total.suppressed) svg.append(s("text", { x: left + 4, y: y + 17 }, t("suppressed")));
  });
  const table = h("table", { id: "report-table" }, h("caption", { text: `${t("report90")}: ${rep.total.suppressed ? t("suppressed") : rep.total.value} ${t("items")}` }),
    h("tr", {}, h("th", { text: t("service") }), h("th", { text: t("items") }), h("th", { text: t("change") }), h("th", { text: t("happy") }), h("th", { text: t("topThemes") })),
    (rep.services || []).map((sv) => h("tr", {}, h("td", { text: sv.service }),
      sv.count.suppressed ? h("td", { class: "supp", text: t("suppressed") }) : h("td", { class: "num", text: sv.count.value }),
      h("td", { class: "num", text: sv.change ?? "–" }), h("td", { class: "num", text: sv.happyIndex ?? "–" }), h("td", { text: (sv.topThemes || []).join(", ") }))));
  const tasks = h("div", {}, h("h3", { text: t("tasks") }), h("ul", {}, (rep.tasks || []).map((g) => h("li", {}, `${g.labels[lang]}: ${g.count.suppressed ? t("suppressed") : g.count.value} (${g.themes.join(", ") || "–"})`))));
  return h("div", {}, h("div", { class: "card" }, svg, h("p", { text: t("legendSupp") })), table, tasks);
}

// ---- Experience experts ----
async function expertsView() {
  const list = await call("expert.list");
  const rows = h("ul", { id: "expert-list" }, list.map((x) => h("li", {}, x.withdrawn ? h("em", { text: t("withdrawn") }) : [
    h("strong", { text: x.name }), ` – ${L("expertKinds", x.kind)}${x.trained ? ", " + t("trained") : ""} – ${(x.profile?.areas || []).join(", ")} `,
    h("button", { type: "button", class: "secondary", onclick: async () => { await call("expert.withdraw", { expert: x.id }); render(); } }, t("withdraw"))])));
  const bg = select([["", "–"], ...Object.keys(labels.backgrounds).map((k) => [k, L("backgrounds", k)])], "");
  const area = select(["", "mental_health", "substance_use", "homelessness", "disability", "elderly_care", "child_welfare"].map((a) => [a, a || "–"]), "");
  const language = select([["", "–"], ["fi", "suomi"], ["sv", "svenska"], ["en", "English"]], "");
  const trained = h("input", { type: "checkbox", id: "need-trained" });
  const out = h("ol", { id: "match-result" });
  return h("div", {}, h("div", { class: "card" }, h("h3", { text: t("match") }), h("div", { class: "grid" }, field(t("background"), bg), field(t("area"), area), field(t("language"), language)),
    h("div", { class: "inline" }, trained, h("label", { for: "need-trained", text: t("requireTrained") })),
    h("button", { type: "button", id: "find-expert", onclick: async () => {
      const res = await call("expert.match", { background: bg.value, area: area.value, language: language.value, requireTrained: trained.checked });
      out.replaceChildren(...(res.length ? res.map((c) => h("li", {}, h("strong", { text: c.name }), ` – ${t("score")} ${c.score}: `, c.reasons.map((r) => r.labels[lang]).join("; "))) : [h("li", { text: t("noMatch") })]));
    } }, t("find")), out), h("h3", { text: t("experts") }), rows);
}

// ---- The loop board ----
async function loopView() {
  const board = await call("loop.board");
  const next = { received: ["acknowledged", "", t("ack")], acknowledged: ["decided", "adopted", t("adoptIt")], under_consideration: ["decided", "adopted", t("adoptIt")], decided: ["reported_back", "", t("reply")], implemented: ["reported_back", "", t("reply")] };
  return h("div", { class: "board", id: "board" }, Object.keys(labels.states).map((state) => h("section", { "aria-label": L("states", state) }, h("h3", {}, `${L("states", state)} (${board[state].length})`),
    h("ol", {}, board[state].map((c) => h("li", { class: c.overdue ? "overdue" : "" }, c.title, " ", h("span", { class: "tag" }, c.source.module + "/" + c.source.kind), c.overdue ? h("span", { class: "tag bad" }, t("overdue")) : "",
      next[state] ? h("div", {}, h("button", { type: "button", class: "secondary", onclick: async () => {
        const [to, decision, _] = next[state];
        await call("loop.advance", { id: c.id, to, decision, text: to === "reported_back" ? t("replyText") : "" }); render();
      } }, next[state][2])) : ""))))));
}

// ---- The house of participation ----
async function houseView() {
  const res = await call("house");
  const house = res.house, indicators = res.indicators || [], warnings = res.warnings || [];
  const floors = house.floors.slice(0, 5), roof = house.floors[5];
  const max = Math.max(1, ...house.floors.map((f) => f.events));
  const W = 420, fh = 52, top = 90;
  const svg = s("svg", { viewBox: `0 0 ${W} ${top + floors.length * fh + 10}`, role: "img", "aria-labelledby": "house-title", width: "100%", style: "max-width:520px" },
    s("title", { id: "house-title" }, t("tabHouse")),
    s("polygon", { points: `20,${top} ${W / 2},10 ${W - 20},${top}`, fill: roof.events ? "#0b5cad" : "#dfe4ea", stroke: "#1b1f24" }),
    s("text", { x: W / 2, y: top - 18, "text-anchor": "middle", fill: roof.events ? "#fff" : "#1b1f24" }, L("levels", roof.level)));
  floors.slice().reverse().forEach((f, i) => {
    const y = top + i * fh, light = f.events / max;
    svg.append(s("rect", { x: 30, y, width: W - 60, height: fh - 4, fill: f.events ? `rgba(245,160,0,${0.25 + 0.75 * light})` : "#dfe4ea", stroke: "#1b1f24" }),
      s("text", { x: 40, y: y + 20 }, L("levels", f.level)),
      s("text", { x: 40, y: y + 38 }, f.events ? `${f.events} ${t("events")}, ${f.people} ${t("people")}` : t("empty")));
  });
  return h("div", { class: "grid" }, h("div", { class: "card" }, svg),
    h("div", {}, h("h3", { text: t("indicators") }), h("ul", { id: "indicators" }, indicators.map((i) => h("li", { text: i.reading[lang] }))),
      h("h3", { text: t("warnings") }), warnings.length ? h("ul", {}, warnings.map((w) => h("li", {}, `${w.unit || "group"}: ${w.rules.map((r) => `${r.labels[lang]} (${r.evidence.reading[lang]})`).join("; ")}`))) : h("p", { text: t("noWarnings") })));
}

const VIEWS = { panel: panelView, feedback: feedbackView, receipt: receiptView, report: reportView, experts: expertsView, loop: loopView, house: houseView };

async function boot() {
  const go = new Go();
  const { instance } = await WebAssembly.instantiateStreaming(fetch("osallisuus.wasm"), go.importObject);
  const ready = new Promise((resolve) => { if (globalThis.osallisuusLoaded) resolve(); else addEventListener("osallisuus-ready", resolve, { once: true }); });
  go.run(instance);
  await ready;
  openResult = await osallisuus.open(localStorage.getItem(JOURNAL) || "", localStorage.getItem(KEYS) || "");
  if (openResult.error) { localStorage.removeItem(JOURNAL); }
  labels = await call("labels");
  document.querySelectorAll("[data-lang]").forEach((b) => b.addEventListener("click", () => { lang = b.dataset.lang; localStorage.setItem(LANG, lang); render(); }));
  $("#sample").addEventListener("click", async (e) => { e.target.disabled = true; try { await call("sample"); } finally { e.target.disabled = false; } render(); });
  $("#reset").addEventListener("click", () => { if (confirm(t("confirmReset"))) { localStorage.removeItem(JOURNAL); localStorage.removeItem(KEYS); location.reload(); } });
  await render();
  globalThis.osallisuusReady = true;
  performance.mark("osallisuus-ready");
}

boot().catch((e) => showError(e));
