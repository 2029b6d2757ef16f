package handlers

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"portvakt/handlers/domainname"
	"portvakt/views"
	"portvakt/views/paths"
)

// handleAllowedDomainsSubmit handles every button of the allowed-domains list: add or remove a
// row, or save. A refused domain gets a message next to its row and every row stays as typed.
func (s *Server) handleAllowedDomainsSubmit(c echo.Context) error {
	ctx := c.Request().Context()
	values, act, err := postedRows(c, "domain", maxDomainInput)
	if err != nil {
		return err
	}
	v, err := s.storedSecurity(ctx)
	if err != nil {
		return err
	}
	s.markSelf(c, &v)
	p := s.securityPage(c)
	rows, names, problems := checkDomainRows(lang(c), values)
	for i := range rows {
		if j := slices.IndexFunc(v.Domains, func(d views.AllowedDomainRow) bool { return d.Value == rows[i].Value }); j >= 0 {
			rows[i].Since = v.Domains[j].Since
		}
	}
	v.Domains, v.DomainsUnsaved = rows, true
	if act.kind != "save" {
		for i := range v.Domains {
			v.Domains[i].Error = ""
		}
		return render(c, http.StatusOK, views.SecurityPage(p, v))
	}
	if len(problems) > 0 {
		p.Errors = problems
		return unprocessable(c, views.SecurityPage(p, v))
	}
	added, removed, err := s.store.SetAllowedDomains(ctx, s.actor(c), names)
	if err != nil {
		return err
	}
	s.setFlash(c, "security.domains.saved", len(names), added, removed)
	return redirect(c, paths.Security)
}

// checkDomainRows normalises each typed domain; empty rows are skipped and a domain typed twice
// counts once.
func checkDomainRows(l views.Lang, values []string) ([]views.AllowedDomainRow, []string, []views.FieldError) {
	var rows []views.AllowedDomainRow
	var names []string
	var problems []views.FieldError
	for i, val := range values {
		row := views.AllowedDomainRow{Index: i, Value: val}
		if val != "" {
			name, err := domainname.Normalise(val)
			if err != nil {
				row.Error = domainNameMessage(l, val, err)
			} else {
				row.Value = name
				if !slices.Contains(names, name) {
					names = append(names, name)
				}
			}
		}
		if row.Error != "" {
			problems = append(problems, views.FieldError{Field: "domain-" + strconv.Itoa(i), Message: row.Error})
		}
		rows = append(rows, row)
	}
	return rows, names, problems
}
