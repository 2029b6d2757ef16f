package views_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"portvakt/views"
)

func TestDomainRemovePageNamesTheProviders(t *testing.T) {
	tests := []struct {
		name    string
		usedBy  []string
		inUse   int
		confirm bool
	}{
		{"asks only to confirm an unused domain", nil, 0, false},
		{"warns of each provider and asks for the name", []string{"Entra ID", "Okta"}, 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := views.DomainRemoveView{
				DomainRow: views.DomainRow{Name: "example.se", Display: "example.se", Status: "verified"},
				ID:        7, UsedBy: tt.usedBy,
				Confirm: views.Field{ID: "confirm", Name: "confirm", Label: "Type"},
			}
			var buf bytes.Buffer
			if err := views.DomainRemovePage(views.Page{Lang: views.EN}, v).Render(context.Background(), &buf); err != nil {
				t.Fatal(err)
			}
			doc, err := goquery.NewDocumentFromReader(&buf)
			if err != nil {
				t.Fatal(err)
			}
			notices := doc.Find("[data-testid=domain-in-use]")
			if notices.Length() != tt.inUse {
				t.Errorf("%d in-use notices, want %d", notices.Length(), tt.inUse)
			}
			for i, idp := range tt.usedBy {
				if got := notices.Eq(i).Text(); !strings.Contains(got, idp) {
					t.Errorf("notice %q does not name %s", got, idp)
				}
			}
			if got := doc.Find("input#confirm").Length() == 1; got != tt.confirm {
				t.Errorf("typed confirmation shown = %v, want %v", got, tt.confirm)
			}
			if got, _ := doc.Find("form").Last().Attr("action"); got != "/auth-settings/domains/7/remove" {
				t.Errorf("form posts to %q", got)
			}
		})
	}
}
