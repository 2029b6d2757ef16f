package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"portvakt/store"
	"portvakt/store/account"
	"portvakt/views"
	"portvakt/views/paths"
)

// Users: the list with search and paging, creating a user, and each user's page. Administrators
// only.

// usersPerPage is one page of the Users list.
const usersPerPage = 50

// handleUsers lists users by name, filtered by the search box and a group (readiness.go), with
// how many people each group holds within the search.
func (s *Server) handleUsers(c echo.Context) error {
	q, show := usersQuery(c)
	page, _ := strconv.Atoi(c.QueryParam("page"))
	page = max(page, 1)
	items, counts, err := s.store.ListUsersCounted(c.Request().Context(), store.UserFilter{
		Query: q, Show: show, Offset: (page - 1) * usersPerPage, Limit: usersPerPage,
	})
	if err != nil {
		return err
	}
	total := counts[show]
	v := views.UsersView{Query: q, Show: string(show), Total: total, Page: page, PerPage: usersPerPage,
		ExportHref: usersExportHref(show, q)}
	for _, g := range store.UserShows {
		name := string(g)
		if g == store.ShowAll {
			name = "all"
		}
		v.Filters = append(v.Filters, views.UserFilterLink{Key: userShowKey(g), Count: counts[g],
			Href: usersHref(g, q), Current: g == show, Group: name})
	}
	for _, it := range items {
		v.Users = append(v.Users, userRow(it))
	}
	base := usersHref(show, q)
	if strings.Contains(base, "?") {
		base += "&"
	} else {
		base += "?"
	}
	if page > 1 {
		v.PrevHref = base + "page=" + strconv.Itoa(page-1)
	}
	if page*usersPerPage < total {
		v.NextHref = base + "page=" + strconv.Itoa(page+1)
	}
	p := s.page(c, "users.title", "users", crumb(c, "nav.general", ""), crumb(c, "nav.users", paths.Users))
	return render(c, http.StatusOK, views.UsersPage(p, v))
}

// usersQuery reads the search and the group of the Users list; an unknown group shows everybody.
func usersQuery(c echo.Context) (string, store.UserShow) {
	q, _ := formText(c.QueryParam("q"), maxEmail)
	q = truncate(q, maxEmail)
	show, _ := store.ParseUserShow(c.QueryParam("show"))
	return q, show
}

// userShowKey is the text key naming a group in the filters.
func userShowKey(g store.UserShow) string {
	if g == store.ShowAll {
		return "users.show.all"
	}
	return "users.show." + string(g)
}

func userRow(it store.UserListItem) views.UserRow {
	r := views.UserRow{
		ID: it.ID, Name: it.Name, Email: it.Email, Verified: it.EmailVerified, Admin: it.IsAdmin,
		AuthSettings: it.HasGrant, LastLogin: it.LastLoginAt, Lang: it.Lang,
		Source: it.Source, SourceToken: it.SourceToken, Deactivated: it.Deactivated,
	}
	if it.Link != nil {
		r.Link = &views.LinkView{Issuer: it.Link.Issuer, Subject: it.Link.Subject, LinkedAt: it.Link.LinkedAt}
	}
	return r
}

// userForm is the create and edit form with what was typed.
type userForm struct {
	name, email, lang string
}

// The e-mail hint is emailHint: what happens to the address on this form.
func (s *Server) userFields(c echo.Context, f userForm, emailHint string) views.UserFormView {
	l := lang(c)
	v := views.UserFormView{
		Name: views.Field{ID: "name", Name: "name", Label: l.T("users.name"), Value: f.name,
			Autocomplete: "off", MaxLen: maxName, Required: true},
		Email: views.Field{ID: "email", Name: "email", Label: l.T("users.email"), Hint: l.T(emailHint),
			Type: "email", Value: f.email, Autocomplete: "off", MaxLen: maxEmail, Required: true},
		Lang: f.lang,
	}
	return v
}

// readUserForm reads and checks the form; problems are set on the fields of v.
func readUserForm(c echo.Context, v *views.UserFormView) (userForm, fieldProblems) {
	l := lang(c)
	rawName := c.FormValue("name")
	name, nameErr := account.CheckName(rawName)
	rawEmail := strings.TrimSpace(c.FormValue("email"))
	f := userForm{name: name, lang: c.FormValue("lang")}
	v.Name.Value, v.Email.Value = truncate(account.ShowName(strings.TrimSpace(rawName)), maxName*4), truncate(rawEmail, maxEmail*2)
	if _, ok := views.ParseLang(f.lang); !ok {
		f.lang = ""
	}
	v.Lang = f.lang
	var problems fieldProblems
	switch {
	case errors.Is(nameErr, account.ErrNameEmpty):
		problems.add(&v.Name, l.T("users.err.name"))
	case errors.Is(nameErr, account.ErrNameTooLong):
		problems.add(&v.Name, l.T("users.err.name.long"))
	case nameErr != nil:
		problems.add(&v.Name, l.T("users.err.name.chars"))
	}
	email, err := account.NormaliseEmail(rawEmail)
	if key := views.EmailErrorKey(err); key != "" {
		problems.add(&v.Email, l.T(key))
	}
	f.email = email
	return f, problems
}

// handleUserNew shows the form that creates a user.
func (s *Server) handleUserNew(c echo.Context) error {
	v := s.userFields(c, userForm{}, "users.email.hint.new")
	v.Name.Autofocus = true
	return render(c, http.StatusOK, views.UserNewPage(s.userNewPage(c), v))
}

func (s *Server) userNewPage(c echo.Context) views.Page {
	return s.page(c, "users.new.title", "users", crumb(c, "nav.general", ""), crumb(c, "nav.users", paths.Users),
		crumb(c, "users.new.title", ""))
}

// handleUserCreate creates the user and sends the verification mail in the user's language.
func (s *Server) handleUserCreate(c echo.Context) error {
	ctx := c.Request().Context()
	v := s.userFields(c, userForm{}, "users.email.hint.new")
	f, problems := readUserForm(c, &v)
	if len(problems) == 0 {
		vm, err := s.verificationMail(ctx, f.name, f.email, f.lang)
		if err != nil {
			return err
		}
		u, mailID, err := s.store.CreateUserWithVerification(ctx, s.actor(c), store.NewUser{Email: f.email, Name: f.name}, f.lang, vm)
		if err == nil {
			s.flashDelivery(c, "users.created", f.email, s.mailer.deliver(ctx, s.actor(c), mailID))
			return redirect(c, paths.User(u.ID))
		}
		if !isConflict(err) {
			return err
		}
		problems.add(&v.Email, lang(c).T("users.err.email.taken"))
	}
	p := s.userNewPage(c)
	p.Errors = problems
	return unprocessable(c, views.UserNewPage(p, v))
}
