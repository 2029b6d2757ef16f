package store_test

import (
	"testing"

	"portvakt/store"
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
