package views

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

func TestChartAxisTop(t *testing.T) {
	for _, tc := range []struct{ largest, top int }{{0, 1}, {1, 1}, {2, 2}, {3, 5}, {7, 10}, {11, 20}, {180, 200}, {3001, 5000}} {
		c := Chart{Days: 2, Series: []ChartSeries{{Counts: []int{0, tc.largest}}}}
		if got := c.Max(); got != tc.top {
			t.Errorf("largest %d: top %d, want %d", tc.largest, got, tc.top)
		}
		if c.Y(c.Max()) != chartTop || c.Y(0) != chartPlotBottom {
			t.Errorf("largest %d: the axis runs from %v to %v", tc.largest, c.Y(0), c.Y(c.Max()))
		}
	}
}

// Every series is drawn apart from the others without colour: its own dash pattern.
func TestChartSeriesDifferWithoutColour(t *testing.T) {
	seen := map[string]bool{}
	for i := range seriesStyles {
		d := Chart{}.Style(i).Dash
		if seen[d] {
			t.Errorf("series %d repeats the dash pattern %q", i, d)
		}
		seen[d] = true
	}
}

func TestChartRendersInBothLanguages(t *testing.T) {
	c := Chart{Days: 3, First: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		Series: []ChartSeries{{Label: "Password", Counts: []int{1, 2, 3}, Total: 6}, {Label: "Entra", Counts: []int{0, 4, 8}, Total: 12}}}
	for _, l := range Langs {
		var b strings.Builder
		if err := signInChart(Page{Lang: l}, c).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		if n := doc.Find("svg[role=img] polyline").Length(); n != 2 {
			t.Errorf("%s: %d lines", l, n)
		}
		desc := doc.Find("svg desc").Text()
		if !strings.Contains(desc, "2026-03-01") || !strings.Contains(desc, "Entra 12") {
			t.Errorf("%s: description %q", l, desc)
		}
		if got := doc.Find("table caption").Text(); got != l.T("overview.chart.table", 3) {
			t.Errorf("%s: caption %q", l, got)
		}
	}
}
