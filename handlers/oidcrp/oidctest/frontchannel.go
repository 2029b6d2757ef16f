package oidctest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// Callback plays the browser's part of the authorization request: it
// follows authURL and the provider's redirects, stops at the first redirect
// to redirectURI (which it does not request) and returns that URL's query.
func Callback(ctx context.Context, authURL, redirectURI string) (url.Values, error) {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	next := authURL
	for range 5 {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, next, nil)
		if err != nil {
			return nil, fmt.Errorf("oidctest: front channel: %w", err)
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("oidctest: front channel: %w", err)
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		loc, err := resp.Location()
		if err != nil {
			return nil, fmt.Errorf("oidctest: front channel: %s answered %d without redirect: %s", next, resp.StatusCode, body)
		}
		target := *loc
		target.RawQuery, target.Fragment = "", ""
		if target.String() == redirectURI {
			return loc.Query(), nil
		}
		next = loc.String()
	}
	return nil, errors.New("oidctest: front channel: too many redirects")
}
