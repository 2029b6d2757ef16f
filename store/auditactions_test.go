package store_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"portvakt/store"
	"portvakt/store/storetest"
)

func TestAuditActorKind(t *testing.T) {
	for _, tt := range []struct {
		row  store.AuditRow
		want store.ActorKind
	}{
		{store.AuditRow{ActorID: 7, Actor: "anna@example.se", Action: store.ActionGrantAdd}, store.ActorPerson},
		{store.AuditRow{Actor: "system", Action: store.ActionPasswordLogin}, store.ActorSystem},
		{store.AuditRow{Actor: "portvakt user add", Action: store.ActionUserCreate}, store.ActorHost},
		{store.AuditRow{Actor: store.HostActor("user grant").Label, Action: store.ActionGrantAdd}, store.ActorHost},
		{store.AuditRow{Actor: "cli", Action: store.ActionUserCreate}, store.ActorHost}, // rows from before commands were named
		// A refused sign-in's actor is what the client typed: never portvakt's or the host's.
		{store.AuditRow{Actor: "cli", Action: store.ActionLoginFailure}, store.ActorPerson},
		{store.AuditRow{Actor: "system", Action: store.ActionLoginFailure}, store.ActorPerson},
		{store.AuditRow{Actor: "portvakt user add", Action: store.ActionLoginFailure}, store.ActorPerson},
		// A signed-in person is a person whatever the label says.
		{store.AuditRow{ActorID: 3, Actor: "system", Action: store.ActionLogout}, store.ActorPerson},
		{store.AuditRow{Actor: "portvaktx", Action: store.ActionUserCreate}, store.ActorPerson},
	} {
		if got := tt.row.Kind(); got != tt.want {
			t.Errorf("%+v: kind %d, want %d", tt.row, got, tt.want)
		}
	}
	if got := store.HostActor("portvakt user add").Label; got != "portvakt user add" {
		t.Errorf("HostActor label %q", got)
	}
}

// TestAuditRowsNamePeople checks that rows carry the present names of the actor and of a target
// that is a person, and only of those.
func TestAuditRowsNamePeople(t *testing.T) {
	st := storetest.Open(t)
	ctx := context.Background()
	anna := storetest.MustUser(t, st, store.NewUser{Email: "anna@example.se", Name: "Anna Andersson", Admin: true})
	bo := storetest.MustUser(t, st, store.NewUser{Email: "bo@example.se", Name: "Bo Berg"})
	annaActor := store.Actor{UserID: anna.ID, Label: anna.Email}
	if err := st.GrantAuthSettings(ctx, annaActor, bo.ID); err != nil {
		t.Fatal(err)
	}
	// A provider named like a person's address is not that person.
	if _, err := st.CreateIdP(ctx, annaActor, store.IdPInput{Name: "bo@example.se", Preset: "other",
		Issuer: "https://p.example", ClientID: "c", SecretEnc: []byte("s"), Scopes: "openid email"}); err != nil {
		t.Fatal(err)
	}
	rows, _, err := st.ListAudit(ctx, store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[store.AuditAction]store.AuditRow{}
	for _, r := range rows {
		got[r.Action] = r
	}
	if r := got[store.ActionGrantAdd]; r.ActorName != "Anna Andersson" || r.TargetName != "Bo Berg" {
		t.Errorf("grant row names %q, %q; want Anna Andersson, Bo Berg", r.ActorName, r.TargetName)
	}
	if r := got[store.ActionIdPCreate]; r.ActorName != "Anna Andersson" || r.TargetName != "" {
		t.Errorf("provider row names %q, %q; want Anna Andersson and no target name", r.ActorName, r.TargetName)
	}
	if r := got[store.ActionUserCreate]; r.ActorName != "" || r.TargetName == "" {
		t.Errorf("user row by the host names %q, %q; want no actor name and the user's", r.ActorName, r.TargetName)
	}
	// The filter by actor finds a person by name as by address.
	for who, want := range map[string]int{"andersson": 2, "ANNA@": 2, "user add": 2, "berg": 0} {
		rows, _, err := st.ListAudit(ctx, store.AuditFilter{Actor: who})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != want {
			t.Errorf("filter by actor %q: %d rows, want %d", who, len(rows), want)
		}
	}
}

// TestAuditActionsAreListed keeps the list complete: every action constant is in
// AuditActionList, and no code writes an audit row with a literal action instead of a constant.
func TestAuditActionsAreListed(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("auditactions.go")
	if err != nil {
		t.Fatal(err)
	}
	consts := regexp.MustCompile(`(?m)^\s*Action\w+\s+AuditAction\s*=\s*"([^"]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(consts) != len(store.AuditActionList) {
		t.Errorf("%d action constants, %d in AuditActionList", len(consts), len(store.AuditActionList))
	}
	for _, c := range consts {
		if !slices.Contains(store.AuditActionList, store.AuditAction(c[1])) {
			t.Errorf("action %s is not in AuditActionList", c[1])
		}
	}
	literal := regexp.MustCompile(`(?:Action:\s*|action\s*:?=\s*|e\.Action,[^=]*=\s*)"[a-z_.]+"`)
	files, _ := filepath.Glob("*.go")
	more, _ := filepath.Glob("../handlers/*.go")
	for _, f := range append(files, more...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllString(string(b), -1) {
			t.Errorf("%s writes the action %s as a literal: use a constant from AuditActionList", f, m)
		}
	}
}
