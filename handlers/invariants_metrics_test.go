package handlers_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"portvakt/handlers"
	"portvakt/handlers/handlertest"
)

// TestRulesMetricLabelsAreBounded: nobody can grow the metrics without bound by sending made-up
// methods or paths; each label keeps a small, fixed set of values.
func TestRulesMetricLabelsAreBounded(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	app := handlertest.New(t, handlertest.WithConfig(func(c *handlers.Config) { c.Metrics = reg }))
	c := app.Client()
	for i := range 40 {
		req, _ := http.NewRequest(fmt.Sprintf("M%d", i), app.URL+"/login", nil)
		c.Do(t, req)
		c.Get(t, fmt.Sprintf("/no/such/page/%d", i))
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]map[string]bool{}
	for _, mf := range mfs {
		for _, m := range mf.Metric {
			for _, l := range m.Label {
				if values[l.GetName()] == nil {
					values[l.GetName()] = map[string]bool{}
				}
				values[l.GetName()][l.GetValue()] = true
			}
		}
	}
	for name, vs := range values {
		if len(vs) > 10 {
			t.Errorf("label %q has %d values after 80 made-up requests", name, len(vs))
		}
	}
}
