package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// client is one simulated browser: its own cookies (session, CSRF), no redirects followed, and
// for each request an address of its own in X-Forwarded-For, as people behind the organisation's
// reverse proxy would have, so that the per-address sign-in limits see a crowd rather than one
// client.
type client struct {
	base string
	http *http.Client
}

// addrs numbers the simulated addresses.
var addrs atomic.Uint32

func newClient(base string, tr http.RoundTripper) *client {
	jar, _ := cookiejar.New(nil)
	return &client{base: base, http: &http.Client{
		Transport:     tr,
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// newTransport is one pool of keep-alive connections, at most conns of them.
func newTransport(conns int) *http.Transport {
	return &http.Transport{
		MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns,
		IdleConnTimeout: 30 * time.Second, DisableCompression: true,
	}
}

// response is a finished response: status, body and location.
type response struct {
	status   int
	body     []byte
	location string
}

func (c *client) do(method, path string, form url.Values) (response, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		return response{}, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	n := addrs.Add(1)
	req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", byte(n>>16), byte(n>>8), byte(n)))
	resp, err := c.http.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, resp.Body); err != nil {
		return response{}, fmt.Errorf("%s %s: read body: %w", method, path, err)
	}
	return response{status: resp.StatusCode, body: buf.Bytes(), location: resp.Header.Get("Location")}, nil
}

func (c *client) get(path string) (response, error) { return c.do(http.MethodGet, path, nil) }

// post sends a form with the client's CSRF token, fetching /login first when it has none.
func (c *client) post(path string, form url.Values) (response, error) {
	token, err := c.csrf()
	if err != nil {
		return response{}, err
	}
	f := url.Values{"_csrf": {token}}
	for k, v := range form {
		f[k] = v
	}
	return c.do(http.MethodPost, path, f)
}

func (c *client) csrf() (string, error) {
	u, _ := url.Parse(c.base)
	for range 2 {
		for _, ck := range c.http.Jar.Cookies(u) {
			if ck.Name == "_csrf" {
				return ck.Value, nil
			}
		}
		if _, err := c.get("/login"); err != nil {
			return "", err
		}
	}
	return "", errors.New("no CSRF cookie after GET /login")
}

// setCookie gives the client a cookie, such as an administrator's session.
func (c *client) setCookie(ck *http.Cookie) {
	u, _ := url.Parse(c.base)
	c.http.Jar.SetCookies(u, []*http.Cookie{ck})
}
