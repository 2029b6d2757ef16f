package views

import (
	"strconv"
	"strings"
	"time"

	"portvakt/store"
)

// The readiness overview of Authentication Settings (DESIGN.md, flow 17): the guide's steps,
// the people in numbers, a chart of sign-ins per day, and the invitations to link.

// Step is one step of the move to SSO, with whether it is done.
type Step struct {
	TitleKey string
	BodyKey  string
	Done     bool
	Href     string // where to do it; empty while that page is not available to the person
	Status   string // a short, translated word on where it stands, e.g. "2 domains verified"
	TestID   string
}

// Number is one count of people, linked to the Users list showing them.
type Number struct {
	Key   string // the label's text key
	Count int
	Href  string // the filtered Users list; empty for people who may not see Users
	Group string // the group's name, for tests
	Warn  bool   // a count that holds the switch back when not zero
}

// AuthSettingsView is the overview of Authentication Settings.
type AuthSettingsView struct {
	PasswordOn      bool
	VerifiedDomains int
	Steps           []Step
	Numbers         []Number
	Chart           Chart
	Invite          InviteView
}

// InviteView is the section that invites the people not linked yet.
type InviteView struct {
	Possible    bool // an enabled, tested provider serves a verified domain
	Due         int  // can be invited now
	DueProfile  int  // of them, privileged people who link from their profile
	Waiting     int  // invited within a day, not linked yet
	Blocked     int  // cannot link yet
	BlockedHref string
	Sent        int
	Invited     int
	LinkedSince int
	Recent      []InviteRow
}

// InviteRow is one invitation sent.
type InviteRow struct {
	Name       string
	Email      string
	SentAt     time.Time
	ViaProfile bool
	MailStatus string
	LinkedAt   time.Time
}

// Chart is the sign-ins per day, drawn as SVG beside a table of the same numbers.
type Chart struct {
	Days    int // 30 or 90
	Periods []ChartPeriod
	First   time.Time
	Series  []ChartSeries
}

// ChartPeriod is a link to the chart over another number of days.
type ChartPeriod struct {
	Days    int
	Href    string
	Current bool
}

// ChartSeries is one way in: password, or one identity provider.
type ChartSeries struct {
	Label  string
	Counts []int
	Total  int
}

// The chart's geometry, in SVG user units.
const (
	chartW, chartH         = 640, 280
	chartLeft, chartRight  = 48, 14
	chartTop, chartBottom  = 16, 36
	chartPlotW, chartPlotH = chartW - chartLeft - chartRight, chartH - chartTop - chartBottom
	chartPlotRight         = chartLeft + chartPlotW
	chartPlotBottom        = chartTop + chartPlotH
	chartViewBox           = "0 0 640 280"
	chartAxisLabelY        = chartH - 10
	chartYAxisLabelX       = chartLeft - 8
	chartLegendLineW       = 36
	chartLegendViewBox     = "0 0 36 12"
)

// seriesStyle draws one series so that it stays apart from the others in greyscale and for
// colour-blind readers: each has its own dash pattern and a colour of its own lightness, taken
// from the Okabe-Ito palette and darkened where needed to hold 3:1 against white.
type seriesStyle struct {
	Colour string
	Dash   string // stroke-dasharray; "" is a solid line
	Width  string
}

var seriesStyles = []seriesStyle{
	{Colour: "#1b1f24", Dash: "", Width: "2.5"},         // password: solid, darkest
	{Colour: "#0060a0", Dash: "8 4", Width: "2.5"},      // blue, dashed
	{Colour: "#a65300", Dash: "2 3", Width: "3"},        // dark orange, dotted
	{Colour: "#007a5a", Dash: "12 3 2 3", Width: "2.5"}, // green, dash-dot
	{Colour: "#9c4f80", Dash: "4 2", Width: "2"},        // purple, short dashes
}

// Style is how series i is drawn.
func (Chart) Style(i int) seriesStyle { return seriesStyles[i%len(seriesStyles)] }

// Max is the top of the y axis: the largest count rounded up to 1, 2 or 5 times a power of ten.
func (c Chart) Max() int {
	m := 0
	for _, s := range c.Series {
		for _, n := range s.Counts {
			m = max(m, n)
		}
	}
	for step := 1; ; step *= 10 {
		for _, f := range []int{1, 2, 5} {
			if m <= f*step {
				return max(f*step, 1)
			}
		}
	}
}

// X is the x coordinate of day i.
func (c Chart) X(i int) float64 {
	if c.Days <= 1 {
		return chartLeft
	}
	return chartLeft + float64(i)*chartPlotW/float64(c.Days-1)
}

// Y is the y coordinate of a count.
func (c Chart) Y(n int) float64 {
	return chartTop + chartPlotH - float64(n)*chartPlotH/float64(c.Max())
}

// Points is the polyline of series s.
func (c Chart) Points(s ChartSeries) string {
	var b strings.Builder
	for i, n := range s.Counts {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(num(c.X(i)) + "," + num(c.Y(n)))
	}
	return b.String()
}

// Ticks are the counts the y axis marks: 0, half and the top.
func (c Chart) Ticks() []int {
	m := c.Max()
	if m%2 == 0 {
		return []int{0, m / 2, m}
	}
	return []int{0, m}
}

// Day is the date of day i.
func (c Chart) Day(i int) time.Time { return c.First.AddDate(0, 0, i) }

// Last is the date of the last day.
func (c Chart) Last() time.Time { return c.Day(c.Days - 1) }

// DayTotal is the number of sign-ins on day i, all methods.
func (c Chart) DayTotal(i int) int {
	n := 0
	for _, s := range c.Series {
		n += s.Counts[i]
	}
	return n
}

// Summary says in words what the chart shows, for screen readers.
func (c Chart) Summary(p Page) string {
	parts := make([]string, len(c.Series))
	for i, s := range c.Series {
		parts[i] = p.T("overview.chart.summary.series", s.Label, s.Total)
	}
	return p.T("overview.chart.summary", date(c.First), date(c.Last()), strings.Join(parts, "; "))
}

func date(t time.Time) string { return t.Format("2006-01-02") }

func num(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

// istr writes an int for text and attributes.
func istr(n int) string { return strconv.Itoa(n) }

// yesNoAttr is a boolean for a data attribute.
func yesNoAttr(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// mailStatusText is an outbox status in words.
func mailStatusText(p Page, status string) string {
	switch status {
	case store.MailSent:
		return p.T("outbox.status.sent")
	case store.MailQueued:
		return p.T("outbox.status.queued")
	case store.MailSending:
		return p.T("outbox.status.sending")
	case store.MailFailed:
		return p.T("status.failed")
	}
	return "–"
}
