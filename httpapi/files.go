package httpapi

import (
	"os"
	"path/filepath"

	"github.com/osallisuus/osallisuus/api"
	p "github.com/osallisuus/osallisuus/participation"
)

// OpenFiles opens the method layer over a file journal (dir/journal,
// synced at every commit) and, unless cfg.Keys is set, a key directory
// beside it (dir/keys), with the service's own module (device tokens and
// the idempotency records of device batches) registered. cfg's Journal
// and Modules are set by it; nil means the other defaults. Keys kept
// apart from the journal's backups (a [p.DirKeyStore] elsewhere) are what
// lets an erasure reach the copies of the journal in them.
func OpenFiles(dir string, cfg *api.Config) (*api.App, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, p.Internal(err, "making the data directory")
	}
	journal, err := p.OpenFile(filepath.Join(dir, "journal"), &p.FileOptions{Sync: p.SyncEveryCommit})
	if err != nil {
		return nil, err
	}
	c := api.Config{}
	if cfg != nil {
		c = *cfg
	}
	var own *p.DirKeyStore
	if c.Keys == nil {
		if own, err = p.OpenDirKeyStore(filepath.Join(dir, "keys")); err != nil {
			journal.Close()
			return nil, err
		}
		c.Keys = own
	}
	c.Journal = journal
	c.Modules = append(c.Modules, Module())
	app, err := api.New(&c)
	if err != nil {
		journal.Close()
		if own != nil {
			own.Close()
		}
		return nil, err
	}
	return app, nil
}
