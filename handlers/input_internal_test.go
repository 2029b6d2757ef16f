package handlers

import "testing"

func TestSafeNext(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/profile":             "/profile",
		"/auth-settings?x=1":   "/auth-settings?x=1",
		"":                     "/",
		"https://evil.example": "/",
		"//evil.example/x":     "/",
		"/\\evil.example":      "/",
		"javascript:alert(1)":  "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAcceptLanguage(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"sv-SE,sv;q=0.9,en;q=0.8": "sv",
		"en-GB,en;q=0.9":          "en",
		"de,en;q=0.5,sv;q=0.7":    "sv",
		"fr":                      "",
		"sv;q=0,en":               "en",
	} {
		got, _ := acceptLanguage(in)
		if string(got) != want {
			t.Errorf("acceptLanguage(%q) = %q, want %q", in, got, want)
		}
	}
}
