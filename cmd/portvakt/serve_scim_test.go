package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"portvakt/store"
)

// TestProvisioningCycleAgainstServe runs an identity provider's provisioning cycle against the
// real program over HTTP, with a token from the host command: look up, create, update,
// deactivate (the person's session ends), reactivate, delete; then the audit API sees it all.
func TestProvisioningCycleAgainstServe(t *testing.T) {
	pv := startPortvakt(t, nil)
	addUser(t, pv, "anna@exempel.se", "Anna Andersson", "--admin")
	scim := cliToken(t, pv, "Entra ID", "scim")
	audit := cliToken(t, pv, "SIEM", "audit")

	if body := scimCall(t, pv.URL, scim, http.MethodGet, `/scim/v2/Users?filter=userName+eq+%22nils%40exempel.se%22`, "", 200); !strings.Contains(body, `"totalResults":0`) {
		t.Fatalf("look-up before create: %s", body)
	}
	id := provision(t, pv.URL, scim, "Nils@Exempel.se", "Nils Ny", true)
	path := "/scim/v2/Users/" + id
	patch := func(ops string) string {
		return scimCall(t, pv.URL, scim, http.MethodPatch, path, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":`+ops+`}`, 200)
	}
	if body := patch(`[{"op":"Replace","path":"displayName","value":"Nils Nyman"}]`); !strings.Contains(body, `"displayName":"Nils Nyman"`) {
		t.Fatalf("update: %s", body)
	}

	st := openStore(t, pv.Data)
	u, err := st.UserByEmail(context.Background(), "nils@exempel.se")
	if err != nil {
		t.Fatal(err)
	}
	session, err := st.CreateSession(context.Background(), newSSOSession(u.ID))
	if err != nil {
		t.Fatal(err)
	}
	if body := patch(`[{"op":"Replace","path":"active","value":"False"}]`); !strings.Contains(body, `"active":false`) {
		t.Fatalf("deactivate: %s", body)
	}
	if _, err := st.SessionByToken(context.Background(), session); err == nil {
		t.Error("the session outlived the deactivation")
	}
	if body := patch(`[{"op":"replace","value":{"active":true}}]`); !strings.Contains(body, `"active":true`) {
		t.Fatalf("reactivate: %s", body)
	}
	scimCall(t, pv.URL, scim, http.MethodDelete, path, "", 204)
	scimCall(t, pv.URL, scim, http.MethodGet, path, "", 404)

	log := scimCall(t, pv.URL, audit, http.MethodGet, "/api/v1/audit?actor=token:Entra", "", 200)
	for _, action := range []string{"user.provision", "user.update", "user.deactivate", "user.reactivate", "user.delete"} {
		if !strings.Contains(log, `"action":"`+action+`"`) {
			t.Errorf("the audit API lacks %s: %s", action, log)
		}
	}
	scimCall(t, pv.URL, audit, http.MethodGet, "/scim/v2/Users", "", 403)
}

// newSSOSession describes a browser session of a person signed in through SSO.
func newSSOSession(userID int64) store.NewSession {
	return store.NewSession{UserID: userID, Method: store.MethodSSO}
}
