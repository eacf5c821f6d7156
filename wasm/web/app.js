// The osallisuus demo page: plain DOM, no framework. Every action goes
// through globalThis.osallisuus (see osallisuus.d.ts) as the role picked
// in the header; every change is appended to the journal saved in
// IndexedDB (localStorage where there is none). A saved journal that does
// not verify is kept aside under its own key, offered for download and
// never deleted. The storage is globalThis.osallisuusStore, for anyone
// inspecting the demo and for its end-to-end test.

import { verifyProofs } from "./verify.js";
import * as county from "./county.js";

const JOURNAL = "osallisuus.journal", KEYS = "osallisuus.keys", LANG = "osallisuus.lang", ROLE = "osallisuus.role", DAMAGED = "osallisuus.damaged.";
const SERVICES = ["aikuissosiaalityo", "sosiaalinen_kuntoutus", "paihdepalvelut", "asumispalvelut"];
const AREAS = ["mental_health", "substance_use", "homelessness", "disability", "elderly_care", "child_welfare"];
const LOCALES = { fi: "fi-FI", sv: "sv-FI", en: "en-GB" };

// Words the library leaves to the page: the sample's services and areas,
// where a contribution came from, and what each action is called.
const WORDS = {
  services: {
    aikuissosiaalityo: { fi: "Aikuissosiaalityö", sv: "Socialt arbete för vuxna", en: "Adult social work" },
    sosiaalinen_kuntoutus: { fi: "Sosiaalinen kuntoutus", sv: "Social rehabilitering", en: "Social rehabilitation" },
    paihdepalvelut: { fi: "Päihdepalvelut", sv: "Missbrukarvård", en: "Substance abuse services" },
    asumispalvelut: { fi: "Asumispalvelut", sv: "Boendeservice", en: "Housing services" },
    vammaispalvelut: { fi: "Vammaispalvelut", sv: "Service för personer med funktionsnedsättning", en: "Disability services" },
  },
  areas: {
    mental_health: { fi: "Mielenterveys", sv: "Psykisk hälsa", en: "Mental health" },
    substance_use: { fi: "Päihteet", sv: "Missbruk", en: "Substance use" },
    homelessness: { fi: "Asunnottomuus", sv: "Bostadslöshet", en: "Homelessness" },
    disability: { fi: "Vammaisuus", sv: "Funktionsnedsättning", en: "Disability" },
    elderly_care: { fi: "Ikääntyneiden palvelut", sv: "Äldreomsorg", en: "Care for older people" },
    child_welfare: { fi: "Lastensuojelu", sv: "Barnskydd", en: "Child welfare" },
  },
  sources: {
    "feedback/item": { fi: "Palaute", sv: "Respons", en: "Feedback" },
    "feedback/theme": { fi: "Toistuva palauteteema", sv: "Återkommande tema", en: "Recurring feedback theme" },
    "feedback/reply": { fi: "Vastauspyyntö", sv: "Begäran om svar", en: "Reply request" },
    "panel/statement": { fi: "Raadin kannanotto", sv: "Rådets ställningstagande", en: "Panel statement" },
    "panel/topic": { fi: "Raadin aihe", sv: "Rådets ärende", en: "Panel topic" },
    "codev/idea": { fi: "Yhteiskehittämisen idea", sv: "Idé från samutveckling", en: "Co-development idea" },
    "expert/input": { fi: "Kokemusasiantuntijan näkemys", sv: "Erfarenhetsexpertens synpunkt", en: "Experience expert's input" },
  },
  actions: {
    "panel.create": { fi: "perustaa asiakasraatia", sv: "grunda ett klientråd", en: "set up a client panel" },
    "panel.add_member": { fi: "lisätä raatiin jäsentä", sv: "lägga till en medlem", en: "add a member" },
    "panel.appoint": { fi: "nimetä puheenjohtajaa tai sihteeriä", sv: "utse ordförande eller sekreterare", en: "appoint a chair or a secretary" },
    "panel.end_membership": { fi: "päättää jäsenyyttä", sv: "avsluta ett medlemskap", en: "end a membership" },
    "panel.schedule_meeting": { fi: "kutsua raatia koolle", sv: "kalla rådet till möte", en: "call a meeting" },
    "panel.hold_meeting": { fi: "kirjata kokouksen läsnäoloa", sv: "föra närvaro vid mötet", en: "record a meeting's attendance" },
    "panel.adopt_statement": { fi: "kirjata kannanottoa", sv: "registrera ett ställningstagande", en: "record a statement" },
    "panel.answer_statement": { fi: "vastata kannanottoon", sv: "svara på ett ställningstagande", en: "answer a statement" },
    "feedback.register_device": { fi: "rekisteröidä palautelaitetta", sv: "registrera en responsenhet", en: "register a feedback device" },
    "expert.register": { fi: "rekisteröidä kokemusasiantuntijaa", sv: "registrera en erfarenhetsexpert", en: "register an experience expert" },
    "expert.add_course": { fi: "kirjata koulutusta", sv: "registrera en utbildning", en: "record training" },
    "expert.withdraw_consent": { fi: "perua suostumusta", sv: "återkalla ett samtycke", en: "withdraw a consent" },
    "expert.request": { fi: "pyytää kokemusasiantuntijaa", sv: "begära en erfarenhetsexpert", en: "request an experience expert" },
    "expert.offer": { fi: "tarjota toimeksiantoa", sv: "erbjuda ett uppdrag", en: "offer an assignment" },
    "expert.accept": { fi: "hyväksyä itselleen tarjotun toimeksiannon", sv: "acceptera ett uppdrag som erbjudits en själv", en: "accept an assignment offered to them" },
    "expert.complete": { fi: "kirjata toimeksiannon tehdyksi", sv: "registrera ett uppdrag som utfört", en: "record an assignment as done" },
    "expert.pay": { fi: "kirjata palkkion maksetuksi", sv: "registrera ett arvode som betalt", en: "record a fee as paid" },
    "contribution.acknowledge": { fi: "kuitata palautetta vastaanotetuksi", sv: "kvittera ett bidrag", en: "acknowledge an input" },
    "contribution.consider": { fi: "ottaa palautetta käsittelyyn", sv: "ta upp ett bidrag till behandling", en: "take an input into consideration" },
    "contribution.decide": { fi: "päättää palautteen johdosta", sv: "besluta om ett bidrag", en: "decide on an input" },
    "contribution.implement": { fi: "merkitä päätöstä toteutetuksi", sv: "markera ett beslut som genomfört", en: "mark a decision implemented" },
    "contribution.report_back": { fi: "vastata palautteen antajalle", sv: "svara den som gav responsen", en: "report back to the sender" },
  },
  // Rules that depend on who the person is, not only on the role.
  personal: {
    "panel.adopt_statement": { fi: "Kannanoton kirjaa koordinaattori tai raadin puheenjohtaja tai sihteeri (PANEL-7).", sv: "Ett ställningstagande registreras av koordinatorn eller av rådets ordförande eller sekreterare (PANEL-7).", en: "A statement is recorded by the coordinator or by the panel's chair or secretary (PANEL-7)." },
    "panel.hold_meeting": { fi: "Läsnäolon kirjaa koordinaattori tai raadin sihteeri (PANEL-6).", sv: "Närvaron förs av koordinatorn eller rådets sekreterare (PANEL-6).", en: "Attendance is recorded by the coordinator or the panel's secretary (PANEL-6)." },
    "panel.end_membership": { fi: "Jäsen voi päättää vain oman jäsenyytensä (PANEL-8).", sv: "En medlem kan bara avsluta sitt eget medlemskap (PANEL-8).", en: "A member can end only their own membership (PANEL-8)." },
    "expert.withdraw_consent": { fi: "Henkilö voi perua vain oman suostumuksensa.", sv: "Var och en kan bara återkalla sitt eget samtycke.", en: "A person can withdraw only their own consent." },
  },
  fields: {
    name: { fi: "Nimi", sv: "Namn", en: "Name" }, service: { fi: "Palvelu", sv: "Tjänst", en: "Service" }, type: { fi: "Jäsentyyppi", sv: "Medlemstyp", en: "Member type" },
    text: { fi: "Teksti", sv: "Text", en: "Text" }, code: { fi: "Kuittikoodi", sv: "Kvittokod", en: "Receipt code" }, receipt: { fi: "Kuittikoodi", sv: "Kvittokod", en: "Receipt code" },
    decision: { fi: "Päätös", sv: "Beslut", en: "Decision" }, reason: { fi: "Perustelu", sv: "Motivering", en: "Reason" }, response: { fi: "Vastaus", sv: "Svar", en: "Answer" },
    rating: { fi: "Arvio", sv: "Bedömning", en: "Rating" }, position: { fi: "Tehtävä", sv: "Uppdrag", en: "Position" }, member: { fi: "Jäsen", sv: "Medlem", en: "Member" },
  },
};

const T = {
  fi: {
    skip: "Siirry sisältöön", title: "Asiakkaat kehittäjinä", loading: "Ladataan…", views: "Näkymät", roleLabel: "Rooli",
    lead: "Asiakasosallisuuden malli selaimessa: asiakasraati, palaute, kokemusasiantuntijat ja palautesilmukka. Kaikki tieto pysyy tässä selaimessa.",
    sample: "Lataa esimerkkihyvinvointialue", reset: "Tyhjennä", footer: "osallisuus – avoin Go-kirjasto asiakasosallisuuteen. Tila tallentuu tähän selaimeen (IndexedDB) tapahtumaketjuna.",
    tabPanel: "Asiakasraati", tabFeedback: "Palaute", tabReceipt: "Kuitti", tabReport: "Sosiaalinen raportointi", tabExperts: "Kokemusasiantuntijat", tabLoop: "Palautesilmukka", tabHouse: "Osallisuuden talo",
    saved: (n) => `${n} tapahtumaa tallessa tässä selaimessa – ketju tarkistettu ✓`,
    hourNote: "Nimetön palaute, laitteiden painallukset ja kyselyvastaukset tulevat näkyviin vasta, kun tunti, jolla ne annettiin, on päättynyt: näin mikään ei kerro, missä järjestyksessä ne tulivat.",
    nextHour: (hh) => `Siirrä demon kello aikaan ${hh}`,
    savedDamaged: (n) => `${n} tapahtumaa tässä selaimessa – tallennettu ketju oli vahingoittunut ✗`,
    readOnly: "Vahingoittunutta tallennetta ei voitu siirtää syrjään, joten se on yhä paikallaan eikä muutoksia tallenneta. Lataa se talteen alta.",
    damagedKept: (when) => `Vahingoittunut tallenne (${when}) on tallessa erillään, eikä sitä poisteta.`,
    downloadJournal: "Lataa tapahtumaketju", downloadKeys: "Lataa avaimet",
    confirmSample: "Esimerkkialue korvaa nykyiset tiedot tässä selaimessa. Jatketaanko?",
    sampleLoaded: (n) => `Esimerkkialue ladattu: ${n} tapahtumaa.`,
    panelName: "Aikuissosiaalityön asiakasraati", createPanel: "Perusta asiakasraati", constituted: "Raati täyttää kokoonpanovaatimukset ✓", notConstituted: "Raati ei vielä täytä kokoonpanovaatimuksia:",
    addMember: "Lisää jäsen", name: "Nimi", service: "Palvelu", type: "Jäsentyyppi", addFive: "Lisää viisi jäsentä", members: "Jäsenet", positions: "Tehtävät",
    makeChair: "Puheenjohtajaksi", makeSecretary: "Sihteeriksi", holdMeeting: "Pidä kokous, kaikki jäsenet paikalla", official: "Kokous oli päätösvaltainen ✓", notOfficial: "Kokous ei ollut päätösvaltainen:",
    statement: "Kannanotto", adopt: "Hyväksy kannanotto", statements: "Kannanotot ja vastaukset", answer: "Vastaa kannanottoon", decision: "Päätös", reason: "Perustelu", response: "Vastaus raadille", noAnswer: "Odottaa vastausta",
    statementText: "Raati esittää, että vastaanotto on auki yhtenä iltana viikossa.", reasonText: "Kokeillaan ensin yhdessä toimipisteessä.", responseText: "Iltavastaanottoa kokeillaan tiistaisin.", memberName: (n) => `Raatilainen ${n}`,
    device: "Palautelaite", howWas: "Millaista palvelu oli tänään?", counted: "Kiitos! Painallus kirjattiin.", countedAnswer: "Kiitos! Painallus ja vastaus kirjattiin.", filtered: "Toistopainallus suodatettiin – se lasketaan vain kerran.", followUp: "Lisäkysymys", skip2: "Ohita",
    noDevices: "Palautelaitteita ei ole vielä rekisteröity.", registerDevices: "Rekisteröi kaksi palautelaitetta",
    eform: "Sosiaalisen raportoinnin lomake", rating: "Arvio", none: "Ei arviota", text: "Palautteesi", preview: "Tallennetaan näin (henkilötiedot poistettu):", wantReceipt: "Haluan kuittikoodin", send: "Lähetä palaute", sent: "Palaute vastaanotettu.",
    receiptShown: "Kuittikoodisi – näytetään vain kerran:", code: "Kuittikoodi", lookUp: "Katso, mitä palautteelle tapahtui", state: "Tila", updated: "Päivitetty",
    followUps: "Palautelaitteiden lisäkysymys", question: "Kysymys", answers: "Vastaukset", report90: "Viimeiset 90 päivää", items: "palautetta", count: "Palautteita", small: "alle 5", hiddenOther: "piilotettu toisen solun suojaksi", happy: "Tyytyväisyys (1–4)", change: "Muutos edelliseen jaksoon", topThemes: "Yleisimmät teemat", tasks: "Sosiaalihuoltolain 7 §:n tehtävät",
    legendSupp: "Viivoitettu = alle viiden palautteen solu on piilotettu, ettei ketään voi tunnistaa. Ruudutettu = solu on piilotettu, jottei piilotettua lukua voi laskea summista.",
    chartTitle: "Arviot palveluittain, osuus palautteista", chartNote: "Luvut ovat taulukossa alla.", noEarlier: "ei vertailujaksoa", noData: "Ei palautetta tällä jaksolla.",
    experts: "Kokemusasiantuntijat", withdraw: "Peru suostumus", withdrawn: "suostumus peruttu – tiedot poistettu", trained: "koulutettu", match: "Etsi kokemusasiantuntija", background: "Kokemustausta", area: "Alue", language: "Kieli", requireTrained: "Vaaditaan koulutus", find: "Etsi", score: "pisteet", noMatch: "Ei sopivia – perutut ja varatut eivät tule ehdolle.",
    overdue: "myöhässä", overdueN: (n) => `${n} myöhässä`, ack: "Kuittaa", adoptIt: "Päätä: toteutetaan", reply: "Vastaa", replyText: "Kiitos, asia on käsitelty ja toteutetaan.", received: "Saapunut", moved: "Siirretty.",
    wholeCounty: "Koko hyvinvointialue", floors: "Kerrokset", events: "tapahtumaa", people: "henkilöä", empty: "tyhjä", indicators: "Osallisuuden toteutumisen mittarit", warnings: "Varoitukset näennäisosallisuudesta", noWarnings: "Ei varoituksia.",
    confirmReset: "Poistetaanko tämän selaimen tiedot? Syrjään siirretyt vahingoittuneet tallenteet säilyvät.", quota: "Selaimen tallennustila täyttyi; uusimpia muutoksia ei tallennettu.", damaged: "Tallennettu tila oli vahingoittunut:",
    details: "Tekniset tiedot",
    required: (f) => `${f} puuttuu – täytä se ja yritä uudelleen.`, invalidField: (f) => `Tarkista kenttä ”${f}”.`, invalidAny: "Tarkista antamasi tiedot.",
    err_not_found: "Ei löytynyt. Tarkista, että tunnus tai koodi on kirjoitettu oikein.", err_conflict: "Tätä ei voi tehdä nykyisessä tilanteessa – se on ehkä jo tehty.",
    err_not_constituted: "Raati ei täytä kokoonpanovaatimuksia, joten se ei voi kokoontua päätösvaltaisena (PANEL-1).", err_not_official: "Kokous ei ollut päätösvaltainen, joten se ei voi hyväksyä kannanottoja (PANEL-6, PANEL-7).",
    err_not_matchable: "Tätä henkilöä ei voi ehdottaa tehtävään.", err_no_consent: "Omaisella ei ole asiakkaan antamaa voimassa olevaa suostumusta (PART-5).", err_erased: "Tiedot on poistettu.", err_corrupt: "Tallennettu tieto on vahingoittunut.", err_internal: "Jokin meni vikaan. Yritä uudelleen.",
    forbidden: (role, action, allowed) => `Roolissa ${role} ei voi ${action}. Sen voivat tehdä: ${allowed} (roolisääntö PART-7).`,
    forbiddenPersonal: (role, action, rule) => `Roolissa ${role} ei voi ${action}. ${rule}`,
    can: "Tässä näkymässä roolisi voi:", cannot: "Ei voi:", ownOnly: "Vain omassa tehtävässään tai asiassaan:",
    introPanel: "Asiakasraati kokoontuu päätösvaltaisena, kun siinä on vähintään 10 jäsentä vähintään kahdesta palvelusta sekä puheenjohtaja ja sihteeri (PANEL-1–3) ja yli puolet jäsenistä on paikalla (PANEL-6). Kannanotto lähtee palvelujohdolle ja vastaus palaa raadille (PANEL-7).",
    introFeedback: "Palautelaite ja sähköinen lomake ovat nimettömiä: aika tallentuu tunnin tarkkuudella (PRIV-1), toistopainallus lasketaan kerran ja henkilötiedot poistetaan tekstistä ennen tallennusta.",
    introReceipt: "Kuittikoodilla palautteen antaja näkee, mitä palautteelle tapahtui, ilman että hänet tunnistetaan.",
    introReport: "Sosiaalisen raportoinnin yhteenveto kokoaa palautteen palveluittain. Alle viiden palautteen solut piilotetaan, ja lisäksi ne solut, joista piilotetun luvun voisi laskea (FB-5).",
    introExperts: "Kokemusasiantuntijan tausta on arkaluonteista tietoa ja tallentuu salattuna suostumuksella; suostumuksen peruminen poistaa tiedot (PRIV-2). Haku perustelee ehdotukset. Toimeksianto kulkee pyynnöstä tarjoukseen, hyväksyntään, tehdyksi kirjaamiseen ja maksuun (EXP-4), ja tunnit ja palkkiot kootaan palkanmaksuun (EXP-7).",
    assignments: "Toimeksiannot", requestAssignment: "Pyydä kokemusasiantuntijaa", assignmentType: "Tehtävä", offerIt: "Tarjoa sopivimmalle", acceptIt: "Hyväksy toimeksianto", completeIt: "Kirjaa tehdyksi", hours: "Tunnit", payIt: "Kirjaa palkkio maksetuksi", payroll: "Palkkiot 30 päivältä", noAssignments: "Ei toimeksiantoja.", colName: "Nimi", colAssignments: "Toimeksiantoja", colHours: "Tunteja", colFees: "Palkkiot", forExpert: "tarjottu",
    introLoop: "Jokainen palaute ja kannanotto kulkee silmukan vaiheet: saapunut, kuitattu, käsittelyssä, päätetty, toteutettu, vastattu. Myöhässä olevat on merkitty.",
    introHouse: "Osallisuuden talo (THL) näyttää, millä tasoilla asiakkaat ovat olleet mukana viimeisen vuoden aikana. Varoitukset kertovat, missä osallisuutta kysytään mutta siihen ei vastata.",
  },
  sv: {
    skip: "Till innehållet", title: "Klienter som utvecklare", loading: "Laddar…", views: "Vyer", roleLabel: "Roll",
    lead: "En modell för klientdelaktighet i webbläsaren: klientråd, respons, erfarenhetsexperter och responsslingan. Allt stannar i den här webbläsaren.",
    sample: "Ladda ett exempelområde", reset: "Töm", footer: "osallisuus – ett öppet Go-bibliotek för klientdelaktighet. Tillståndet sparas i den här webbläsaren (IndexedDB) som en händelsekedja.",
    tabPanel: "Klientråd", tabFeedback: "Respons", tabReceipt: "Kvitto", tabReport: "Social rapportering", tabExperts: "Erfarenhetsexperter", tabLoop: "Responsslingan", tabHouse: "Klientdelaktighetens hus",
    saved: (n) => `${n} händelser sparade i den här webbläsaren – kedjan kontrollerad ✓`,
    hourNote: "Anonym respons, tryck på enheter och enkätsvar syns först när timmen då de gavs är slut: så avslöjar inget i vilken ordning de kom.",
    nextHour: (hh) => `Flytta demons klocka till ${hh}`,
    savedDamaged: (n) => `${n} händelser i den här webbläsaren – den sparade kedjan var skadad ✗`,
    readOnly: "Den skadade sparade kedjan kunde inte flyttas undan, så den ligger kvar och ändringar sparas inte. Ladda ner den nedan.",
    damagedKept: (when) => `Den skadade sparade kedjan (${when}) förvaras separat och raderas inte.`,
    downloadJournal: "Ladda ner händelsekedjan", downloadKeys: "Ladda ner nycklarna",
    confirmSample: "Exempelområdet ersätter de nuvarande uppgifterna i den här webbläsaren. Fortsätta?",
    sampleLoaded: (n) => `Exempelområdet laddat: ${n} händelser.`,
    panelName: "Klientrådet för socialt arbete för vuxna", createPanel: "Grunda ett klientråd", constituted: "Rådet uppfyller kraven på sammansättning ✓", notConstituted: "Rådet uppfyller ännu inte kraven på sammansättning:",
    addMember: "Lägg till medlem", name: "Namn", service: "Tjänst", type: "Medlemstyp", addFive: "Lägg till fem medlemmar", members: "Medlemmar", positions: "Uppdrag",
    makeChair: "Till ordförande", makeSecretary: "Till sekreterare", holdMeeting: "Håll möte, alla närvarande", official: "Mötet var beslutfört ✓", notOfficial: "Mötet var inte beslutfört:",
    statement: "Ställningstagande", adopt: "Godkänn ställningstagandet", statements: "Ställningstaganden och svar", answer: "Svara", decision: "Beslut", reason: "Motivering", response: "Svar till rådet", noAnswer: "Väntar på svar",
    statementText: "Rådet föreslår att mottagningen är öppen en kväll i veckan.", reasonText: "Vi prövar först på ett verksamhetsställe.", responseText: "Kvällsmottagning prövas på tisdagar.", memberName: (n) => `Rådsmedlem ${n}`,
    device: "Responsenhet", howWas: "Hur var servicen i dag?", counted: "Tack! Trycket registrerades.", countedAnswer: "Tack! Trycket och svaret registrerades.", filtered: "Ett upprepat tryck filtrerades – det räknas bara en gång.", followUp: "Följdfråga", skip2: "Hoppa över",
    noDevices: "Inga responsenheter har registrerats ännu.", registerDevices: "Registrera två responsenheter",
    eform: "Blankett för social rapportering", rating: "Bedömning", none: "Ingen", text: "Din respons", preview: "Sparas så här (personuppgifter borttagna):", wantReceipt: "Jag vill ha en kvittokod", send: "Skicka", sent: "Responsen har tagits emot.",
    receiptShown: "Din kvittokod – visas bara en gång:", code: "Kvittokod", lookUp: "Se vad som hände med responsen", state: "Läge", updated: "Uppdaterad",
    followUps: "Responsenheternas följdfråga", question: "Fråga", answers: "Svar", report90: "De senaste 90 dagarna", items: "svar", count: "Svar", small: "under 5", hiddenOther: "dold för att skydda en annan cell", happy: "Nöjdhet (1–4)", change: "Förändring från föregående period", topThemes: "Vanligaste teman", tasks: "Uppgifterna i 7 § socialvårdslagen",
    legendSupp: "Streckad = en cell med färre än fem svar är dold så att ingen kan identifieras. Rutad = cellen är dold så att det dolda talet inte kan räknas ut ur summorna.",
    chartTitle: "Bedömningar per tjänst, andel av svaren", chartNote: "Talen finns i tabellen nedan.", noEarlier: "ingen jämförelseperiod", noData: "Ingen respons under perioden.",
    experts: "Erfarenhetsexperter", withdraw: "Återkalla samtycket", withdrawn: "samtycket återkallat – uppgifterna raderade", trained: "utbildad", match: "Sök en erfarenhetsexpert", background: "Erfarenhet", area: "Område", language: "Språk", requireTrained: "Utbildning krävs", find: "Sök", score: "poäng", noMatch: "Inga lämpliga – återkallade och bokade föreslås inte.",
    overdue: "försenad", overdueN: (n) => `${n} försenade`, ack: "Kvittera", adoptIt: "Beslut: genomförs", reply: "Svara", replyText: "Tack, ärendet är behandlat och genomförs.", received: "Inkommen", moved: "Flyttad.",
    wholeCounty: "Hela välfärdsområdet", floors: "Våningar", events: "händelser", people: "personer", empty: "tom", indicators: "Mått på hur delaktigheten förverkligas", warnings: "Varningar för skendelaktighet", noWarnings: "Inga varningar.",
    confirmReset: "Radera uppgifterna i den här webbläsaren? Skadade kedjor som flyttats undan finns kvar.", quota: "Webbläsarens lagring är full; de senaste ändringarna sparades inte.", damaged: "Det sparade tillståndet var skadat:",
    details: "Tekniska uppgifter",
    required: (f) => `${f} saknas – fyll i och försök igen.`, invalidField: (f) => `Kontrollera fältet ”${f}”.`, invalidAny: "Kontrollera uppgifterna.",
    err_not_found: "Hittades inte. Kontrollera att koden är rätt skriven.", err_conflict: "Det här går inte i nuvarande läge – det är kanske redan gjort.",
    err_not_constituted: "Rådet uppfyller inte kraven på sammansättning och kan inte hålla beslutförda möten (PANEL-1).", err_not_official: "Mötet var inte beslutfört och kan inte godkänna ställningstaganden (PANEL-6, PANEL-7).",
    err_not_matchable: "Personen kan inte föreslås för uppdraget.", err_no_consent: "Den anhörige har inget giltigt samtycke från klienten (PART-5).", err_erased: "Uppgifterna har raderats.", err_corrupt: "Sparade uppgifter är skadade.", err_internal: "Något gick fel. Försök igen.",
    forbidden: (role, action, allowed) => `I rollen ${role} kan man inte ${action}. Det får göras av: ${allowed} (rollregel PART-7).`,
    forbiddenPersonal: (role, action, rule) => `I rollen ${role} kan man inte ${action}. ${rule}`,
    can: "I den här vyn kan din roll:", cannot: "Kan inte:", ownOnly: "Endast i sitt eget uppdrag eller ärende:",
    introPanel: "Klientrådet är beslutfört när det har minst 10 medlemmar från minst två tjänster, en ordförande och en sekreterare (PANEL-1–3) och över hälften är närvarande (PANEL-6). Ställningstagandet går till serviceledningen och svaret kommer tillbaka till rådet (PANEL-7).",
    introFeedback: "Responsenheten och e-blanketten är anonyma: tiden sparas per timme (PRIV-1), ett upprepat tryck räknas en gång och personuppgifter tas bort ur texten innan den sparas.",
    introReceipt: "Med kvittokoden ser den som gav respons vad som hände med den, utan att bli identifierad.",
    introReport: "Sammanställningen av den sociala rapporteringen samlar responsen per tjänst. Celler med färre än fem svar döljs, liksom celler ur vilka ett dolt tal kunde räknas ut (FB-5).",
    introExperts: "Erfarenhetsexpertens bakgrund är känslig och sparas krypterad under samtycke; när samtycket återkallas raderas uppgifterna (PRIV-2). Sökningen motiverar sina förslag. Ett uppdrag går från begäran till erbjudande, accepterande, utfört och betalt (EXP-4), och timmar och arvoden sammanställs för löneutbetalningen (EXP-7).",
    assignments: "Uppdrag", requestAssignment: "Begär en erfarenhetsexpert", assignmentType: "Uppdrag", offerIt: "Erbjud den bäst lämpade", acceptIt: "Acceptera uppdraget", completeIt: "Registrera som utfört", hours: "Timmar", payIt: "Registrera arvodet som betalt", payroll: "Arvoden för 30 dagar", noAssignments: "Inga uppdrag.", colName: "Namn", colAssignments: "Uppdrag", colHours: "Timmar", colFees: "Arvoden", forExpert: "erbjudet",
    introLoop: "Varje respons och ställningstagande går genom slingans steg: inkommen, kvitterad, under behandling, beslutad, genomförd, besvarad. Försenade är märkta.",
    introHouse: "Klientdelaktighetens hus (THL) visar på vilka nivåer klienterna deltagit under det senaste året. Varningarna visar var delaktighet efterfrågas men aldrig besvaras.",
  },
  en: {
    skip: "Skip to content", title: "Clients as developers", loading: "Loading…", views: "Views", roleLabel: "Role",
    lead: "A model of client participation in your browser: client panel, feedback, experience experts and the feedback loop. All data stays in this browser.",
    sample: "Load a sample county", reset: "Reset", footer: "osallisuus – an open Go library for client participation. The state is kept in this browser (IndexedDB) as a chain of events.",
    tabPanel: "Client panel", tabFeedback: "Feedback", tabReceipt: "Receipt", tabReport: "Social report", tabExperts: "Experience experts", tabLoop: "Feedback loop", tabHouse: "House of participation",
    saved: (n) => `${n} events kept in this browser – chain verified ✓`,
    hourNote: "Anonymous feedback, device presses and survey answers show once the hour they were given in is over, so that nothing tells the order they came in.",
    nextHour: (hh) => `Move the demo's clock on to ${hh}`,
    savedDamaged: (n) => `${n} events in this browser – the saved chain was damaged ✗`,
    readOnly: "The damaged saved chain could not be moved aside, so it stays in place and changes are not saved. Download it below.",
    damagedKept: (when) => `The damaged saved chain (${when}) is kept aside and never deleted.`,
    downloadJournal: "Download the chain of events", downloadKeys: "Download the keys",
    confirmSample: "The sample county replaces the data in this browser. Continue?",
    sampleLoaded: (n) => `Sample county loaded: ${n} events.`,
    panelName: "Adult social work client panel", createPanel: "Set up a client panel", constituted: "The panel meets the composition rules ✓", notConstituted: "The panel does not meet the composition rules yet:",
    addMember: "Add member", name: "Name", service: "Service", type: "Member type", addFive: "Add five members", members: "Members", positions: "Positions",
    makeChair: "Make chair", makeSecretary: "Make secretary", holdMeeting: "Hold a meeting, everyone present", official: "The meeting had a quorum ✓", notOfficial: "The meeting had no quorum:",
    statement: "Statement", adopt: "Adopt the statement", statements: "Statements and answers", answer: "Answer the statement", decision: "Decision", reason: "Reason", response: "Answer to the panel", noAnswer: "Awaiting an answer",
    statementText: "The panel proposes that the office is open one evening a week.", reasonText: "We try it at one office first.", responseText: "Evening hours are tried on Tuesdays.", memberName: (n) => `Panel member ${n}`,
    device: "Feedback device", howWas: "How was the service today?", counted: "Thank you! The press was counted.", countedAnswer: "Thank you! The press and the answer were recorded.", filtered: "A repeated press was filtered – it counts once.", followUp: "Follow-up question", skip2: "Skip",
    noDevices: "No feedback devices are registered yet.", registerDevices: "Register two feedback devices",
    eform: "Social reporting e-form", rating: "Rating", none: "No rating", text: "Your feedback", preview: "Stored like this (personal data removed):", wantReceipt: "I want a receipt code", send: "Send feedback", sent: "Feedback received.",
    receiptShown: "Your receipt code – shown only once:", code: "Receipt code", lookUp: "See what became of the feedback", state: "State", updated: "Updated",
    followUps: "The devices' follow-up question", question: "Question", answers: "Answers", report90: "The last 90 days", items: "items", count: "Items", small: "under 5", hiddenOther: "hidden to protect another cell", happy: "Happy index (1–4)", change: "Change from the previous period", topThemes: "Top themes", tasks: "Tasks of section 7 of the Social Welfare Act",
    legendSupp: "Hatched = a cell under five items is hidden so that nobody can be identified. Checked = a cell is hidden so that a hidden count cannot be worked out from the totals.",
    chartTitle: "Ratings by service, share of items", chartNote: "The counts are in the table below.", noEarlier: "no earlier period", noData: "No feedback in this period.",
    experts: "Experience experts", withdraw: "Withdraw consent", withdrawn: "consent withdrawn – data erased", trained: "trained", match: "Find an experience expert", background: "Background", area: "Area", language: "Language", requireTrained: "Training required", find: "Find", score: "score", noMatch: "No match – withdrawn and booked people are never offered.",
    overdue: "overdue", overdueN: (n) => `${n} overdue`, ack: "Acknowledge", adoptIt: "Decide: adopt", reply: "Answer", replyText: "Thank you, this was handled and will be done.", received: "Received", moved: "Moved.",
    wholeCounty: "The whole county", floors: "Floors", events: "events", people: "people", empty: "empty", indicators: "How participation is answered", warnings: "Pseudo-participation warnings", noWarnings: "No warnings.",
    confirmReset: "Delete the data in this browser? Damaged chains kept aside stay.", quota: "The browser's storage is full; the latest changes were not saved.", damaged: "The saved state was damaged:",
    details: "Technical details",
    required: (f) => `${f} is missing – fill it in and try again.`, invalidField: (f) => `Check the field “${f}”.`, invalidAny: "Check what you entered.",
    err_not_found: "Not found. Check that the code is typed correctly.", err_conflict: "This cannot be done in the current state – it may have been done already.",
    err_not_constituted: "The panel does not meet the composition rules, so it cannot meet with a quorum (PANEL-1).", err_not_official: "The meeting had no quorum, so it cannot adopt statements (PANEL-6, PANEL-7).",
    err_not_matchable: "This person cannot be offered the assignment.", err_no_consent: "The family member has no valid consent from the client (PART-5).", err_erased: "The data has been erased.", err_corrupt: "Saved data is damaged.", err_internal: "Something went wrong. Try again.",
    forbidden: (role, action, allowed) => `As ${role} you cannot ${action}. Who can: ${allowed} (role rule PART-7).`,
    forbiddenPersonal: (role, action, rule) => `As ${role} you cannot ${action}. ${rule}`,
    can: "In this view your role can:", cannot: "Cannot:", ownOnly: "Only in their own position or matter:",
    introPanel: "A client panel meets with a quorum when it has at least 10 members from at least two services, a chair and a secretary (PANEL-1–3) and more than half attend (PANEL-6). A statement goes to service management and the answer comes back to the panel (PANEL-7).",
    introFeedback: "The feedback device and the e-form are anonymous: time is kept to the hour (PRIV-1), a repeated press counts once, and personal data is removed from text before it is stored.",
    introReceipt: "With the receipt code the sender sees what became of their feedback without being identified.",
    introReport: "The social report gathers feedback by service. Cells under five items are hidden, and so are the cells from which a hidden count could be worked out (FB-5).",
    introExperts: "An experience expert's background is sensitive and kept sealed under consent; withdrawing the consent erases it (PRIV-2). Matching gives its reasons. An assignment goes from request to offer, acceptance, done and paid (EXP-4), and hours and fees are totalled for payroll (EXP-7).",
    assignments: "Assignments", requestAssignment: "Request an experience expert", assignmentType: "Type", offerIt: "Offer to the best match", acceptIt: "Accept the assignment", completeIt: "Record as done", hours: "Hours", payIt: "Record the fee paid", payroll: "Fees over 30 days", noAssignments: "No assignments.", colName: "Name", colAssignments: "Assignments", colHours: "Hours", colFees: "Fees", forExpert: "offered to",
    introLoop: "Every input and statement goes through the loop: received, acknowledged, under consideration, decided, implemented, reported back. Overdue ones are marked.",
    introHouse: "The house of participation (THL) shows on which levels clients took part over the last year. Warnings show where participation is asked for and never answered.",
  },
};

// The actions each view offers, to show what the chosen role may do.
const VIEW_ACTIONS = {
  panel: ["panel.create", "panel.add_member", "panel.appoint", "panel.hold_meeting", "panel.adopt_statement", "panel.answer_statement"],
  feedback: ["feedback.register_device"],
  experts: ["expert.withdraw_consent", "expert.request", "expert.offer", "expert.accept", "expert.complete", "expert.pay"],
  loop: ["contribution.acknowledge", "contribution.decide", "contribution.report_back"],
};
// The library role behind each page role.
const ROLE_OF = { client: "client", panel_member: "client", chair: "client", secretary: "client", experience_expert: "experience_expert", family_member: "family_member", staff: "staff", coordinator: "coordinator", manager: "manager", device: "device" };

let lang = localStorage.getItem(LANG) || "fi";
if (!T[lang]) lang = "fi";
let role = localStorage.getItem(ROLE) || "coordinator";
let labels = {}, session = { roles: [] }, policy = {};
let tab = "panel";
let openResult = null;
let readOnly = null; // a damaged journal that could not be moved aside: nothing is written over it
const $ = (s) => document.querySelector(s);
const t = (k) => T[lang][k] ?? T.en[k] ?? k;
const L = (group, code) => labels[group]?.[code]?.[lang] ?? String(code);
const W = (group, code) => WORDS[group][code]?.[lang] ?? String(code);
const num = (n, opts) => new Intl.NumberFormat(LOCALES[lang], opts).format(n);
const date = (s) => s ? new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: "medium" }).format(new Date(s)) : "–";
const dateTime = (d) => new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: "medium", timeStyle: "short" }).format(d);
// roleLabel names a page role, or a library role by the page role it is.
// localDates writes the ISO dates and months in the library's texts
// (indicator readings, theme titles) the way the page's locale does.
const localDates = (text) => String(text)
  .replace(/\b(\d{4})-(\d{2})-(\d{2})\b/g, (m, y, mo, d) => new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: "medium", timeZone: "UTC" }).format(Date.UTC(y, mo - 1, d)))
  .replace(/\b(\d{4})-(\d{2})\b/g, (m, y, mo) => new Intl.DateTimeFormat(LOCALES[lang], { month: "numeric", year: "numeric", timeZone: "UTC" }).format(Date.UTC(y, mo - 1, 1)));
const roleLabel = (r) => session.roles.find((x) => x.role === r)?.labels[lang] ?? L("roles", r);

function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), (e) => Promise.resolve().then(() => v(e)).catch((err) => showError(err)));
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of kids.flat(Infinity)) if (c !== null && c !== undefined && c !== false) el.append(c.nodeType ? c : document.createTextNode(String(c)));
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
// scrollBox lets a wide table scroll inside its own box, never the page.
function scrollBox(label, table) {
  return h("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": label }, table);
}

// ---- Errors: in the page's language, from the code, beside the control ----

function errorText(e) {
  const code = e?.code || "internal";
  if (code === "forbidden" && e.action) {
    const action = WORDS.actions[e.action]?.[lang] ?? e.action;
    const who = roleLabel(e.role || role);
    if ((e.allowed || []).includes(ROLE_OF[e.role || role]) && WORDS.personal[e.action]) return T[lang].forbiddenPersonal(who, action, W("personal", e.action));
    return T[lang].forbidden(who, action, (e.allowed || []).map(roleLabel).join(", "));
  }
  if (code === "invalid") {
    const f = e.field ? (WORDS.fields[e.field.split(".").pop()]?.[lang] ?? e.field) : "";
    if (f && /is required/.test(e.message || "")) return T[lang].required(f);
    return f ? T[lang].invalidField(f) : t("invalidAny");
  }
  return t("err_" + code) === "err_" + code ? t("err_internal") : t("err_" + code);
}

function errorNodes(e) {
  const out = [h("span", { text: errorText(e) })];
  if (e?.message) out.push(" ", h("details", {}, h("summary", { text: t("details") }), h("span", { lang: "en", text: `${e.code || "error"}: ${e.message}` })));
  return out;
}

// showError writes an error that belongs to no control (start-up) to the page's alert line.
function showError(e) {
  const el = $("#error");
  if (e) el.replaceChildren(...errorNodes(e)); else el.replaceChildren();
}

// act makes a button and, beside it, the live region its errors go to.
// A failed action clears the results named in clear; focus stays on the
// button so that the announced error is next to it.
function act(label, fn, attrs = {}, clear = []) {
  const err = h("div", { class: "err", id: `e${++uid}`, "aria-live": "assertive" });
  const btn = h("button", { type: "button", ...attrs, "aria-describedby": err.id }, label);
  btn.addEventListener("click", () => run(btn, err, fn, clear));
  return [btn, err];
}

async function run(btn, err, fn, clear = []) {
  err.replaceChildren();
  try {
    await fn();
  } catch (e) {
    for (const c of clear) c.replaceChildren();
    err.replaceChildren(...errorNodes(e));
    if (btn.isConnected) btn.focus();
    else showError(e);
  }
}

// focusOn moves focus to an action's result.
function focusOn(el) {
  if (!el) return;
  if (!el.hasAttribute("tabindex") && !/^(BUTTON|A|INPUT|SELECT|TEXTAREA)$/.test(el.tagName)) el.setAttribute("tabindex", "-1");
  el.focus();
}

// ---- Storage: the journal in IndexedDB, damage kept aside ----
//
// The journal is kept in IndexedDB as appended chunks (one per saved
// change), the vault's keys beside it, and every damaged journal under
// its own key in a store nothing deletes from. Each write is one
// transaction, so it happens whole or not at all. Without IndexedDB the
// page falls back to localStorage (about 5 MB). A journal an earlier page
// left in localStorage is moved into IndexedDB on load.

const DB = "osallisuus";

function request(r) { return new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); }); }

// write runs fn in one read-write transaction and resolves when it has committed.
function write(db, stores, fn) {
  return new Promise((resolve, reject) => {
    const tr = db.transaction(stores, "readwrite");
    tr.oncomplete = () => resolve();
    tr.onerror = () => reject(tr.error);
    tr.onabort = () => reject(tr.error || new Error("the write was aborted"));
    fn(tr);
  });
}

function indexedStore(db) {
  return {
    kind: "indexeddb",
    async read() {
      const tr = db.transaction(["chunks", "meta"], "readonly");
      const [chunks, keys] = await Promise.all([request(tr.objectStore("chunks").getAll()), request(tr.objectStore("meta").get("keys"))]);
      return { journal: chunks.join(""), keys: keys || "", chunks: chunks.length };
    },
    append(lines, keys) {
      return write(db, ["chunks", "meta"], (tr) => { if (lines) tr.objectStore("chunks").add(lines); if (keys) tr.objectStore("meta").put(keys, "keys"); });
    },
    replace(lines, keys) {
      return write(db, ["chunks", "meta"], (tr) => { tr.objectStore("chunks").clear(); if (lines) tr.objectStore("chunks").add(lines); tr.objectStore("meta").put(keys || "", "keys"); });
    },
    keepAside(journal, keys, reason) {
      return write(db, ["chunks", "meta", "damaged"], (tr) => {
        tr.objectStore("damaged").put({ journal, keys, reason }, new Date().toISOString());
        tr.objectStore("chunks").clear();
        tr.objectStore("meta").delete("keys");
      });
    },
    async damaged() {
      const tr = db.transaction("damaged", "readonly");
      const [stamps, copies] = await Promise.all([request(tr.objectStore("damaged").getAllKeys()), request(tr.objectStore("damaged").getAll())]);
      return stamps.map((stamp, i) => ({ stamp, ...copies[i] })).concat(localDamaged(), readOnly ? [readOnly] : []);
    },
    clear() { return write(db, ["chunks", "meta"], (tr) => { tr.objectStore("chunks").clear(); tr.objectStore("meta").delete("keys"); }); },
  };
}

// localDamaged lists damaged journals an earlier page kept in localStorage.
function localDamaged() {
  const out = [];
  for (let i = 0; i < localStorage.length; i++) {
    const k = localStorage.key(i);
    if (!k.startsWith(DAMAGED) || !k.endsWith(".journal")) continue;
    const stamp = k.slice(DAMAGED.length, -".journal".length);
    out.push({ stamp, journal: localStorage.getItem(k), keys: localStorage.getItem(DAMAGED + stamp + ".keys") || "", reason: localStorage.getItem(DAMAGED + stamp + ".reason") || "" });
  }
  return out;
}

const localStore = {
  kind: "localstorage",
  async read() { return { journal: localStorage.getItem(JOURNAL) || "", keys: localStorage.getItem(KEYS) || "", chunks: 1 }; },
  async append(lines, keys) {
    if (lines) localStorage.setItem(JOURNAL, (localStorage.getItem(JOURNAL) || "") + lines);
    if (keys) localStorage.setItem(KEYS, keys);
  },
  async replace(lines, keys) { localStorage.setItem(JOURNAL, lines); localStorage.setItem(KEYS, keys || ""); },
  async keepAside(journal, keys, reason) {
    const stamp = new Date().toISOString();
    const names = [DAMAGED + stamp + ".journal", DAMAGED + stamp + ".keys", DAMAGED + stamp + ".reason"];
    try {
      localStorage.setItem(names[0], journal);
      localStorage.setItem(names[1], keys);
      localStorage.setItem(names[2], reason);
    } catch (e) {
      // No room for a copy: the original stays where it is, whole, and
      // this page writes nothing over it. The partial copy is only a copy.
      names.forEach((n) => localStorage.removeItem(n));
      readOnly = { stamp: "", journal, keys, reason };
      return;
    }
    localStorage.removeItem(JOURNAL);
    localStorage.removeItem(KEYS);
  },
  async damaged() { return localDamaged().concat(readOnly ? [readOnly] : []); },
  async clear() { localStorage.removeItem(JOURNAL); localStorage.removeItem(KEYS); },
};

async function openStore() {
  let st = localStore;
  try {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => { const db = req.result; db.createObjectStore("chunks", { autoIncrement: true }); db.createObjectStore("meta"); db.createObjectStore("damaged"); };
    st = indexedStore(await request(req));
  } catch (e) {
    return localStore;
  }
  // A journal left in localStorage moves into IndexedDB; beside a journal
  // already there it is kept aside instead, never dropped.
  const old = localStorage.getItem(JOURNAL);
  if (old !== null) {
    const keys = localStorage.getItem(KEYS) || "";
    const cur = await st.read();
    if (cur.journal === "") await st.replace(old, keys);
    else await st.keepAside(old, keys, "a journal left in localStorage beside the one in IndexedDB");
    localStorage.removeItem(JOURNAL);
    localStorage.removeItem(KEYS);
  }
  return st;
}

let store = localStore;
let unsaved = { lines: "", keys: "" }; // what a failed write could not save, tried again with the next

async function save(replace) {
  if (readOnly) return;
  const { lines, keys } = osallisuus.pending();
  const all = { lines: unsaved.lines + lines, keys: keys || unsaved.keys };
  try {
    if (replace) await store.replace(all.lines, all.keys);
    else if (all.lines || all.keys) await store.append(all.lines, all.keys);
    unsaved = { lines: "", keys: "" };
  } catch (e) {
    unsaved = all;
    $("#error").textContent = t("quota");
  }
}

// download links a saved text as a file; the link holds the text itself
// (a data: address), so it works under the page's Content-Security-Policy
// and reads back exactly what was kept.
const hrefs = new Map();
function download(label, name, text) {
  if (!hrefs.has(name)) hrefs.set(name, "data:application/octet-stream;charset=utf-8," + encodeURIComponent(text));
  return h("a", { download: name, href: hrefs.get(name) }, label);
}

async function status() {
  const st = await osallisuus.call("state", {});
  const el = $("#status");
  const damaged = !!openResult.error || !openResult.verified;
  el.textContent = damaged ? t("savedDamaged")(num(st.events)) : t("saved")(num(st.events));
  el.className = damaged ? "bad" : "";
  const next = new Date((Math.floor(Date.parse(st.now) / 3600000) + 1) * 3600000);
  $("#next-hour").textContent = t("nextHour")(new Intl.DateTimeFormat(LOCALES[lang], { hour: "2-digit", minute: "2-digit" }).format(next));
  const box = $("#damage");
  box.replaceChildren(...(await store.damaged()).map(({ stamp, journal, keys, reason }) => {
    const when = stamp ? dateTime(new Date(stamp)) : "";
    const file = `osallisuus-damaged-${(stamp || "now").replace(/[:.]/g, "-")}`;
    return h("div", { class: "damaged" }, h("p", {}, stamp ? t("damagedKept")(when) : t("readOnly"), " ", reason ? h("span", { lang: "en", class: "reason", text: `(${reason})` }) : ""),
      h("p", {}, download(t("downloadJournal"), file + ".jsonl", journal || ""), " · ", download(t("downloadKeys"), file + "-keys.json", keys || "")));
  }));
}

// ---- Chrome: language, role, tabs ----

const TABS = [["panel", "tabPanel", "introPanel"], ["feedback", "tabFeedback", "introFeedback"], ["receipt", "tabReceipt", "introReceipt"], ["report", "tabReport", "introReport"], ["experts", "tabExperts", "introExperts"], ["loop", "tabLoop", "introLoop"], ["house", "tabHouse", "introHouse"]];

function buildTabs() {
  const list = $("#tabs");
  list.replaceChildren(...TABS.map(([id]) => h("button", { type: "button", role: "tab", id: `tab-${id}`, "aria-controls": "view" })));
  list.addEventListener("click", (e) => { const b = e.target.closest("[role=tab]"); if (b) selectTab(b.id.slice(4), false); });
  list.addEventListener("keydown", (e) => {
    const ids = TABS.map(([id]) => id), n = ids.length;
    let i = ids.indexOf(tab);
    if (e.key === "ArrowRight") i = (i + 1) % n;
    else if (e.key === "ArrowLeft") i = (i - 1 + n) % n;
    else if (e.key === "Home") i = 0;
    else if (e.key === "End") i = n - 1;
    else return;
    e.preventDefault();
    selectTab(ids[i], true);
  });
}

function selectTab(id, focus) {
  tab = id;
  renderChrome();
  $(`#tab-${id}`).scrollIntoView({ block: "nearest", inline: "nearest" });
  if (focus) $(`#tab-${id}`).focus();
  return render();
}

function renderChrome() {
  document.documentElement.lang = lang;
  document.title = `${t("title")} – osallisuus`;
  document.querySelectorAll("[data-t]").forEach((el) => { const v = t(el.dataset.t); if (typeof v === "string") el.textContent = v; });
  document.querySelectorAll("[data-lang]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.lang === lang)));
  $("#tabs").setAttribute("aria-label", t("views"));
  for (const [id, key] of TABS) {
    const b = $(`#tab-${id}`);
    b.textContent = t(key);
    b.setAttribute("aria-selected", String(id === tab));
    b.tabIndex = id === tab ? 0 : -1;
  }
  $("#view").setAttribute("aria-labelledby", `tab-${tab}`);
  const sel = $("#role");
  const keep = document.activeElement === sel;
  sel.replaceChildren(...session.roles.map((r) => h("option", { value: r.role, selected: r.role === role, text: r.labels[lang] })));
  if (keep) sel.focus();
}

// render draws the current view; focus, when given, is a selector of the
// element that gets focus afterwards (an action's result).
// Only the latest render draws: a view whose data came in after another
// render began (a slower tab left for a quicker one) is dropped. #view is
// aria-busy while any render is under way.
let renders = 0, drawing = 0;
async function render(focus) {
  const mine = ++renders;
  const view = $("#view");
  drawing++;
  view.setAttribute("aria-busy", "true");
  try {
    renderChrome();
    const [, key, intro] = TABS.find(([id]) => id === tab);
    const body = await VIEWS[tab]();
    if (mine !== renders) return;
    view.replaceChildren(h("h2", { text: t(key) }), h("p", { class: "intro", text: t(intro) }), rights(), body);
    if (focus) focusOn(typeof focus === "string" ? $(focus) : focus);
    await status();
  } finally {
    if (--drawing === 0) view.removeAttribute("aria-busy");
  }
}

// rights lists what the chosen role may and may not do in this view,
// from the store's role policy (PART-7).
function rights() {
  const actions = VIEW_ACTIONS[tab];
  if (!actions) return "";
  const mine = ROLE_OF[role], organisation = ["staff", "coordinator", "manager"].includes(role);
  const allowed = (a) => (policy[a] || []).includes(mine);
  const own = actions.filter((a) => allowed(a) && !organisation && WORDS.personal[a]);
  const yes = actions.filter((a) => allowed(a) && !own.includes(a)), no = actions.filter((a) => !allowed(a));
  const list = (xs) => xs.map((a) => W("actions", a)).join(", ");
  return h("p", { class: "rights", id: "rights" }, h("strong", { text: roleLabel(role) }), ": ",
    yes.length ? `${t("can")} ${list(yes)}. ` : "", own.length ? `${t("ownOnly")} ${list(own)}. ` : "",
    no.length ? `${t("cannot")} ${list(no)}.` : "");
}

// ---- Client panel ----
async function panelView() {
  const st = await call("panel.status");
  if (!st.panel) return h("div", {}, ...act(t("createPanel"), async () => { await call("panel.create", { name: t("panelName"), unit: "aikuissosiaalityo" }); await render("#composition"); }, { id: "create-panel" }));
  const pid = st.panel.id;
  const c = st.composition;
  const comp = c.constituted ? h("p", { class: "ok", id: "composition" }, t("constituted"))
    : h("div", { id: "composition" }, h("p", { class: "bad" }, t("notConstituted")), h("ul", { class: "reasons" }, (st.reasons || []).map((r) => h("li", {}, r[lang]))));
  const name = h("input", { type: "text", autocomplete: "off" });
  const service = select(SERVICES.map((s) => [s, W("services", s)]), SERVICES[0]);
  const type = select(Object.keys(labels.memberTypes).map((k) => [k, L("memberTypes", k)]), "client");
  let n = st.members.length;
  const addFive = async () => {
    for (let i = 0; i < 5; i++) { n++; await call("panel.addMember", { panel: pid, name: t("memberName")(n), service: SERVICES[n % 2], type: "client" }); }
    await render("#members");
  };
  const appoint = (m, position, label) => act(label, async () => { await call("panel.appoint", { panel: pid, member: m.id, position }); await render("#composition"); }, { class: "secondary" });
  const members = h("table", { id: "members", class: "cards" }, h("caption", { text: `${t("members")} (${num(st.members.length)})` }),
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: t("name") }), h("th", { scope: "col", text: t("type") }), h("th", { scope: "col", text: t("service") }), h("th", { scope: "col", text: t("positions") }))),
    h("tbody", {}, st.members.map((m) => h("tr", {}, h("td", { text: m.displayName || "–", class: "lead-cell" }), h("td", { text: L("memberTypes", m.type), "data-label": t("type") }), h("td", { text: W("services", m.service), "data-label": t("service") }),
      h("td", { "data-label": t("positions") }, (m.positions || []).map((p) => h("span", { class: "tag" }, L("positions", p))),
        !m.positions && m.type !== "staff" ? [appoint(m, "chair", t("makeChair")), appoint(m, "secretary", t("makeSecretary"))] : "")))));
  const last = st.meetings[st.meetings.length - 1];
  const meetingResult = h("div", { id: "meeting-result" });
  if (last && last.held) {
    meetingResult.className = last.official ? "ok" : "bad";
    meetingResult.append(last.official ? h("p", { text: t("official") }) : h("div", {}, h("p", { text: t("notOfficial") }), h("ul", { class: "reasons" }, (last.notOfficial || []).map((r) => h("li", { text: r[lang] || r.en || r.code || String(r) })))));
  }
  const meetingBox = h("div", { class: "card" }, ...act(t("holdMeeting"), async () => {
    await call("panel.meet", { panel: pid, present: st.members.map((m) => m.id) }); await render("#meeting-result");
  }, { id: "hold-meeting" }, [meetingResult]), meetingResult);
  const minutes = last && last.held ? minutesBox(last) : null;
  const lot = await lotBox(pid);
  const stText = h("textarea", {}, t("statementText"));
  const adopt = last && last.official ? h("div", { class: "card" }, field(t("statement"), stText),
    ...act(t("adopt"), async () => { await call("panel.adopt", { meeting: last.id, text: stText.value }); await render(".statement:last-of-type"); }, { id: "adopt" })) : null;
  const statements = h("div", {}, h("h3", { text: t("statements") }), st.statements.map((s) => {
    const card = h("div", { class: "card statement" }, h("p", {}, h("strong", { text: s.text })), h("p", {}, h("span", { class: "tag" }, L("states", s.loop.state))));
    if (s.answer) card.append(h("p", { class: "ok answer" }, `${L("decisions", s.answer.decision)}: ${s.answer.response}`));
    else {
      const dec = select(Object.keys(labels.decisions).map((k) => [k, L("decisions", k)]), "partly_adopted");
      const reason = h("input", { type: "text", value: t("reasonText") });
      const resp = h("input", { type: "text", value: t("responseText") });
      card.append(h("p", {}, t("noAnswer")), h("div", { class: "grid" }, field(t("decision"), dec), field(t("reason"), reason), field(t("response"), resp)),
        ...act(t("answer"), async () => { await call("panel.answer", { statement: s.id, decision: dec.value, reason: reason.value, response: resp.value }); await render(".answer"); }, { class: "answer-btn" }));
    }
    return card;
  }));
  const addErr = h("div", { class: "err", id: `e${++uid}`, "aria-live": "assertive" });
  const addBtn = h("button", { type: "submit", "aria-describedby": addErr.id }, t("addMember"));
  const addForm = h("form", { class: "card", id: "add-member" }, h("h3", { text: t("addMember") }), h("div", { class: "grid" }, field(t("name"), name), field(t("service"), service), field(t("type"), type)),
    addBtn, ...act(t("addFive"), addFive, { class: "secondary", id: "add-five" }), addErr);
  addForm.addEventListener("submit", (e) => { e.preventDefault(); run(addBtn, addErr, async () => { await call("panel.addMember", { panel: pid, name: name.value, service: service.value, type: type.value }); await render("#members"); }); });
  return h("div", {}, h("div", { class: "card" }, h("p", {}, h("strong", { text: st.panel.name })), comp),
    addForm, lot, scrollBox(t("members"), members), meetingBox, minutes, adopt, statements);
}

// ---- Feedback: device emulator and e-form ----
async function feedbackView() {
  const devices = await call("feedback.devices");
  let device;
  if (!devices.length) {
    device = h("div", { class: "card" }, h("h3", { text: t("device") }), h("p", { text: t("noDevices") }),
      ...act(t("registerDevices"), async () => { await call("feedback.registerDevices"); await render(".smiley"); }, { id: "register-devices" }));
  } else {
    const dev = select(devices.map((d) => [d.id, `${d.point} (${W("services", d.service)})`]), devices[0].id);
    const msg = h("p", { id: "press-result" });
    const follow = h("div", { id: "follow-up" });
    const live = h("div", { "aria-live": "polite" }, msg, follow);
    const record = async (rating, answer) => {
      follow.replaceChildren();
      const r = await call("feedback.press", { device: dev.value, rating, answer });
      msg.textContent = r.filtered ? t("filtered") : answer ? t("countedAnswer") : t("counted");
      msg.className = r.filtered ? "bad" : "ok";
      focusOn(msg);
      status();
    };
    const press = async (rating) => {
      msg.textContent = ""; msg.className = "";
      const d = devices.find((x) => x.id === dev.value);
      if (!d.followUp) return record(rating, 0);
      const q = h("p", { id: "follow-q", text: `${t("followUp")}: ${d.followUp.question[lang] || d.followUp.question.fi}` });
      follow.replaceChildren(h("div", { role: "group", "aria-labelledby": "follow-q" }, q,
        ...d.followUp.options.map((o, i) => h("button", { type: "button", class: "secondary follow", "data-answer": i + 1, onclick: () => record(rating, i + 1) }, o[lang] || o.fi)),
        h("button", { type: "button", class: "secondary follow", "data-answer": 0, onclick: () => record(rating, 0) }, t("skip2"))));
      focusOn(follow.querySelector("button"));
    };
    // Faces drawn, not emoji, so that they show without an emoji font.
    const mouths = ["M10 24 Q16 17 22 24", "M11 23 Q16 20 21 23", "M11 20 Q16 24 21 20", "M9 19 Q16 28 23 19"];
    const face = (i) => s("svg", { viewBox: "0 0 32 32", width: "36", height: "36", "aria-hidden": "true", class: `face f${i + 1}` },
      s("circle", { cx: 16, cy: 16, r: 14 }), s("circle", { cx: 11, cy: 12, r: 1.8, class: "eye" }), s("circle", { cx: 21, cy: 12, r: 1.8, class: "eye" }), s("path", { d: mouths[i], class: "mouth" }));
    const err = h("div", { class: "err", "aria-live": "assertive" });
    device = h("div", { class: "card" }, h("h3", { text: t("device") }), field(t("device"), dev), h("p", { text: t("howWas") }),
      h("div", { class: "smileys" }, [0, 1, 2, 3].map((i) => {
        const b = h("button", { type: "button", class: "smiley", "data-rating": i + 1, "aria-label": L("ratings", i + 1) }, face(i));
        b.addEventListener("click", () => run(b, err, () => press(i + 1), [msg, follow]));
        return b;
      })), live, err);
  }
  const service = select(SERVICES.map((s) => [s, W("services", s)]), SERVICES[0]);
  const rating = select([["0", t("none")], ...[1, 2, 3, 4].map((r) => [String(r), L("ratings", r)])], "0");
  const text = h("textarea", { id: "eform-text" });
  const preview = h("p", { id: "eform-preview", class: "code" });
  let timer;
  text.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(async () => { try { const p = await call("feedback.preview", { text: text.value }); preview.textContent = p.text; } catch (e) { preview.textContent = ""; } }, 150); });
  const receipt = h("input", { type: "checkbox", id: "want-receipt", checked: true });
  const out = h("div", { id: "eform-result", "aria-live": "polite" });
  const eform = h("div", { class: "card" }, h("h3", { text: t("eform") }), h("div", { class: "grid" }, field(t("service"), service), field(t("rating"), rating)),
    field(t("text"), text), h("p", { text: t("preview") }), preview,
    h("div", { class: "inline" }, receipt, h("label", { for: "want-receipt", text: t("wantReceipt") })),
    ...act(t("send"), async () => {
      out.replaceChildren();
      const r = await call("feedback.submit", { service: service.value, rating: Number(rating.value), text: text.value, receipt: receipt.checked });
      out.replaceChildren(h("p", { class: "ok", id: "eform-done", text: t("sent") }), r.text ? h("p", { class: "code", text: r.text }) : "",
        r.receipt ? h("p", {}, t("receiptShown"), " ", h("span", { class: "code", id: "receipt-code" }, r.receipt)) : "");
      text.value = ""; preview.textContent = ""; status();
      focusOn($("#eform-done"));
    }, { id: "send-eform" }, [out]), out);
  return h("div", { class: "grid" }, device, eform);
}

// ---- Receipt look-up ----
async function receiptView() {
  const code = h("input", { type: "text", id: "receipt-input", autocomplete: "off", placeholder: "XXXX-XXXX-XXXX-XXXX-XXXX" });
  const out = h("div", { id: "receipt-result", "aria-live": "polite" });
  const err = h("div", { class: "err", id: "receipt-error", "aria-live": "assertive" });
  const btn = h("button", { type: "submit", id: "lookup", "aria-describedby": err.id }, t("lookUp"));
  const form = h("form", { class: "card" }, field(t("code"), code), btn, err, out);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    run(btn, err, async () => {
      out.replaceChildren();
      const v = await call("feedback.receipt", { code: code.value });
      const proof = h("p", { id: "receipt-proof", text: t("verifying") });
      out.replaceChildren(h("p", { id: "receipt-state" }, `${t("state")}: `, h("strong", { text: L("states", v.state) })), v.decision ? h("p", { text: `${t("decision")}: ${L("decisions", v.decision)}` }) : "",
        v.response ? h("p", { text: `${t("response")}: ${v.response}` }) : "", h("p", { text: `${t("updated")}: ${date(v.updated)}` }), proof);
      focusOn($("#receipt-state"));
      await checkReceipt(v, proof);
    }, [out]);
  });
  return form;
}

// ---- Social report ----
const COLORS = ["c1", "c2", "c3", "c4", "c5"];

// cellText shows a count, or why it is hidden: a small cell, or one hidden to protect another.
function cellText(c) { return c.suppressed ? (c.secondary ? t("hiddenOther") : t("small")) : num(c.value); }
function cellTd(c) { return h("td", { class: c.suppressed ? (c.secondary ? "supp secondary" : "supp") : "num", text: cellText(c) }); }

// reportDays is the social report's period, chosen on its view.
let reportDays = 90;
async function reportView() {
  const rep = await call("feedback.report", { days: reportDays });
  const follow = await call("feedback.followUps", { days: reportDays });
  const period = select([30, 90, 365].map((n) => [String(n), t("lastDays")(n)]), String(reportDays));
  period.id = "report-days";
  period.addEventListener("change", () => { reportDays = Number(period.value); render("#report-days"); });
  const stamp = `${reportDays}d`;
  const controls = h("div", { class: "card inline report-controls" }, field(t("period"), period),
    download(t("downloadCsv"), `osallisuus-report-${stamp}.csv`, reportCSV(rep)), download(t("downloadJson"), `osallisuus-report-${stamp}.json`, JSON.stringify(rep, null, 2)));
  const rt = rep.ratings, rows = rt.rows || [], cols = rt.cols || [];
  const colLabel = (c) => c === "none" ? t("none") : L("ratings", Number(c));
  const legend = h("ul", { class: "legend" }, cols.map((c, j) => h("li", {}, h("span", { class: `swatch ${COLORS[j]}`, "aria-hidden": "true" }), colLabel(c))),
    h("li", {}, h("span", { class: "swatch supp", "aria-hidden": "true" }), t("small")), h("li", {}, h("span", { class: "swatch supp secondary", "aria-hidden": "true" }), t("hiddenOther")));
  const chart = h("div", { class: "chart", role: "img", "aria-label": `${t("chartTitle")}. ${t("chartNote")}` },
    rows.map((row, i) => {
      const cells = rt.cells[i] || [], sum = cells.reduce((a, c) => a + (c.suppressed ? 5 : c.value), 0) || 1;
      return h("div", { class: "bar-row" }, h("div", { class: "bar-label", text: W("services", row) }),
        h("div", { class: "bar" }, cells.map((c, j) => {
          const share = (c.suppressed ? 5 : c.value) / sum;
          if (share <= 0) return "";
          const seg = h("span", { class: c.suppressed ? (c.secondary ? "seg supp secondary" : "seg supp") : `seg ${COLORS[j]}`, title: `${colLabel(cols[j])}: ${cellText(c)}` }, share > 0.07 && !c.suppressed ? num(c.value) : "");
          seg.style.width = `${share * 100}%`;
          return seg;
        })));
    }),
    h("div", { class: "bar-row axis", "aria-hidden": "true" }, h("div", { class: "bar-label" }), h("div", { class: "ticks" }, [0, 25, 50, 75, 100].map((p) => h("span", { text: num(p / 100, { style: "percent" }) })))));
  // No change is shown without an earlier period to compare with.
  const change = (sv) => sv.change === undefined || sv.change === null || (!sv.previous?.suppressed && !sv.previous?.value) ? "–" : num(sv.change, { signDisplay: "exceptZero" });
  const table = h("table", { id: "report-table" }, h("caption", { text: `${t("lastDays")(reportDays)}: ${cellText(rep.total)} ${t("items")}` }),
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: t("service") }), h("th", { scope: "col", text: t("count") }), ...cols.map((c) => h("th", { scope: "col", text: colLabel(c) })), h("th", { scope: "col", text: t("change") }), h("th", { scope: "col", text: t("happy") }), h("th", { scope: "col", text: t("topThemes") }))),
    h("tbody", {}, (rep.services || []).map((sv, i) => h("tr", {}, h("th", { scope: "row", text: W("services", sv.service) }), cellTd(sv.count),
      ...(rt.cells[rows.indexOf(sv.service)] || []).map(cellTd),
      h("td", { class: "num", text: change(sv) }), h("td", { class: "num", text: sv.happyIndex != null ? num(sv.happyIndex, { maximumFractionDigits: 2 }) : "–" }),
      h("td", { text: (sv.topThemes || []).map((th) => themeLabel(rep, th)).join(", ") })))));
  const tasks = h("div", {}, h("h3", { text: t("tasks") }), h("ul", {}, (rep.tasks || []).map((g) => h("li", {}, `${g.labels[lang]}: ${cellText(g.count)} (${g.themes.map((th) => themeLabel(rep, th)).join(", ") || "–"})`))));
  const answerCell = (f) => h("td", { "data-label": t("answers") }, f.options.map((o, j) => {
    const c = f.answers.cells[0][j];
    return h("span", { class: "answer-count" }, `${o[lang] || o.fi}: `, h("span", { class: c.suppressed ? "supp" : "", text: cellText(c) }));
  }));
  const followRow = (f) => h("tr", {}, h("td", { class: "lead-cell", text: `${f.point} (${W("services", f.service)})` }),
    h("td", { "data-label": t("question"), text: f.question[lang] || f.question.fi }), answerCell(f));
  const followUps = follow.length ? h("div", {}, h("h3", { text: t("followUps") }),
    h("table", { id: "follow-table", class: "cards" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col", text: t("device") }), h("th", { scope: "col", text: t("question") }), h("th", { scope: "col", text: t("answers") }))),
      h("tbody", {}, follow.map(followRow)))) : "";
  if (!rows.length) return h("div", {}, controls, h("p", { text: t("noData") }), followUps);
  return h("div", {}, controls, h("figure", { class: "card" }, h("figcaption", { text: t("chartTitle") }), legend, chart, h("p", { class: "note", text: t("legendSupp") })),
    scrollBox(t("lastDays")(reportDays), table), h("p", { class: "note", text: `– = ${t("noEarlier")}` }), followUps, tasks);
}
// reportCSV writes the report's services as CSV, one row a service: a
// hidden cell is written as why it is hidden (FB-5), never as a number.
function reportCSV(rep) {
  const cols = rep.ratings.cols || [], rows = rep.ratings.rows || [];
  const cell = (c) => c.suppressed ? (c.secondary ? "hidden_to_protect_another" : "under_5") : String(c.value);
  const q = (v) => /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  const head = ["service", "count", ...cols.map((c) => `rating_${c}`), "change", "happy_index"];
  const lines = (rep.services || []).map((sv) => [sv.service, cell(sv.count), ...(rep.ratings.cells[rows.indexOf(sv.service)] || []).map(cell),
    sv.change ?? "", sv.happyIndex ?? ""].map((v) => q(String(v))).join(","));
  return [head.join(","), ...lines].join("\n") + "\n";
}
function themeLabel(rep, code) { return (rep.themes || []).find((x) => x.theme === code)?.labels?.[lang] ?? code; }

// ---- Experience experts ----
async function expertsView() {
  const list = await call("expert.list");
  const rows = h("ul", { id: "expert-list" }, list.map((x) => h("li", {}, x.withdrawn ? h("em", { text: t("withdrawn") }) : [
    h("strong", { text: x.name }), ` – ${L("expertKinds", x.kind)}${x.trained ? ", " + t("trained") : ""} – ${(x.profile?.areas || []).map((a) => W("areas", a)).join(", ")} `,
    ...act(t("withdraw"), async () => { await call("expert.withdraw", { expert: x.id }); await render("#expert-list"); }, { class: "secondary" })])));
  const bg = select([["", "–"], ...Object.keys(labels.backgrounds).map((k) => [k, L("backgrounds", k)])], "");
  const area = select([["", "–"], ...AREAS.map((a) => [a, W("areas", a)])], "");
  const language = select([["", "–"], ["fi", "suomi"], ["sv", "svenska"], ["en", "English"]], "");
  const trained = h("input", { type: "checkbox", id: "need-trained" });
  const out = h("ol", { id: "match-result", "aria-live": "polite" });
  return h("div", {}, h("div", { class: "card" }, h("h3", { text: t("match") }), h("div", { class: "grid" }, field(t("background"), bg), field(t("area"), area), field(t("language"), language)),
    h("div", { class: "inline" }, trained, h("label", { for: "need-trained", text: t("requireTrained") })),
    ...act(t("find"), async () => {
      out.replaceChildren();
      const res = await call("expert.match", { background: bg.value, area: area.value, language: language.value, requireTrained: trained.checked });
      out.replaceChildren(...(res.length ? res.map((c) => h("li", {}, h("strong", { text: c.name }), ` – ${t("score")} ${num(c.score)}: `, c.reasons.map((r) => r.labels[lang]).join("; "))) : [h("li", { text: t("noMatch") })]));
      focusOn(out);
    }, { id: "find-expert" }, [out]), out), await assignmentsCard(), h("h3", { text: t("experts") }), rows);
}

// The assignments (EXP-4), each with its next step, and the payroll
// (EXP-7). Each step is taken as the chosen role; a refused one says why.
async function assignmentsCard() {
  const res = await call("expert.assignments");
  const type = select(Object.keys(labels.assignmentTypes).map((k) => [k, L("assignmentTypes", k)]), "individual_meeting");
  const hours = h("input", { type: "number", min: "0.25", max: "24", step: "0.25", value: "2", id: "assignment-hours" });
  const next = {
    requested: ["offerIt", "expert.offer", "offer-btn"], offered: ["acceptIt", "expert.accept", "accept-btn"],
    accepted: ["completeIt", "expert.complete", "complete-btn"], completed: ["payIt", "expert.pay", "pay-btn"],
  };
  const rows = res.list.map((x) => h("li", { class: "assignment" },
    h("strong", { text: L("assignmentTypes", x.type) }), ` – ${date(x.date)} – `, h("span", { class: "tag state", text: res.states[x.state]?.[lang] ?? x.state }),
    x.expertName ? ` ${t("forExpert")} ${x.expertName}` : "", x.hours ? ` – ${num(x.hours)} h, ${num(x.fee / 100, { style: "currency", currency: "EUR" })}` : "",
    next[x.state] ? h("div", {}, ...act(t(next[x.state][0]), async () => {
      const args = { assignment: x.id };
      if (x.state === "accepted") args.hours = Number(hours.value);
      await call(next[x.state][1], args);
      await render("#assignments");
    }, { class: `secondary ${next[x.state][2]}` })) : ""));
  const payroll = res.payroll.length ? scrollBox(t("payroll"), h("table", { id: "payroll" },
    h("thead", {}, h("tr", {}, [t("colName"), t("colAssignments"), t("colHours"), t("colFees")].map((c) => h("th", { text: c })))),
    h("tbody", {}, res.payroll.map((r) => h("tr", {}, h("td", { text: r.name || "–" }), h("td", { text: num(r.assignments) }), h("td", { text: num(r.hours) }),
      h("td", { text: num((r.fees + r.travel) / 100, { style: "currency", currency: "EUR" }) })))))) : h("p", { text: "–" });
  return h("div", { class: "card" }, h("h3", { text: t("assignments") }),
    h("div", { class: "grid" }, field(t("assignmentType"), type), field(t("hours"), hours)),
    ...act(t("requestAssignment"), async () => { await call("expert.request", { type: type.value }); await render("#assignments"); }, { id: "request-assignment" }),
    res.list.length ? h("ol", { id: "assignments", tabindex: "-1" }, rows) : h("p", { id: "assignments", tabindex: "-1", text: t("noAssignments") }),
    h("h4", { text: t("payroll") }), payroll);
}

// ---- The loop board, in the loop's order ----
async function loopView() {
  const board = await call("loop.board");
  const next = { received: ["acknowledged", "", "ack"], acknowledged: ["decided", "adopted", "adoptIt"], under_consideration: ["decided", "adopted", "adoptIt"], decided: ["reported_back", "", "reply"], implemented: ["reported_back", "", "reply"] };
  const source = (c) => WORDS.sources[`${c.source.module}/${c.source.kind}`]?.[lang] ?? L("levels", c.level);
  return h("div", { class: "board", id: "board" }, board.map((col) => h("section", { "aria-labelledby": `col-${col.state}` },
    h("h3", { id: `col-${col.state}` }, `${L("states", col.state)} (${num(col.count)})`, col.overdue ? h("span", { class: "tag bad" }, ` ${t("overdueN")(num(col.overdue))}`) : ""),
    h("ol", {}, col.cards.map((c) => h("li", { class: c.overdue ? "overdue" : "" }, h("span", { class: "title", text: localDates(c.title) }), " ",
      h("span", { class: "tag" }, source(c)), " ", h("span", { class: "tag" }, `${t("received")} ${date(c.receivedAt)}`), c.overdue ? h("span", { class: "tag bad" }, t("overdue")) : "",
      next[col.state] ? h("div", {}, ...act(t(next[col.state][2]), async () => {
        const [to, decision] = next[col.state];
        await call("loop.advance", { id: c.id, to, decision, text: to === "reported_back" ? t("replyText") : "" }); await render(`#col-${to}`);
      }, { class: "secondary" })) : ""))))));
}

// ---- The house of participation ----
async function houseView() {
  const res = await call("house");
  const house = res.house, indicators = res.indicators || [], warnings = res.warnings || [], groups = res.groups || {};
  const floors = house.floors.slice(0, 5), roof = house.floors[5];
  // A logarithmic scale, so that a floor with a few events still shows
  // beside one with thousands of feedback items.
  const max = Math.log1p(Math.max(1, ...house.floors.map((f) => f.events)));
  const Wd = 420, fh = 52, top = 90;
  const svg = s("svg", { viewBox: `0 0 ${Wd} ${top + floors.length * fh + 10}`, role: "img", "aria-labelledby": "house-title", class: "house" },
    s("title", { id: "house-title" }, `${t("tabHouse")}: ${house.floors.map((f) => `${L("levels", f.level)} ${num(f.events)} ${t("events")}`).join(", ")}`),
    s("polygon", { points: `20,${top} ${Wd / 2},10 ${Wd - 20},${top}`, class: roof.events ? "roof lit" : "roof" }),
    s("text", { x: Wd / 2, y: top - 18, "text-anchor": "middle", class: roof.events ? "on-dark" : "" }, L("levels", roof.level)));
  floors.slice().reverse().forEach((f, i) => {
    const y = top + i * fh, light = Math.log1p(f.events) / max;
    svg.append(s("rect", { x: 30, y, width: Wd - 60, height: fh - 4, class: f.events ? "floor lit" : "floor", "fill-opacity": f.events ? String(0.25 + 0.75 * light) : "1" }),
      s("text", { x: 40, y: y + 20 }, L("levels", f.level)),
      s("text", { x: 40, y: y + 38 }, f.events ? `${num(f.events)} ${t("events")}, ${num(f.people)} ${t("people")}` : t("empty")));
  });
  const who = (w) => groups[w.group] || (w.unit ? W("services", w.unit) : t("wholeCounty"));
  return h("div", { class: "grid" }, h("div", { class: "card" }, svg),
    h("div", {}, h("h3", { text: t("indicators") }), h("ul", { id: "indicators" }, indicators.map((i) => h("li", { text: localDates(i.reading[lang]) }))),
      h("h3", { text: t("warnings") }), warnings.length ? h("ul", { id: "warnings" }, warnings.map((w) => h("li", {}, h("strong", { text: who(w) }), ": ", w.rules.map((r) => `${r.labels[lang]} (${localDates(r.evidence.reading[lang])})`).join("; ")))) : h("p", { text: t("noWarnings") })));
}
const SVGNS = "http://www.w3.org/2000/svg";
function s(tag, attrs = {}, ...kids) { const el = document.createElementNS(SVGNS, tag); for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v); el.append(...kids); return el; }

const VIEWS = { panel: panelView, feedback: feedbackView, receipt: receiptView, report: reportView, experts: expertsView, loop: loopView, house: houseView };

async function call(method, args) {
  const out = await osallisuus.call(method, args || {});
  await save();
  return out;
}

async function setRole(r) {
  const ses = await osallisuus.call("session.role", { role: r });
  session = ses; role = ses.role;
  localStorage.setItem(ROLE, role);
}

// loadSample replaces the state with the sample county after a
// confirmation: a fresh model, the sample drawn into it, and the saved
// journal replaced by the sample's. If anything fails, the saved state is
// opened again, untouched.
async function loadSample() {
  const st = await osallisuus.call("state", {});
  if (st.events > 0 && !confirm(t("confirmSample"))) return;
  const { journal, keys } = await store.read();
  try {
    openResult = await osallisuus.open("", "");
    await setRole(role);
    await osallisuus.call("sample", { lang });
    await save(true);
  } catch (e) {
    openResult = await osallisuus.open(journal, keys);
    await setRole(role);
    throw e;
  }
  await render();
  const done = $("#sample-result");
  done.textContent = t("sampleLoaded")(num((await osallisuus.call("state", {})).events));
  focusOn(done);
}

async function boot() {
  const go = new Go();
  const { instance } = await WebAssembly.instantiateStreaming(fetch("osallisuus.wasm"), go.importObject);
  const ready = new Promise((resolve) => { if (globalThis.osallisuusLoaded) resolve(); else addEventListener("osallisuus-ready", resolve, { once: true }); });
  go.run(instance);
  await ready;
  store = await openStore();
  globalThis.osallisuusStore = store;
  const saved = await store.read();
  openResult = await osallisuus.open(saved.journal, saved.keys);
  if (openResult.error && saved.journal) {
    // If even the copy cannot be written, the damaged journal stays where
    // it is, whole, and this page writes nothing over it.
    try { await store.keepAside(saved.journal, saved.keys, openResult.error); } catch (e) { readOnly = { stamp: "", journal: saved.journal, keys: saved.keys, reason: openResult.error }; }
  }
  // Many small chunks are joined into one, in one transaction.
  else if (saved.chunks > 256) await store.replace(saved.journal, saved.keys);
  labels = await osallisuus.call("labels", {});
  policy = await osallisuus.call("policy", {});
  await setRole(role).catch(() => setRole("coordinator"));
  buildTabs();
  document.querySelectorAll("[data-lang]").forEach((b) => b.addEventListener("click", () => { lang = b.dataset.lang; localStorage.setItem(LANG, lang); $("#sample-result").textContent = ""; render(); }));
  $("#role").addEventListener("change", async (e) => { await setRole(e.target.value); await render(); });
  const sampleBtn = $("#sample"), sampleErr = $("#sample-error");
  sampleBtn.addEventListener("click", () => run(sampleBtn, sampleErr, async () => { sampleBtn.disabled = true; try { await loadSample(); } finally { sampleBtn.disabled = false; } }, [$("#sample-result")]));
  const hourBtn = $("#next-hour");
  hourBtn.addEventListener("click", () => run(hourBtn, $("#sample-error"), async () => { await call("clock.nextHour"); await render(); }));
  $("#reset").addEventListener("click", async () => { if (confirm(t("confirmReset"))) { if (!readOnly) await store.clear(); location.reload(); } });
  await render();
  globalThis.osallisuusReady = true;
  performance.mark("osallisuus-ready");
}

// ---- The views of co-development, goals, family consent and the journal ----

// Their words, merged into the page's tables.
const MORE = {
  fi: {
    lot: "Jäsenten arvonta", lotNote: "Arvonta jakaa paikat palveluille niiden osuuden mukaan vapaaehtoisista, ja sattuma valitsee palvelun sisällä (PANEL-9). Siemenluku tallennetaan, joten arvonnan voi tarkastaa ja toistaa.", volunteers: "Vapaaehtoisia", seats: "Paikkoja", seed: "Siemenluku", drawLot: "Arvo jäsenet", lotDrawn: (d, n, k, s) => `${d}: ${n} vapaaehtoista, ${k} paikkaa, siemenluku ${s}.`, seatsOf: (k, n) => `${k} paikkaa / ${n} vapaaehtoista`,
    npsLabel: "Suositteluindeksi 0–10", hiddenFigure: "– = luku on piilotettu, koska se paljastaisi alle viiden vastaajan valinnat.", tabSurvey: "Asiakaskysely", introSurvey: "Kysely noudattaa THL:n valtakunnallisen asiakaspalautteen rakennetta (FB-8): suositteluindeksi 0–10, perusväittämät asteikolla 1–5, organisaation omat väittämät ja avoin kysymys, joten tulokset ovat vertailukelpoisia yksiköiden ja hyvinvointialueiden välillä. Vastaukset ovat nimettömiä, ja alle viiden vastauksen luvut piilotetaan (FB-5).", createSurvey: "Luo kysely valtakunnallisen mallin mukaan", noSurvey: "Kyselyä ei ole vielä luotu.", answerSurvey: "Lähetä vastaus", surveyDone: "Kiitos, vastauksesi kirjattiin nimettömänä.", noAnswer2: "Ei vastausta", agree: (n) => ["", "1 – täysin eri mieltä", "2", "3", "4", "5 – täysin samaa mieltä"][n], results: "Tulokset", responses: "Vastauksia", answeredN: "Vastanneita", meanOrNps: "Keskiarvo / suositteluindeksi", category: "Osa-alue", openAnswers: "Avoimet vastaukset (poimintoja, henkilötiedot poistettu)",
    minutes: "Pöytäkirja", minutesText: "Läsnä kaikki jäsenet. Raati käsitteli iltavastaanoton ja hyväksyi kannanoton.", minutesWrite: "Kirjaa pöytäkirja", minutesApprove: "Hyväksy pöytäkirja", minutesApproved: "Puheenjohtaja hyväksyi", minutesPending: "Odottaa puheenjohtajan hyväksyntää.", noMinutes: "Pöytäkirjaa ei ole vielä kirjattu.",
    tabCodev: "Yhteiskehittäminen", tabGoals: "Omat tavoitteet", tabFamily: "Omaisen suostumus", tabJournal: "Tapahtumaketju",
    introCodev: "Yhteiskehittämisprosessi etenee vaiheittain: suunnittelu, toteutus ja arviointi. Päätökset kirjataan perusteluineen. Prosessi päätetään vasta arviointivaiheessa ja aina tulosyhteenvedolla, joka lähtee vastauksena jokaiselle prosessiin liitetylle palautteelle ja idealle (PART-3).",
    introGoals: "Asiakas kirjoittaa muutostavoitteensa itse ja kertoo oman osuutensa sen saavuttamisessa; vain asiakas voi muotoilla tavoitteen uudelleen. Työntekijä kirjaa tukensa ja edistymisen. Tavoite on työn alla tai saavutettu – epäonnistunutta tavoitetta ei ole, vaan tavoite suunnitellaan uudelleen, ja aiempi muotoilu säilyy (PART-4).",
    introFamily: "Omainen voi osallistua asiakkaan palvelun suunnitteluun, tapaamisiin tai tiedonsaantiin vain asiakkaan (tai laillisen edustajan) suostumuksella, sen sisältämissä asioissa ja sen voimassaoloajan. Asiakas voi perua suostumuksen milloin tahansa, minkä jälkeen omainen ei voi enää osallistua (PART-5).",
    introJournal: "Kaikki muutokset tallentuvat tapahtumaketjuun, jossa jokainen tapahtuma sisältää edellisen tiivisteen. Tarkistus käy koko ketjun läpi: jos yksikin merkki on muuttunut, ketju ei täsmää. Ketjun ja avaimet voi ladata talteen; henkilötiedot ovat ketjussa salattuina.",
    processTitle: "Iltavastaanoton yhteiskehittäminen", startProcess: "Aloita yhteiskehittämisprosessi", processName: "Prosessin nimi", noProcesses: "Ei vielä prosesseja.",
    phase: "Vaihe", participants: "Osallistujat", log: "Päätösloki", noLog: "Ei vielä kirjattuja päätöksiä.", linked: "Liitetyt palautteet ja ideat", noLinked: "Ei liitettyjä palautteita tai ideoita.",
    idea: "Idea", ideaText: "Iltavastaanotto myös torstaisin", raiseIdea: "Tuo idea prosessiin", logDecision: "Kirjaa päätös", why: "Perustelu", decisionText: "Kokeillaan iltavastaanottoa kahden kuukauden ajan", whyText: "Raati ja kokemusasiantuntija pitivät tätä tärkeimpänä",
    nextPhase: "Siirry seuraavaan vaiheeseen", summary: "Tulosyhteenveto", summaryText: "Iltavastaanotto jatkuu tiistaisin ja torstaisin; asiakkaiden odotusaika lyheni.", closeProcess: "Päätä prosessi ja vastaa liitettyihin", closeLater: "Prosessin voi päättää arviointivaiheessa tulosyhteenvedolla.", answered: "Vastaus:",
    goalText: "Tavoitteeni", ownRole: "Oma osuuteni", goalDefault: "Löydän oman vuokra-asunnon", ownRoleDefault: "Haen kahta asuntoa viikossa", writeGoal: "Kirjaa oma tavoite", noGoals: "Ei vielä tavoitteita.",
    ownGoal: "Oma tavoitteesi", otherGoal: "Toisen asiakkaan tavoite", support: "Työntekijän tuki", supportDefault: "Autan hakemusten kanssa", progress: "Edistyminen", progressDefault: "Kaksi hakemusta lähetetty",
    addSupport: "Kirjaa tuki", addProgress: "Kirjaa edistyminen", reach: "Merkitse saavutetuksi", replan: "Suunnittele uudelleen", newWording: "Uusi muotoilu", replanWhy: "Miksi muutat tavoitetta", replanWhyDefault: "Tavoite tarkentui",
    earlier: "Aiempi muotoilu", notes: "Merkinnät",
    familyFor: "Asiakkaan suostumus omaiselle", scopes: "Mihin omainen voi osallistua", expires: "Voimassa", days: (n) => `${n} päivää`, grant: "Kirjaa suostumus", consents: "Suostumukset", noConsents: "Ei suostumuksia.",
    given: "Annettu", until: "voimassa", withdrawnAt: "peruttu", withdrawConsent: "Peru suostumus", inForce: "Voimassa nyt", notInForce: "Ei voimassa", takePart: "Omainen osallistuu", tookPart: "Osallistuminen kirjattiin.",
    verify: "Tarkista koko ketju", verified: (n) => `Ketju tarkistettu: ${n} tapahtumaa, jokainen linkki täsmää ✓`, notVerified: "Ketju ei täsmää:", head: "Viimeisin tiiviste", eventType: "Tapahtumatyyppi", eventCount: "Määrä", savedJournal: "Tallennettu ketju",
    downloadCsv: "Lataa CSV", downloadJson: "Lataa JSON", period: "Jakso", lastDays: (n) => `Viimeiset ${n} päivää`, reportFor: (n) => `Viimeiset ${n} päivää`,
  },
  sv: {
    lot: "Lottning av medlemmar", lotNote: "Lottningen fördelar platserna på tjänsterna enligt deras andel av de frivilliga, och slumpen väljer inom tjänsten (PANEL-9). Fröet sparas, så lottningen kan granskas och göras om.", volunteers: "Frivilliga", seats: "Platser", seed: "Frö", drawLot: "Lotta medlemmar", lotDrawn: (d, n, k, s) => `${d}: ${n} frivilliga, ${k} platser, frö ${s}.`, seatsOf: (k, n) => `${k} platser / ${n} frivilliga`,
    npsLabel: "Rekommendationsindex 0–10", hiddenFigure: "– = talet är dolt eftersom det skulle avslöja svar som färre än fem har gett.", tabSurvey: "Klientenkät", introSurvey: "Enkäten följer strukturen i THL:s nationella klientrespons (FB-8): rekommendationsindex 0–10, grundpåståenden på skalan 1–5, organisationens egna påståenden och en öppen fråga, så att resultaten kan jämföras mellan enheter och välfärdsområden. Svaren är anonyma, och tal under fem svar döljs (FB-5).", createSurvey: "Skapa en enkät enligt den nationella modellen", noSurvey: "Ingen enkät har skapats ännu.", answerSurvey: "Skicka svaret", surveyDone: "Tack, ditt svar registrerades anonymt.", noAnswer2: "Inget svar", agree: (n) => ["", "1 – helt av annan åsikt", "2", "3", "4", "5 – helt av samma åsikt"][n], results: "Resultat", responses: "Svar", answeredN: "Svarande", meanOrNps: "Medelvärde / rekommendationsindex", category: "Område", openAnswers: "Öppna svar (urval, personuppgifter borttagna)",
    minutes: "Protokoll", minutesText: "Alla medlemmar närvarande. Rådet behandlade kvällsmottagningen och godkände ställningstagandet.", minutesWrite: "Registrera protokollet", minutesApprove: "Godkänn protokollet", minutesApproved: "Ordföranden godkände", minutesPending: "Väntar på ordförandens godkännande.", noMinutes: "Inget protokoll har registrerats ännu.",
    tabCodev: "Samutveckling", tabGoals: "Egna mål", tabFamily: "Anhörigas samtycke", tabJournal: "Händelsekedjan",
    introCodev: "En samutvecklingsprocess går i steg: planering, genomförande och utvärdering. Besluten dokumenteras med motivering. Processen avslutas först i utvärderingen och alltid med en resultatsammanfattning, som går som svar till varje respons och idé som kopplats till processen (PART-3).",
    introGoals: "Klienten skriver själv sitt förändringsmål och sin egen del i att nå det; bara klienten kan formulera om målet. Den anställda antecknar sitt stöd och framstegen. Ett mål pågår eller är uppnått – det finns inga misslyckade mål, målet planeras om och den tidigare formuleringen sparas (PART-4).",
    introFamily: "En anhörig kan delta i planeringen av klientens service, i möten eller få information bara med klientens (eller den lagliga företrädarens) samtycke, i det som samtycket omfattar och medan det gäller. Klienten kan när som helst återkalla samtycket, och därefter kan den anhöriga inte längre delta (PART-5).",
    introJournal: "Alla ändringar sparas i en händelsekedja där varje händelse innehåller den föregåendes hash. Kontrollen går igenom hela kedjan: har ett enda tecken ändrats stämmer kedjan inte. Kedjan och nycklarna kan laddas ner; personuppgifterna är krypterade i kedjan.",
    processTitle: "Samutveckling av kvällsmottagningen", startProcess: "Starta en samutvecklingsprocess", processName: "Processens namn", noProcesses: "Inga processer ännu.",
    phase: "Skede", participants: "Deltagare", log: "Beslutslogg", noLog: "Inga dokumenterade beslut ännu.", linked: "Kopplade responser och idéer", noLinked: "Inga kopplade responser eller idéer.",
    idea: "Idé", ideaText: "Kvällsmottagning också på torsdagar", raiseIdea: "Lägg fram idén", logDecision: "Dokumentera beslut", why: "Motivering", decisionText: "Vi prövar kvällsmottagning i två månader", whyText: "Rådet och erfarenhetsexperten ansåg det viktigast",
    nextPhase: "Gå till nästa skede", summary: "Resultatsammanfattning", summaryText: "Kvällsmottagningen fortsätter tisdagar och torsdagar; klienternas väntetid blev kortare.", closeProcess: "Avsluta processen och svara på det kopplade", closeLater: "Processen kan avslutas i utvärderingen med en resultatsammanfattning.", answered: "Svar:",
    goalText: "Mitt mål", ownRole: "Min egen del", goalDefault: "Jag hittar en egen hyresbostad", ownRoleDefault: "Jag söker två bostäder i veckan", writeGoal: "Skriv ett eget mål", noGoals: "Inga mål ännu.",
    ownGoal: "Ditt eget mål", otherGoal: "En annan klients mål", support: "Den anställdas stöd", supportDefault: "Jag hjälper med ansökningarna", progress: "Framsteg", progressDefault: "Två ansökningar skickade",
    addSupport: "Anteckna stöd", addProgress: "Anteckna framsteg", reach: "Markera som uppnått", replan: "Planera om", newWording: "Ny formulering", replanWhy: "Varför ändrar du målet", replanWhyDefault: "Målet blev tydligare",
    earlier: "Tidigare formulering", notes: "Anteckningar",
    familyFor: "Klientens samtycke för den anhöriga", scopes: "Vad den anhöriga får delta i", expires: "Giltigt", days: (n) => `${n} dagar`, grant: "Registrera samtycket", consents: "Samtycken", noConsents: "Inga samtycken.",
    given: "Givet", until: "giltigt till", withdrawnAt: "återkallat", withdrawConsent: "Återkalla samtycket", inForce: "Gäller nu", notInForce: "Gäller inte", takePart: "Den anhöriga deltar", tookPart: "Deltagandet registrerades.",
    verify: "Kontrollera hela kedjan", verified: (n) => `Kedjan kontrollerad: ${n} händelser, varje länk stämmer ✓`, notVerified: "Kedjan stämmer inte:", head: "Senaste hash", eventType: "Händelsetyp", eventCount: "Antal", savedJournal: "Den sparade kedjan",
    downloadCsv: "Ladda ner CSV", downloadJson: "Ladda ner JSON", period: "Period", lastDays: (n) => `De senaste ${n} dagarna`, reportFor: (n) => `De senaste ${n} dagarna`,
  },
  en: {
    lot: "Drawing members by lot", lotNote: "The lot shares the seats among services by their share of the volunteers, and chance picks within a service (PANEL-9). The seed is recorded, so the draw can be audited and redone.", volunteers: "Volunteers", seats: "Seats", seed: "Seed", drawLot: "Draw members", lotDrawn: (d, n, k, s) => `${d}: ${n} volunteers, ${k} seats, seed ${s}.`, seatsOf: (k, n) => `${k} seats / ${n} volunteers`,
    npsLabel: "Recommendation index 0–10", hiddenFigure: "– = the figure is hidden, as it would reveal answers fewer than five gave.", tabSurvey: "Client survey", introSurvey: "The survey follows the shape of THL's national client feedback (FB-8): a recommendation index 0–10, basic statements on a 1–5 scale, the organisation's own statements and an open question, so results compare across units and counties. Answers are anonymous, and counts under five are hidden (FB-5).", createSurvey: "Create a survey in the national shape", noSurvey: "No survey created yet.", answerSurvey: "Send the answer", surveyDone: "Thank you, your answer was recorded anonymously.", noAnswer2: "No answer", agree: (n) => ["", "1 – strongly disagree", "2", "3", "4", "5 – strongly agree"][n], results: "Results", responses: "Responses", answeredN: "Answered", meanOrNps: "Mean / recommendation index", category: "Area", openAnswers: "Open answers (excerpts, personal data removed)",
    minutes: "Minutes", minutesText: "All members present. The panel discussed evening hours and adopted a statement.", minutesWrite: "Record the minutes", minutesApprove: "Approve the minutes", minutesApproved: "Approved by the chair", minutesPending: "Awaiting the chair's approval.", noMinutes: "No minutes recorded yet.",
    tabCodev: "Co-development", tabGoals: "Own goals", tabFamily: "Family consent", tabJournal: "Journal",
    introCodev: "A co-development process moves in phases: planning, implementation, evaluation. Decisions are documented with their reasons. A process closes only in evaluation and always with a results summary, which goes as the answer to every input and idea linked to it (PART-3).",
    introGoals: "Clients write their change goal themselves, with their own part in reaching it; only the client rewords it. Workers record their support and the progress. A goal is in progress or reached – there is no failed goal: it is replanned, and the earlier wording is kept (PART-4).",
    introFamily: "A family member takes part in planning the client's service, in meetings or in information only with the client's (or legal representative's) consent, within what it covers and while it is in force. The client can withdraw it at any time, and then the family member can no longer take part (PART-5).",
    introJournal: "Every change is kept in a chain of events in which each event holds the hash of the one before. Verifying walks the whole chain: if a single character changed, the chain does not match. The chain and the keys can be downloaded; personal data is sealed in the chain.",
    processTitle: "Co-developing evening hours", startProcess: "Start a co-development process", processName: "Name of the process", noProcesses: "No processes yet.",
    phase: "Phase", participants: "Participants", log: "Decision log", noLog: "No decisions documented yet.", linked: "Linked inputs and ideas", noLinked: "No linked inputs or ideas.",
    idea: "Idea", ideaText: "Evening hours on Thursdays too", raiseIdea: "Raise the idea", logDecision: "Document a decision", why: "Why", decisionText: "We try evening hours for two months", whyText: "The panel and the experience expert rated it first",
    nextPhase: "Move to the next phase", summary: "Results summary", summaryText: "Evening hours go on on Tuesdays and Thursdays; clients waited less.", closeProcess: "Close the process and answer what is linked", closeLater: "The process can be closed in evaluation, with a results summary.", answered: "Answer:",
    goalText: "My goal", ownRole: "My own part", goalDefault: "I find a rented flat of my own", ownRoleDefault: "I apply for two flats a week", writeGoal: "Write my own goal", noGoals: "No goals yet.",
    ownGoal: "Your own goal", otherGoal: "Another client's goal", support: "Worker's support", supportDefault: "I help with the applications", progress: "Progress", progressDefault: "Two applications sent",
    addSupport: "Record support", addProgress: "Record progress", reach: "Mark reached", replan: "Replan", newWording: "New wording", replanWhy: "Why you change the goal", replanWhyDefault: "The goal became clearer",
    earlier: "Earlier wording", notes: "Notes",
    familyFor: "The client's consent for the family member", scopes: "What the family member may take part in", expires: "Valid for", days: (n) => `${n} days`, grant: "Record the consent", consents: "Consents", noConsents: "No consents.",
    given: "Given", until: "valid until", withdrawnAt: "withdrawn", withdrawConsent: "Withdraw the consent", inForce: "In force now", notInForce: "Not in force", takePart: "The family member takes part", tookPart: "Taking part was recorded.",
    verify: "Verify the whole chain", verified: (n) => `Chain verified: ${n} events, every link matches ✓`, notVerified: "The chain does not match:", head: "Latest hash", eventType: "Event type", eventCount: "Count", savedJournal: "The saved chain",
    downloadCsv: "Download CSV", downloadJson: "Download JSON", period: "Period", lastDays: (n) => `Last ${n} days`, reportFor: (n) => `Last ${n} days`,
  },
};
for (const l of Object.keys(MORE)) Object.assign(T[l], MORE[l]);
Object.assign(WORDS.actions, {
  "panel.draw_lot": { fi: "arpoa jäseniä", sv: "lotta medlemmar", en: "draw members by lot" },
  "feedback.create_survey": { fi: "luoda kyselyä", sv: "skapa en enkät", en: "create a survey" },
  "panel.write_minutes": { fi: "kirjata pöytäkirjaa", sv: "föra protokoll", en: "write the minutes" },
  "panel.approve_minutes": { fi: "hyväksyä pöytäkirjaa", sv: "godkänna protokollet", en: "approve the minutes" },
  "codev.start": { fi: "aloittaa yhteiskehittämisprosessia", sv: "starta en samutvecklingsprocess", en: "start a co-development process" },
  "codev.raise_idea": { fi: "tuoda ideaa prosessiin", sv: "lägga fram en idé i processen", en: "raise an idea in the process" },
  "codev.log": { fi: "kirjata päätöstä", sv: "dokumentera ett beslut", en: "document a decision" },
  "codev.advance": { fi: "siirtää prosessia seuraavaan vaiheeseen", sv: "flytta processen till nästa skede", en: "move the process to its next phase" },
  "codev.close": { fi: "päättää prosessia tulosyhteenvedolla", sv: "avsluta processen med en resultatsammanfattning", en: "close the process with a results summary" },
  "goal.write": { fi: "kirjata omaa tavoitetta", sv: "skriva ett eget mål", en: "write an own goal" },
  "goal.replan": { fi: "suunnitella tavoitetta uudelleen", sv: "planera om ett mål", en: "replan a goal" },
  "goal.support": { fi: "kirjata työntekijän tukea", sv: "anteckna den anställdas stöd", en: "record a worker's support" },
  "goal.progress": { fi: "kirjata edistymistä", sv: "anteckna framsteg", en: "record progress" },
  "goal.reach": { fi: "merkitä tavoitetta saavutetuksi", sv: "markera ett mål som uppnått", en: "mark a goal reached" },
  "family.grant": { fi: "kirjata omaisen suostumusta", sv: "registrera ett samtycke för en anhörig", en: "record a family consent" },
  "family.withdraw": { fi: "perua omaisen suostumusta", sv: "återkalla en anhörigs samtycke", en: "withdraw a family consent" },
  "family.take_part": { fi: "osallistua omaisena asiakkaan palveluun", sv: "delta som anhörig i klientens service", en: "take part in a client's service as a family member" },
});
Object.assign(WORDS.personal, {
  "panel.write_minutes": { fi: "Pöytäkirjan kirjaa raadin sihteeri (PANEL-6).", sv: "Protokollet förs av rådets sekreterare (PANEL-6).", en: "The minutes are written by the panel's secretary (PANEL-6)." },
  "panel.approve_minutes": { fi: "Pöytäkirjan hyväksyy raadin puheenjohtaja (PANEL-6).", sv: "Protokollet godkänns av rådets ordförande (PANEL-6).", en: "The minutes are approved by the panel's chair (PANEL-6)." },
  "codev.raise_idea": { fi: "Asiakkaat ja kokemusasiantuntijat tuovat ideoita vain prosessiin, jonka osallistujia he ovat (PART-3).", sv: "Klienter och erfarenhetsexperter lägger fram idéer bara i en process där de deltar (PART-3).", en: "Clients and experience experts raise ideas only in a process they take part in (PART-3)." },
  "codev.log": { fi: "Asiakkaat ja kokemusasiantuntijat kirjaavat päätöksiä vain prosessiin, jonka osallistujia he ovat (PART-3).", sv: "Klienter och erfarenhetsexperter dokumenterar beslut bara i en process där de deltar (PART-3).", en: "Clients and experience experts document decisions only in a process they take part in (PART-3)." },
  "goal.replan": { fi: "Tavoite on asiakkaan oma: vain asiakas itse muotoilee sen uudelleen (PART-4).", sv: "Målet är klientens eget: bara klienten själv formulerar om det (PART-4).", en: "A goal is the client's own: only the client rewords it (PART-4)." },
  "goal.progress": { fi: "Asiakas kirjaa edistymistä vain omaan tavoitteeseensa (PART-4).", sv: "En klient antecknar framsteg bara i sitt eget mål (PART-4).", en: "A client records progress only on their own goal (PART-4)." },
  "goal.reach": { fi: "Asiakas merkitsee saavutetuksi vain oman tavoitteensa (PART-4).", sv: "En klient markerar bara sitt eget mål som uppnått (PART-4).", en: "A client marks only their own goal reached (PART-4)." },
  "family.grant": { fi: "Asiakas antaa suostumuksen vain omaan palveluunsa (PART-5).", sv: "En klient ger samtycke bara för sin egen service (PART-5).", en: "A client consents only for their own service (PART-5)." },
  "family.withdraw": { fi: "Asiakas voi perua vain omat suostumuksensa (PART-5).", sv: "En klient kan bara återkalla sina egna samtycken (PART-5).", en: "A client withdraws only their own consents (PART-5)." },
});
Object.assign(WORDS.fields, {
  title: { fi: "Nimi", sv: "Namn", en: "Title" }, summary: { fi: "Tulosyhteenveto", sv: "Resultatsammanfattning", en: "Results summary" }, why: { fi: "Perustelu", sv: "Motivering", en: "Why" },
  ownRole: { fi: "Oma osuus", sv: "Egen del", en: "Own part" }, support: { fi: "Tuki", sv: "Stöd", en: "Support" }, note: { fi: "Merkintä", sv: "Anteckning", en: "Note" },
  scopes: { fi: "Suostumuksen sisältö", sv: "Samtyckets omfattning", en: "What the consent covers" },
});
VIEW_ACTIONS.panel.push("panel.write_minutes", "panel.approve_minutes", "panel.draw_lot");
Object.assign(VIEW_ACTIONS, {
  survey: ["feedback.create_survey"],
  codev: ["codev.start", "codev.raise_idea", "codev.log", "codev.advance", "codev.close"],
  goals: ["goal.write", "goal.replan", "goal.support", "goal.progress", "goal.reach"],
  family: ["family.grant", "family.withdraw", "family.take_part"],
});

// minutesBox shows a held meeting's minutes: the secretary writes them,
// the chair approves them (PANEL-6).
function minutesBox(m) {
  const text = h("textarea", { id: "minutes-text" }, m.minutes || t("minutesText"));
  const shown = m.minutes ? h("div", { id: "minutes" }, h("p", { text: m.minutes }),
    h("p", { class: m.minutesApproved ? "ok" : "note", text: m.minutesApproved ? `${t("minutesApproved")} ${date(m.minutesApproved)} ✓` : t("minutesPending") })) : h("p", { class: "note", id: "minutes", text: t("noMinutes") });
  return h("div", { class: "card" }, h("h3", { text: t("minutes") }), shown, field(t("minutesWrite"), text),
    ...act(t("minutesWrite"), async () => { await call("panel.writeMinutes", { meeting: m.id, text: text.value }); await render("#minutes"); }, { class: "secondary", id: "write-minutes" }),
    m.minutes && !m.minutesApproved ? act(t("minutesApprove"), async () => { await call("panel.approveMinutes", { meeting: m.id }); await render("#minutes"); }, { id: "approve-minutes" }) : "");
}

// lotBox draws members by stratified lot (PANEL-9) and shows the draws:
// each service's seats against its volunteers, and the seed that redoes it.
async function lotBox(pid) {
  const lots = (await call("panel.lots")).filter((l) => l.panel === pid);
  const vols = h("input", { type: "number", min: "1", max: "60", value: "12" }), seats = h("input", { type: "number", min: "1", max: "30", value: "6" }), seed = h("input", { type: "number", min: "0", value: "2026" });
  const shown = h("ul", { id: "lots" }, lots.map((l) => {
    const by = {};
    for (const v of l.volunteers) by[v.service] = (by[v.service] || 0) + 1;
    return h("li", {}, t("lotDrawn")(date(l.drawnAt), num(l.volunteers.length), num(l.seats), String(l.seed)), " ",
      Object.keys(by).map((sv) => h("span", { class: "tag" }, `${W("services", sv)}: ${t("seatsOf")(num(l.allocation[sv] || 0), num(by[sv]))}`)));
  }));
  return h("div", { class: "card" }, h("h3", { text: t("lot") }), h("p", { class: "note", text: t("lotNote") }),
    h("div", { class: "grid" }, field(t("volunteers"), vols), field(t("seats"), seats), field(t("seed"), seed)),
    ...act(t("drawLot"), async () => { await call("panel.drawLot", { panel: pid, volunteers: Number(vols.value), seats: Number(seats.value), seed: Number(seed.value) }); await render("#lots"); }, { class: "secondary", id: "draw-lot" }), shown);
}

// textInput is a one-line text field with a default value.
function textInput(value, attrs = {}) { return h("input", { type: "text", autocomplete: "off", value, ...attrs }); }

// ---- Co-development (PART-3) ----
async function codevView() {
  const res = await call("codev.list");
  const title = textInput(t("processTitle"), { id: "process-title" });
  const start = h("div", { class: "card" }, field(t("processName"), title),
    ...act(t("startProcess"), async () => { await call("codev.start", { title: title.value }); await render(".process:last-of-type"); }, { id: "start-process" }));
  const phaseLabel = (ph) => res.phases[ph]?.[lang] ?? ph;
  const source = (c) => WORDS.sources[`${c.source.module}/${c.source.kind}`]?.[lang] ?? c.source.kind;
  const card = (x) => {
    const steps = h("ol", { class: "phases", "aria-label": t("phase") }, ["planning", "implementation", "evaluation", "closed"].map((ph) =>
      h("li", { class: ph === x.phase ? "now" : "", "aria-current": ph === x.phase ? "step" : false, text: phaseLabel(ph) })));
    const people = h("p", {}, `${t("participants")}: `, (x.participants || []).length ? x.participants.map((q) => res.roles[q.role]?.[lang] ?? q.role).join(", ") : "–");
    const log = h("div", {}, h("h4", { text: t("log") }), (x.log || []).length ? h("ul", { class: "log" }, x.log.map((e) => h("li", {}, h("strong", { text: e.decision }), ` – ${e.why} (${date(e.at)}, ${roleLabel(e.by.role)})`))) : h("p", { class: "note", text: t("noLog") }));
    const linked = h("div", {}, h("h4", { text: t("linked") }), x.linked.length ? h("ul", { class: "linked" }, x.linked.map((c) => h("li", {}, h("span", { text: c.title }), " ", h("span", { class: "tag" }, source(c)), " ", h("span", { class: "tag" }, L("states", c.state)),
      c.response ? h("p", { class: "ok answered", text: `${t("answered")} ${c.response}` }) : ""))) : h("p", { class: "note", text: t("noLinked") }));
    const box = h("section", { class: "card process", "aria-labelledby": `p-${x.id}` }, h("h3", { id: `p-${x.id}`, text: x.title }), steps, people);
    if (x.phase === "closed") {
      box.append(h("p", { class: "ok summary" }, `${t("summary")}: ${x.summary}`), log, linked);
      return box;
    }
    const idea = textInput(t("ideaText")), dec = textInput(t("decisionText")), why = textInput(t("whyText"));
    const again = `#p-${x.id}`;
    box.append(log, linked,
      h("div", { class: "grid" },
        h("div", {}, field(t("idea"), idea), ...act(t("raiseIdea"), async () => { await call("codev.idea", { process: x.id, title: idea.value }); await render(again); }, { class: "secondary idea-btn" })),
        h("div", {}, field(t("logDecision"), dec), field(t("why"), why), ...act(t("logDecision"), async () => { await call("codev.log", { process: x.id, decision: dec.value, why: why.value }); await render(again); }, { class: "secondary log-btn" }))));
    if (x.phase !== "evaluation") {
      box.append(h("div", {}, ...act(t("nextPhase"), async () => { await call("codev.advance", { process: x.id }); await render(again); }, { class: "advance-btn" })), h("p", { class: "note", text: t("closeLater") }));
    } else {
      const sum = h("textarea", {}, t("summaryText"));
      box.append(h("div", {}, field(t("summary"), sum), ...act(t("closeProcess"), async () => { await call("codev.close", { process: x.id, summary: sum.value, decision: "adopted" }); await render(again); }, { class: "close-btn" })));
    }
    return box;
  };
  return h("div", { id: "processes" }, start, res.processes.length ? res.processes.map(card) : h("p", { text: t("noProcesses") }));
}

// ---- Clients' own goals (PART-4) ----
async function goalsView() {
  const res = await call("goal.list");
  const text = textInput(t("goalDefault"), { id: "goal-text" }), own = textInput(t("ownRoleDefault"), { id: "goal-own" });
  const write = h("div", { class: "card" }, h("div", { class: "grid" }, field(t("goalText"), text), field(t("ownRole"), own)),
    ...act(t("writeGoal"), async () => { await call("goal.write", { text: text.value, ownRole: own.value }); await render(".goal.own"); }, { id: "write-goal" }));
  const card = (g) => {
    const box = h("section", { class: `card goal${g.own ? " own" : ""}`, "aria-labelledby": `g-${g.id}` },
      h("h3", { id: `g-${g.id}`, text: g.text }), h("p", {}, h("span", { class: "tag" }, g.own ? t("ownGoal") : t("otherGoal")), " ", h("span", { class: g.state === "reached" ? "tag ok state" : "tag state" }, res.states[g.state]?.[lang] ?? g.state)),
      h("p", {}, `${t("ownRole")}: ${g.ownRole}`), g.support ? h("p", {}, `${t("support")}: ${g.support}`) : "",
      (g.plans || []).length ? h("ul", { class: "plans" }, g.plans.map((pl) => h("li", {}, `${t("earlier")} (${date(pl.at)}): ${pl.text} – ${pl.why}`))) : "",
      (g.notes || []).length ? h("ul", { class: "notes", "aria-label": t("notes") }, g.notes.map((n) => h("li", {}, `${date(n.at)} (${roleLabel(n.by.role)}): ${n.note}`))) : "");
    if (g.state === "reached") return box;
    const again = `#g-${g.id}`;
    const wording = textInput(g.text), why = textInput(t("replanWhyDefault")), sup = textInput(t("supportDefault")), note = textInput(t("progressDefault"));
    box.append(h("div", { class: "grid" },
      h("div", {}, field(t("newWording"), wording), field(t("replanWhy"), why), ...act(t("replan"), async () => { await call("goal.replan", { goal: g.id, text: wording.value, ownRole: g.ownRole, why: why.value }); await render(again); }, { class: "secondary replan-btn" })),
      h("div", {}, field(t("support"), sup), ...act(t("addSupport"), async () => { await call("goal.support", { goal: g.id, support: sup.value }); await render(again); }, { class: "secondary support-btn" }),
        field(t("progress"), note), ...act(t("addProgress"), async () => { await call("goal.progress", { goal: g.id, note: note.value }); await render(again); }, { class: "secondary progress-btn" }))),
      h("div", {}, ...act(t("reach"), async () => { await call("goal.reach", { goal: g.id }); await render(again); }, { class: "reach-btn" })));
    return box;
  };
  return h("div", { id: "goals" }, write, res.goals.length ? res.goals.map(card) : h("p", { text: t("noGoals") }));
}

// ---- Family consent (PART-5) ----
async function familyView() {
  const res = await call("family.list");
  const scopes = Object.keys(res.scopes);
  const boxes = scopes.map((s) => h("input", { type: "checkbox", id: `scope-${s}`, value: s, checked: s === "planning" }));
  const expiry = select([30, 90, 365].map((n) => [String(n), t("days")(n)]), "90");
  const grant = h("div", { class: "card" }, h("h3", { text: t("familyFor") }),
    h("fieldset", {}, h("legend", { text: t("scopes") }), scopes.map((s, i) => h("div", { class: "inline" }, boxes[i], h("label", { for: `scope-${s}`, text: res.scopes[s][lang] })))),
    field(t("expires"), expiry),
    ...act(t("grant"), async () => { await call("family.grant", { scopes: boxes.filter((b) => b.checked).map((b) => b.value), days: Number(expiry.value) }); await render("#consents"); }, { id: "grant-consent" }));
  const list = h("ul", { id: "consents", "aria-label": t("consents") }, res.consents.length ? res.consents.map((c) => h("li", { class: "card" },
    h("p", {}, h("strong", { text: c.scopes.map((s) => res.scopes[s]?.[lang] ?? s).join(", ") })),
    h("p", { text: `${t("given")} ${date(c.given)}, ${c.withdrawn ? `${t("withdrawnAt")} ${date(c.withdrawn)}` : `${t("until")} ${date(c.expires)}`}` }),
    c.withdrawn ? "" : act(t("withdrawConsent"), async () => { await call("family.withdraw", { consent: c.id }); await render("#in-force"); }, { class: "secondary withdraw-consent" }))) : h("li", { text: t("noConsents") }));
  const took = h("p", { id: "took-part", "aria-live": "polite" });
  const inForce = h("div", { class: "card" }, h("h3", { text: t("takePart") }), h("ul", { id: "in-force" }, scopes.map((s) => h("li", {}, `${res.scopes[s][lang]}: `,
    h("span", { class: res.inForce[s] ? "ok" : "bad", text: res.inForce[s] ? t("inForce") : t("notInForce") }), " ",
    act(res.scopes[s][lang], async () => { took.textContent = ""; await call("family.takePart", { scope: s }); took.textContent = t("tookPart"); focusOn(took); }, { class: "secondary take-part", "data-scope": s }, [took])))), took);
  return h("div", {}, h("div", { class: "grid" }, grant, inForce), h("h3", { text: t("consents") }), list);
}

// ---- A survey in THL's national shape (FB-8) ----
async function surveyView() {
  const res = await call("survey.list");
  const create = h("div", { class: "card" }, h("p", { text: t("noSurvey") }),
    ...act(t("createSurvey"), async () => { await call("survey.createNational"); await render("#survey-form"); }, { id: "create-survey" }));
  if (!res.surveys.length) return create;
  const r = res.surveys[0], sv = r.survey;
  const q = (k) => sv.questions.find((x) => x.key === k);
  const text = (x) => x.text[lang] || x.text.fi;
  const controls = sv.questions.map((x) => {
    if (x.type === "free_text") return [x, h("textarea", {})];
    const range = x.type === "nps" ? [...Array(11).keys()] : [1, 2, 3, 4, 5];
    return [x, select([["", t("noAnswer2")], ...range.map((n) => [String(n), x.type === "nps" ? String(n) : t("agree")(n)])], "")];
  });
  const done = h("p", { id: "survey-done", "aria-live": "polite" });
  const form = h("div", { class: "card", id: "survey-form" }, h("h3", { text: sv.title[lang] || sv.title.fi }),
    controls.map(([x, c]) => { c.dataset.key = x.key; return field(text(x), c); }),
    ...act(t("answerSurvey"), async () => {
      done.textContent = "";
      const answers = controls.filter(([, c]) => c.value !== "").map(([x, c]) => x.type === "free_text" ? { question: x.key, text: c.value } : { question: x.key, value: Number(c.value) });
      await call("survey.answer", { survey: sv.id, answers });
      await render("#survey-done");
      $("#survey-done").textContent = t("surveyDone");
    }, { id: "answer-survey" }, [done]), done);
  const value = (qr) => qr.nps != null ? num(qr.nps, { maximumFractionDigits: 0, signDisplay: "exceptZero" }) : qr.mean != null ? num(qr.mean, { maximumFractionDigits: 2 }) : "–";
  const results = h("table", { id: "survey-results", class: "cards" }, h("caption", { text: `${t("results")}: ${t("responses")} ${cellText(r.responses)}` }),
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: t("question") }), h("th", { scope: "col", text: t("category") }), h("th", { scope: "col", text: t("answeredN") }), h("th", { scope: "col", text: t("meanOrNps") }))),
    h("tbody", {}, r.questions.filter((qr) => qr.type !== "free_text").map((qr) => h("tr", {}, h("td", { class: "lead-cell", text: text(q(qr.key)) }),
      h("td", { "data-label": t("category"), text: qr.category ? (res.categories[qr.category]?.[lang] ?? qr.category) : t("npsLabel") }),
      h("td", { "data-label": t("answeredN"), class: qr.answered.suppressed ? "supp" : "num", text: cellText(qr.answered) }),
      h("td", { "data-label": t("meanOrNps"), class: "num", text: value(qr) })))));
  const open = r.questions.find((qr) => qr.type === "free_text");
  const excerpts = open && (open.excerpts || []).length ? h("div", {}, h("h3", { text: t("openAnswers") }), h("ul", {}, open.excerpts.map((e) => h("li", { text: e })))) : "";
  return h("div", {}, form, scrollBox(t("results"), results), h("p", { class: "note", text: t("hiddenFigure") }), excerpts);
}

// ---- The journal: verify and download ----
async function journalView() {
  const out = h("div", { id: "verify-result", "aria-live": "polite" });
  const { journal, keys } = await store.read();
  const st = await osallisuus.call("state", {});
  const verify = h("div", { class: "card" }, ...act(t("verify"), async () => {
    out.replaceChildren();
    const v = await call("journal.verify");
    if (!v.verified) { out.replaceChildren(h("p", { class: "bad", id: "verify-state", text: `${t("notVerified")} ${v.error}` })); focusOn($("#verify-state")); return; }
    const types = Object.entries(v.types).sort((a, b) => b[1] - a[1]);
    out.replaceChildren(h("p", { class: "ok", id: "verify-state", text: t("verified")(num(v.events)) }), h("p", {}, `${t("head")}: `, h("code", { class: "code", text: v.head })),
      scrollBox(t("eventType"), h("table", { id: "event-types" }, h("thead", {}, h("tr", {}, h("th", { scope: "col", text: t("eventType") }), h("th", { scope: "col", text: t("eventCount") }))),
        h("tbody", {}, types.map(([k, n]) => h("tr", {}, h("td", {}, h("code", { text: k })), h("td", { class: "num", text: num(n) })))))));
    focusOn($("#verify-state"));
  }, { id: "verify-journal" }, [out]), out);
  const file = `osallisuus-${st.events}`;
  const downloads = h("div", { class: "card", id: "journal-downloads" }, h("h3", { text: t("savedJournal") }),
    h("p", {}, download(t("downloadJournal"), `${file}.jsonl`, journal), " · ", download(t("downloadKeys"), `${file}-keys.json`, keys)));
  return h("div", {}, verify, downloads);
}

TABS.push(["codev", "tabCodev", "introCodev"], ["goals", "tabGoals", "introGoals"], ["family", "tabFamily", "introFamily"], ["survey", "tabSurvey", "introSurvey"], ["journal", "tabJournal", "introJournal"]);
Object.assign(VIEWS, { codev: codevView, goals: goalsView, family: familyView, survey: surveyView, journal: journalView });

// ---- Closing the loop out loud: each role's inbox (LOOP-1) and the receipt's proof (LOOP-2) ----

Object.assign(T.fi, {
  tabInbox: "Omat viestit",
  introInbox: "Kun ehdotus, jossa olet mukana, kuitataan, siitä päätetään tai siihen vastataan, kun raadin kannanottoon vastataan, kun yhteiskehittämisprosessi, johon osallistuit, päättyy tai kun sinulle tarjotaan kokemusasiantuntijan tehtävää, sinulle kirjoitetaan viesti samassa tapahtumassa ja valitsemallasi kielellä – jos olet jättänyt yhteystietotoiveen (LOOP-1). Hyvinvointialueen viestipalvelu toimittaa viestit; tässä näet, mitä valitun roolin henkilölle on kirjoitettu.",
  contactPref: "Yhteystietotoive", noContact: "Et ole jättänyt yhteystietotoivetta, joten sinulle ei kirjoiteta viestejä.",
  contactNow: (ch, addr, l) => `Viestit tulevat: ${ch}, ${addr} – kieli: ${l}`, contactBy: "Työntekijä kirjasi toiveen asiakkaan puolesta.",
  channel: "Viestintätapa", address: "Osoite", msgLang: "Viestien kieli", addressDefault: "asiakas@example.fi",
  saveContact: "Tallenna yhteystietotoive", clearContact: "Poista yhteystietotoive", contactSaved: "Yhteystietotoive tallennettiin.", contactCleared: "Yhteystietotoive poistettiin, ja lähettämättömät viestit poistettiin sen mukana.",
  ownContribution: "Oma ehdotus", contributionTitle: "Ehdotuksesi", contributionDefault: "Iltavastaanotto myös torstaisin", submitOwn: "Lähetä ehdotus", submittedOwn: "Ehdotus lähetettiin. Se näkyy osallisuuden kehällä, ja kun sitä käsitellään, saat siitä viestin.",
  messagesTo: (who) => `Viestit henkilölle: ${who}`, noMessages: "Ei viestejä.", about: "Koskee", written: "Kirjoitettu", deliveredAt: "toimitettu",
  refs: { contribution: "Ehdotus", statement: "Raadin kannanotto", process: "Yhteiskehittämisprosessi", assignment: "Kokemusasiantuntijan tehtävä" },
  verifying: "Tarkistetaan todistetta…",
  verifiedAgainst: (n, key) => `Todiste tarkistettu: kuitin tapahtumat sisältyvät tarkistuspisteeseen ${n}, jonka on allekirjoittanut ${key} ✓`,
  proofFailed: (why) => `Todistetta ei voitu tarkistaa: ${why}`,
  proofNote: "Todiste osoittaa, että palautteesi ja, kun ne on annettu, siitä tehty päätös ja vastaus on kirjattu tapahtumaketjuun, jonka hyvinvointialue on allekirjoittanut, eikä niitä voi myöhemmin poistaa tai muuttaa huomaamatta (LOOP-2). Todisteessa on vain tiivisteitä. Demossa sivu toimii hyvinvointialueena: se rakentaa puun tallennetusta tapahtumaketjusta ja allekirjoittaa sen julkisella demoavaimella.",
  countyKey: "Hyvinvointialueen julkinen avain", downloadReceipt: "Lataa kuitti todisteineen (JSON)", downloadKey: "Lataa julkinen avain",
  proofWhy: { key: "julkinen avain ei kelpaa", note: "tarkistuspiste ei ole allekirjoitettu muistio", signature: "allekirjoitus ei täsmää: tarkistuspistettä on muutettu tai sen on allekirjoittanut toinen avain", origin: "tarkistuspiste koskee toista tapahtumaketjua", checkpoint: "tarkistuspisteen rivit eivät ole oikeassa muodossa", size: "todiste koskee eri kokoista puuta kuin tarkistuspiste", seq: "tapahtuma ei kuulu puuhun", proof: "todiste ei johda tarkistuspisteen juureen: tapahtumaa, todistetta tai tarkistuspistettä on muutettu", journal: "tallennettua tapahtumaketjua ei voitu lukea", crypto: "selain ei tue Ed25519-allekirjoituksia" },
});
Object.assign(T.sv, {
  tabInbox: "Mina meddelanden",
  introInbox: "När ett förslag som du är med i kvitteras, beslutas eller besvaras, när rådets ställningstagande besvaras, när en samutvecklingsprocess som du deltog i avslutas eller när du erbjuds ett uppdrag som erfarenhetsexpert, skrivs ett meddelande till dig i samma händelse och på det språk du valt – om du har lämnat en kontaktönskan (LOOP-1). Välfärdsområdets meddelandetjänst levererar meddelandena; här ser du vad som skrivits till personen i den valda rollen.",
  contactPref: "Kontaktönskan", noContact: "Du har inte lämnat någon kontaktönskan, så inga meddelanden skrivs till dig.",
  contactNow: (ch, addr, l) => `Meddelanden kommer: ${ch}, ${addr} – språk: ${l}`, contactBy: "En anställd registrerade önskan för klientens räkning.",
  channel: "Kontaktsätt", address: "Adress", msgLang: "Meddelandenas språk", addressDefault: "klient@example.fi",
  saveContact: "Spara kontaktönskan", clearContact: "Ta bort kontaktönskan", contactSaved: "Kontaktönskan sparades.", contactCleared: "Kontaktönskan togs bort, och meddelanden som inte skickats togs bort med den.",
  ownContribution: "Eget förslag", contributionTitle: "Ditt förslag", contributionDefault: "Kvällsmottagning också på torsdagar", submitOwn: "Skicka förslaget", submittedOwn: "Förslaget skickades. Det syns i delaktighetscykeln, och när det behandlas får du ett meddelande.",
  messagesTo: (who) => `Meddelanden till: ${who}`, noMessages: "Inga meddelanden.", about: "Gäller", written: "Skrivet", deliveredAt: "levererat",
  refs: { contribution: "Förslag", statement: "Rådets ställningstagande", process: "Samutvecklingsprocess", assignment: "Uppdrag som erfarenhetsexpert" },
  verifying: "Beviset kontrolleras…",
  verifiedAgainst: (n, key) => `Beviset har kontrollerats: kvittots händelser ingår i kontrollpunkt ${n}, signerad av ${key} ✓`,
  proofFailed: (why) => `Beviset kunde inte kontrolleras: ${why}`,
  proofNote: "Beviset visar att din respons och, när de har getts, beslutet och svaret på den har förts in i händelsekedjan som välfärdsområdet har signerat, och att de inte senare kan tas bort eller ändras utan att det märks (LOOP-2). Beviset innehåller bara hashvärden. I demon spelar sidan välfärdsområdet: den bygger trädet av den sparade händelsekedjan och signerar det med en offentlig demonyckel.",
  countyKey: "Välfärdsområdets offentliga nyckel", downloadReceipt: "Ladda ner kvittot med beviset (JSON)", downloadKey: "Ladda ner den offentliga nyckeln",
  proofWhy: { key: "den offentliga nyckeln duger inte", note: "kontrollpunkten är inte en signerad anteckning", signature: "signaturen stämmer inte: kontrollpunkten har ändrats eller signerats av en annan nyckel", origin: "kontrollpunkten gäller en annan händelsekedja", checkpoint: "kontrollpunktens rader har fel form", size: "beviset gäller ett träd av annan storlek än kontrollpunkten", seq: "händelsen ingår inte i trädet", proof: "beviset leder inte till kontrollpunktens rot: händelsen, beviset eller kontrollpunkten har ändrats", journal: "den sparade händelsekedjan kunde inte läsas", crypto: "webbläsaren stöder inte Ed25519-signaturer" },
});
Object.assign(T.en, {
  tabInbox: "My messages",
  introInbox: "When a contribution you are part of is acknowledged, decided or answered, when the panel's statement is answered, when a co-development process you took part in closes, or when you are offered an assignment as an experience expert, a message is written for you in the same event and in the language you chose – if you left a contact preference (LOOP-1). The county's messaging service delivers them; here you see what was written for the person in the chosen role.",
  contactPref: "Contact preference", noContact: "You have left no contact preference, so no messages are written for you.",
  contactNow: (ch, addr, l) => `Messages go by: ${ch}, ${addr} – language: ${l}`, contactBy: "A worker recorded the preference for the client.",
  channel: "Channel", address: "Address", msgLang: "Language of the messages", addressDefault: "client@example.fi",
  saveContact: "Save the contact preference", clearContact: "Remove the contact preference", contactSaved: "The contact preference was saved.", contactCleared: "The contact preference was removed, and the messages not yet sent went with it.",
  ownContribution: "Your own contribution", contributionTitle: "Your contribution", contributionDefault: "Evening hours on Thursdays too", submitOwn: "Send the contribution", submittedOwn: "The contribution was sent. It shows in the loop, and you get a message when it is dealt with.",
  messagesTo: (who) => `Messages to: ${who}`, noMessages: "No messages.", about: "About", written: "Written", deliveredAt: "delivered",
  refs: { contribution: "Contribution", statement: "Panel statement", process: "Co-development process", assignment: "Experience expert assignment" },
  verifying: "Checking the proof…",
  verifiedAgainst: (n, key) => `Proof checked: the receipt's events are in checkpoint ${n}, signed by ${key} ✓`,
  proofFailed: (why) => `The proof could not be checked: ${why}`,
  proofNote: "The proof shows that your feedback, and once given the decision and response to it, are recorded in the chain of events the county signed, and cannot later be removed or changed unnoticed (LOOP-2). The proof holds hashes only. In the demo the page plays the county: it builds the tree from the saved chain of events and signs it with a published demo key.",
  countyKey: "The county's public key", downloadReceipt: "Download the receipt with its proof (JSON)", downloadKey: "Download the public key",
  proofWhy: { key: "the public key does not read", note: "the checkpoint is not a signed note", signature: "the signature does not match: the checkpoint was altered or another key signed it", origin: "the checkpoint is of another chain of events", checkpoint: "the checkpoint's lines are not in their form", size: "the proof is for a tree of another size than the checkpoint's", seq: "the event is not in the tree", proof: "the proof does not lead to the checkpoint's root: the event, the proof or the checkpoint was altered", journal: "the saved chain of events could not be read", crypto: "the browser does not support Ed25519 signatures" },
});
const LANG_NAMES = { fi: "suomi", sv: "svenska", en: "English" };
const REF_OF = { acknowledged: "contribution", decided: "contribution", reported_back: "contribution", statement_answered: "statement", process_closed: "process", assignment_offered: "assignment" };

// checkReceipt proves a receipt's events and checks the proof as its
// holder would (LOOP-2): a county's server sends the proof with the
// look-up; in the demo the page plays the county (county.js) over the
// journal it saved. Either way verify.js checks it with the county's
// public key alone.
async function checkReceipt(v, line) {
  let proofs = v.proof, reason;
  try {
    if (!proofs) {
      let journal;
      try { journal = (await store.read()).journal + unsaved.lines; } catch (e) { reason = "journal"; throw e; }
      let leaves;
      try { leaves = county.leavesOf(journal); } catch (e) { reason = "journal"; throw e; }
      try { proofs = await county.prove(leaves, v.events); } catch (e) { reason = e.name === "NotSupportedError" ? "crypto" : "journal"; throw e; }
    }
    const cp = await verifyProofs(proofs, county.PUBLIC_KEY);
    line.className = "ok";
    line.textContent = t("verifiedAgainst")(num(cp.size), cp.origin);
    const receipt = JSON.stringify({ ...v, proof: proofs }, null, 2) + "\n";
    line.after(h("div", { class: "note", id: "receipt-key" }, h("p", { text: t("proofNote") }),
      h("p", {}, `${t("countyKey")}: `, h("code", { class: "code", text: county.PUBLIC_KEY })),
      h("p", {}, download(t("downloadReceipt"), `receipt-${v.events[0]}-${cp.size}.json`, receipt), " · ", download(t("downloadKey"), "county.pub", county.PUBLIC_KEY + "\n"))));
  } catch (e) {
    line.className = "bad";
    line.textContent = t("proofFailed")(t("proofWhy")[e.reason || reason] || (e.name === "NotSupportedError" ? t("proofWhy").crypto : e.message));
  }
}

// inboxView is the chosen role's person's own side of the loop: their
// contact preference, a contribution of their own to follow, and the
// messages the loop wrote for them (LOOP-1).
async function inboxView() {
  const res = await call("contact");
  const c = res.contact;
  const channels = Object.keys(labels.contactChannels);
  const channel = select(channels.map((k) => [k, L("contactChannels", k)]), c ? c.channel : "email");
  const address = textInput(c ? c.address : t("addressDefault"), { id: "contact-address" });
  const msgLang = select(Object.entries(LANG_NAMES), c ? c.lang : lang);
  channel.id = "contact-channel"; msgLang.id = "contact-lang";
  const done = h("p", { id: "contact-done", class: "ok", "aria-live": "polite" });
  const contact = h("div", { class: "card", id: "contact" }, h("h3", { text: t("contactPref") }),
    h("p", { id: "contact-now", text: c ? t("contactNow")(L("contactChannels", c.channel), c.address, LANG_NAMES[c.lang] || c.lang) : t("noContact") }),
    c && c.recordedBy ? h("p", { class: "note", text: t("contactBy") }) : "",
    h("div", { class: "grid" }, field(t("channel"), channel), field(t("address"), address), field(t("msgLang"), msgLang)),
    ...act(t("saveContact"), async () => {
      await call("contact.set", { channel: channel.value, address: address.value, lang: msgLang.value });
      await render("#contact-done");
      $("#contact-done").textContent = t("contactSaved");
    }, { id: "save-contact" }),
    c ? act(t("clearContact"), async () => {
      await call("contact.clear");
      await render("#contact-done");
      $("#contact-done").textContent = t("contactCleared");
    }, { class: "secondary", id: "clear-contact" }) : "", done);
  const title = textInput(t("contributionDefault"), { id: "own-title" });
  const service = select(SERVICES.map((sv) => [sv, W("services", sv)]), SERVICES[0]);
  const sent = h("p", { id: "own-done", class: "ok", "aria-live": "polite" });
  const own = h("div", { class: "card" }, h("h3", { text: t("ownContribution") }), h("div", { class: "grid" }, field(t("contributionTitle"), title), field(t("service"), service)),
    ...act(t("submitOwn"), async () => {
      sent.textContent = "";
      await call("loop.submit", { title: title.value, unit: service.value, service: service.value });
      sent.textContent = t("submittedOwn");
      focusOn(sent);
    }, { id: "submit-own" }, [sent]), sent);
  const list = res.messages.slice().reverse();
  const messages = h("section", { "aria-labelledby": "messages-h" }, h("h3", { id: "messages-h", text: t("messagesTo")(roleLabel(role)) }),
    list.length ? h("ol", { id: "messages" }, list.map((m) => {
      return h("li", { class: "card message", "data-kind": m.kind },
        h("h4", { text: L("messageKinds", m.kind) }),
        h("p", { class: "meta" }, h("span", { class: "tag" }, L("messageStates", m.state)), " ", `${t("written")} ${dateTime(new Date(m.queuedAt))}`, m.deliveredAt ? `, ${t("deliveredAt")} ${date(m.deliveredAt)}` : ""),
        h("p", { class: "about", text: `${t("about")}: ${t("refs")[REF_OF[m.kind]] || m.kind}` }),
        h("div", { class: "body", lang: m.lang }, m.lang !== lang ? h("p", { class: "msg-title" }, h("strong", { text: m.title })) : "", m.body.split("\n\n").map((para) => h("p", { text: para }))));
    })) : h("p", { id: "messages", text: t("noMessages") }));
  return h("div", {}, h("div", { class: "grid" }, contact, own), messages);
}

// After the loop board: where its messages arrive.
TABS.splice(TABS.findIndex(([id]) => id === "loop") + 1, 0, ["inbox", "tabInbox", "introInbox"]);
Object.assign(VIEWS, { inbox: inboxView });

boot().catch((e) => showError(e));
