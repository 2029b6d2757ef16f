package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"

	"portvakt/handlers/handlertest"
	"portvakt/handlers/oidcop"
	"portvakt/store"
	"portvakt/store/storetest"
)

// TestSigningKeyRotation: a new key is in the published key set before it signs anything, and
// the key it replaces stays published until the tokens it signed have expired.
func TestSigningKeyRotation(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	web := w.register(t, store.AppWeb)
	ann := w.app.User(t, "ann@example.com", handlertest.UserOpts{Verified: true})
	kidOfNewToken := func() string {
		t.Helper()
		c := w.app.ClientAs(t, ann) // a session begun at the store's present
		v := oauth2.GenerateVerifier()
		tok, err := web.exchange(t, web.signIn(t, c, v), v)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := tok.Extra("id_token").(string)
		sig, err := jose.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
		if err != nil {
			t.Fatal(err)
		}
		return sig.Signatures[0].Header.KeyID
	}
	published := func() []string {
		t.Helper()
		resp, err := http.Get(w.app.URL + "/oauth/keys")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var set jose.JSONWebKeySet
		if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
			t.Fatal(err)
		}
		var kids []string
		for _, k := range set.Keys {
			if _, private := k.Key.(interface{ Public() any }); private {
				t.Errorf("key %s is published with its private part", k.KeyID)
			}
			kids = append(kids, k.KeyID)
		}
		return kids
	}
	old := kidOfNewToken()
	k, err := oidcop.NewSigningKey(w.app.Config.Keys.Secrets)
	if err != nil {
		t.Fatal(err)
	}
	from, err := w.app.Store.RotateSigningKey(context.Background(), store.CLIActor, k, store.SigningKeyPublishAhead)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(published(), " "); !strings.Contains(got, k.KID) || !strings.Contains(got, old) {
		t.Errorf("published %q, want the new key %s beside the old %s", got, k.KID, old)
	}
	if got := kidOfNewToken(); got != old {
		t.Errorf("signed with %s before its time, want the old key %s", got, old)
	}
	storetest.SetClock(t, w.app.Store, func() time.Time { return from.Add(time.Second) })
	if got := kidOfNewToken(); got != k.KID {
		t.Errorf("signed with %s after the new key's time, want %s", got, k.KID)
	}
	storetest.SetClock(t, w.app.Store, func() time.Time { return from.Add(store.SigningKeyRetireAfter + time.Second) })
	if got := strings.Join(published(), " "); strings.Contains(got, old) {
		t.Errorf("published %q: the replaced key outlived the tokens it signed", got)
	}
}
