package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"portvakt/store"
	"portvakt/store/storetest"
)

// TestSSOSessionsEndWithWhatTheyRestOn: an SSO session rests on the person's link and on its
// provider being there and enabled. Removing the link, or disabling or removing the provider,
// ends those sessions in the same transaction; other sessions go on.
func TestSSOSessionsEndWithWhatTheyRestOn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	type env struct {
		st     *store.Store
		a, b   int64 // providers
		anna   store.User
		inputA store.IdPInput
	}
	tests := []struct {
		name       string
		change     func(env) error
		wantEnded  []string
		audit      string // action of the audit row that names the ended sessions
		wantDetail string
	}{
		{name: "removing a link ends that person's SSO sessions only",
			change:    func(e env) error { return e.st.RemoveLink(ctx, store.CLIActor, e.anna.ID) },
			wantEnded: []string{"anna via A"}, audit: "link.remove", wantDetail: "1 SSO session ended"},
		{name: "disabling a provider ends the sessions through it",
			change: func(e env) error {
				in := e.inputA
				in.Enabled = false
				return e.st.UpdateIdP(ctx, store.CLIActor, e.a, in)
			},
			wantEnded: []string{"anna via A", "bo via A"}, audit: "idp.update", wantDetail: "2 SSO sessions ended"},
		{name: "another change to a provider keeps its sessions",
			change: func(e env) error {
				in := e.inputA
				in.Name, in.SecretEnc = "A renamed", []byte{9}
				return e.st.UpdateIdP(ctx, store.CLIActor, e.a, in)
			}},
		{name: "a new issuer ends the sessions through the provider",
			change: func(e env) error {
				in := e.inputA
				in.Issuer, in.SecretEnc = "https://a2.example", []byte{9}
				return e.st.UpdateIdP(ctx, store.CLIActor, e.a, in)
			},
			wantEnded: []string{"anna via A", "bo via A"}, audit: "idp.update", wantDetail: "client secret replaced; 2 SSO sessions ended"},
		{name: "a new client ID ends the sessions through the provider",
			change: func(e env) error {
				in := e.inputA
				in.ClientID, in.SecretEnc = "c2", []byte{9}
				return e.st.UpdateIdP(ctx, store.CLIActor, e.a, in)
			},
			wantEnded: []string{"anna via A", "bo via A"}, audit: "idp.update", wantDetail: "client secret replaced; 2 SSO sessions ended"},
		{name: "removing a provider ends the sessions through it",
			change:    func(e env) error { return e.st.DeleteIdP(ctx, store.CLIActor, e.a) },
			wantEnded: []string{"anna via A", "bo via A"}, audit: "idp.remove", wantDetail: "2 SSO sessions ended"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := storetest.Open(t)
			e := env{st: st, inputA: store.IdPInput{Name: "A", Preset: "other", Issuer: "https://a.example", ClientID: "c",
				SecretEnc: []byte{1}, Scopes: "openid", Enabled: true}}
			var err error
			if e.a, err = st.CreateIdP(ctx, store.CLIActor, e.inputA); err != nil {
				t.Fatal(err)
			}
			inB := e.inputA
			inB.Name, inB.Issuer = "B", "https://b.example"
			if e.b, err = st.CreateIdP(ctx, store.CLIActor, inB); err != nil {
				t.Fatal(err)
			}
			e.anna = storetest.MustUser(t, st, store.NewUser{Email: "anna@example.se"})
			bo := storetest.MustUser(t, st, store.NewUser{Email: "bo@example.se"})
			carl := storetest.MustUser(t, st, store.NewUser{Email: "carl@example.se"})
			storetest.Link(t, st, e.anna.ID, "https://a.example", "anna")
			storetest.Link(t, st, bo.ID, "https://a.example", "bo")
			storetest.Link(t, st, carl.ID, "https://b.example", "carl")
			sessions := map[string]store.NewSession{
				"anna via A":       {UserID: e.anna.ID, Method: store.MethodSSO, IdPID: e.a},
				"anna by password": {UserID: e.anna.ID, Method: store.MethodPassword},
				"bo via A":         {UserID: bo.ID, Method: store.MethodSSO, IdPID: e.a},
				"carl via B":       {UserID: carl.ID, Method: store.MethodSSO, IdPID: e.b},
			}
			tokens := map[string]string{}
			for name, ns := range sessions {
				if tokens[name], err = st.CreateSession(ctx, ns); err != nil {
					t.Fatal(err)
				}
			}
			if err := tt.change(e); err != nil {
				t.Fatalf("change: %v", err)
			}
			var ended []string
			for name, token := range tokens {
				_, err := st.SessionByToken(ctx, token)
				if errors.Is(err, store.ErrNotFound) {
					ended = append(ended, name)
				} else if err != nil {
					t.Fatal(err)
				}
			}
			slices.Sort(ended)
			if !slices.Equal(ended, tt.wantEnded) {
				t.Errorf("ended %q, want %q", ended, tt.wantEnded)
			}
			if tt.audit != "" {
				rows := storetest.AuditRows(t, st, tt.audit)
				if got := rows[len(rows)-1].Detail; got != tt.wantDetail {
					t.Errorf("%s audit detail %q, want %q", tt.audit, got, tt.wantDetail)
				}
			}
		})
	}
}
