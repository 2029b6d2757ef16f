package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the Prometheus series portvakt exposes on --metrics-addr. Labels use route
// patterns, never raw paths or user data, so their number stays bounded.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	logins   *prometheus.CounterVec
}

// NewMetricsRegistry returns a registry with the Go runtime and process collectors, ready for
// Config.Metrics.
func NewMetricsRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portvakt_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "portvakt_http_request_duration_seconds", Help: "Time to answer HTTP requests, by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route"}),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portvakt_logins_total", Help: "Sign-in attempts by method and result.",
		}, []string{"method", "result"}),
	}
	reg.MustRegister(m.requests, m.duration, m.logins)
	return m
}

// observe is the middleware that counts and times every request.
func (m *metrics) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		status := c.Response().Status
		if err != nil {
			status = statusOf(err)
		}
		m.requests.WithLabelValues(route, methodLabel(c.Request().Method), strconv.Itoa(status)).Inc()
		m.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
		return err
	}
}

// methodLabel keeps the method label to the standard methods: a client may send any token as
// a method, and each new label value would be a new series kept for the life of the process.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}

// login counts one sign-in attempt.
func (m *metrics) login(method string, ok bool) {
	result := "failure"
	if ok {
		result = "success"
	}
	m.logins.WithLabelValues(method, result).Inc()
}
