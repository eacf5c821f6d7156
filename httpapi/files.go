package httpapi

import (
	"os"
	"path/filepath"

	"github.com/osallisuus/osallisuus/api"
	p "github.com/osallisuus/osallisuus/participation"
)

// OpenFiles opens the method layer over a file journal (dir/journal,
// synced at every commit) and a key directory (dir/keys), with the
// service's own module (device tokens and the idempotency records of
// device batches) registered. cfg's Journal, Keys and Modules are set by
// it; nil means the other defaults.
func OpenFiles(dir string, cfg *api.Config) (*api.App, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, p.Internal(err, "making the data directory")
	}
	journal, err := p.OpenFile(filepath.Join(dir, "journal"), &p.FileOptions{Sync: p.SyncEveryCommit})
	if err != nil {
		return nil, err
	}
	keys, err := p.OpenDirKeyStore(filepath.Join(dir, "keys"))
	if err != nil {
		journal.Close()
		return nil, err
	}
	c := api.Config{}
	if cfg != nil {
		c = *cfg
	}
	c.Journal, c.Keys = journal, keys
	c.Modules = append(c.Modules, Module())
	app, err := api.New(&c)
	if err != nil {
		journal.Close()
		keys.Close()
		return nil, err
	}
	return app, nil
}
