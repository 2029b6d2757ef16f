package handlers

import (
	"net/url"
	"strconv"

	"portvakt/store"
)

// The paths of the readiness overview and the Users filters it links to, in one place.
const (
	pathOverview        = "/auth-settings"
	pathOverviewInvites = "/auth-settings/invites"
	pathUsers           = "/users"
	pathUsersExport     = "/users/export.csv"
)

// overviewHref is the overview with the chart over days.
func overviewHref(days int) string {
	if days == defaultChartDays {
		return pathOverview
	}
	return pathOverview + "?days=" + strconv.Itoa(days)
}

// usersHref is the Users list showing group g within the search q.
func usersHref(g store.UserShow, q string) string {
	return usersListHref(pathUsers, g, q)
}

// usersExportHref is the CSV export of the same list.
func usersExportHref(g store.UserShow, q string) string {
	return usersListHref(pathUsersExport, g, q)
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
