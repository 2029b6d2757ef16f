package handlers

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"portvakt/store"
	"portvakt/store/account"
	"portvakt/views"
	"portvakt/views/paths"
)

// General > Security: who has access to Authentication Settings, and which e-mail domains may
// link an SSO identity. Administrators only.

// handleSecurity shows both lists as stored.
func (s *Server) handleSecurity(c echo.Context) error {
	v, err := s.storedSecurity(c.Request().Context())
	if err != nil {
		return err
	}
	s.markSelf(c, &v)
	return render(c, http.StatusOK, views.SecurityPage(s.securityPage(c), v))
}

func (s *Server) securityPage(c echo.Context) views.Page {
	return s.page(c, "security.title", "security", crumb(c, "nav.general", ""), crumb(c, "nav.security", paths.Security))
}

// markSelf tells the page whether the administrator is on the grant list, since being an
// administrator does not give access by itself.
func (s *Server) markSelf(c echo.Context, v *views.SecurityView) {
	me := currentSession(c).User.Email
	v.SelfGranted = slices.ContainsFunc(v.Grants, func(r views.GrantRow) bool { return r.Email == me })
}

// handleGrantsSubmit handles every button of the grant list: add or remove a row, pick a
// suggestion, or save.
func (s *Server) handleGrantsSubmit(c echo.Context) error {
	ctx := c.Request().Context()
	values, act, err := postedRows(c, "person", maxEmail)
	if err != nil {
		return err
	}
	v, err := s.storedSecurity(ctx)
	if err != nil {
		return err
	}
	p := s.securityPage(c)
	rows, ids, problems := s.resolveGrantRows(c, values)
	for i := range rows {
		if j := slices.IndexFunc(v.Grants, func(g views.GrantRow) bool { return g.Email == rows[i].Email }); j >= 0 {
			rows[i].Since = v.Grants[j].Since // a stored row keeps its date while others are edited
		}
	}
	if act.kind != "save" {
		v.Grants, v.GrantsUnsaved = keepTyped(rows), true
		s.markSelf(c, &v)
		return render(c, http.StatusOK, views.SecurityPage(p, v))
	}
	if len(problems) == 0 {
		added, removed, err := s.store.SetGrants(ctx, s.actor(c), ids)
		if err == nil {
			s.setFlash(c, "security.grants.saved", len(ids), added, removed)
			return redirect(c, paths.Security)
		}
		switch {
		case errors.Is(err, store.ErrNotFound):
			problems = append(problems, views.FieldError{Field: "person-0", Message: lang(c).T("security.err.person.gone")})
		case errors.Is(err, store.ErrLocksOutPrivileged):
			problems = append(problems, views.FieldError{Field: "person-0", Message: lang(c).T("security.err.grant.unlinked")})
		case errors.Is(err, store.ErrLastWayIn):
			problems = append(problems, views.FieldError{Field: "person-0", Message: lang(c).T("security.err.grant.lastway")})
		default:
			return err
		}
	}
	v.Grants, v.GrantsUnsaved = rows, true
	s.markSelf(c, &v)
	p.Errors = problems
	return unprocessable(c, views.SecurityPage(p, v))
}

// keepTyped drops the messages from rows that were not saved, keeping what was typed.
func keepTyped(rows []views.GrantRow) []views.GrantRow {
	for i := range rows {
		rows[i].Error, rows[i].Choices = "", nil
	}
	return rows
}

// storedSecurity is the page with both lists as stored; a form handler then replaces the list
// being edited with what was posted.
func (s *Server) storedSecurity(ctx context.Context) (views.SecurityView, error) {
	var v views.SecurityView
	grants, err := s.store.ListGrants(ctx)
	if err != nil {
		return v, err
	}
	for _, g := range grants {
		v.Grants = append(v.Grants, views.GrantRow{Value: g.Email, Name: g.Name, Email: g.Email, Since: g.GrantedAt})
	}
	domains, err := s.store.ListAllowedDomains(ctx)
	if err != nil {
		return v, err
	}
	for _, d := range domains {
		v.Domains = append(v.Domains, views.AllowedDomainRow{Value: d.Name, Since: d.AddedAt})
	}
	return v, nil
}

// resolveGrantRows finds the person each row names: an exact e-mail, or a name or part of an
// e-mail that matches exactly one user. Rows naming nobody, or several people, get a message
// (with the matches to choose from). Empty rows are skipped; a person named twice counts once.
func (s *Server) resolveGrantRows(c echo.Context, values []string) ([]views.GrantRow, []int64, []views.FieldError) {
	ctx, l := c.Request().Context(), lang(c)
	var rows []views.GrantRow
	var ids []int64
	var problems []views.FieldError
	for i, val := range values {
		row := views.GrantRow{Index: i, Value: val}
		if val != "" {
			matches, err := s.findPeople(ctx, val)
			switch {
			case err != nil:
				row.Error = l.T("security.err.person.search")
			case len(matches) == 1:
				row.Name, row.Email = matches[0].Name, matches[0].Email
				if !slices.Contains(ids, matches[0].ID) {
					ids = append(ids, matches[0].ID)
				}
			case len(matches) == 0:
				row.Error = l.T("security.err.person.none", val)
			default:
				row.Error = l.T("security.err.person.many", val)
				for _, m := range matches {
					row.Choices = append(row.Choices, views.PersonChoice{Name: m.Name, Email: m.Email})
				}
			}
		}
		if row.Error != "" {
			problems = append(problems, views.FieldError{Field: "person-" + strconv.Itoa(i), Message: row.Error})
		}
		rows = append(rows, row)
	}
	return rows, ids, problems
}

// findPeople returns the user with exactly this e-mail, or else up to six users whose name or
// e-mail contains q.
func (s *Server) findPeople(ctx context.Context, q string) ([]store.User, error) {
	if email, err := account.NormaliseEmail(q); err == nil {
		u, err := s.store.UserByEmail(ctx, email)
		if err == nil {
			return []store.User{u}, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	items, _, err := s.store.ListUsers(ctx, store.UserFilter{Query: q, Limit: 6})
	if err != nil {
		return nil, err
	}
	out := make([]store.User, len(items))
	for i, it := range items {
		out[i] = it.User
	}
	return out, nil
}

// handlePeopleSuggest answers the suggestions of the grant rows and of an application's people
// rows as JSON while a person types.
func (s *Server) handlePeopleSuggest(c echo.Context) error {
	q, ok := formText(c.QueryParam("q"), maxEmail)
	if !ok {
		return badRequest("query too long")
	}
	type person struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	}
	out := []person{}
	if len([]rune(q)) >= 2 {
		items, _, err := s.store.ListUsers(c.Request().Context(), store.UserFilter{Query: q, Limit: 10})
		if err != nil {
			return err
		}
		for _, it := range items {
			out = append(out, person{Name: it.Name, Email: it.Email})
		}
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, out)
}
