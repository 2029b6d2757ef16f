package handlers

import (
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"portvakt/views"
)

// acceptLanguage picks the supported language the browser prefers most, by q-value.
func acceptLanguage(header string) (views.Lang, bool) {
	type choice struct {
		lang views.Lang
		q    float64
		pos  int
	}
	var choices []choice
	for i, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		l, ok := views.ParseLang(tag)
		if !ok {
			continue
		}
		q := 1.0
		if v, found := strings.CutPrefix(strings.TrimSpace(params), "q="); found {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		if q > 0 {
			choices = append(choices, choice{l, q, i})
		}
	}
	if len(choices) == 0 {
		return "", false
	}
	sort.SliceStable(choices, func(i, j int) bool { return choices[i].q > choices[j].q })
	return choices[0].lang, true
}

// handleLanguage remembers the language the person chose and returns them to the page they were on.
func (s *Server) handleLanguage(c echo.Context) error {
	l, ok := views.ParseLang(c.FormValue("lang"))
	if !ok {
		return badRequest("unsupported language")
	}
	cookie(c).Values[keyLang] = string(l)
	if err := s.saveCookie(c); err != nil {
		return err
	}
	return redirect(c, safeNext(c.FormValue("return")))
}
