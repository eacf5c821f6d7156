package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/api"
	"github.com/osallisuus/osallisuus/httpapi"
	p "github.com/osallisuus/osallisuus/participation"
)

// policyRow matches a row of the README's role policy tables: the
// library's ("| `panel.create` | coordinator, … |") and the service's
// ("| `POST /devices/register` | `httpapi.issue_device_token` | … |").
var policyRow = regexp.MustCompile("^ *\\| (?:`[A-Z]+ [^`]+` \\| )?`([a-z_.]+)` \\| ([a-z_, ]+) \\|")

// readmePolicy reads the README's policy rows: action → roles.
func readmePolicy(t *testing.T) map[p.Action][]p.Role {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	out := map[p.Action][]p.Role{}
	for _, line := range strings.Split(string(b), "\n") {
		m := policyRow.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		var roles []p.Role
		for _, r := range strings.Split(m[2], ",") {
			roles = append(roles, p.Role(strings.TrimSpace(r)))
		}
		out[p.Action(m[1])] = roles
	}
	return out
}

// caller is one column of the matrix.
type caller struct {
	name  string
	role  p.Role
	token string
}

// TestAuthorizationMatrixHTTP runs every operation of the contract with
// every role a person signs in as, a device, a revoked device and no
// sign-in at all, and checks each answer against the README's policy
// tables (PART-7) and the methods' access: a role the README allows an
// action is never refused it by the policy, every other role is, and a
// refusal names the action and the README's roles; the organisation's
// views answer only its staff; the caller's own things answer only
// people; the open methods answer everyone; a revoked device and an
// anonymous caller never reach what needs sign-in. The operations are
// read from /openapi.json, so a new method is covered without a change
// here.
func TestAuthorizationMatrixHTTP(t *testing.T) {
	readme := readmePolicy(t)
	s := start(t, options{anonymous: &httpapi.Limit{Rate: 1e9, Burst: 1 << 30}})
	people := map[p.Role]string{}
	for _, r := range []p.Role{p.RoleClient, p.RoleFamilyMember, p.RoleExpert, p.RoleDeveloperClient, p.RoleStaff, p.RoleCoordinator, p.RoleManager, p.RoleAdmin} {
		staticTokens["matrix-"+string(r)] = p.Actor{ID: httpapi.PersonID("matrix", string(r)), Role: r}
		people[r] = "matrix-" + string(r)
	}
	dev := register(t, s)
	spare := register(t, s) // its token is replaced by /devices/token
	revoked := register(t, s)
	require.Equal(t, http.StatusOK, s.raw("coordinator", "/devices/revoke", []byte(`{"device":"`+revoked.Device.String()+`"}`)).Status)
	callers := []caller{{"anonymous", p.RoleAnonymous, ""}, {"device", p.RoleDevice, dev.Token}, {"revoked_device", p.RoleDevice, revoked.Token}}
	for r, tok := range people {
		callers = append(callers, caller{string(r), r, tok})
	}
	slices.SortFunc(callers, func(a, b caller) int { return strings.Compare(a.name, b.name) })

	access := map[string]api.Access{}
	for _, m := range api.Describe() {
		access["/api/"+m.Name] = m.Access
	}
	// The service's own routes: their actions, and who they are for.
	routeAccess := map[string]api.Access{"/devices/register": api.AccessPolicy, "/devices/token": api.AccessPolicy, "/devices/revoke": api.AccessPolicy, "/devices/presses": api.AccessPolicy}
	routeArg := map[string]string{"/devices/register": `{"service":"s","point":"p"}`, "/devices/token": `{"device":"` + spare.Device.String() + `"}`,
		"/devices/revoke": `{"device":"0190de00-0000-7000-8000-000000000999"}`, "/devices/presses": `{"presses":[{"rating":3}]}`}

	// Arguments that reach the policy for the methods that check their
	// argument against the state first.
	var pv panelView
	s.ok("coordinator", "panel.create", map[string]any{"name": "Raati", "unit": "u"}).into(t, &pv)
	s.ok("coordinator", "panel.addMember", map[string]any{"panel": pv.Panel.ID, "name": "Jäsen", "service": "a"}).into(t, &pv)
	var as struct {
		List []struct {
			ID p.ID `json:"id"`
		} `json:"list"`
	}
	s.ok("coordinator", "expert.request", map[string]any{"type": "individual_meeting"}).into(t, &as)
	some := "0190de00-0000-7000-8000-000000000999"
	fixtures := map[string]any{
		"/api/panel.leave":     map[string]any{"panel": pv.Panel.ID, "member": pv.Members[0].ID, "reason": "Muutto"},
		"/api/panel.meet":      map[string]any{"panel": pv.Panel.ID, "present": []p.ID{}},
		"/api/expert.offer":    map[string]any{"assignment": as.List[0].ID},
		"/api/loop.advance":    map[string]any{"id": some, "to": "acknowledged"},
		"/api/family.grant":    map[string]any{"family": some, "scopes": []string{"planning"}},
		"/api/family.takePart": map[string]any{"client": some, "scope": "planning"},
	}
	for path, v := range fixtures {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		routeArg[path] = string(b)
	}

	seen := map[string]p.Action{} // path → the action a refusal named
	cells := 0
	for _, path := range s.doc.Paths.InMatchingOrder() {
		item := s.doc.Paths.Find(path)
		if item.Post == nil {
			continue
		}
		acc, ok := access[path]
		if !ok {
			acc, ok = routeAccess[path]
		}
		require.True(t, ok, "every POST of the contract has an access: %s", path)
		arg := routeArg[path]
		if arg == "" {
			arg = "{}"
		}
		for _, c := range callers {
			cells++
			name := fmt.Sprintf("%s_as_%s", strings.TrimPrefix(path, "/"), c.name)
			a := s.raw(c.token, path, []byte(arg))
			assert.Less(t, a.Status, 500, "%s: %s", name, a.Body)
			refused := a.Status == http.StatusForbidden || a.Status == http.StatusUnauthorized
			signedIn := c.name != "anonymous" && c.name != "revoked_device"
			if c.name == "revoked_device" {
				assert.Equal(t, http.StatusUnauthorized, a.Status, "%s: a revoked device is not signed in", name)
				continue
			}
			switch acc {
			case api.AccessOpen:
				assert.False(t, refused, "%s: open to everyone: %s", name, a.Body)
			case api.AccessStaff:
				assert.Equal(t, slices.Contains(api.StaffReaders(), c.role), !refused, "%s: the organisation's views are for its staff: %s", name, a.Body)
			case api.AccessOwn:
				assert.Equal(t, signedIn && c.role != p.RoleDevice, !refused || a.Problem.Action != "", "%s: a person's own things are for people: %s", name, a.Body)
			case api.AccessPolicy:
				if a.Problem == nil || !refused {
					continue
				}
				if a.Problem.Action == "" {
					// Refused before the policy: only a caller who is not
					// signed in, or a non-device on the device's route.
					assert.True(t, !signedIn || (path == "/devices/presses" && c.role != p.RoleDevice), "%s: refused without naming an action: %s", name, a.Body)
					continue
				}
				action := p.Action(a.Problem.Action)
				allowed, ok := readme[action]
				if !assert.True(t, ok, "%s: the README has a row for %s", name, action) {
					continue
				}
				seen[path] = action
				policy := strings.HasPrefix(a.Problem.Detail, "role "+string(c.role)+" may not ")
				if policy {
					assert.NotContains(t, allowed, c.role, "%s: the README allows %s to %s, the service refused", name, c.role, action)
				}
				want := make([]string, len(allowed))
				for i, r := range allowed {
					want[i] = string(r)
				}
				assert.ElementsMatch(t, want, a.Problem.Allowed, "%s: the refusal names the README's roles", name)
			}
		}
	}
	// Every action a policy operation asks for is reached: the roles the
	// README leaves out were refused it, which the loop above saw.
	for path, acc := range access {
		if acc == api.AccessPolicy {
			assert.Contains(t, seen, path, "%s was never refused, so the matrix never saw its action", path)
		}
	}
	for path := range routeAccess {
		assert.Contains(t, seen, path, "%s was never refused, so the matrix never saw its action", path)
	}
	t.Logf("%d operations × %d callers = %d cells", cells/len(callers), len(callers), cells)
}

// TestPolicyTableHTTP: the README's table of the service's routes lists
// exactly the roles the service's module allows each action (PART-7).
func TestPolicyTableHTTP(t *testing.T) {
	readme := readmePolicy(t)
	for _, rule := range httpapi.Module().Actions {
		assert.Equal(t, rule.Roles, readme[rule.Action], "README's row for %s", rule.Action)
	}
}
