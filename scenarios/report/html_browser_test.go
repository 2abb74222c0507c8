package report

import (
	"context"
	"encoding/json"
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

	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/sim/simtest"
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

// browser is a headless chromium with one page of a built-in scenario loaded.
type browser struct {
	t    *testing.T
	ctx  context.Context
	url  string
	r    *scenarios.Result
	stop func()
}

// openPage writes name's page to a temporary file and loads it in chromium (the
// test is skipped without one, except under CI, where it must run).
func openPage(t *testing.T, name string, watch func(context.Context)) *browser {
	t.Helper()
	bin := chromium()
	if bin == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed (apt-get install -y chromium): under CI the browser test must run")
		}
		t.Skip("chromium not found at /usr/bin/chromium; install it with `apt-get install -y chromium` to run the browser test (CI always runs it)")
	}
	r := htmlRun(t, name)
	dir := t.TempDir()
	file := filepath.Join(dir, name+".html")
	f, err := os.Create(file)
	require.NoError(t, err)
	require.NoError(t, WriteHTML(f, r))
	require.NoError(t, f.Close())
	// 1280x800, the size the teaching view is made readable at
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.WindowSize(1280, 800))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	b := &browser{t: t, ctx: ctx, url: "file://" + file, r: r, stop: func() { cancelTimeout(); cancelBrowser(); cancelAlloc() }}
	if watch != nil {
		watch(ctx)
	}
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(b.url), chromedp.WaitReady(chromedp.ID("cursor"))))
	return b
}

func (b *browser) eval(js string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js))
	require.NoError(b.t, err, js)
	return v
}

func (b *browser) num(js string) float64 {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[float64](js))
	require.NoError(b.t, err, js)
	return v
}

func (b *browser) text(css string) string { // textContent: SVG text has no innerText
	b.t.Helper()
	return b.eval(fmt.Sprintf(`(document.querySelector(%q) || {textContent: "<none>"}).textContent`, css))
}

// screenshot takes the whole page and, with -update, saves it as
// testdata/html/NAME.png for review (a plain test run leaves the tree as it was).
func (b *browser) screenshot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	require.NoError(b.t, err)
	require.NotEmpty(b.t, png)
	if !simtest.Update() {
		return
	}
	require.NoError(b.t, os.MkdirAll(filepath.Join("testdata", "html"), 0o755))
	require.NoError(b.t, os.WriteFile(filepath.Join("testdata", "html", name+".png"), png, 0o644))
}

// The hub-failure page in a real browser: lanes, the lost-message marker and the SPOF
// shading are in the DOM, the page fetches nothing, the slider changes the queue
// depth shown, and clicking the lost marker brings up its narration line and moment.
func TestHTMLInChromium(t *testing.T) {
	var mu sync.Mutex
	var requests []string
	watch := func(ctx context.Context) {
		require.NoError(t, chromedp.Listen(ctx, func(ev any) {
			if e, ok := ev.(*network.EventRequestWillBeSent); ok {
				mu.Lock()
				requests = append(requests, e.Request.URL)
				mu.Unlock()
			}
		}))
		_, err := chromedp.Call(ctx, network.Enable, network.EnableParams{})
		require.NoError(t, err)
		// record every Content-Security-Policy violation: a blocked fetch is an attempt too
		const js = `window.__exsimBlocked = []; document.addEventListener("securitypolicyviolation", function (e) { window.__exsimBlocked.push(e.blockedURI || e.violatedDirective); });`
		_, err = chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: js})
		require.NoError(t, err)
	}
	b := openPage(t, "hub-failure", watch)
	defer b.stop()
	ctx, r, url, eval, text := b.ctx, b.r, b.url, b.eval, b.text
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

	// a verdict link goes to the moment that explains it and marks the lane
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.vlink.spof`))))
	v, err = chromedp.Run(ctx, chromedp.Value(chromedp.ID("slider")))
	require.NoError(t, err)
	require.Equal(t, fmt.Sprint(r.Verdict.SPOF[0].From.Milliseconds()), v, "the first SPOF window's start")
	require.Equal(t, "FAB-RED-HUB1", eval(`(document.querySelector("g.lane.hl") || {getAttribute: function () { return ""; }}).getAttribute("data-server")`))

	// play replays the run: the clock moves on its own
	before := text("#clock")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("play")), chromedp.Sleep(300*time.Millisecond), chromedp.Click(chromedp.ID("play"))))
	require.NotEqual(t, before, text("#clock"))

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

// visibleTexts lists, as JSON, the box of every text drawn on the timeline that a
// reader sees: labels of steps, bands, rows, lanes and ticks (a marker's own count
// sits inside its marker and is left out).
const visibleTexts = `JSON.stringify(Array.from(document.querySelectorAll("#timeline text")).filter(function (e) {
  if (e.closest(".marker") || !e.textContent.trim()) return false;
  var s = getComputedStyle(e); if (s.display === "none" || s.visibility === "hidden") return false;
  var r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0;
}).map(function (e) { var r = e.getBoundingClientRect(); return {t: e.textContent, x: r.left, y: r.top, w: r.width, h: r.height}; }))`

type textBox struct {
	T          string
	X, Y, W, H float64
}

// requireNoOverlap fails when two visible labels of the timeline overlap (by more
// than a pixel: glyph boxes of neighbouring lines touch).
func (b *browser) requireNoOverlap(when string) {
	b.t.Helper()
	var boxes []textBox
	require.NoError(b.t, json.Unmarshal([]byte(b.eval(visibleTexts)), &boxes))
	require.NotEmpty(b.t, boxes)
	for i, p := range boxes {
		for _, q := range boxes[i+1:] {
			ox := min(p.X+p.W, q.X+q.W) - max(p.X, q.X)
			oy := min(p.Y+p.H, q.Y+q.H) - max(p.Y, q.Y)
			if ox > 1 && oy > 1 {
				b.t.Fatalf("%s: labels %q and %q overlap (%.0fx%.0f px)", when, p.T, q.T, ox, oy)
			}
		}
	}
}

// The dag-maintenance page, the one that was unreadable: at the story level the
// narration holds no routine line and says when EX1 stopped taking mail, where its
// queue went, when the databases moved and that nothing was lost; no two labels of
// the drawing overlap, at the whole run or zoomed in; zooming changes the visible
// range; searching a message number highlights its path and its lines only.
func TestHTMLTeachingViewInChromium(t *testing.T) {
	b := openPage(t, "dag-maintenance", nil)
	defer b.stop()
	visible := func(sel string) float64 {
		return b.num(fmt.Sprintf(`Array.from(document.querySelectorAll(%q)).filter(function (e) { return !e.hidden && e.getClientRects().length > 0; }).length`, sel))
	}
	// the story level: no routine line, and the lines that tell the story
	require.Zero(t, visible("#narration li.detail"), "the story level hides routine lines")
	story := b.eval(`Array.from(document.querySelectorAll("#narration li")).filter(function (e) { return !e.hidden; }).map(function (e) { return e.textContent; }).join("\n")`)
	for _, s := range []string{
		"retrieved HubTransport = Draining, so it takes no new mail", // when EX1 stopped taking mail
		"Redirect-Message: EX1 hands its 0 queued message(s) to EX2", // where its queue went
		"moved the active copy of DB1 from EX1 to EX2",               // when the databases moved
		"0 lost", // that nothing was lost
	} {
		require.Contains(t, story, s)
	}
	require.NotContains(t, story, "made a shadow copy", "shadow copies are detail")
	require.Less(t, visible("#narration li"), 120.0, "the story is short")
	// the detail level shows the routine lines too
	require.NoError(t, chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(`input[name="level"][value="detail"]`))))
	require.Greater(t, visible("#narration li.detail"), 300.0)
	require.NoError(t, chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(`input[name="level"][value="story"]`))))
	require.Zero(t, visible("#narration li.detail"))

	// the drawing: rows that say what happened to EX1, labels that never overlap
	rows := b.eval(`Array.from(document.querySelectorAll('g.lane[data-server="EX1"] .rlabel')).map(function (e) { return e.textContent.replace(/^.*\n/, ""); }).join(",")`)
	for _, s := range []string{"MSExchangeTransport", "HubTransport", "HighAvailability", "ServerWideOffline", "DB1 copy"} {
		require.Contains(t, rows, s)
	}
	b.requireNoOverlap("whole run")
	span := func() float64 {
		return b.num(`Number(document.getElementById("plot").getAttribute("viewBox").split(" ")[2])`)
	}
	ticks := b.eval(`Array.from(document.querySelectorAll("#ticks text")).map(function (e) { return e.textContent; }).join(" ")`)
	whole := span()
	for range 3 {
		require.NoError(t, chromedp.Do(b.ctx, chromedp.Click(chromedp.ID("zoomin"))))
	}
	require.InDelta(t, whole/8, span(), 1, "three zooms in show an eighth of the run")
	require.NotEqual(t, ticks, b.eval(`Array.from(document.querySelectorAll("#ticks text")).map(function (e) { return e.textContent; }).join(" ")`), "the axis shows the zoomed range")
	require.Contains(t, b.text("#range"), "showing ")
	b.requireNoOverlap("zoomed in")
	// the wheel zooms around the pointer, a drag pans, the minimap moves the view
	viewStart := func() float64 {
		return b.num(`Number(document.getElementById("plot").getAttribute("viewBox").split(" ")[0])`)
	}
	require.NoError(t, chromedp.Do(b.ctx, chromedp.KeyEvent("0")))
	b.eval(`(function () { var r = document.getElementById("points").getBoundingClientRect(); document.getElementById("timeline").dispatchEvent(new WheelEvent("wheel", {deltaY: -460, clientX: r.left + r.width / 2, clientY: r.top + 100, bubbles: true, cancelable: true})); return ""; })()`)
	require.InDelta(t, whole/2, span(), 2, "a wheel turn zooms in twice")
	require.InDelta(t, whole/4, viewStart(), 2, "around the pointer, at the middle")
	b.eval(`(function () { var svg = document.getElementById("timeline"), r = svg.getBoundingClientRect();
	  svg.dispatchEvent(new PointerEvent("pointerdown", {clientX: r.left + 600, clientY: r.top + 100, button: 0, bubbles: true}));
	  window.dispatchEvent(new PointerEvent("pointermove", {clientX: r.left + 500, clientY: r.top + 100, bubbles: true}));
	  window.dispatchEvent(new PointerEvent("pointerup", {clientX: r.left + 500, clientY: r.top + 100, bubbles: true})); return ""; })()`)
	require.Greater(t, viewStart(), whole/4+10, "dragging left shows later times")
	require.InDelta(t, whole/2, span(), 2, "a drag keeps the zoom")
	b.eval(`(function () { var m = document.getElementById("minimap"), r = m.getBoundingClientRect();
	  m.dispatchEvent(new PointerEvent("pointerdown", {clientX: r.left + r.width * 0.75, clientY: r.top + 5, bubbles: true}));
	  window.dispatchEvent(new PointerEvent("pointerup", {bubbles: true})); return ""; })()`)
	require.InDelta(t, whole/2, viewStart(), 2, "the minimap centres the view where it is clicked")

	// the keyboard: 0 shows the whole run again, n goes to the next story event
	require.NoError(t, chromedp.Do(b.ctx, chromedp.KeyEvent("0")))
	require.InDelta(t, whole, span(), 1)
	slider := func() string { return b.eval(`document.getElementById("slider").value`) }
	require.NoError(t, chromedp.Do(b.ctx, chromedp.KeyEvent("n")))
	require.Equal(t, fmt.Sprint((10 * time.Minute).Milliseconds()), slider(), "after the quorum at 20:00 the next story event is the first step, at 20:10")
	require.NoError(t, chromedp.Do(b.ctx, chromedp.KeyEvent("n")))
	require.Equal(t, fmt.Sprint((12 * time.Minute).Milliseconds()), slider(), "then StartDagServerMaintenance.ps1 at 20:12")
	require.NoError(t, chromedp.Do(b.ctx, chromedp.Click(chromedp.ID("prev"))))
	require.Equal(t, fmt.Sprint((10 * time.Minute).Milliseconds()), slider())
	require.Contains(t, b.text("#narration li.hl"), "Set-ServerComponentState EX1 -Component HubTransport -State Draining", "the story event's line is selected")

	// search: a message number highlights its path and shows only its lines
	msg := b.eval(`document.querySelector(".paths g[data-msg]").getAttribute("data-msg")`)
	require.NoError(t, chromedp.Do(b.ctx, chromedp.SendKeys(chromedp.ID("msg"), msg+"\r")))
	require.Equal(t, msg, b.eval(`(document.querySelector(".paths g.hl") || {getAttribute: function () { return ""; }}).getAttribute("data-msg")`))
	require.Equal(t, "inline", b.eval(`getComputedStyle(document.querySelector(".paths g.hl")).display`), "the highlighted path is drawn, at the story level too")
	require.Greater(t, b.num(`(function () { var r = document.querySelector(".paths g.hl .route").getBoundingClientRect(); return r.width + r.height; })()`), 1.0)
	lines := b.eval(`Array.from(document.querySelectorAll("#narration li")).filter(function (e) { return !e.hidden; }).map(function (e) { return e.getAttribute("data-msg"); }).join(",")`)
	require.NotEmpty(t, lines)
	for _, m := range strings.Split(lines, ",") {
		require.Equal(t, msg, m, "only the message's lines are shown")
	}
}

// screenshotScenarios are the pages saved under testdata/html for review; adding a
// scenario's screenshot is adding its name.
var screenshotScenarios = []string{"hub-failure", "dag-maintenance", "datacenter-switchover"}

// Screenshots of the teaching view at 1280x800, whole page, at the story level
// with the time at the middle of the story, for a person to review.
func TestHTMLScreenshots(t *testing.T) {
	for _, name := range screenshotScenarios {
		t.Run(name, func(t *testing.T) {
			b := openPage(t, name, nil)
			defer b.stop()
			// the moment of the story's middle event
			b.eval(`(function () { var s = EXSIM.story; var t = s[Math.floor(s.length / 2)] || 0; var el = document.getElementById("slider"); el.value = t; el.dispatchEvent(new Event("input")); return ""; })()`)
			b.requireNoOverlap(name)
			b.screenshot(name)
		})
	}
}
