// Package static holds portvakt's own stylesheet, script and images, embedded in the binary.
package static

import "embed"

// FS holds css/, js/ and img/.
//
//go:embed css js img
var FS embed.FS
