// Package migrations holds the SQL files that build portvakt's database, applied in name order.
package migrations

import "embed"

// FS holds every migration file, named NNNN_description.sql.
//
//go:embed *.sql
var FS embed.FS
