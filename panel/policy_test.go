package panel_test

import (
	"testing"

	"github.com/osallisuus/osallisuus/internal/policydoc"
)

func TestPolicyTableInREADME(t *testing.T) {
	e := newEnv(t)
	policydoc.Check(t, e.s.Policy(), "panel.")
}
