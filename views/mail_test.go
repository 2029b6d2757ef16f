package views_test

import (
	"context"
	"strings"
	"testing"

	"portvakt/views"
)

// TestIdPChangeMail: the mail that tells an administrator about a provider's new issuer names the
// provider, who changed it and both issuers, in the reader's language, and leaves out what did
// not change.
func TestIdPChangeMail(t *testing.T) {
	v := views.IdPChangeMailView{Name: "Anna", Provider: "Entra <ID>", By: "it@example.se", Link: "https://pv.example/audit",
		OldIssuer: "https://old.example", NewIssuer: "https://new.example", OldClientID: "c", NewClientID: "c"}
	for _, tt := range []struct {
		lang              views.Lang
		subject, greeting string
	}{
		{views.SV, "Identitetsleverantören Entra <ID> pekar nu på en ny utfärdare", "Hej Anna,"},
		{views.EN, "The identity provider Entra <ID> now points to a new issuer", "Hello Anna,"},
	} {
		t.Run(string(tt.lang), func(t *testing.T) {
			subject, text, html, err := views.RenderIdPChangeMail(context.Background(), tt.lang, v)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(subject, tt.subject) {
				t.Errorf("subject %q, want %q...", subject, tt.subject)
			}
			for _, want := range []string{tt.greeting, "it@example.se", "https://new.example", "https://old.example", "https://pv.example/audit"} {
				if !strings.Contains(text, want) || !strings.Contains(html, want) {
					t.Errorf("mail lacks %q:\n%s", want, text)
				}
			}
			if strings.Contains(text, ": c (") {
				t.Errorf("names the unchanged client ID:\n%s", text)
			}
			if strings.Contains(html, "Entra <ID>") {
				t.Error("the provider's name is not escaped in the HTML part")
			}
		})
	}
}
