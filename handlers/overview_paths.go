package handlers

import (
	"net/url"
	"strconv"

	"portvakt/store"
	"portvakt/views/paths"
)

// The addresses of the readiness overview and of the Users filters it links to.

// overviewHref is the overview with the chart over days.
func overviewHref(days int) string {
	if days == defaultChartDays {
		return paths.AuthSettings
	}
	return paths.AuthSettings + "?days=" + strconv.Itoa(days)
}

// usersHref is the Users list showing group g within the search q.
func usersHref(g store.UserShow, q string) string {
	return usersListHref(paths.Users, g, q)
}

// usersExportHref is the CSV export of the same list.
func usersExportHref(g store.UserShow, q string) string {
	return usersListHref(paths.UsersExport, g, q)
}

func usersListHref(path string, g store.UserShow, q string) string {
	v := url.Values{}
	if g != store.ShowAll {
		v.Set("show", string(g))
	}
	if q != "" {
		v.Set("q", q)
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}
