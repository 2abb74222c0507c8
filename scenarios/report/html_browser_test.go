package report

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// chromium finds Debian's chromium (apt-get install -y chromium).
func chromium() string {
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// The hub-failure page in a real browser: lanes, the lost-message marker and the SPOF
// shading are in the DOM, the page fetches nothing, the slider changes the queue
// depth shown, and clicking the lost marker brings up its narration line and moment.
// A screenshot is saved as testdata/html/hub-failure.png for review.
func TestHTMLInChromium(t *testing.T) {
	bin := chromium()
	if bin == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed (apt-get install -y chromium): under CI the browser test must run")
		}
		t.Skip("chromium not found at /usr/bin/chromium; install it with `apt-get install -y chromium` to run the browser test (CI always runs it)")
	}
	r := htmlRun(t, "hub-failure")
	dir := t.TempDir()
	file := filepath.Join(dir, "hub-failure.html")
	f, err := os.Create(file)
	require.NoError(t, err)
	require.NoError(t, WriteHTML(f, r))
	require.NoError(t, f.Close())
	url := "file://" + file

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.WindowSize(1600, 1000))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	defer cancelTimeout()

	var mu sync.Mutex
	var requests []string
	require.NoError(t, chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requests = append(requests, e.Request.URL)
			mu.Unlock()
		}
	}))
	_, err = chromedp.Call(ctx, network.Enable, network.EnableParams{})
	require.NoError(t, err)
	// record every Content-Security-Policy violation: a blocked fetch is an attempt too
	const watch = `window.__exsimBlocked = []; document.addEventListener("securitypolicyviolation", function (e) { window.__exsimBlocked.push(e.blockedURI || e.violatedDirective); });`
	_, err = chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: watch})
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitReady(chromedp.ID("cursor"))))

	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		require.NoError(t, err, js)
		return v
	}
	text := func(css string) string { // textContent: SVG text has no innerText
		t.Helper()
		return eval(fmt.Sprintf(`(document.querySelector(%q) || {textContent: "<none>"}).textContent`, css))
	}
	lanes := eval(`Array.from(document.querySelectorAll("g.lane")).map(g => g.getAttribute("data-server")).join(",")`)
	require.Equal(t, "FAB-RED-HUB1,FAB-RED-HUB2,FAB-RED-MBX1", lanes, "one lane per server")
	require.Contains(t, eval(`(document.querySelector(".marker.lost text") || {}).textContent || ""`), "2 lost", "the lost-message marker")
	require.Contains(t, eval(`(document.querySelector(".marker.lost title") || {}).textContent || ""`), "#1, #2")
	spofW, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`(function () { var r = document.querySelector('#plot rect.spof[data-server="FAB-RED-HUB1"]'); return r ? r.getBoundingClientRect().width : 0; })()`))
	require.NoError(t, err)
	require.Greater(t, spofW, 10.0, "SPOF shading on FAB-RED-HUB1's lane is visible")

	// the slider, moved with the mouse, changes the queue depth shown for HUB1
	end := time.Duration(buildPage(r).Data.End) * time.Millisecond // the slider's maximum
	slideTo := func(at time.Duration) {
		t.Helper()
		box, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(function () { var b = document.getElementById("slider").getBoundingClientRect(); return [b.left, b.top, b.width, b.height]; })()`))
		require.NoError(t, err)
		// the thumb's centre travels from left+8 to right-8 (its half width)
		x := box[0] + 8 + float64(at)/float64(end)*(box[2]-16)
		require.NoError(t, chromedp.Do(ctx, chromedp.MouseClickXY(x, box[1]+box[3]/2)))
	}
	const q1, spof1 = `.qdepth[data-server="FAB-RED-HUB1"]`, `.spofdepth[data-server="FAB-RED-HUB1"]`
	clock0 := text("#clock")
	require.Equal(t, "0", text(q1), "nothing is queued at 09:00")
	slideTo(15 * time.Minute)
	clock1 := text("#clock")
	require.Equal(t, "2", text(q1), "both messages wait in FAB-RED-HUB1's queue at 09:15 (clock shows %s)", clock1)
	require.Equal(t, "2", text(spof1), "and both are single points of failure there")
	require.NotEqual(t, clock0, clock1)
	require.True(t, strings.HasPrefix(clock1, "2011-03-01 09:1"), clock1)
	slideTo(22 * time.Minute)
	require.Equal(t, "0", text(q1), "the crash at 09:20 destroyed them")
	require.Equal(t, "DOWN", text(`.status[data-server="FAB-RED-HUB1"]`))

	// clicking the lost marker selects its narration line and moves to its moment
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".marker.lost"))))
	require.Contains(t, text("#narration li.hl"), "is lost")
	v, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("slider")))
	require.NoError(t, err)
	require.Equal(t, fmt.Sprint((20 * time.Minute).Milliseconds()), v)

	// play replays the run: the clock moves on its own
	before := text("#clock")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("play")), chromedp.Sleep(300*time.Millisecond), chromedp.Click(chromedp.ID("play"))))
	require.NotEqual(t, before, text("#clock"))

	// back to the moment both messages sit only on HUB1, for the screenshot
	slideTo(15 * time.Minute)
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Join("testdata", "html"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join("testdata", "html", "hub-failure.png"), png, 0o644))
	blocked := eval(`window.__exsimBlocked.join(" ")`)
	resources := eval(`String(performance.getEntriesByType("resource").length)`)

	mu.Lock()
	defer mu.Unlock()
	for _, u := range requests {
		require.Equal(t, url, u, "the page made a network request")
	}
	require.Empty(t, blocked, "the page tried to fetch something (blocked by its Content-Security-Policy)")
	require.Equal(t, "0", resources, "the page loaded a resource")
	require.NotEmpty(t, requests, "the listener saw the page's own load")
}
