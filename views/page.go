// Package views renders portvakt's pages with templ. Components take flat view models built by
// the handlers; views never call the store.
package views

// Page is what every page's layout needs: language, the signed-in person, navigation state, the
// CSRF token for forms, and the messages at the top.
type Page struct {
	Lang    Lang
	Title   string // the page's own title, already translated
	Path    string // the current path, where the language switch returns to
	CSRF    string
	Person  *Person // nil when nobody is signed in
	OrgName string
	Area    string // the navigation area this page belongs to, e.g. "profile"
	Crumbs  []Crumb
	Flash   string       // a confirmation after a successful change
	Errors  []FieldError // the error summary of a refused form
	// Confirm is the countdown of a password switch-off waiting for its confirmation, for
	// people with Authentication Settings access (flow 14); nil otherwise.
	Confirm *ConfirmBanner
}

// T translates key into the page's language.
func (p Page) T(key string, args ...any) string { return p.Lang.T(key, args...) }

// Person is the signed-in person as the layout shows them.
type Person struct {
	Name         string
	Email        string
	Admin        bool
	AuthSettings bool
	ViaSSO       bool
}

// Crumb is one step of the breadcrumb; the last one has no link.
type Crumb struct {
	Label string
	Href  string
}

// FieldError is one problem with a submitted form: the field's id (for the summary link) and a
// message that says what to do.
type FieldError struct {
	Field   string
	Message string
}

// ErrorFor returns the message for a field, or "".
func (p Page) ErrorFor(field string) string {
	for _, e := range p.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// Field describes one labelled input with its hint, value and error.
type Field struct {
	ID           string
	Name         string
	Label        string
	Hint         string
	Type         string // "text" when empty
	Value        string
	Error        string
	Autocomplete string
	MaxLen       int
	Required     bool
	Autofocus    bool
}

// InputType is the field's type attribute.
func (f Field) InputType() string {
	if f.Type == "" {
		return "text"
	}
	return f.Type
}

// DescribedBy lists the ids of the hint and error, for aria-describedby.
func (f Field) DescribedBy() string {
	ids := ""
	if f.Hint != "" {
		ids = f.ID + "-hint"
	}
	if f.Error != "" {
		if ids != "" {
			ids += " "
		}
		ids += f.ID + "-error"
	}
	return ids
}
