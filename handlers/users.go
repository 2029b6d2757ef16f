package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"portvakt/store"
	"portvakt/views"
)

// Users: the list with search and paging, creating a user, and each user's page. Administrators
// only.

// usersPerPage is one page of the Users list.
const usersPerPage = 50

// handleUsers lists users by name, filtered by the search box.
func (s *Server) handleUsers(c echo.Context) error {
	q, _ := formText(c.QueryParam("q"), maxEmail)
	q = truncate(q, maxEmail)
	page, _ := strconv.Atoi(c.QueryParam("page"))
	page = max(page, 1)
	items, total, err := s.store.ListUsers(c.Request().Context(), store.UserFilter{
		Query: q, Offset: (page - 1) * usersPerPage, Limit: usersPerPage,
	})
	if err != nil {
		return err
	}
	v := views.UsersView{Query: q, Total: total, Page: page, PerPage: usersPerPage}
	for _, it := range items {
		v.Users = append(v.Users, userRow(it))
	}
	base := "/users?"
	if q != "" {
		base += "q=" + url.QueryEscape(q) + "&"
	}
	if page > 1 {
		v.PrevHref = base + "page=" + strconv.Itoa(page-1)
	}
	if page*usersPerPage < total {
		v.NextHref = base + "page=" + strconv.Itoa(page+1)
	}
	p := s.page(c, "users.title", "users", crumb(c, "nav.general", ""), crumb(c, "nav.users", "/users"))
	return render(c, http.StatusOK, views.UsersPage(p, v))
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
	name, nameOK := formText(c.FormValue("name"), maxName)
	rawEmail := strings.TrimSpace(c.FormValue("email"))
	f := userForm{name: name, lang: c.FormValue("lang")}
	v.Name.Value, v.Email.Value = truncate(name, maxName*4), truncate(rawEmail, maxEmail*2)
	if _, ok := views.ParseLang(f.lang); !ok {
		f.lang = ""
	}
	v.Lang = f.lang
	var problems fieldProblems
	switch {
	case name == "":
		problems.add(&v.Name, l.T("users.err.name"))
	case !nameOK:
		problems.add(&v.Name, l.T("users.err.name.long"))
	}
	email, err := NormaliseEmail(rawEmail)
	if key := EmailErrorKey(err); key != "" {
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
	return s.page(c, "users.new.title", "users", crumb(c, "nav.general", ""), crumb(c, "nav.users", "/users"),
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
			return redirect(c, "/users/"+strconv.FormatInt(u.ID, 10))
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
