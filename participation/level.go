package participation

// Level is a floor of THL's house of client participation (PART-1). Every
// activity and contribution is tagged with one.
type Level string

// The floors of the house, from the foundation up, and the roof.
const (
	// LevelOwnService: taking part in one's own service.
	LevelOwnService Level = "own_service"
	// LevelFeedback: giving feedback.
	LevelFeedback Level = "feedback"
	// LevelDialogue: panels, councils and other standing dialogue.
	LevelDialogue Level = "dialogue"
	// LevelDevelopment: developing services together.
	LevelDevelopment Level = "development"
	// LevelCoProduction: producing services together with clients.
	LevelCoProduction Level = "co_production"
	// LevelStrategy: the organisation's participation programme, the roof.
	LevelStrategy Level = "strategy"
)

// Levels lists the floors from the foundation to the roof.
var Levels = []Level{LevelOwnService, LevelFeedback, LevelDialogue, LevelDevelopment, LevelCoProduction, LevelStrategy}

var levelLabels = EnumLabels[Level]{
	LevelOwnService:   {Fi: "Osallisuus omaan palveluun", Sv: "Delaktighet i den egna servicen", En: "Own service"},
	LevelFeedback:     {Fi: "Palaute", Sv: "Respons", En: "Feedback"},
	LevelDialogue:     {Fi: "Vuoropuhelu", Sv: "Dialog", En: "Dialogue"},
	LevelDevelopment:  {Fi: "Yhteinen kehittäminen", Sv: "Gemensam utveckling", En: "Development"},
	LevelCoProduction: {Fi: "Yhteistuotanto", Sv: "Samproduktion", En: "Co-production"},
	LevelStrategy:     {Fi: "Osallisuusohjelma ja strategia", Sv: "Delaktighetsprogram och strategi", En: "Strategy"},
}

// Label returns the level's name in lang.
func (l Level) Label(lang Lang) string { return levelLabels.Label(l, lang) }

// Valid reports whether l is one of [Levels].
func (l Level) Valid() bool { return levelLabels.Has(l) }

// NeedsScope reports whether activities on this level are co-development
// and so must say their [Scope] (PART-1).
func (l Level) NeedsScope() bool { return l == LevelDevelopment || l == LevelCoProduction }

// Scope is the level at which co-development happens (seed 004).
type Scope string

// The three scopes of co-development.
const (
	// ScopeClientProcess: a client's or group's own change or
	// rehabilitation process, started together with workers.
	ScopeClientProcess Scope = "client_process"
	// ScopeOrganisation: the organisation's practices and work culture.
	ScopeOrganisation Scope = "organisation"
	// ScopeServices: services as products, models and solutions.
	ScopeServices Scope = "services"
)

// Scopes lists the scopes of co-development.
var Scopes = []Scope{ScopeClientProcess, ScopeOrganisation, ScopeServices}

var scopeLabels = EnumLabels[Scope]{
	ScopeClientProcess: {Fi: "Asiakkaan muutosprosessi", Sv: "Klientens förändringsprocess", En: "Client process"},
	ScopeOrganisation:  {Fi: "Organisaation käytännöt", Sv: "Organisationens praxis", En: "Organisation"},
	ScopeServices:      {Fi: "Palvelut", Sv: "Tjänster", En: "Services"},
}

// Label returns the scope's name in lang.
func (s Scope) Label(lang Lang) string { return scopeLabels.Label(s, lang) }

// Valid reports whether s is one of [Scopes].
func (s Scope) Valid() bool { return scopeLabels.Has(s) }

// ValidateTag checks a level and scope pair (PART-1): the level is
// required; co-development levels need a scope; other levels take one
// only if it is valid.
func ValidateTag(level Level, scope Scope) error {
	if !level.Valid() {
		return Invalid("level", "%q is not a level of the house of participation; use one of own_service, feedback, dialogue, development, co_production, strategy", level)
	}
	if scope == "" {
		if level.NeedsScope() {
			return Invalid("scope", "co-development on level %s needs a scope: client_process, organisation or services", level)
		}
		return nil
	}
	if !scope.Valid() {
		return Invalid("scope", "%q is not a scope; use client_process, organisation or services", scope)
	}
	return nil
}
