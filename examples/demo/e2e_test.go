//go:build !js

package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/wasm/api"
)

// chromium finds Debian's Chromium. Under CI its absence fails the test;
// elsewhere the test is skipped with the reason.
func chromium(t *testing.T) string {
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI needs Debian's chromium for the end-to-end test: apt-get install -y chromium")
	}
	t.Skip("no chromium on this machine: apt-get install -y chromium (CI installs it)")
	return ""
}

func serve(t *testing.T) string {
	mod, err := Build()
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{Handler: Handler(mod)}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	t.Logf("module: %d bytes, %d gzip-compressed", len(mod.Wasm), len(mod.Gzip))
	return "http://" + ln.Addr().String() + "/"
}

func browser(t *testing.T, exe string) (context.Context, context.CancelFunc) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1400))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	return ctx, func() { cancelC(); cancelA() }
}

type step = chromedp.Action[chromedp.Void]

// until waits for a JavaScript condition to hold.
func until(cond string) step {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(30*time.Second))(ctx, tg)
		return err
	})
}

// eval runs JavaScript for its effect.
func eval(expr string) step {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[any](expr)(ctx, tg)
		return err
	})
}

// click clicks the first button whose text is text.
func click(text string) step {
	return eval(fmt.Sprintf(`(() => { const b = [...document.querySelectorAll('button')].find(b => b.textContent.trim() === %q); if (!b) throw new Error('no button %s'); b.click(); return true })()`, text, text))
}

func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

// press clicks the element sel as a keyboard or mouse user would, through
// its click handler.
func press(sel string) step {
	return eval(fmt.Sprintf(`(() => { const el = document.querySelector(%q); if (!el) throw new Error('nothing at %s'); el.click(); return true })()`, sel, sel))
}

// TestBrowser drives the page in headless Chromium: a panel formed,
// meeting, statement and answer; smileys with a filtered repeat; e-form
// scrubbed with a receipt looked up; language switched; reload with the
// state intact; a screenshot; and axe-core's accessibility check.
func TestBrowser(t *testing.T) {
	exe := chromium(t)
	url := serve(t)
	ctx, cancel := browser(t, exe)
	defer cancel()
	var text, code string
	var ok bool
	textOf := func(sel string, into *string) step {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			v, err := chromedp.Text(css(sel))(ctx, tg)
			*into = v
			return err
		})
	}
	steps := []struct {
		name string
		act  []step
	}{
		{"load", []step{chromedp.Navigate(url), until(`window.osallisuusReady === true`)}},
		{"panel forms", []step{
			press("#create-panel"), until(`!!document.querySelector('#add-five')`),
			press("#add-five"), until(`document.querySelectorAll('#main table tr').length >= 6`),
			textOf("#composition", &text),
		}},
		{"ten members", []step{press("#add-five"), until(`document.querySelectorAll('#main table tr').length >= 11`)}},
		{"positions", []step{click("Puheenjohtajaksi"), until(`document.querySelectorAll('#main td .tag').length >= 1`),
			click("Sihteeriksi"), until(`!!document.querySelector('#composition.ok')`)}},
		{"official meeting", []step{press("#hold-meeting"), until(`!!document.querySelector('#meeting-result.ok')`)}},
		{"statement adopted and answered", []step{
			press("#adopt"), until(`!!document.querySelector('.answer-btn')`),
			press(".answer-btn"), until(`!!document.querySelector('.answer')`),
		}},
		{"smileys", []step{
			press("#tab-feedback"), until(`!!document.querySelector('.smiley')`),
			press(`.smiley[data-rating="3"]`), until(`document.querySelector('#press-result').className === 'ok'`),
			press(`.smiley[data-rating="3"]`), until(`document.querySelector('#press-result').className === 'bad'`),
		}},
		{"e-form scrubbed with a receipt", []step{
			chromedp.SendKeys(css("#eform-text"), "Soittakaa 040 123 4567, hetu 131052-308T"),
			until(`document.querySelector('#eform-preview').textContent.includes('[puhelin]')`),
			press("#send-eform"), until(`!!document.querySelector('#receipt-code')`),
			textOf("#receipt-code", &code),
		}},
		{"receipt looked up", []step{
			press("#tab-receipt"), until(`!!document.querySelector('#receipt-input')`),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := chromedp.SendKeys(css("#receipt-input"), code)(ctx, tg)
				return err
			}),
			press("#lookup"), until(`document.querySelector('#receipt-result').textContent.includes('Vastaanotettu')`),
		}},
		{"language switched", []step{
			press(`[data-lang="en"]`), until(`document.querySelector('#tab-panel').textContent === 'Client panel'`),
			press("#tab-house"), until(`document.querySelectorAll('#indicators li').length >= 5`),
		}},
		{"reload keeps the state", []step{
			chromedp.Reload(), until(`window.osallisuusReady === true`),
			press("#tab-panel"), until(`!!document.querySelector('.answer')`),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) (err error) {
				ok, err = chromedp.Evaluate[bool](`document.querySelector('#composition').className === 'ok' && document.querySelector('#status').textContent.includes('verified')`)(ctx, tg)
				return err
			}),
		}},
	}
	for _, st := range steps {
		if err := chromedp.Do(ctx, st.act...); err != nil {
			page, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#error').textContent + ' | ' + document.querySelector('#main').innerText.slice(0, 600)`))
			t.Fatalf("%s: %v\npage: %s", st.name, err, page)
		}
	}
	require.Contains(t, text, "puuttuu", "the composition check explains what is missing")
	require.Regexp(t, `^[2-9A-Z]{4}(-[2-9A-Z]{4}){4}$`, code)
	require.True(t, ok, "after a reload the panel is still constituted and the chain verified")

	require.NoError(t, chromedp.Do(ctx, press("#tab-house"), until(`!!document.querySelector('#indicators')`)))
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	dir := os.Getenv("OSALLISUUS_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "demo.png"), shot, 0o644))
	t.Logf("screenshot: %s (%d bytes)", filepath.Join(dir, "demo.png"), len(shot))

	t.Run("axe-core", func(t *testing.T) { axe(t, ctx) })
}

// axe runs axe-core on every view of the page and fails on serious or
// critical violations.
func axe(t *testing.T, ctx context.Context) {
	src := axeSource(t)
	for _, tab := range []string{"panel", "feedback", "receipt", "report", "experts", "loop", "house"} {
		require.NoError(t, chromedp.Do(ctx, press("#tab-"+tab), until(`!!document.querySelector('#main h2')`), eval(src)), tab)
		bad, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => v.id + ': ' + v.help + ' (' + v.nodes.length + ')'))`, chromedp.EvalAwaitPromise))
		require.NoError(t, err, tab)
		require.Empty(t, bad, "axe-core on the %s view", tab)
	}
}

func axeSource(t *testing.T) string {
	var candidates []string
	if p := os.Getenv("AXE_CORE"); p != "" {
		candidates = append(candidates, p)
	}
	root, _ := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	home, _ := os.UserHomeDir()
	candidates = append(candidates,
		filepath.Join(strings.TrimSpace(string(root)), "node_modules", "axe-core", "axe.min.js"),
		filepath.Join(home, ".cache", "osallisuus-axe", "node_modules", "axe-core", "axe.min.js"))
	for _, c := range candidates {
		if b, err := os.ReadFile(c); err == nil {
			return string(b)
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("CI needs axe-core from npm (looked in %v)", candidates)
	}
	t.Skip("axe-core not installed: npm install --prefix ~/.cache/osallisuus-axe axe-core (CI installs it)")
	return ""
}

// TestLoadTime measures, in headless Chromium, the time from navigation to
// the page being usable: medians of 10 fresh loads with an empty state and
// with a saved state of 10,000 events.
func TestLoadTime(t *testing.T) {
	exe := chromium(t)
	url := serve(t)
	ctx, cancel := browser(t, exe)
	defer cancel()
	a, err := api.Open("", "")
	require.NoError(t, err)
	devices, cerr := a.Call("feedback.devices", nil)
	require.Nil(t, cerr)
	dev := string(devices)[8:44] // the first device's id
	for i := 0; i < 10_000; i++ {
		if _, err := a.Call("feedback.press", []byte(`{"device":"`+dev+`","rating":3}`)); err != nil {
			t.Fatal(err)
		}
	}
	lines, keys := a.Pending()
	measure := func(state string) []float64 {
		var ms []float64
		for i := 0; i < 10; i++ {
			err := chromedp.Do(ctx, chromedp.Navigate(url+"wasm_exec.js"),
				eval(fmt.Sprintf(`localStorage.clear(); if (%t) { localStorage.setItem('osallisuus.journal', %q); localStorage.setItem('osallisuus.keys', %q) }; true`, state != "", state, keys)),
				chromedp.Navigate(url), until(`window.osallisuusReady === true`))
			require.NoError(t, err)
			v, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`performance.getEntriesByName('osallisuus-ready')[0].startTime`))
			require.NoError(t, err)
			ms = append(ms, v)
		}
		slices.Sort(ms)
		return ms
	}
	empty := measure("")
	full := measure(lines)
	events, err := chromedp.Run(ctx, chromedp.Text(css("#status")))
	require.NoError(t, err)
	require.Contains(t, events, "10002", "the saved state was replayed")
	t.Logf("usable after: empty state median %.0f ms %v; 10,000 events median %.0f ms %v", (empty[4]+empty[5])/2, empty, (full[4]+full[5])/2, full)
}
